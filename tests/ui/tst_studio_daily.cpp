// The Studio for daily use (issue 16): each bug a first-time user tripped over, and what users
// of graph viewers expect, driven as a user drives them.
#include "studio_test_support.h"
#include "test_models.h"

#include "base/errors.h"
#include "compare/comparison_panel.h"
#include "compare/divergence_colours.h"
#include "diff/diff_window.h"
#include "fixes/fix_workflow.h"
#include "graph/edge_item.h"
#include "graph/graph_pane.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/group_item.h"
#include "graph/legend_widget.h"
#include "graph/node_item.h"
#include "graph/search_bar.h"
#include "libtorch/ops_libraries.h"
#include "panels/findings_panel.h"
#include "panels/module_tree_model.h"
#include "panels/modules_panel.h"
#include "panels/properties_panel.h"
#include "panels/source_panel.h"
#include "session/model_inputs.h"
#include "session/model_session.h"
#include "session/ops_library_settings.h"
#include "session/selection.h"
#include "session/shape_recorder.h"
#include "torchscript/torch_model.h"
#include "window/shapes_flow.h"
#include "window/shortcuts_page.h"
#include "window/start_page.h"

#include <QAction>
#include <QDockWidget>
#include <QHeaderView>
#include <QImage>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QUrl>

using namespace torchprep;

namespace {

constexpr int kCompareTimeoutMs = 300000;

// The widget a window system's drag at `pos` (window coordinates) is handed to, as Qt's widget
// windows choose it: the deepest child there that takes drops, else its nearest ancestor that does.
QWidget *dropTarget(QWidget *window, QPoint pos)
{
    QWidget *w = window->childAt(pos);
    if (!w)
        w = window;
    while (w && !w->isWindow() && !w->acceptDrops())
        w = w->parentWidget();
    return w && w->acceptDrops() ? w : nullptr;
}

// Drags `file` over the middle of `onto` and drops it there: enter, move, drop, as a file
// manager's drag arrives. False as soon as one step is refused.
bool dropFile(QWidget *window, QWidget *onto, const QString &file)
{
    const QPoint inWindow = onto->mapTo(window, onto->rect().center());
    QWidget *target = dropTarget(window, inWindow);
    if (!target)
        return false;
    const QPoint at = target->mapFrom(window, inWindow);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(file)});
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    move.setAccepted(true); // as the window forwards a move after an accepted enter
    QApplication::sendEvent(target, &move);
    if (!move.isAccepted())
        return false;
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

QString openedPath(const MainWindow &window)
{
    return window.session() ? QString::fromStdString(window.session()->path()) : QString();
}

QAction *actionNamed(QWidget *window, const QString &text)
{
    for (QAction *action : window->findChildren<QAction *>())
        if (action->text() == text)
            return action;
    return nullptr;
}

bool compareAndWait(MainWindow &window, const QString &a, const QString &b, bool perLayer)
{
    QSignalSpy done(window.comparisonPanel(), &ComparisonPanel::finished);
    window.comparisonPanel()->setModels(a, b);
    if (!window.comparisonPanel()->run(a, b, testing::fastCompareOptions(perLayer)))
        return false;
    return testing::waitIdle(window.work(), kCompareTimeoutMs) && !done.isEmpty() &&
           done.front().front().toBool();
}

// The question about fixes not exported on screen now (one answered earlier may await deletion).
QMessageBox *discardQuestion(QWidget *window)
{
    for (QMessageBox *box : window->findChildren<QMessageBox *>("discardFixesBox"))
        if (box->isVisible())
            return box;
    return nullptr;
}

NodeItem *inputBox(GraphScene *scene)
{
    for (QGraphicsItem *item : scene->items())
        if (auto *box = qgraphicsitem_cast<NodeItem *>(item); box && box->isInput())
            return box;
    return nullptr;
}

} // namespace

class TestStudioDaily : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase() { testing::useOwnSettings("StudioDailyTest"); }
    void cleanupTestCase() { testing::dropSettings(); }

    // Bug 1: a .pt dropped on the graph canvas did nothing (the canvas refused the drag's moves).
    void droppingOnTheGraphOpensTheModel()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString first = testing::modelPath("reused_relu_traced");
        QVERIFY(dropFile(&window, window.startPage(),
                         first)); // the empty window: where the graph will be
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(openedPath(window), first);
        const QString second = testing::modelPath("three_relus_traced");
        QVERIFY(dropFile(&window, window.graphPane()->view()->viewport(), second));
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(openedPath(window), second);
        QVERIFY(dropFile(&window, window.findingsPanel()->viewport(),
                         first)); // and the panels, as before
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(openedPath(window), first);
    }

    // Bug 2: densenet121 opened onto an empty grey area. The first view shows the input and the
    // first finding.
    void theFirstViewShowsTheInputAndTheFirstFinding_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("densenet121") << testing::studioModelPath("densenet121_traced");
        QTest::newRow("resnet18") << testing::modelPath("resnet18_traced");
        QTest::newRow("vit_tiny") << testing::modelPath("vit_tiny_traced");
    }

    void theFirstViewShowsTheInputAndTheFirstFinding()
    {
        QFETCH(QString, model);
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(testing::openAndWait(window, model));
        GraphScene *scene = window.graphPane()->scene();
        const QRectF seen = window.graphPane()->view()->visibleSceneRect();
        NodeItem *input = inputBox(scene);
        QVERIFY(input);
        QVERIFY2(seen.contains(input->sceneBoundingRect()), "the input is not in view");
        QVERIFY(!window.session()->report().findings.empty());
        const QGraphicsItem *first = scene->itemFor(window.session()->anchorOf(0));
        QVERIFY(first);
        QVERIFY2(seen.intersects(first->sceneBoundingRect()), "the first finding is not in view");
    }

    // Bug 3: two unrelated models gave "first divergence: classifier.3" and one point, hiding that
    // almost no layer has a counterpart.
    void unrelatedModelsSayHowFewLayersPair()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        QVERIFY(compareAndWait(window, testing::modelPath("resnet18_traced"),
                               testing::studioModelPath("mobilenet_v3_small_traced"), true));
        const ComparisonReport *report = window.comparisonPanel()->report();
        QVERIFY(report && report->layers.size() > 100);
        const QString status = window.comparisonPanel()->statusText();
        QVERIFY2(status.contains("could be paired") &&
                     status.contains("not versions of one another"),
                 qPrintable(status));
        QVERIFY2(status.contains(QString(" of %1 layers").arg(report->layers.size())),
                 qPrintable(status));
        // The same models compared with themselves pair every layer: nothing to warn about.
        QVERIFY(compareAndWait(window, testing::modelPath("resnet18_traced"),
                               testing::modelPath("resnet18_traced"), true));
        QVERIFY(!window.comparisonPanel()->statusText().contains("could be paired"));
    }

    // Bug 4: fixes not exported were dropped without a word when another model opened or the
    // window closed.
    void fixesNotExportedAreNeverDroppedSilently()
    {
        auto window = std::make_unique<MainWindow>();
        window->show();
        const QString model = testing::modelPath("reused_relu_traced");
        const QString other = testing::modelPath("three_relus_traced");
        QVERIFY(testing::openAndWait(*window, model));
        QVERIFY(window->fixCommands()->fixAll());
        QVERIFY(testing::waitIdle(*window));
        QVERIFY(window->hasUnexportedFixes());

        // Another model: asked; Cancel keeps the fixes on screen.
        QSignalSpy asked(window.get(), &MainWindow::discardAsked);
        window->openModel(other);
        QCOMPARE(asked.size(), 1);
        QVERIFY(discardQuestion(window.get()));
        QVERIFY(discardQuestion(window.get())->text().contains("reused_relu_traced.pt"));
        discardQuestion(window.get())->button(QMessageBox::Cancel)->click();
        QVERIFY(testing::waitIdle(*window));
        QCOMPARE(openedPath(*window), model);
        QVERIFY(window->fixWorkflow()->fixed());
        // Asked again; Discard opens the other model.
        window->openModel(other);
        QCOMPARE(asked.size(), 2);
        discardQuestion(window.get())->button(QMessageBox::Discard)->click();
        QVERIFY(testing::waitIdle(*window));
        QCOMPARE(openedPath(*window), other);

        // Exported (proven on the inputs described for the file): nothing to ask.
        QVERIFY(window->fixCommands()->fixAll());
        QVERIFY(testing::waitIdle(*window));
        QTemporaryDir dir;
        QString error;
        window->setModelInputs(ModelInputs{{"1,3,16,16"}, {}});
        QVERIFY(testing::waitIdle(*window));
        QSignalSpy exported(window->exports(), &ModelExports::preparedExported);
        QVERIFY2(window->exports()->preparedModel(dir.filePath("fixed.pt"), &error),
                 qPrintable(error));
        QVERIFY(exported.wait(120000));
        QVERIFY2(exported.first().at(0).toBool(), qPrintable(exported.first().at(1).toString()));
        QVERIFY(!window->hasUnexportedFixes());
        QVERIFY(testing::openAndWait(*window, model));
        QCOMPARE(asked.size(), 2);

        // Closing the window: asked; Discard closes it.
        QVERIFY(window->fixCommands()->fixAll());
        QVERIFY(testing::waitIdle(*window));
        QVERIFY(!window->close());
        QCOMPARE(asked.size(), 3);
        QVERIFY(window->isVisible());
        discardQuestion(window.get())->button(QMessageBox::Discard)->click();
        QVERIFY(!window->isVisible());
    }

    // Bug 5: exports offered with no model; a bad second file of a diff opened a blank window
    // first; a whole pickled model was called "a state_dict or tensors".
    void exportsNeedAModel()
    {
        MainWindow window;
        QAction *prepared = actionNamed(&window, "Export &Prepared Model…");
        QAction *python = actionNamed(&window, "Export P&ython Source…");
        QVERIFY(prepared && python);
        QVERIFY(!prepared->isEnabled());
        QVERIFY(!python->isEnabled());
        QVERIFY(testing::openAndWait(window, testing::modelPath("reused_relu_traced")));
        QVERIFY(prepared->isEnabled());
        QVERIFY(python->isEnabled());
        window.closeModel();
        QVERIFY(!prepared->isEnabled());
    }

    void aDiffWithABadFileOpensNoWindow()
    {
        MainWindow window;
        window.show();
        QPointer<DiffWindow> diff = window.openDiff(testing::modelPath("reused_relu_traced"),
                                                    testing::modelPath("bad_empty"));
        QSignalSpy failed(diff.data(), &DiffWindow::failed);
        QSignalSpy shown(diff.data(), &DiffWindow::loaded);
        QSignalSpy gone(diff.data(), &QObject::destroyed);
        QVERIFY(!failed.isEmpty() || failed.wait(testing::kOpenTimeoutMs));
        QMessageBox *box = window.findChild<QMessageBox *>();
        QVERIFY(box && box->isVisible());
        QVERIFY2(box->text().contains("bad_empty.pt"), qPrintable(box->text()));
        // The window goes away once its other load has ended, never shown, not even blank.
        QVERIFY(!gone.isEmpty() || gone.wait(testing::kOpenTimeoutMs));
        QVERIFY(shown.isEmpty());
        QCOMPARE(failed.size(), 1);
        box->close();
        // A good pair shows its window once both files are read.
        QPointer<DiffWindow> good =
            window.openDiff(testing::modelPath("reused_relu_traced"),
                            testing::modelPath("reused_relu_hand_fixed_traced"));
        QSignalSpy loaded(good.data(), &DiffWindow::loaded);
        QVERIFY(testing::waitIdle(good->work()));
        QCOMPARE(loaded.size(), 1);
        QVERIFY(good->isVisible());
        good->close();
    }

    void aWholePickledModelIsNamedAsSuch()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("whole.pt");
        const testing::Run made = testing::execute(
            qEnvironmentVariable("TORCHPREP_PYTHON"),
            {"-c",
             "import sys, torch, torch.nn as nn; torch.save(nn.Sequential(nn.Conv2d(3, 8, 3), "
             "nn.ReLU()), sys.argv[1])",
             file});
        QCOMPARE(made.exitCode, 0);
        MainWindow window;
        QString reason;
        QVERIFY(!testing::openAndWait(window, file, &reason));
        QVERIFY2(reason.contains("whole model") && reason.contains("torch.save(model)") &&
                     !reason.contains("state_dict"),
                 qPrintable(reason));
        for (QMessageBox *box : window.findChildren<QMessageBox *>())
            box->close();
    }

    // 1: the colour key below the graph, never over it; every box style; hidden at will; in
    // pictures.
    void theColourKeyIsBelowTheGraphAndInItsPictures()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        auto *key = window.graphPane()->findChild<LegendWidget *>();
        QVERIFY(key && key->isVisible());
        GraphView *view = window.graphPane()->view();
        QVERIFY(!key->geometry().intersects(view->geometry()));
        QVERIFY(key->geometry().top() >= view->geometry().bottom());
        QStringList texts;
        for (const LegendWidget::Row &row : key->rows())
            texts << row.text;
        for (const char *style :
             {"input / output", "op", "torch.nn layer", "module (double-click opens)",
              "open module", "Reused module", "Functional op"})
            QVERIFY2(texts.contains(style), style);
        // The picture carries the key under the graph.
        QTemporaryDir dir;
        QString error;
        QVERIFY2(window.exports()->png(dir.filePath("g.png"), &error), qPrintable(error));
        const QImage picture(dir.filePath("g.png"));
        const QRectF scene = window.graphPane()->scene()->sceneRect();
        QVERIFY2(picture.height() > 2 * (scene.height() + 40),
                 "no room for the key below the graph");
        QVERIFY2(window.exports()->svg(dir.filePath("g.svg"), &error), qPrintable(error));
        QFile svg(dir.filePath("g.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray text = svg.readAll();
        QVERIFY(text.contains("torch.nn layer") && text.contains("Functional op"));
        // View ▸ Colour Key hides it.
        QAction *toggle = actionNamed(&window, "Colour &Key");
        QVERIFY(toggle && toggle->isChecked());
        toggle->trigger();
        QVERIFY(!key->isVisible());
        toggle->trigger();
        QVERIFY(key->isVisible());
    }

    // 2: at the default size, the tree's Findings and Exclude columns are in view, the source
    // panel is wide, and the panels keep their share as the window grows.
    void panelsShowWhatMattersAndGrowWithTheWindow()
    {
        QSettings().remove("geometry");
        QSettings().remove("windowState");
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        ModulesPanel *tree = window.modulesPanel();
        QVERIFY(QTest::qWaitFor([&] { return tree->viewport()->width() > 0; }));
        for (int column : {ModuleTreeModel::FindingsColumn, ModuleTreeModel::ExcludeColumn}) {
            const int right = tree->header()->sectionViewportPosition(column) +
                              tree->header()->sectionSize(column);
            QVERIFY2(right <= tree->viewport()->width(),
                     qPrintable(QString("column %1 cut off").arg(column)));
        }
        window.showFinding(0);
        QVERIFY(testing::waitIdle(window));
        auto *source = window.sourcePanel()->findChild<QPlainTextEdit *>();
        const int columns =
            source->viewport()->width() / source->fontMetrics().horizontalAdvance('m');
        QVERIFY2(columns >= 50,
                 qPrintable(QString("the source panel shows %1 characters").arg(columns)));

        QDockWidget *modules = window.findChild<QDockWidget *>("modulesDock");
        const int before = modules->width();
        window.resize(window.width() * 3 / 2, window.height());
        QVERIFY(QTest::qWaitFor([&] { return modules->width() > before * 5 / 4; }));
    }

    // 4: the empty window: an Open button and the recent files with their folders.
    void theEmptyWindowOffersOpenAndRecentFiles()
    {
        QTemporaryDir other;
        const QString copy = other.filePath("resnet18_traced.pt");
        QVERIFY(QFile::copy(testing::modelPath("resnet18_traced"), copy));
        QSettings().setValue("recentFiles",
                             QStringList{copy, testing::modelPath("resnet18_traced")});
        MainWindow window;
        window.show();
        StartPage *start = window.startPage();
        QVERIFY(start->isVisible());
        QVERIFY(start->openButton()->isVisible());
        QCOMPARE(start->recentList()->count(), 2);
        // Two files of one name: their folders tell them apart.
        QVERIFY(
            start->recentList()->item(0)->text().contains(QDir::toNativeSeparators(other.path())));
        QVERIFY(start->recentList()->item(1)->text().contains(
            QFileInfo(testing::modelPath("resnet18_traced")).absolutePath()));
        emit start->recentList()->itemClicked(start->recentList()->item(0));
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(openedPath(window), copy);
        QVERIFY(!start->isVisible());
        window.closeModel();
        QVERIFY(start->isVisible());
    }

    // 5: people's words: the table's names in the undo history and the menus.
    void undoTextSaysWhatTheTableSays()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        int functional = -1;
        for (int i = 0;
             i < static_cast<int>(window.session()->report().findings.size()) && functional < 0;
             ++i)
            if (window.session()->report().findings[i].check == "missing_module")
                functional = i;
        QVERIFY(functional >= 0);
        window.showFinding(functional);
        QVERIFY(testing::waitIdle(window));
        QVERIFY(window.fixCommands()->fixSelected());
        QVERIFY(testing::waitIdle(window));
        const QString undo = window.fixWorkflow()->undoStack()->undoText();
        QVERIFY2(undo.contains("functional op") && !undo.contains("missing_module"),
                 qPrintable(undo));
        window.fixWorkflow()->undoStack()->undo();
        QVERIFY(testing::waitIdle(window));
        window.showFinding(functional);
        QVERIFY(window.fixCommands()->fixAllOfSelectedKind());
        QVERIFY(testing::waitIdle(window));
        const QString all = window.fixWorkflow()->undoStack()->undoText();
        QVERIFY2(all.contains("functional op") && !all.contains("missing_module"), qPrintable(all));
        window.fixWorkflow()->undoStack()->setClean();
    }

    // 5: what Fix will really create, named before the user fixes (the checks' text is for a fix
    // by hand); and it is what the fix then creates.
    void theFixSaysWhatItWillCreate()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        const auto &findings = window.session()->report().findings;
        int add = -1, relu = -1;
        for (int i = 0; i < static_cast<int>(findings.size()); ++i) {
            if (findings[i].module == "layer1.0" && findings[i].check == "missing_module")
                add = i;
            if (findings[i].module == "layer1.0.relu")
                relu = i;
        }
        QVERIFY(add >= 0 && relu >= 0);
        window.showFinding(relu);
        QVERIFY(testing::waitIdle(window));
        QString text = window.propertiesPanel()->toPlainText();
        QVERIFY2(text.contains("creates: layer1.0.module_relu_1 (ReLU)") &&
                     text.contains("By hand:"),
                 qPrintable(text));
        window.showFinding(add);
        QVERIFY(testing::waitIdle(window));
        text = window.propertiesPanel()->toPlainText();
        QVERIFY2(text.contains("creates: layer1.0.module_add (Add)"), qPrintable(text));
        QVERIFY(window.fixCommands()->fixSelected());
        QVERIFY(testing::waitIdle(window));
        QVERIFY(window.session()->graph().findModule("layer1.0.module_add"));
        window.fixWorkflow()->undoStack()->setClean();
    }

    // Copies of one model made at once (a preview, a fix, shapes, a per-layer comparison of the
    // fixed model) share libtorch's compilation unit: they take turns registering, never crash.
    void backgroundCopiesOfOneModelTakeTurns()
    {
        const QString model = testing::modelPath("resnet18_traced");
        rememberInputs(QFileInfo(model).absoluteFilePath(), ModelInputs::fromText("1,3,224,224"));
        MainWindow window;
        QVERIFY(testing::openAndWait(window, model));
        window.comparisonPanel()->setPerLayer(true);
        window.comparisonPanel()->setDevice("cpu");
        for (int round = 0; round < 3; ++round) {
            window.showFinding(round); // a preview starts
            QVERIFY(
                window.fixCommands()->fixSelected()); // and a fix beside it; shapes follow the fix
            QVERIFY(testing::waitIdle(window));
            QVERIFY(window.compareWithFixed()); // tapped copies of both models
            window.showFinding(0);
            QVERIFY(testing::waitIdle(window.work(), kCompareTimeoutMs));
            QVERIFY(window.comparisonPanel()->report());
            QVERIFY(window.comparisonPanel()->report()->passed);
        }
        QVERIFY(window.shapes()->shapes() &&
                window.shapes()->shapes()->belongTo(*window.session()));
        window.fixWorkflow()->undoStack()->setClean();
    }

    // 6: every match highlighted as you type, counted; closing the bar takes the halos away.
    void searchHighlightsEveryMatchAsYouType()
    {
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        SearchBar *search = window.searchBar();
        search->activate();
        search->setText("bn");
        QVERIFY(search->matchCount() > 10);
        QCOMPARE(search->counterText(), QString("%1 matches").arg(search->matchCount()));
        int lit = 0;
        for (NodeItem *box : window.graphPane()->scene()->boxes())
            lit += box->highlighted();
        QCOMPARE(lit,
                 search->matchCount()); // resnet18 opens with every BatchNorm in a box of its own
        search->next();
        QCOMPARE(search->counterText(), QString("1 of %1").arg(search->matchCount()));
        search->hide();
        for (NodeItem *box : window.graphPane()->scene()->boxes())
            QVERIFY(!box->highlighted());
    }

    // 7: dense graphs: group titles lie above the edges; long skip edges are faint until their
    // box is selected.
    void denseGraphsKeepTitlesAndFadeLongEdges()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::studioModelPath("densenet121_traced")));
        GraphScene *scene = window.graphPane()->scene();
        int faint = 0;
        qreal edgesTop = 0;
        for (EdgeItem *edge : scene->edges()) {
            faint += edge->faint();
            edgesTop = std::max(edgesTop, edge->zValue());
        }
        QVERIFY(faint > 0);
        for (QGraphicsItem *item : scene->items())
            if (auto *group = qgraphicsitem_cast<GroupItem *>(item))
                QVERIFY(group->zValue() > edgesTop);
    }

    // 8: a per-layer comparison counts its runs, can be cancelled, says SQNR in words and
    // colours the graph by divergence with its scale in the key.
    void perLayerComparisonCountsCancelsAndColours()
    {
        // The engine counts every forward run it makes.
        std::unique_ptr<TorchModel> a =
            TorchModel::load(testing::modelPath("resnet18_traced").toStdString());
        std::unique_ptr<TorchModel> b =
            TorchModel::load(testing::modelPath("resnet18_perturbed_traced").toStdString());
        CompareOptions options = testing::fastCompareOptions(true);
        int last = 0, total = 0, calls = 0;
        options.progress = [&](int done, int all) {
            last = done;
            total = all;
            ++calls;
            return true;
        };
        compareModels(*a, *b, options);
        QCOMPARE(total, 4); // one timed run and one tapped run of each model
        QCOMPARE(last, total);
        QCOMPARE(calls, total);
        options.progress = [](int, int) { return false; };
        try {
            compareModels(*a, *b, options);
            QFAIL("a comparison told to stop went on");
        } catch (const InputError &e) {
            QVERIFY(QString(e.what()).contains("cancelled"));
        }

        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        // Cancelled: no report, the window idle again.
        window.comparisonPanel()->setModels(testing::modelPath("resnet18_traced"),
                                            testing::modelPath("resnet18_perturbed_traced"));
        QVERIFY(window.comparisonPanel()->run(testing::modelPath("resnet18_traced"),
                                              testing::modelPath("resnet18_perturbed_traced"),
                                              testing::fastCompareOptions(true)));
        window.comparisonPanel()->cancel();
        QVERIFY(testing::waitIdle(window.work(), kCompareTimeoutMs));
        QVERIFY(!window.comparisonPanel()->report());
        QVERIFY(window.comparisonPanel()->statusText().contains("cancelled"));

        // Run to the end: the boxes take the divergence's colours, the key its scale.
        QVERIFY(compareAndWait(window, testing::modelPath("resnet18_traced"),
                               testing::modelPath("resnet18_perturbed_traced"), true));
        const ModelGraph &graph = window.session()->graph();
        GraphScene *scene = window.graphPane()->scene();
        NodeItem *stem = scene->boxes().value(graph.findModule("conv1")->calls.front());
        NodeItem *diverged =
            scene->boxes().value(graph.findModule("layer3.0.conv1")->calls.front());
        QVERIFY(stem && diverged);
        QVERIFY(stem->overlay().isValid() && diverged->overlay().isValid());
        QCOMPARE(stem->overlay().rgb(), QColor(divergenceScale().back()).rgb()); // identical: green
        QVERIFY(diverged->overlay().green() < diverged->overlay().red()); // diverged: toward red
        bool scale = false;
        for (const LegendWidget::Row &row : window.graphPane()->keyRows())
            scale = scale || !row.scale.isEmpty();
        QVERIFY(scale);
        QAction *colours = actionNamed(&window, "Colour by &Divergence");
        QVERIFY(colours && colours->isChecked());
        colours->trigger();
        QVERIFY(!stem->overlay().isValid());
        // SQNR for people.
        QCOMPARE(sqnrText(std::numeric_limits<double>::infinity()), QString("identical"));
        QCOMPARE(maxDiffText(1.6e-10, 1e-5), QString("1.6e-10 (float rounding)"));
        QCOMPARE(sqnrText(8.84), QString("8.8 dB"));
    }

    // 9: a shortcuts page read from the menus; after a fix the next finding has the keys.
    void shortcutsPageAndFixingOneAfterAnother()
    {
        MainWindow window;
        window.show();
        const QString page = shortcutsHtml(window.menuBar());
        for (const char *entry :
             {"Fix Selected Finding", "Describe Inputs", "Keyboard Shortcuts", "Find"})
            QVERIFY2(page.contains(entry), entry);
        QVERIFY(
            page.contains(QKeySequence(Qt::CTRL | Qt::Key_F2).toString(QKeySequence::NativeText)));
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        const int count = static_cast<int>(window.session()->report().findings.size());
        window.showFinding(9);
        QVERIFY(testing::waitIdle(window));
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixSelected());
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(applied.size(), 1);
        QCOMPARE(static_cast<int>(window.session()->report().findings.size()), count - 1);
        QCOMPARE(window.selection()->finding(), 9); // the next one moved up into its row
        QCOMPARE(window.findingsPanel()->currentIndex().row(), 9);
        QCOMPARE(window.focusWidget(), static_cast<QWidget *>(window.findingsPanel()));
        QVERIFY(window.findingsPanel()->styleSheet().contains(":focus"));
        QVERIFY(window.fixCommands()->fixSelected()); // and again, from the keyboard's place
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(static_cast<int>(window.session()->report().findings.size()), count - 2);
        window.fixWorkflow()->undoStack()->setClean();
    }

    // Issue 14: operator libraries are remembered in the settings and loaded.
    void operatorLibrariesAreRemembered()
    {
        MainWindow window;
        const QStringList failed = window.setOpsLibraries({"/nonexistent/libmyops.so"});
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.front().contains("libmyops.so") && !failed.front().contains('\n'),
                 qPrintable(failed.front()));
        QCOMPARE(rememberedOpsLibraries(), QStringList{"/nonexistent/libmyops.so"});
        const QString torchvision = QString::fromStdString(findOpsLibraryFor("torchvision"));
        if (torchvision.isEmpty())
            QSKIP("python3-torchvision's operator library is not installed");
        QVERIFY(window.setOpsLibraries({torchvision}).isEmpty());
        bool loaded = false;
        for (const std::string &path : loadedOpsLibraries())
            loaded = loaded || QString::fromStdString(path) == torchvision;
        QVERIFY(loaded);
        window.setOpsLibraries({});
    }
};

QTEST_MAIN(TestStudioDaily)
#include "tst_studio_daily.moc"
