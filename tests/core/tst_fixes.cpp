// What the Studio's fixes stand on: fixing one finding at a time, independent copies for undo,
// and the before/after diff listing exactly what the preparer changed.
#include "checks/validation_report.h"
#include "checks/validator.h"
#include "compare/equivalence.h"
#include "graph/graph_diff.h"
#include "prepare/preparer.h"
#include "test_models.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model.h"

#include <QtTest>

#include <algorithm>
#include <map>

using namespace torchprep;

namespace {

std::unique_ptr<TorchModel> loadModel(const char *name)
{
    return TorchModel::load(testing::modelPath(name).toStdString());
}

ValidationReport validate(const TorchModel &model)
{
    return validateGraph(buildModelGraph(model), {});
}

std::vector<std::string> keys(const ValidationReport &report)
{
    std::vector<std::string> out;
    for (const Finding &f : report.findings)
        out.push_back(findingKey(f));
    return out;
}

bool provenEqual(const TorchModel &a, const TorchModel &b)
{
    InputSpec spec;
    spec.shapes = {{1, 3, 64, 64}};
    spec.batches = 1;
    return proveEquivalent(a, b, spec, 0.0).passed;
}

} // namespace

class TestFixes : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(testing::modelPath("resnet18_traced")),
                 "run through ctest: the models come from the generate_test_models fixture");
    }

    // The first and last finding of resnet18 (a reused relu, an add), fixed alone: it goes, the
    // others stay, and the outputs do not change.
    void eachFindingFixesAlone_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("traced") << "resnet18_traced";
        QTest::newRow("scripted") << "resnet18_scripted";
    }

    void eachFindingFixesAlone()
    {
        QFETCH(QString, model);
        const auto original = loadModel(qPrintable(model));
        const std::vector<std::string> before = keys(validate(*original));
        QCOMPARE(before.size(), std::size_t(16));
        for (const std::string &key : {before.front(), before.back()}) {
            auto fixed = original->copy();
            PrepareOptions options;
            options.onlyFindings = {key};
            const PrepareResult result = prepareModel(*fixed, options);
            std::size_t changes = 0;
            for (const PassLog &pass : result.passes)
                changes += pass.changes.size();
            QVERIFY(changes >= 1);
            // The finding goes, and nothing else but findings at the same line of code: a
            // scripted model's blocks of one class share that code (layer1.0 and layer1.1).
            const std::vector<std::string> after = keys(validate(*fixed));
            QVERIFY(std::find(after.begin(), after.end(), key) == after.end());
            const auto sameLine = [&](const std::string &k) {
                return k.substr(0, k.find('|')) == key.substr(0, key.find('|')) &&
                       k.substr(k.rfind('|')) == key.substr(key.rfind('|'));
            };
            for (const std::string &k : before) {
                const bool kept = std::find(after.begin(), after.end(), k) != after.end();
                QVERIFY2(kept || sameLine(k), k.c_str());
            }
            if (model.endsWith("traced"))
                QCOMPARE(after.size(), before.size() - 1);
            QVERIFY(provenEqual(*original, *fixed));
        }
    }

    // A copy is what undo returns to: fixing it leaves the original's graph and findings as
    // they were, to the byte.
    void copiesAreIndependent()
    {
        const auto original = loadModel("resnet18_traced");
        const std::string before = validationJson(validate(*original));
        auto fixed = original->copy();
        prepareModel(*fixed, {});
        QVERIFY(validate(*fixed).findings.empty());
        QCOMPARE(validationJson(validate(*original)), before);
        QCOMPARE(buildModelGraph(*original).nodes.size(),
                 buildModelGraph(*loadModel("resnet18_traced")).nodes.size());
    }

    // Fix all on resnet18: 8 Add modules and 8 unrolled ReLUs added, 8 add_ ops gone, 8 relus
    // called once instead of twice; nothing else.
    void diffListsExactlyThePreparersChanges()
    {
        const auto original = loadModel("resnet18_traced");
        auto fixed = original->copy();
        const PrepareResult result = prepareModel(*fixed, {});
        const GraphDiff diff = diffModelGraphs(buildModelGraph(*original), buildModelGraph(*fixed));
        std::map<std::string, int> kinds;
        for (const GraphChange &c : diff.changes) {
            ++kinds[c.kind];
            if (c.kind == "module_added")
                QVERIFY2(c.module.find("module_") != std::string::npos, c.module.c_str());
            if (c.kind == "op_removed") {
                QCOMPARE(c.detail, std::string("aten::add_"));
                QCOMPARE(c.count, 1);
            }
            if (c.kind == "calls_changed")
                QCOMPARE(c.detail, std::string("2 calls -> 1"));
        }
        QCOMPARE(kinds, (std::map<std::string, int>{
                            {"module_added", 16}, {"op_removed", 8}, {"calls_changed", 8}}));
        // The same modules the preparer's log names.
        std::vector<std::string> logged, added;
        for (const PassLog &pass : result.passes)
            for (const PreparedChange &c : pass.changes)
                logged.push_back(c.module);
        for (const GraphChange &c : diff.changes)
            if (c.kind == "module_added")
                added.push_back(c.module);
        std::sort(logged.begin(), logged.end());
        std::sort(added.begin(), added.end());
        QCOMPARE(added, logged);
        QVERIFY(diffModelGraphs(buildModelGraph(*original), buildModelGraph(*original)).empty());
    }

    // The same diff as the Studio lists it: 8 adds rewritten into Add modules and 8 second
    // relu calls unrolled into copies, each pairing the node that went with the one that came.
    void diffEntriesPairRewritesAndUnrolledCalls()
    {
        const auto original = loadModel("resnet18_traced");
        auto fixed = original->copy();
        prepareModel(*fixed, {});
        const ModelGraph before = buildModelGraph(*original);
        const ModelGraph after = buildModelGraph(*fixed);
        const GraphDiff diff = diffModelGraphs(before, after);
        std::map<DiffKind, int> kinds;
        NodeId lastAfter = kNoId;
        for (const DiffEntry &e : diff.entries) {
            ++kinds[e.kind];
            QVERIFY2(!e.beforeNodes.empty() && !e.afterNodes.empty(), e.module.c_str());
            const GraphNode &was = before.nodes[e.beforeNodes.front()];
            const GraphNode &now = after.nodes[e.afterNodes.front()];
            QCOMPARE(diff.alignment.afterOf[was.id], now.id);
            QCOMPARE(diff.alignment.beforeOf[now.id], was.id);
            QCOMPARE(now.kind, NodeKind::ModuleCall);
            QCOMPARE(after.modules[now.callee].path, e.module);
            QVERIFY2(now.id > lastAfter, "entries follow the prepared model's execution order");
            lastAfter = now.id;
            const std::string block = e.module.substr(0, e.module.rfind('.')); // "layer1.0"
            if (e.kind == DiffKind::OpRewritten) {
                QCOMPARE(was.op, std::string("aten::add_"));
                QCOMPARE(before.modules[was.owner].path, block);
                // AIMET's one counter across the model: module_add, module_add_1, ...
                QVERIFY2(e.module == block + ".module_add" ||
                             e.module.rfind(block + ".module_add_", 0) == 0,
                         e.module.c_str());
                QCOMPARE(after.modules[now.callee].typeName, std::string("Add"));
                QVERIFY(e.source.known());
                QCOMPARE(e.source.str(), was.source.str());
            } else {
                QCOMPARE(e.kind, DiffKind::ReuseUnrolled);
                const ModuleInfo *relu = before.findModule(block + ".relu");
                QVERIFY(relu && relu->calls.size() == 2);
                QCOMPARE(was.id, relu->calls[1]); // the second call went to the copy
                QCOMPARE(e.module, block + ".module_relu_1");
            }
        }
        QCOMPARE(kinds, (std::map<DiffKind, int>{{DiffKind::OpRewritten, 8},
                                                 {DiffKind::ReuseUnrolled, 8}}));
        // Everything else is the same node in both graphs.
        int unpaired = 0;
        for (const GraphNode &n : before.nodes) {
            const NodeId twin = diff.alignment.afterOf[n.id];
            if (twin == kNoId)
                ++unpaired;
            else if (n.kind == NodeKind::Op && after.nodes[twin].kind == NodeKind::Op)
                QCOMPARE(after.nodes[twin].op, n.op);
        }
        QCOMPARE(unpaired, 0);

        const GraphDiff same = diffModelGraphs(before, before);
        QVERIFY(same.entries.empty());
        for (const GraphNode &n : before.nodes)
            QCOMPARE(same.alignment.afterOf[n.id], n.id);
    }

    // Two files, the second fixed by hand (a ReLU of its own for the second call): the diff
    // pairs the lost call with the new module by class and place, with no name to go by.
    void diffOfAHandEditedModel()
    {
        const ModelGraph before = buildModelGraph(*loadModel("reused_relu_traced"));
        const ModelGraph after = buildModelGraph(*loadModel("reused_relu_hand_fixed_traced"));
        const GraphDiff diff = diffModelGraphs(before, after);
        QCOMPARE(diff.entries.size(), std::size_t(1));
        const DiffEntry &e = diff.entries.front();
        QCOMPARE(e.kind, DiffKind::ReuseUnrolled);
        QCOMPARE(e.module, std::string("relu2"));
        QCOMPARE(e.beforeNodes, std::vector<NodeId>{before.findModule("relu1")->calls.at(1)});
        QCOMPARE(e.afterNodes, std::vector<NodeId>{after.findModule("relu2")->calls.at(0)});
        QCOMPARE(std::string(diffKindName(e.kind)), std::string("unrolled"));
    }
};

QTEST_GUILESS_MAIN(TestFixes)
#include "tst_fixes.moc"
