// The validator on generated models: exact findings, each pointing at the user's real source
// line, the same for traced and scripted models, and agreeing with torch.fx as an oracle.
#include "base/errors.h"
#include "checks/validator.h"
#include "graph/op_catalogue.h"
#include "test_models.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>

using namespace torchprep;

namespace {

// What a finding must say. `snippet` must appear on the source line the finding names.
struct Expected
{
    QString check;
    QString module;
    QString op;
    int calls = 0;
    QString snippet;
};

} // namespace

Q_DECLARE_METATYPE(std::vector<Expected>)

namespace {

ValidationReport validate(const QString &model, const CheckOptions &options = {})
{
    const auto loaded = TorchModel::load(testing::modelPath(model).toStdString());
    return validateGraph(buildModelGraph(*loaded), options);
}

bool sourceShows(const SourceLocation &source, const QString &snippet)
{
    if (!source.known())
        return false;
    return testing::sourceLine(QString::fromStdString(source.file), source.line).contains(snippet);
}

QString describe(const Finding &f)
{
    return QString("%1 %2 %3 at %4")
        .arg(QString::fromStdString(f.check), QString::fromStdString(f.module),
             QString::fromStdString(f.op), QString::fromStdString(f.source.str()));
}

void compareFindings(const ValidationReport &report, const std::vector<Expected> &expected)
{
    QStringList got;
    for (const Finding &f : report.findings)
        got << describe(f);
    QVERIFY2(report.findings.size() == expected.size(), qPrintable(got.join("\n")));
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const Finding &f = report.findings[i];
        const Expected &e = expected[i];
        QCOMPARE(QString::fromStdString(f.check), e.check);
        QCOMPARE(QString::fromStdString(f.module), e.module);
        QCOMPARE(QString::fromStdString(f.op), e.op);
        QCOMPARE(f.calls, e.calls);
        if (!e.snippet.isEmpty())
            QVERIFY2(sourceShows(f.source, e.snippet),
                     qPrintable(describe(f) + " should show: " + e.snippet));
        QVERIFY(!f.message.empty());
        QVERIFY(!f.fix.empty());
    }
    std::size_t total = 0;
    for (const CheckSummary &check : report.checks)
        total += check.count;
    QCOMPARE(total, report.findings.size());
    QCOMPARE(report.checks.size(), std::size_t(6));
}

QJsonObject oracle(const QString &model)
{
    QFile file(qEnvironmentVariable("TORCHPREP_TEST_MODELS") + "/fx_oracle.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object()[model].toObject();
}

} // namespace

class TestValidator : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(testing::modelPath("clean_traced")),
                 "run through ctest: the models come from the generate_test_models fixture");
    }

    void seedModels_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<std::vector<Expected>>("expected");
        const QString m = "missing_module";
        for (const QString variant : {"traced", "scripted"}) {
            auto row = [&](const char *name, std::vector<Expected> e) {
                QTest::newRow(qPrintable(QString(name) + "_" + variant))
                    << QString(name) + "_" + variant << e;
            };
            row("clean", {});
            row("reused_relu", {{"reused_module", "relu1", "", 2, "return self.relu1(x)"}});
            row("functional_linear", {{m, "", "aten::relu", 0, "x = F.relu(x)"},
                                      {m, "", "aten::linear", 0, "F.linear(x, self.weight"}});
            row("three_relus", {{m, "", "aten::relu", 0, "x = F.relu(self.conv(x))"},
                                {m, "", "aten::relu", 0, "x = torch.relu(x)"},
                                {m, "", "aten::relu", 0, "return x.relu()"}});
            row("elementwise_add", {{m, "", "aten::add", 0, "self.conv1(x) + self.conv2(x)"}});
            row("square_and_product", {{m, "", "aten::mul", 0, "return a * a, a * b"},
                                       {m, "", "aten::mul", 0, "return a * a, a * b"}});
            // The exporter refuses prim::DictConstruct too (checked with torch.onnx.export).
            row("dict_io", {{"non_tensor_io", "", "", 0, ""},
                            {"onnx_exportable", "", "prim::DictConstruct", 0, ""}});
            row("arange_shape", {{m, "", "aten::add", 0, "return x + positions"},
                                 {"input_dependent_constructor", "", "aten::arange", 0,
                                  "torch.arange(x.shape[-1])"}});
            row("excluded_custom", {{m, "", "aten::relu", 0, "x = F.relu(self.conv(x))"},
                                    {m, "custom", "aten::softplus", 0, "F.softplus(x).sigmoid()"},
                                    {m, "custom", "aten::sigmoid", 0, "F.softplus(x).sigmoid()"},
                                    {m, "custom", "aten::mul", 0, "F.softplus(x).sigmoid()"},
                                    {m, "", "aten::add", 0, "return x + y"}});
        }
        // Only scripting keeps control flow.
        QTest::newRow("if_flag_scripted")
            << QString("if_flag_scripted")
            << std::vector<Expected>{{"non_tensor_io", "", "", 0, ""},
                                     {"dynamic_control_flow", "", "prim::If", 0, "if flag:"}};
        QTest::newRow("if_data_scripted")
            << QString("if_data_scripted")
            << std::vector<Expected>{
                   {"dynamic_control_flow", "", "prim::If", 0, "if x.sum() > 0:"}};
    }

    void seedModels()
    {
        QFETCH(QString, model);
        QFETCH(std::vector<Expected>, expected);
        compareFindings(validate(model), expected);
    }

    void reusedModuleListsEveryCallSite()
    {
        for (const QString model : {"reused_relu_traced", "reused_relu_scripted"}) {
            const ValidationReport report = validate(model);
            QCOMPARE(report.findings.size(), std::size_t(1));
            const Finding &f = report.findings.front();
            QCOMPARE(f.callSites.size(), std::size_t(2));
            QVERIFY(sourceShows(f.callSites[0], "x = self.relu1(self.conv1(x))"));
            QVERIFY(sourceShows(f.callSites[1], "return self.relu1(x)"));
            QVERIFY(
                QString::fromStdString(f.fix).contains("self.relu1_1 = copy.deepcopy(self.relu1)"));
        }
    }

    void excludeSkipsSubtree()
    {
        CheckOptions options;
        options.excludedModules = {"custom"};
        for (const QString model : {"excluded_custom_traced", "excluded_custom_scripted"}) {
            compareFindings(validate(model, options),
                            {{"missing_module", "", "aten::relu", 0, "F.relu(self.conv(x))"},
                             {"missing_module", "", "aten::add", 0, "return x + y"}});
        }
    }

    void excludeOfUnknownPathIsAnInputError()
    {
        CheckOptions options;
        options.excludedModules = {"no.such.module"};
        QVERIFY_THROWS_EXCEPTION(InputError, validate("clean_traced", options));
    }

    void allowAddsToExemptList()
    {
        CheckOptions options;
        options.allowedOps.add("add");
        compareFindings(validate("elementwise_add_traced", options), {});
        compareFindings(validate("arange_shape_scripted", options),
                        {{"input_dependent_constructor", "", "aten::arange", 0, "torch.arange"}});
    }

    void resnet18_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("traced") << "resnet18_traced";
        QTest::newRow("scripted") << "resnet18_scripted";
    }

    // 8 BasicBlocks each call self.relu twice and add the identity functionally.
    void resnet18()
    {
        QFETCH(QString, model);
        std::vector<Expected> expected;
        const QStringList blocks = {"layer1.0", "layer1.1", "layer2.0", "layer2.1",
                                    "layer3.0", "layer3.1", "layer4.0", "layer4.1"};
        for (const QString &block : blocks)
            expected.push_back({"reused_module", block + ".relu", "", 2, "out = self.relu(out)"});
        for (const QString &block : blocks)
            expected.push_back({"missing_module", block, "aten::add_", 0, "out += identity"});
        const ValidationReport report = validate(model);
        compareFindings(report, expected);
        for (const Finding &f : report.findings)
            QVERIFY(QString::fromStdString(f.source.file).endsWith("torchvision/models/resnet.py"));
    }

    // channel_shuffle's `x.size(1) // groups` and ViT's `n_h * n_w` compute shapes, not data.
    void shapeArithmeticIsNotAFinding()
    {
        std::vector<Expected> shufflenet;
        const QStringList stages = {"stage2", "stage3", "stage4"};
        const int blocks[] = {4, 8, 4};
        for (int s = 0; s < 3; ++s)
            for (int b = 0; b < blocks[s]; ++b)
                shufflenet.push_back({"missing_module", QString("%1.%2").arg(stages[s]).arg(b),
                                      "aten::cat", 0, "torch.cat("});
        shufflenet.push_back({"missing_module", "", "aten::mean", 0, "x.mean([2, 3])"});
        compareFindings(validate("shufflenet_v2_x0_5_traced"), shufflenet);

        // nn.MultiheadAttention is looked into: its in- and out-projections and between them, in
        // torch 1.13, scaling, the two batched matmuls and the softmax; in torch 2,
        // scaled_dot_product_attention. All at the line that calls it.
        const bool sdpa = testing::modelsAttentionIsOneOp();
        const QStringList attentionOps =
            sdpa ? QStringList{"aten::linear", "aten::scaled_dot_product_attention", "aten::linear"}
                 : QStringList{"aten::linear",  "aten::div", "aten::bmm",
                               "aten::softmax", "aten::bmm", "aten::linear"};
        std::vector<Expected> vit = {
            {"missing_module", "", "aten::cat", 0, "torch.cat([batch_class_token, x]"},
            {"missing_module", "encoder", "aten::add", 0, "self.pos_embedding"}};
        for (const QString layer :
             {"encoder.layers.encoder_layer_0", "encoder.layers.encoder_layer_1"}) {
            const QString attention = layer + ".self_attention";
            for (const QString &op : attentionOps)
                vit.push_back({"missing_module", attention, op, 0, "self.self_attention("});
            vit.push_back({"missing_module", layer, "aten::add", 0, "x = x + input"});
            vit.push_back({"missing_module", layer, "aten::add", 0, "return x + y"});
        }
        compareFindings(validate("vit_tiny_traced"), vit);
    }

    // torch.fx sees the same functionals and reused modules (where it can trace at all).
    void agreesWithFxOracle_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("variant");
        for (const char *name :
             {"clean", "reused_relu", "functional_linear", "three_relus", "elementwise_add",
              "square_and_product", "dict_io", "excluded_custom", "resnet18"})
            for (const char *variant : {"traced", "scripted"})
                QTest::newRow(qPrintable(QString(name) + "_" + variant)) << name << variant;
    }

    void agreesWithFxOracle()
    {
        QFETCH(QString, name);
        QFETCH(QString, variant);
        const QJsonObject fx = oracle(name);
        QVERIFY2(fx["traceable"].toBool(), "fx should trace this model");
        QStringList fxOps;
        for (const QJsonValue &op : fx["ops"].toArray())
            fxOps << op.toString();
        const ValidationReport report = validate(name + "_" + variant);
        QStringList ours;
        QJsonObject reused;
        for (const Finding &f : report.findings) {
            if (f.check == "missing_module")
                ours << QString::fromStdString(baseOpName(f.op));
            if (f.check == "reused_module")
                reused[QString::fromStdString(f.module)] = f.calls;
        }
        ours.sort();
        fxOps.sort();
        QCOMPARE(ours, fxOps);
        QCOMPARE(reused, fx["reused"].toObject());
    }

    void modelGraphKeepsHierarchyAndCalls()
    {
        const auto loaded = TorchModel::load(testing::modelPath("resnet18_traced").toStdString());
        const ModelGraph graph = buildModelGraph(*loaded);
        QCOMPARE(graph.root().typeName, std::string("ResNet"));
        const ModuleInfo *relu = graph.findModule("layer2.1.relu");
        QVERIFY(relu);
        QVERIFY(relu->leaf);
        QCOMPARE(relu->calls.size(), std::size_t(2));
        const ModuleInfo *block = graph.findModule("layer2.1");
        QVERIFY(block && !block->leaf);
        QCOMPARE(block->typeName, std::string("BasicBlock"));
        QCOMPARE(graph.nodes[block->calls.front()].expanded, true);
        QCOMPARE(graph.root().parameterCount, std::int64_t(11689512));
        QCOMPARE(graph.inputs.size(), std::size_t(1));
        // Every call of a leaf is a node inside its parent's expanded call.
        const GraphNode &call = graph.nodes[relu->calls[1]];
        QCOMPARE(call.kind, NodeKind::ModuleCall);
        QCOMPARE(graph.nodes[call.parentCall].callee, block->id);
        QCOMPARE(call.inputs.size(), std::size_t(1));
        QCOMPARE(call.outputs.size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestValidator)
#include "tst_validator.moc"
