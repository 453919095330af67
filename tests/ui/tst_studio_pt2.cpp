// The Studio on a torch.export program (.pt2): it opens like any model, its shapes arrive with
// no inputs to describe (the program wrote them down), Fix says where the fix is made instead of
// rewriting, and it compares against the TorchScript trace of the same model.
#include "studio_test_support.h"

#include "compare/comparison_runner.h"
#include "session/model_session.h"
#include "session/shape_recorder.h"
#include "torchscript/value_shapes.h"
#include "window/inputs_bar.h"
#include "window/shapes_flow.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace torchprep;

namespace {

QJsonObject model(const QString &name)
{
    QFile file(qEnvironmentVariable("TORCHPREP_PT2_MODELS") + "/manifest.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    for (const QJsonValue m : QJsonDocument::fromJson(file.readAll())["models"].toArray())
        if (m["name"].toString() == name)
            return m.toObject();
    return {};
}

QString shapeOf(const MainWindow &window, const QString &path)
{
    const ModelGraph &graph = window.session()->graph();
    const ModuleInfo *module = graph.findModule(path.toStdString());
    if (!module || module->calls.empty() || !window.shapes()->shapes())
        return {};
    const GraphNode &call = graph.nodes[module->calls.front()];
    if (call.outputs.empty())
        return {};
    const TensorShape *shape = window.shapes()->shapes()->shapes.of(call.outputs.front());
    return shape ? QString::fromStdString(tensorShapeText(*shape)) : QString();
}

} // namespace

class TestStudioPt2 : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        testing::useOwnSettings("tst_studio_pt2");
        QVERIFY2(!model("reuse_functionals").isEmpty(),
                 "run through ctest: the programs come from the generate_pt2_models fixture");
    }

    void cleanupTestCase() { testing::dropSettings(); }

    void opensWithItsShapes()
    {
        const QString file = model("reuse_functionals")["files"][0].toString();
        MainWindow window;
        window.show();
        QString reason;
        QVERIFY2(testing::openAndWait(window, file, &reason), qPrintable(reason));
        QVERIFY(window.session()->graph().format == ModelFormat::ExportedProgram);
        QCOMPARE(window.session()->report().findings.size(), std::size_t(5));
        QVERIFY(window.session()->graph().findModule("block.relu"));
        // No inputs asked for: the shapes are the program's, for the model's 1x3x8x8 example.
        QVERIFY(!window.shapes()->bar()->isVisible());
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(shapeOf(window, "block.conv"), QString("1x3x8x8"));
        QCOMPARE(shapeOf(window, "fc"), QString("1x4"));
        QCOMPARE(shapeOf(window, "block.relu"), QString("1x3x8x8"));
    }

    void fixSaysWhereTheFixIsMade()
    {
        const QString file = model("reuse_functionals")["files"][0].toString();
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, file));
        QSignalSpy status(window.fixCommands(), &FixCommands::status);
        QVERIFY(!window.fixCommands()->fixAll());
        QCOMPARE(status.size(), 1);
        QVERIFY(status.front().front().toString().contains("fixed in its source"));
        QCOMPARE(window.session()->report().findings.size(), std::size_t(5)); // nothing changed
    }

    void comparesWithItsTrace()
    {
        const QJsonObject m = model("reuse_functionals");
        WorkTracker work;
        ComparisonRunner runner(&work);
        CompareOptions options;
        options.inputs.inputsFile = m["inputs"].toString().toStdString();
        options.device = "cpu";
        options.perLayer = true;
        options.runs = 1;
        options.warmup = 0;
        std::shared_ptr<const ComparisonReport> report;
        QString failure;
        connect(&runner, &ComparisonRunner::finished, this,
                [&](std::shared_ptr<const ComparisonReport> r) { report = std::move(r); });
        connect(&runner, &ComparisonRunner::failed, this,
                [&](const QString &reason) { failure = reason; });
        QVERIFY(runner.run(ComparedModel::file(m["files"][0].toString()),
                           ComparedModel::file(m["traced"].toString()), options));
        QVERIFY(testing::waitIdle(&work));
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QVERIFY(report);
        QVERIFY(report->passed);
        QVERIFY(!report->layers.empty());
        for (const LayerComparison &layer : report->layers)
            QCOMPARE(QString::fromStdString(layer.match), QString("path"));
    }
};

QTEST_MAIN(TestStudioPt2)
#include "tst_studio_pt2.moc"
