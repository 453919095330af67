// The analysed model (load -> graph -> validate; prepare a copy -> rebuild -> re-validate)
// against the steps it replaces, and the catalogue of checks and passes against the validator's
// and the preparer's own order.
#include "base/errors.h"
#include "checks/check_catalogue.h"
#include "pipeline/analysed_model.h"
#include "test_models.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model.h"

#include <QtTest>

#include <set>

using namespace torchprep;

namespace {

std::vector<std::string> keys(const ValidationReport &report)
{
    std::vector<std::string> out;
    for (const Finding &f : report.findings)
        out.push_back(findingKey(f));
    return out;
}

} // namespace

class TestAnalysedModel : public QObject
{
    Q_OBJECT

  private slots:
    void catalogueFollowsTheValidatorAndThePreparer()
    {
        std::vector<std::string> checks, passes;
        std::set<std::string> titles;
        for (const CheckEntry &c : checkCatalogue()) {
            checks.push_back(c.id);
            QVERIFY(!c.title.empty() && !c.colourKey.empty());
            QVERIFY2(titles.insert(c.title).second, c.title.c_str());
            QCOMPARE(findCheck(c.id), &c);
        }
        for (const PassEntry &p : passCatalogue()) {
            passes.push_back(p.id);
            QVERIFY(!p.title.empty() && !p.changeOne.empty() && !p.changeMany.empty());
            QCOMPARE(findPass(p.id), &p);
        }
        QCOMPARE(checks, checkNames());
        QCOMPARE(passes, preparePassNames());
        QVERIFY(!findCheck("no_such_check"));
        QVERIFY(!findPass("no_such_pass"));
    }

    void loadIsTheStepsItReplaces()
    {
        const std::string path = testing::modelPath("resnet18_traced").toStdString();
        const AnalysedModel analysed = AnalysedModel::load(path);
        const auto model = TorchModel::load(path);
        const ValidationReport direct = validateGraph(buildModelGraph(*model), CheckOptions{});
        QVERIFY(analysed.model());
        QCOMPARE(analysed.report().findings.size(), std::size_t(16));
        QCOMPARE(keys(analysed.report()), keys(direct));
        QCOMPARE(analysed.graph().nodes.size(), buildModelGraph(*model).nodes.size());
        QCOMPARE(analysed.path(), analysed.graph().sourcePath);
    }

    void revalidatingSharesTheGraph()
    {
        const AnalysedModel analysed =
            AnalysedModel::load(testing::modelPath("resnet18_traced").toStdString());
        CheckOptions options;
        options.excludedModules = {"layer1"};
        const AnalysedModel again = analysed.revalidated(options);
        QCOMPARE(again.sharedGraph(), analysed.sharedGraph());
        QCOMPARE(again.model(), analysed.model());
        QVERIFY(again.report().findings.size() < analysed.report().findings.size());
        QCOMPARE(keys(again.report()), keys(validateGraph(analysed.graph(), options)));
        QCOMPARE(again.checkOptions().excludedModules, options.excludedModules);
        options.excludedModules = {"no.such.module"};
        QVERIFY_THROWS_EXCEPTION(InputError, analysed.revalidated(options));
    }

    void preparingLeavesTheOriginalAndRevalidatesTheCopy()
    {
        const AnalysedModel analysed =
            AnalysedModel::load(testing::modelPath("resnet18_traced").toStdString());
        const PreparedModel all = analysed.prepared(PrepareOptions{});
        QVERIFY(all.analysed.model() != analysed.model());
        QVERIFY(all.analysed.sharedGraph() != analysed.sharedGraph());
        QCOMPARE(all.analysed.report().findings.size(), std::size_t(0));
        QCOMPARE(all.changes().size(), std::size_t(16)); // 8 adds become modules, 8 relus unrolled
        // The opened model is untouched: analysing it again still finds all 16.
        QCOMPARE(AnalysedModel::analyse(analysed.model()).report().findings.size(),
                 std::size_t(16));

        // One finding at a time, as the Studio fixes: that one goes, the others stay.
        PrepareOptions one;
        one.onlyFindings = {findingKey(analysed.report().findings.front())};
        const PreparedModel fixed = analysed.prepared(one);
        std::vector<std::string> expected = keys(analysed.report());
        expected.erase(expected.begin());
        QCOMPARE(keys(fixed.analysed.report()), expected);
        QCOMPARE(fixed.changes().size(), std::size_t(1));

        // The preparer's exclusions validate the copy: a module of an excluded class is no
        // finding there either.
        PrepareOptions byClass;
        byClass.excludedClasses = {"BasicBlock"};
        const PreparedModel kept = analysed.prepared(byClass);
        QCOMPARE(kept.analysed.checkOptions().excludedClasses,
                 std::vector<std::string>{"BasicBlock"});
        QCOMPARE(kept.analysed.checkOptions().excludedClasses,
                 kept.result.checkOptions.excludedClasses);
        QCOMPARE(kept.analysed.report().findings.size(), std::size_t(0));
        QCOMPARE(kept.changes().size(), std::size_t(0));
    }

    void badInputIsOneLine()
    {
        try {
            AnalysedModel::load(testing::modelPath("bad_empty").toStdString());
            QFAIL("loaded an empty file");
        } catch (const InputError &e) {
            QVERIFY(std::string(e.what()).find('\n') == std::string::npos);
        }
        const AnalysedModel handMade(nullptr, std::make_shared<const ModelGraph>(),
                                     ValidationReport{}, CheckOptions{});
        QVERIFY_THROWS_EXCEPTION(InputError, handMade.prepared(PrepareOptions{}));
    }
};

QTEST_MAIN(TestAnalysedModel)
#include "tst_analysed_model.moc"
