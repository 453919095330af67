// The Studio as a user drives it: opening good and bad files, the findings panel against
// the CLI, clicking findings, exclusions, and exports.
#include "studio_test_support.h"
#include "test_models.h"

#include "base/errors.h"
#include "checks/validation_report.h"
#include "graph/graph_controller.h"
#include "graph/graph_layout.h"
#include "graph/graph_pane.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "panels/findings_model.h"
#include "panels/findings_panel.h"
#include "panels/module_tree_model.h"
#include "panels/modules_panel.h"
#include "panels/properties_panel.h"
#include "panels/source_panel.h"
#include "session/model_session.h"
#include "session/selection.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model.h"

#include <QApplication>
#include <QFile>
#include <QGraphicsItem>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProcess>
#include <QSettings>

#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeView>
#include <QXmlStreamReader>
#include <unistd.h>

using namespace torchprep;

namespace {

QByteArray cliJson(const QString &model, const QStringList &extra = {})
{
    QProcess cli;
    cli.start(testing::cliPath(), QStringList{"validate", model, "--json"} + extra);
    cli.waitForFinished(120000);
    return cli.readAllStandardOutput();
}

QString coreReason(const QString &path)
{
    try {
        TorchModel::load(path.toStdString());
    } catch (const InputError &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

void closeDialogs()
{
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *box = qobject_cast<QMessageBox *>(w))
            box->close();
}

} // namespace

class TestStudio : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings away from the user's
        QApplication::setOrganizationName("TorchPrepTest");
        QApplication::setApplicationName("StudioTest");
    }

    void opensGoodModelsWithTheCliFindingCount_data()
    {
        QTest::addColumn<QString>("model");
        for (const char *name : {"resnet18_traced", "resnet18_scripted", "reused_relu_traced",
                                 "vit_tiny_traced", "shufflenet_v2_x0_5_traced",
                                 "control_flow_scripted", "arange_shape_traced", "clean_scripted"})
            QTest::newRow(name) << testing::modelPath(name);
    }

    void opensGoodModelsWithTheCliFindingCount()
    {
        QFETCH(QString, model);
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, model));
        const QJsonObject cli = QJsonDocument::fromJson(cliJson(model)).object();
        QVERIFY(cli.contains("findings"));
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(),
                 cli["findings"].toArray().size());
        QVERIFY(window.windowTitle().contains(QFileInfo(model).fileName()));
        QVERIFY(window.graphPane()->scene()->boxCount() >= 2); // at least the input and the output
        // Every finding row names the check and module the CLI names, in the same order.
        const QJsonArray findings = cli["findings"].toArray();
        for (int row = 0; row < findings.size(); ++row) {
            const QString module = findings[row].toObject()["module"].toString();
            const QString shown = window.findingsPanel()
                                      ->findingsModel()
                                      ->index(row, FindingsModel::ModuleColumn)
                                      .data()
                                      .toString();
            QCOMPARE(shown, module.isEmpty() ? QStringLiteral("(model)") : module);
        }
    }

    void resnet18HasItsKnownFindings()
    {
        // torchvision's BasicBlock calls self.relu twice and adds the identity functionally.
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        int reused = 0, functional = 0;
        for (const Finding &f : window.session()->report().findings) {
            reused += f.check == "reused_module";
            functional += f.check == "missing_module";
        }
        QCOMPARE(reused, 8);
        QCOMPARE(functional, 8);
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(), 16);
    }

    void loadingLeavesTheGuiResponsive()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::modelOpened);
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, [&] { ++ticks; });
        timer.start(2);
        window.openModel(testing::modelPath("resnet18_scripted"));
        QVERIFY(opened.isEmpty()); // openModel returned before the work was done
        QVERIFY(window.busy());
        QVERIFY(testing::waitIdle(window));
        QVERIFY(!opened.isEmpty());
        QVERIFY2(ticks >= 3, qPrintable(QString::number(ticks))); // the event loop kept running
    }

    void badFilesGiveTheCoreReasonAndTheStudioStaysUsable_data()
    {
        QTest::addColumn<QString>("model");
        for (const char *name :
             {"bad_text", "bad_state_dict", "bad_empty", "bad_truncated", "bad_corrupt",
              "bad_legacy_pickle", "bad_directory", "bad_debug_info", "no_such_model"})
            QTest::newRow(name) << testing::modelPath(name);
    }

    void badFilesGiveTheCoreReasonAndTheStudioStaysUsable()
    {
        QFETCH(QString, model);
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("reused_relu_traced")));
        const int findingsBefore = window.findingsPanel()->findingsModel()->rowCount();
        QString reason;
        QVERIFY(!testing::openAndWait(window, model, &reason));
        QCOMPARE(reason, coreReason(model));
        QVERIFY(!reason.isEmpty());
        QVERIFY(!reason.contains('\n'));
        QMessageBox *box = window.findChild<QMessageBox *>();
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QVERIFY(box->text().contains(reason.toHtmlEscaped()));
        closeDialogs();
        // The model that was open stays open, and the next file opens.
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(), findingsBefore);
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(), 16);
    }

    void clickingAFindingSelectsAndCentresItsNode()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        window.graphPane()->controller()->collapseAll(); // every click must now expand groups
        QVERIFY(testing::waitIdle(window));
        QTableView *table = window.findingsPanel();
        const auto session = window.session();
        for (int row = 0; row < window.findingsPanel()->findingsModel()->rowCount(); ++row) {
            table->scrollTo(window.findingsPanel()->findingsModel()->index(row, 1));
            const QRect cell =
                table->visualRect(window.findingsPanel()->findingsModel()->index(row, 1));
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
            QVERIFY(testing::waitIdle(window));
            const NodeId anchor = session->anchorOf(row);
            QCOMPARE(window.graphPane()->scene()->selectedNode(), anchor);
            QGraphicsItem *item = window.graphPane()->scene()->itemFor(anchor);
            QVERIFY(item && item->isSelected());
            QVERIFY(window.graphPane()->view()->visibleSceneRect().contains(
                item->sceneBoundingRect().center()));
            const Finding &f = session->report().findings[row];
            QVERIFY(f.source.known());
            QVERIFY(window.sourcePanel()->heading().contains(QString::number(f.source.line)));
            // The source panel shows the user's very line.
            const QString line =
                testing::sourceLine(QString::fromStdString(f.source.file), f.source.line);
            if (!line.isNull())
                QVERIFY(window.sourcePanel()->text().contains(line.trimmed()));
        }
    }

    void selectingANodeSelectsItsFindings()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        const auto session = window.session();
        const NodeId anchor = session->anchorOf(3);
        window.revealNode(anchor);
        QVERIFY(testing::waitIdle(window));
        QVERIFY(window.graphPane()->scene()->selectNode(anchor));
        const auto rows = window.findingsPanel()->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), static_cast<int>(session->findingsOf(anchor).size()));
        QVERIFY(rows.size() >= 1);
        QCOMPARE(rows.front().row(), session->findingsOf(anchor).front());
    }

    void excludingAModuleRevalidatesLikeTheCli()
    {
        MainWindow window;
        const QString model = testing::modelPath("resnet18_traced");
        QVERIFY(testing::openAndWait(window, model));
        ModuleTreeModel *tree = window.modulesPanel()->treeModel();
        const ModuleInfo *layer1 = window.session()->graph().findModule("layer1");
        QVERIFY(layer1);
        const QModelIndex box = tree->indexOfModule(layer1->id, ModuleTreeModel::ExcludeColumn);
        QVERIFY(tree->flags(box) & Qt::ItemIsUserCheckable);
        QVERIFY(tree->setData(box, Qt::Checked, Qt::CheckStateRole));
        QVERIFY(testing::waitIdle(window));
        const QJsonObject cli =
            QJsonDocument::fromJson(cliJson(model, {"--exclude", "layer1"})).object();
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(),
                 cli["findings"].toArray().size());
        QVERIFY(window.findingsPanel()->findingsModel()->rowCount() < 16);
        QCOMPARE(tree->data(box, Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(tree->setData(box, Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(), 16);
    }

    void exportsWriteValidFiles()
    {
        MainWindow window;
        window.show();
        const QString model = testing::modelPath("resnet18_traced");
        QVERIFY(testing::openAndWait(window, model));
        QTemporaryDir dir;
        QString error;

        QVERIFY2(window.exports()->png(dir.filePath("g.png"), &error), qPrintable(error));
        QFile png(dir.filePath("g.png"));
        QVERIFY(png.open(QIODevice::ReadOnly));
        QCOMPARE(png.read(8), QByteArray("\x89PNG\r\n\x1a\n", 8));
        QImage image(dir.filePath("g.png"));
        QVERIFY(image.width() > 200 && image.height() > 200);

        QVERIFY2(window.exports()->svg(dir.filePath("g.svg"), &error), qPrintable(error));
        QFile svg(dir.filePath("g.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&svg);
        QVERIFY(xml.readNextStartElement());
        QCOMPARE(xml.name().toString(), QStringLiteral("svg"));
        int texts = 0;
        while (!xml.atEnd())
            if (xml.readNext() == QXmlStreamReader::StartElement &&
                xml.name() == QLatin1String("text"))
                ++texts;
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(texts > 10); // labels are text, not just shapes

        QVERIFY2(window.exports()->findingsJson(dir.filePath("f.json"), &error), qPrintable(error));
        QFile json(dir.filePath("f.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QByteArray written = json.readAll();
        QJsonParseError parse;
        const QJsonDocument doc = QJsonDocument::fromJson(written, &parse);
        QCOMPARE(parse.error, QJsonParseError::NoError);
        QCOMPARE(doc.object()["findings"].toArray().size(), 16);
        QCOMPARE(written, cliJson(model)); // byte for byte what `validate --json` prints

        QVERIFY2(window.exports()->report(dir.filePath("r.md"), &error), qPrintable(error));
        QFile md(dir.filePath("r.md"));
        QVERIFY(md.open(QIODevice::ReadOnly));
        const QString report = QString::fromUtf8(md.readAll());
        QVERIFY(report.contains("16 findings"));
        for (const Finding &f : window.session()->report().findings)
            QVERIFY(report.contains(QString::fromStdString(f.module)));

        QVERIFY(!window.exports()->png("/nonexistent-dir/x.png", &error));
        QVERIFY(!error.isEmpty());
    }

    // No export writes over a file a model was opened from: by path, symbolic or hard link.
    void exportsNeverOverwriteTheOpenedModel()
    {
        QTemporaryDir dir;
        const QString model =
            dir.filePath("m_state_dict.pt"); // what Python export of stem "m" writes
        QVERIFY(QFile::copy(testing::modelPath("reused_relu_traced"), model));
        QVERIFY(QFile::link(model, dir.filePath("link.pt")));
        QCOMPARE(::link(QFile::encodeName(model).constData(),
                        QFile::encodeName(dir.filePath("hard.pt")).constData()),
                 0);
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, model));
        QFile original(model);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray before = original.readAll();
        for (const QString &target : {model, dir.filePath("link.pt"), dir.filePath("hard.pt")}) {
            QString error;
            QVERIFY(!window.exports()->png(target, &error));
            QVERIFY2(error.contains("opened from"), qPrintable(error));
            QVERIFY(!window.exports()->findingsJson(target, &error));
            QVERIFY(!window.exports()->report(target, &error));
            QVERIFY(!window.exports()->preparedModel(target, &error));
        }
        QString error;
        QVERIFY(!window.exports()->pythonSource(dir.path(), "m", &error));
        QVERIFY2(error.contains("opened from"), qPrintable(error));
        QVERIFY(!QFileInfo::exists(dir.filePath("m.py")));
        QFile after(model);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), before);
    }

    void droppedFilesOpenAndAreRemembered()
    {
        QSettings().remove("recentFiles");
        MainWindow window;
        window.show();
        const QString model = testing::modelPath("reused_relu_traced");
        QSignalSpy laid(&window, &MainWindow::layoutApplied);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(model)});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(testing::waitIdle(window));
        QVERIFY(!laid.isEmpty());
        QCOMPARE(QString::fromStdString(window.session()->path()),
                 QFileInfo(model).absoluteFilePath());
        // Remembered for File > Open Recent, newest first.
        QCOMPARE(QSettings().value("recentFiles").toStringList().value(0),
                 QFileInfo(model).absoluteFilePath());
        QMenu *recent = nullptr;
        for (QMenu *menu : window.findChildren<QMenu *>())
            if (menu->title().contains("Recent"))
                recent = menu;
        QVERIFY(recent);
        // By name and folder: two files of one name stay apart.
        QCOMPARE(recent->actions().value(0)->text(),
                 QFileInfo(model).fileName() + "  —  " + QFileInfo(model).absolutePath());
    }

    void showingAFindingSelectsItsRow()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        window.showFinding(12);
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.findingsPanel()->currentIndex().row(), 12);
        QCOMPARE(window.graphPane()->scene()->selectedNode(), window.session()->anchorOf(12));
        // The module tree follows: the finding's module is the current row.
        const ModuleInfo *module =
            window.session()->graph().findModule(window.session()->report().findings[12].module);
        QVERIFY(module);
        QCOMPARE(window.findChild<QTreeView *>()
                     ->currentIndex()
                     .data(ModuleTreeModel::ModuleIdRole)
                     .toInt(),
                 module->id);
    }

    // Open resnet18, click `fc` in the module tree, open another model: the selection named a
    // node of resnet18 and once reached into the other graph (std::out_of_range, or the wrong
    // box when the id fitted). It belongs to its session: another model starts with none.
    void aSelectionNeverOutlivesItsModel()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        ModulesPanel *tree = window.modulesPanel();
        const ModuleInfo *fc = window.session()->graph().findModule("fc");
        QVERIFY(fc && !fc->calls.empty());
        const NodeId fcCall = fc->calls.front();
        const QModelIndex row = tree->treeModel()->indexOfModule(fc->id);
        tree->scrollTo(row);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(row).center());
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.selection()->node(), fcCall);
        QCOMPARE(window.graphPane()->scene()->selectedNode(), fcCall);
        QVERIFY(window.propertiesPanel()->toPlainText().contains("Linear"));

        QVERIFY(testing::openAndWait(window, testing::modelPath("reused_relu_traced")));
        QVERIFY(fcCall >=
                static_cast<NodeId>(window.session()->graph().nodes.size())); // the id that aborted
        QCOMPARE(window.selection()->node(), kNoId);
        QCOMPARE(window.graphPane()->scene()->selectedNode(), kNoId);
        QVERIFY(window.graphPane()->scene()->selectedItems().isEmpty());
        QVERIFY(!tree->currentIndex().isValid());
        QVERIFY(window.propertiesPanel()->toPlainText().isEmpty());

        // Where the old id fits the new graph, nothing of it is selected either.
        const ModuleInfo *relu = window.session()->graph().findModule("relu1");
        QVERIFY(relu && !relu->calls.empty());
        const NodeId reluCall = relu->calls.front();
        window.revealNode(reluCall);
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.graphPane()->scene()->selectedNode(), reluCall);
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_scripted")));
        QVERIFY(reluCall < static_cast<NodeId>(window.session()->graph().nodes.size()));
        QCOMPARE(window.selection()->node(), kNoId);
        QVERIFY(window.graphPane()->scene()->selectedItems().isEmpty());

        // The new model's tree selects in the new graph.
        const ModuleInfo *conv1 = window.session()->graph().findModule("conv1");
        QVERIFY(conv1);
        const QModelIndex conv1Row = tree->treeModel()->indexOfModule(conv1->id);
        tree->scrollTo(conv1Row);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {},
                          tree->visualRect(conv1Row).center());
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.graphPane()->scene()->selectedNode(), conv1->calls.front());
    }

    void closeLeavesAnEmptyUsableWindow()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        window.closeModel();
        QCOMPARE(window.findingsPanel()->findingsModel()->rowCount(), 0);
        QCOMPARE(window.graphPane()->scene()->boxCount(), 0);
        QString error;
        QVERIFY(!window.exports()->findingsJson(QDir::temp().filePath("never.json"), &error));
        QVERIFY(testing::openAndWait(window, testing::modelPath("reused_relu_traced")));
        QVERIFY(window.graphPane()->scene()->boxCount() > 0);
    }
};

QTEST_MAIN(TestStudio)
#include "tst_studio.moc"
