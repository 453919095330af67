// The Before / After view as a user meets it: Fix All on resnet18 shows the opened model and
// the fixed one side by side with the 8 rewritten adds and 8 unrolled relus marked in both,
// selecting a change or a box selects it in both graphs, pan and zoom follow, undo empties
// it, the fixed model's outputs equal the opened one's, and any two files open as a diff.
#include "studio_test_support.h"
#include "test_models.h"

#include "compare/comparison_panel.h"
#include "diff/changes_model.h"
#include "diff/diff_style.h"
#include "diff/diff_view.h"
#include "diff/diff_window.h"
#include "diff/view_sync.h"
#include "fixes/fix_workflow.h"
#include "graph/graph_controller.h"
#include "graph/graph_pane.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/node_item.h"
#include "panels/findings_panel.h"
#include "session/model_session.h"

#include <QApplication>
#include <QFileInfo>
#include <QImage>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QUndoStack>

#include <map>

using namespace torchprep;

namespace {

constexpr int kTimeoutMs = 180000;

// The before/after view's layouts run on its window's tracker: wait for it to go idle.
bool waitDiff(MainWindow &window)
{
    return testing::waitIdle(window.work(), kTimeoutMs) && !window.diffView()->busy();
}
bool waitDiff(DiffWindow &window)
{
    return testing::waitIdle(window.work(), kTimeoutMs) && !window.diffView()->busy();
}

// The box or group standing for `node` in a side's scene, or nullptr.
QGraphicsItem *itemOf(DiffView *view, DiffView::Side side, NodeId node)
{
    return view->scene(side)->itemFor(node);
}

bool inView(DiffView *view, DiffView::Side side, QGraphicsItem *item)
{
    return item &&
           view->view(side)->visibleSceneRect().contains(item->sceneBoundingRect().center());
}

NodeId firstCall(const ModelSession &session, const char *path)
{
    const ModuleInfo *m = session.graph().findModule(path);
    return m && !m->calls.empty() ? m->calls.front() : kNoId;
}

} // namespace

class TestStudioDiff : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("TorchPrepTest");
        QApplication::setApplicationName("StudioDiffTest");
    }

    void fixAllShowsEveryChangeInBothGraphs()
    {
        MainWindow window;
        window.resize(1500, 1000);
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        DiffView *diff = window.diffView();
        QVERIFY(!diff->hasContent()); // nothing fixed yet: a placeholder
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixAll());
        QVERIFY(testing::waitIdle(window));
        QVERIFY(!applied.isEmpty());
        QVERIFY(waitDiff(window));
        QCOMPARE(window.tabs()->currentWidget(), diff); // a bulk fix opens its before/after
        QVERIFY(diff->hasContent());
        // Before: the model as opened (16 findings); after: the fixed one on screen.
        QCOMPARE(diff->session(DiffView::Before)->report().findings.size(), std::size_t(16));
        QVERIFY(diff->session(DiffView::Before)->model() != window.session()->model());
        QCOMPARE(diff->session(DiffView::After), window.session());

        // 16 rows: 8 rewritten adds and 8 unrolled relus, each marked in its colour on both sides.
        const ChangesModel *changes = diff->changesModel();
        QCOMPARE(changes->rowCount(), 16);
        std::map<DiffKind, int> kinds;
        for (const DiffEntry &e : diff->diff()->entries) {
            ++kinds[e.kind];
            for (DiffView::Side side : {DiffView::Before, DiffView::After}) {
                const NodeId node =
                    side == DiffView::Before ? e.beforeNodes.front() : e.afterNodes.front();
                auto *box = qgraphicsitem_cast<NodeItem *>(itemOf(diff, side, node));
                QVERIFY2(box, e.module.c_str()); // every changed module is opened to its own box
                QCOMPARE(box->mark(), diffColor(e.kind));
            }
        }
        QCOMPARE(kinds, (std::map<DiffKind, int>{{DiffKind::OpRewritten, 8},
                                                 {DiffKind::ReuseUnrolled, 8}}));
        QVERIFY(diff->summaryText().contains("8 rewritten ops"));
        QVERIFY(diff->summaryText().contains("8 unrolled reuses"));
        // Nothing else is marked: unchanged boxes carry no mark.
        int marked = 0;
        for (NodeItem *box : diff->scene(DiffView::After)->boxes())
            marked += box->mark().isValid() ? 1 : 0;
        QCOMPARE(marked, 16);

        // The first change is selected and in view in both graphs.
        const DiffEntry &first = diff->diff()->entries.front();
        QCOMPARE(diff->changesTable()->currentIndex().row(), 0);
        for (DiffView::Side side : {DiffView::Before, DiffView::After}) {
            QGraphicsItem *item = itemOf(diff, side,
                                         side == DiffView::Before ? first.beforeNodes.front()
                                                                  : first.afterNodes.front());
            QVERIFY(item->isSelected());
            QVERIFY2(inView(diff, side, item), side == DiffView::Before ? "before" : "after");
        }

        // Selecting a change deep in the model selects it in both graphs and brings both into view.
        const int row = 13;
        diff->changesTable()->selectRow(row);
        QVERIFY(waitDiff(window));
        const DiffEntry &e = diff->diff()->entries[row];
        QGraphicsItem *was = itemOf(diff, DiffView::Before, e.beforeNodes.front());
        QGraphicsItem *now = itemOf(diff, DiffView::After, e.afterNodes.front());
        QVERIFY(was->isSelected() && now->isSelected());
        QVERIFY(inView(diff, DiffView::Before, was));
        QVERIFY(inView(diff, DiffView::After, now));

        // Clicking a box selects its twin (same module path) in the other graph.
        const NodeId conv = firstCall(*diff->session(DiffView::Before), "layer2.0.conv1");
        const NodeId twin = diff->twinOf(DiffView::Before, conv);
        QCOMPARE(diff->session(DiffView::After)->graph().nodes[twin].callee,
                 diff->session(DiffView::After)->graph().findModule("layer2.0.conv1")->id);
        diff->scene(DiffView::Before)->selectNode(conv);
        QVERIFY(itemOf(diff, DiffView::After, twin)->isSelected());
        QVERIFY(inView(diff, DiffView::After, itemOf(diff, DiffView::After, twin)));

        // Pan and zoom follow: the same zoom, and the twin of the box at one centre at the other's.
        GraphView *left = diff->view(DiffView::Before);
        GraphView *right = diff->view(DiffView::After);
        left->setZoom(0.5);
        QCOMPARE(right->zoom(), 0.5);
        QGraphicsItem *target = itemOf(
            diff, DiffView::Before, firstCall(*diff->session(DiffView::Before), "layer4.1.conv2"));
        left->centerOn(target);
        QGraphicsItem *targetTwin = itemOf(
            diff, DiffView::After, firstCall(*diff->session(DiffView::After), "layer4.1.conv2"));
        QVERIFY(inView(diff, DiffView::After, targetTwin));
        const QPointF offLeft =
            left->visibleSceneRect().center() - target->sceneBoundingRect().center();
        const QPointF offRight =
            right->visibleSceneRect().center() - targetTwin->sceneBoundingRect().center();
        // At the same height; sideways each narrow graph is centred in its view.
        QVERIFY2(std::abs(offLeft.y() - offRight.y()) < 4, "the twin sits level with the box");
        // Off: the other view stays put.
        diff->viewSync()->setEnabled(false);
        const QPointF still = right->visibleSceneRect().center();
        left->centerOn(
            itemOf(diff, DiffView::Before, firstCall(*diff->session(DiffView::Before), "conv1")));
        QCOMPARE(right->visibleSceneRect().center(), still);
        diff->viewSync()->setEnabled(true);

        // Closing a module on one side closes its twin on the other.
        const NodeId layer4 = firstCall(*diff->session(DiffView::After), "layer4");
        diff->scene(DiffView::After)->toggleRequested(layer4);
        QVERIFY(waitDiff(window));
        QVERIFY(qgraphicsitem_cast<NodeItem *>(itemOf(diff, DiffView::After, layer4))
                    ->collapsedModule());
        const NodeId layer4Before = firstCall(*diff->session(DiffView::Before), "layer4");
        auto *collapsed =
            qgraphicsitem_cast<NodeItem *>(itemOf(diff, DiffView::Before, layer4Before));
        QVERIFY(collapsed && collapsed->collapsedModule());

        // The picture: both graphs side by side.
        QTemporaryDir dir;
        QString error;
        const QString png = dir.filePath("diff.png");
        QVERIFY2(window.exports()->diffPicture(png, &error), qPrintable(error));
        const QImage image(png);
        QVERIFY(!image.isNull());
        const qreal bothWide = diff->scene(DiffView::Before)->sceneRect().width() +
                               diff->scene(DiffView::After)->sceneRect().width();
        QVERIFY(image.width() >= bothWide); // scaled up for sharp labels, never cropped
        QVERIFY2(window.exports()->diffPicture(dir.filePath("diff.svg"), &error),
                 qPrintable(error));
        QFile svg(dir.filePath("diff.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));

        // Undo: nothing fixed, nothing to diff; redo brings the same 16 changes back.
        window.fixWorkflow()->undoStack()->undo();
        QVERIFY(testing::waitIdle(window));
        QVERIFY(!diff->hasContent());
        QVERIFY(!window.exports()->diffPicture(dir.filePath("none.png"), &error));
        window.fixWorkflow()->undoStack()->redo();
        QVERIFY(testing::waitIdle(window));
        QVERIFY(waitDiff(window));
        QCOMPARE(diff->changesModel()->rowCount(), 16);
    }

    // One fix: the graph outlines what it added, and the diff lists just that change.
    void oneFixIsOutlinedInTheGraph()
    {
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        window.findingsPanel()->selectRow(0);
        QVERIFY(testing::waitIdle(window));
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixSelected());
        QVERIFY(testing::waitIdle(window));
        QVERIFY(!applied.isEmpty());
        QCOMPARE(window.tabs()->currentIndex(), 0); // a single fix stays in the graph
        // Exactly the new module's call is outlined, and it is the one module the fix added.
        QCOMPARE(window.fixWorkflow()->lastChange().size(), 1);
        const NodeId marked = window.fixWorkflow()->lastChange().keys().front();
        const GraphNode &call = window.session()->graph().nodes[marked];
        QCOMPARE(call.kind, NodeKind::ModuleCall);
        QVERIFY(QString::fromStdString(window.session()->graph().modules[call.callee].name)
                    .startsWith("module_"));
        window.revealNode(marked);
        QVERIFY(testing::waitIdle(window));
        auto *box = qgraphicsitem_cast<NodeItem *>(window.graphPane()->scene()->itemFor(marked));
        QVERIFY(box && box->mark().isValid());

        window.showDiff();
        QVERIFY(waitDiff(window));
        QCOMPARE(window.diffView()->changesModel()->rowCount(), 1);
        QCOMPARE(window.diffView()->diff()->entries.front().afterNodes.front(), marked);
    }

    // The comparison panel runs the opened model against the fixed one, held in memory.
    void fixedModelComputesTheSameOutputs()
    {
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        QVERIFY(!window.compareWithFixed()); // nothing fixed yet
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixAll());
        QVERIFY(testing::waitIdle(window));
        QVERIFY(!applied.isEmpty());
        ComparisonPanel *panel = window.comparisonPanel();
        panel->setInputShapes("1,3,64,64");
        panel->setDevice("cpu");
        panel->setPerLayer(true);
        QSignalSpy done(panel, &ComparisonPanel::finished);
        QVERIFY(window.compareWithFixed());
        QVERIFY(testing::waitIdle(window.work(), kTimeoutMs));
        QVERIFY(!done.isEmpty());
        QVERIFY(done.front().front().toBool());
        const ComparisonReport *report = panel->report();
        QVERIFY(report && report->passed);
        QCOMPARE(report->outputs.front().metrics.maxAbsDiff, 0.0);
        QCOMPARE(panel->modelA(),
                 QFileInfo(testing::modelPath("resnet18_traced")).absoluteFilePath());
        QVERIFY(panel->modelB().contains("after"));
        int added = 0;
        for (const LayerComparison &layer : report->layers)
            added += layer.match == "new" ? 1 : 0;
        QCOMPARE(added, 8); // the Add modules; the unrolled relus pair by data flow
        // A layer picked in the panel is selected in both graphs of the Before / After tab.
        QVERIFY(window.diffView()->selectModule("layer3.1.module_relu_1"));
        QVERIFY(waitDiff(window));
        const NodeId copy = firstCall(*window.session(), "layer3.1.module_relu_1");
        QVERIFY(window.diffView()->scene(DiffView::After)->itemFor(copy)->isSelected());
    }

    // Any two files: a model and the version its author fixed by hand.
    void twoFilesOpenAsADiff()
    {
        MainWindow window;
        DiffWindow *diffWindow =
            window.openDiff(testing::modelPath("reused_relu_traced"),
                            testing::modelPath("reused_relu_hand_fixed_traced"));
        QSignalSpy ready(diffWindow, &DiffWindow::ready);
        QVERIFY(waitDiff(*diffWindow));
        QVERIFY(!ready.isEmpty());
        DiffView *view = diffWindow->diffView();
        QCOMPARE(view->changesModel()->rowCount(), 1);
        const DiffEntry &e = view->diff()->entries.front();
        QCOMPARE(e.kind, DiffKind::ReuseUnrolled);
        QCOMPARE(e.module, std::string("relu2"));
        QCOMPARE(view->title(DiffView::After), QString("reused_relu_hand_fixed_traced.pt"));
        // The second relu call is marked in the original, relu2 in the edited file.
        QCOMPARE(qgraphicsitem_cast<NodeItem *>(
                     view->scene(DiffView::Before)->itemFor(e.beforeNodes.front()))
                     ->mark(),
                 diffColor(DiffKind::ReuseUnrolled));
        QCOMPARE(qgraphicsitem_cast<NodeItem *>(
                     view->scene(DiffView::After)->itemFor(e.afterNodes.front()))
                     ->mark(),
                 diffColor(DiffKind::ReuseUnrolled));
        // Same weights: the outputs agree exactly.
        diffWindow->comparisonPanel()->setInputShapes("1,3,16,16");
        diffWindow->comparisonPanel()->setDevice("cpu");
        QSignalSpy done(diffWindow->comparisonPanel(), &ComparisonPanel::finished);
        QVERIFY(diffWindow->compareOutputs());
        QVERIFY(testing::waitIdle(diffWindow->work(), kTimeoutMs));
        QVERIFY(!done.isEmpty());
        QVERIFY(diffWindow->comparisonPanel()->report()->passed);
        QCOMPARE(diffWindow->comparisonPanel()->report()->outputs.front().metrics.maxAbsDiff, 0.0);
        diffWindow->close();
    }

    void identicalFilesHaveNoChanges()
    {
        DiffWindow window;
        QSignalSpy ready(&window, &DiffWindow::ready);
        window.openPair(testing::modelPath("resnet18_traced"),
                        testing::modelPath("resnet18_traced"));
        QVERIFY(waitDiff(window));
        QVERIFY(!ready.isEmpty());
        QCOMPARE(window.diffView()->changesModel()->rowCount(), 0);
        QVERIFY(window.diffView()->summaryText().contains("No changes"));
        for (NodeItem *box : window.diffView()->scene(DiffView::After)->boxes())
            QVERIFY(!box->mark().isValid());
    }

    // A file that is no model: one line naming it, and the window stays usable.
    void badFileGetsOneLine()
    {
        DiffWindow window;
        QSignalSpy failed(&window, &DiffWindow::failed);
        window.openPair(testing::modelPath("reused_relu_traced"), testing::modelPath("bad_empty"));
        QVERIFY(testing::waitIdle(window.work(), kTimeoutMs));
        QVERIFY(!failed.isEmpty());
        const QString reason = failed.front().front().toString();
        QVERIFY2(reason.contains("bad_empty.pt") && reason.contains("empty"), qPrintable(reason));
        QVERIFY(!reason.contains('\n'));
        QVERIFY(!window.diffView()->hasContent());
        QString error;
        QVERIFY(!window.diffView()->exportPicture(QDir::temp().filePath("never.png"), &error));
        QVERIFY(!window.compareOutputs());
        // Then a good pair in the same window.
        QSignalSpy ready(&window, &DiffWindow::ready);
        window.openPair(testing::modelPath("reused_relu_traced"),
                        testing::modelPath("reused_relu_hand_fixed_traced"));
        QVERIFY(waitDiff(window));
        QVERIFY(!ready.isEmpty());
        QCOMPARE(window.diffView()->changesModel()->rowCount(), 1);
    }
};

QTEST_MAIN(TestStudioDiff)
#include "tst_studio_diff.moc"
