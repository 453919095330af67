// Fixes in the Studio: one finding, undo, redo, fix all, fix all of a kind, and the exports
// of the prepared model (TorchScript the CLI validates clean, Python source + state_dict).
#include "studio_test_support.h"
#include "test_models.h"

#include "checks/finding.h"
#include "checks/validator.h"
#include "fixes/fix_preview.h"
#include "fixes/fix_step.h"
#include "fixes/fix_workflow.h"
#include "panels/findings_model.h"
#include "panels/findings_panel.h"
#include "session/model_inputs.h"
#include "session/model_session.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model.h"

#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QUndoStack>

using namespace torchprep;

namespace {

QStringList keysOf(const MainWindow &window)
{
    QStringList keys;
    for (const Finding &f : window.session()->report().findings)
        keys << QString::fromStdString(findingKey(f));
    return keys;
}

bool waitFix(MainWindow &window, QSignalSpy &applied, int count)
{
    return testing::waitIdle(window) && applied.size() >= count;
}

} // namespace

class TestStudioFixes : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("TorchPrepTest");
        QApplication::setApplicationName("StudioFixesTest");
    }

    void fixOneUndoRedoThenFixAll()
    {
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        const auto original = window.session();
        QVERIFY(original->model());
        const QStringList before = keysOf(window);
        const size_t nodesBefore = original->graph().nodes.size();
        QCOMPARE(before.size(), 16);

        // Fix the first finding through the findings table's selection, as a user would.
        window.findingsPanel()->selectionModel()->setCurrentIndex(
            window.findingsPanel()->findingsModel()->indexOfFinding(0),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QVERIFY(testing::waitIdle(window));
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixSelected());
        QVERIFY(waitFix(window, applied, 1));
        QStringList after = keysOf(window);
        QCOMPARE(after.size(), 15);
        QVERIFY(!after.contains(before.front()));
        for (const QString &k : after)
            QVERIFY2(before.contains(k), qPrintable(k)); // nothing new appeared
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(), 15);
        // The fix added a module (an unrolled copy or a new layer) to the graph on screen.
        QCOMPARE(window.session()->graph().modules.size(), original->graph().modules.size() + 1);
        QCOMPARE(window.fixWorkflow()->undoStack()->count(), 1);
        // The opened model itself was not touched: validating it again gives 16.
        QCOMPARE(validateGraph(buildModelGraph(*original->model()), CheckOptions{}).findings.size(),
                 size_t(16));

        window.fixWorkflow()->undoStack()->undo();
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(keysOf(window), before);
        QCOMPARE(window.session()->graph().nodes.size(), nodesBefore);
        QCOMPARE(window.session()->graph().modules.size(), original->graph().modules.size());
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(), 16);

        window.fixWorkflow()->undoStack()->redo();
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(keysOf(window), after);

        QVERIFY(window.fixCommands()->fixAll());
        QVERIFY(waitFix(window, applied, 2));
        QCOMPARE(window.session()->report().findings.size(), size_t(0));
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(), 0);
        QCOMPARE(window.fixWorkflow()->undoStack()->count(), 2);

        // Two undos bring back the opened model exactly.
        window.fixWorkflow()->undoStack()->undo();
        window.fixWorkflow()->undoStack()->undo();
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(keysOf(window), before);
        QCOMPARE(window.session()->graph().nodes.size(), nodesBefore);
    }

    void fixAllOfOneKind()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        int row = -1;
        const auto &findings = window.session()->report().findings;
        for (int i = 0; i < static_cast<int>(findings.size()) && row < 0; ++i)
            if (findings[i].check == "missing_module")
                row = i;
        QVERIFY(row >= 0);
        window.findingsPanel()->selectionModel()->setCurrentIndex(
            window.findingsPanel()->findingsModel()->indexOfFinding(row),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QVERIFY(testing::waitIdle(window));
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixAllOfSelectedKind());
        QVERIFY(waitFix(window, applied, 1));
        QCOMPARE(window.session()->report().findings.size(), size_t(8));
        for (const Finding &f : window.session()->report().findings)
            QCOMPARE(QString::fromStdString(f.check), QStringLiteral("reused_module"));
    }

    void exportsThePreparedModel()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixAll());
        QVERIFY(waitFix(window, applied, 1));
        QCOMPARE(window.session()->report().findings.size(), size_t(0));

        QTemporaryDir dir;
        QString error;
        // The findings of a fixed model name it as such, not as the opened file.
        const auto findingsModel = [&] {
            const QString json = dir.filePath("findings.json");
            QString failure;
            if (!window.exports()->findingsJson(json, &failure))
                return failure;
            QFile file(json);
            file.open(QIODevice::ReadOnly);
            return QJsonDocument::fromJson(file.readAll()).object()["model"].toString();
        };
        const QString unsaved = findingsModel();
        QVERIFY2(unsaved.contains("resnet18_traced.pt after") &&
                     unsaved.contains("fixed in the Studio, not saved"),
                 qPrintable(unsaved));
        // Never over the opened file.
        QVERIFY(!window.exports()->preparedModel(testing::modelPath("resnet18_traced"), &error));
        QVERIFY(!error.isEmpty());
        // Never unproven: a fixed model needs the inputs it is proven on, as `prepare` does.
        window.setModelInputs(ModelInputs{});
        const QString pt = dir.filePath("resnet18_prepared.pt");
        QVERIFY(!window.exports()->preparedModel(pt, &error));
        QVERIFY2(error.contains("inputs"), qPrintable(error));
        QVERIFY(!QFileInfo::exists(pt));

        window.setModelInputs(ModelInputs{{"1,3,64,64"}, {}});
        QVERIFY(testing::waitIdle(window));
        QSignalSpy exported(window.exports(), &ModelExports::preparedExported);
        QVERIFY2(window.exports()->preparedModel(pt, &error), qPrintable(error));
        QVERIFY(exported.wait(300000));
        const QString report = exported.first().at(1).toString();
        QVERIFY2(exported.first().at(0).toBool(), qPrintable(report));
        QVERIFY2(report.contains("equivalence: proven on 3 random batches of [1,3,64,64] float32"),
                 qPrintable(report));
        QVERIFY(!window.hasUnexportedFixes());
        const QString saved = findingsModel();
        QVERIFY2(saved.startsWith(QFileInfo(pt).absoluteFilePath() + " (prepared in the Studio"),
                 qPrintable(saved));
        const auto reloaded = TorchModel::load(pt.toStdString());
        QCOMPARE(validateGraph(buildModelGraph(*reloaded), CheckOptions{}).findings.size(),
                 size_t(0));

        QProcess cli;
        cli.start(testing::cliPath(), {"validate", pt, "--json"});
        QVERIFY(cli.waitForFinished(120000));
        const QJsonObject json = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QVERIFY(json.contains("findings"));
        QCOMPARE(json["findings"].toArray().size(), 0);
        QCOMPARE(cli.exitCode(), 0);

        const QString py = dir.filePath("python");
        QVERIFY2(window.exports()->pythonSource(py, "resnet18_prepared", &error),
                 qPrintable(error));
        QVERIFY(exported.wait(300000));
        QVERIFY2(exported.at(1).at(0).toBool(), qPrintable(exported.at(1).at(1).toString()));
        QVERIFY(QFileInfo(py + "/resnet18_prepared.py").size() > 0);
        QVERIFY(QFileInfo(py + "/resnet18_prepared_state_dict.pt").size() > 0);
        QFile source(py + "/resnet18_prepared.py");
        QVERIFY(source.open(QIODevice::ReadOnly));
        QVERIFY(source.readAll().contains("def load_model"));
    }

    // Fix on a previewed finding lands what the preview computed: the same session, not a second
    // run of the preparer.
    void fixLandsWhatThePreviewComputed()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        QSignalSpy previewed(window.fixPreview(), &FixPreview::previewed);
        window.showFinding(0);
        QVERIFY(previewed.size() > 0 || previewed.wait(120000));
        const std::string key = findingKey(window.session()->report().findings.at(0));
        const auto ready = window.fixPreview()->resultFor(window.session(), key);
        QVERIFY(ready);
        QVERIFY(!window.fixPreview()->resultFor(window.session(), key + "x"));
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixSelected());
        QVERIFY(waitFix(window, applied, 1));
        QCOMPARE(window.session().get(), ready->after.get());
        QCOMPARE(window.session()->report().findings.size(),
                 ready->after->report().findings.size());
    }

    // The Studio holds a fixed model to the CLI's rule: a scripted TransformerEncoder given a
    // padding mask computes other values once its fused fast path is gone, so `prepare` writes
    // nothing; Fix All then Export Prepared Model writes nothing either and says why, in the
    // CLI's words.
    void neverWritesAFixedModelItCannotProve()
    {
        QTemporaryDir dir;
        QString made;
        const QString model = testing::makePaddedEncoder(dir.path(), &made);
        QVERIFY2(!model.isEmpty(), qPrintable(made));

        MainWindow window;
        QVERIFY(testing::openAndWait(window, model));
        window.setModelInputs(ModelInputs{{"2,5,16"}, {}});
        QVERIFY(testing::waitIdle(window));
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixAll());
        QVERIFY(waitFix(window, applied, 1));

        const QString pt = dir.filePath("encoder_prepared.pt");
        QSignalSpy exported(window.exports(), &ModelExports::preparedExported);
        QString error;
        QVERIFY2(window.exports()->preparedModel(pt, &error), qPrintable(error));
        QVERIFY(exported.wait(300000));
        const QString report = exported.first().at(1).toString();
        QVERIFY2(!exported.first().at(0).toBool(), qPrintable(report));
        QVERIFY2(report.contains("equivalence: FAILED"), qPrintable(report));
        QVERIFY2(report.contains("broken by: the set-up, before any pass (step fused_fast_paths)"),
                 qPrintable(report));
        QVERIFY2(report.contains("nothing written"), qPrintable(report));
        QVERIFY(!QFileInfo::exists(pt));
        QVERIFY(window.hasUnexportedFixes());
    }

    // File > Export ONNX on the fixed model: exported by PyTorch's exporter in the background,
    // checked, proven in ONNX Runtime; not without inputs, never over the opened file.
    void exportsTheFixedModelToOnnx()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixAll());
        QVERIFY(waitFix(window, applied, 1));

        QTemporaryDir dir;
        const QString onnx = dir.filePath("resnet18_prepared.onnx");
        QString error;
        window.setModelInputs(ModelInputs{});
        QVERIFY(!window.exports()->onnx(onnx, 17, &error));
        QVERIFY2(error.contains("inputs"), qPrintable(error));
        window.setModelInputs(ModelInputs{{"1,3,32,32"}, {}});
        QVERIFY(!window.exports()->onnx(testing::modelPath("resnet18_traced"), 17, &error));

        QSignalSpy exported(window.exports(), &ModelExports::onnxExported);
        QSignalSpy status(window.exports(), &ModelExports::status);
        QVERIFY2(window.exports()->onnx(onnx, 17, &error), qPrintable(error));
        QVERIFY(exported.wait(300000));
        const QString report = exported.first().at(1).toString();
        QVERIFY2(exported.first().at(0).toBool(), qPrintable(report));
        QVERIFY2(report.contains("proven in onnxruntime 1."), qPrintable(report));
        QVERIFY(QFileInfo(onnx).size() > 1000);
        // The status bar says what the proof did, not only what was written.
        const QString said = status.last().at(0).toString();
        QVERIFY2(said.contains("ONNX proof: proven in onnxruntime 1.") && said.contains("wrote "),
                 qPrintable(said));
    }
};

QTEST_MAIN(TestStudioFixes)
#include "tst_studio_fixes.moc"
