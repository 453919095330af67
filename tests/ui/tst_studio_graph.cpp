// The graph view: expanding and collapsing groups, double-clicks, search, and the layout's
// geometry (boxes never overlap, edges join the boxes they name, groups hold their boxes).
#include "studio_test_support.h"
#include "test_models.h"

#include "graph/graph_controller.h"
#include "graph/graph_layout.h"
#include "graph/graph_pane.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/layered_layout.h"
#include "graph/node_item.h"
#include "graph/search_bar.h"
#include "graph/visible_graph.h"
#include "session/model_session.h"

#include <QApplication>
#include <QStandardPaths>

using namespace torchprep;

namespace {

// The call of module `path` (first call).
NodeId callOf(const ModelSession &session, const std::string &path)
{
    const ModuleInfo *m = session.graph().findModule(path);
    return m && !m->calls.empty() ? m->calls.front() : kNoId;
}

// Boxes never overlap, edges start at their source and end (arrow tip) at their target,
// groups hold their boxes, and something reaches the output. Empty when all hold.
QString geometryProblem(const GraphLayout &layout)
{
    const auto &boxes = layout.graph.boxes;
    if (layout.boxRects.size() != boxes.size())
        return "one rect per box";
    for (std::size_t i = 0; i < boxes.size(); ++i)
        for (std::size_t j = i + 1; j < boxes.size(); ++j)
            if (layout.boxRects[i].adjusted(1, 1, -1, -1).intersects(layout.boxRects[j]))
                return boxes[i].title + " overlaps " + boxes[j].title;
    std::map<int, QRectF> byKey;
    for (std::size_t i = 0; i < boxes.size(); ++i)
        byKey[boxes[i].key] = layout.boxRects[i];
    bool reachesOutput = false;
    for (const LaidEdge &edge : layout.edges) {
        if (!byKey.count(edge.from) || !byKey.count(edge.to))
            return "edge to a box that is not there";
        if (!byKey[edge.from].adjusted(-3, -3, 3, 3).contains(edge.path.pointAtPercent(0)))
            return QString("edge %1->%2 does not start at its source").arg(edge.from).arg(edge.to);
        if (edge.arrow.isEmpty() ||
            !byKey[edge.to].adjusted(-3, -3, 3, 3).contains(edge.arrow.front()))
            return QString("edge %1->%2 does not end at its target").arg(edge.from).arg(edge.to);
        reachesOutput = reachesOutput || edge.to == kOutputKey;
    }
    std::map<NodeId, QRectF> groups;
    for (std::size_t i = 0; i < layout.graph.clusters.size(); ++i)
        groups[layout.graph.clusters[i].call] = layout.clusterRects[i];
    for (std::size_t i = 0; i < boxes.size(); ++i)
        if (boxes[i].cluster != kNoId && !groups.at(boxes[i].cluster).contains(layout.boxRects[i]))
            return boxes[i].title + " lies outside its group";
    return reachesOutput ? QString() : QStringLiteral("nothing reaches the output");
}

} // namespace

class TestStudioGraph : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("TorchPrepTest");
        QApplication::setApplicationName("StudioGraphTest");
    }

    void collapseAndExpandChangeTheVisibleBoxes()
    {
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        const auto session = window.session();
        GraphController *controller = window.graphPane()->controller();
        GraphScene *scene = window.graphPane()->scene();
        const NodeId layer1 = callOf(*session, "layer1");
        QVERIFY(layer1 != kNoId);
        QVERIFY(controller->expanded().count(layer1)); // the default view opens layer1
        const int open = scene->boxCount();

        controller->setExpanded(layer1, false);
        QVERIFY(testing::waitIdle(window));
        const int closed = scene->boxCount();
        QVERIFY2(closed < open, qPrintable(QString("%1 vs %2").arg(closed).arg(open)));
        NodeItem *box = scene->boxes().value(layer1);
        QVERIFY(box && box->collapsedModule());
        // Inside layer1 nothing has a box of its own: the collapsed box stands for it.
        const NodeId inner = callOf(*session, "layer1.0.conv1");
        QCOMPARE(scene->itemFor(inner), static_cast<QGraphicsItem *>(box));

        // Double-clicking the collapsed box opens it one level: its two blocks, still closed
        // (closing a group closed what was open inside it).
        window.graphPane()->view()->centreOnItem(box);
        const QPoint at =
            window.graphPane()->view()->mapFromScene(box->sceneBoundingRect().center());
        QTest::mouseDClick(window.graphPane()->view()->viewport(), Qt::LeftButton, {}, at);
        QVERIFY(testing::waitIdle(window));
        QVERIFY(controller->expanded().count(layer1));
        QCOMPARE(scene->boxCount(), closed - 1 + 2);
        // The opened module stays selected, and in view.
        QCOMPARE(scene->selectedNode(), layer1);
        QVERIFY(window.graphPane()->view()->visibleSceneRect().contains(
            scene->itemFor(layer1)->sceneBoundingRect().center()));
        const NodeId block0 = callOf(*session, "layer1.0");
        QVERIFY(scene->boxes().value(block0) && scene->boxes().value(block0)->collapsedModule());
        QCOMPARE(scene->itemFor(inner), static_cast<QGraphicsItem *>(scene->boxes().value(block0)));
        // Revealing a node inside opens exactly the groups around it.
        window.revealNode(inner);
        QVERIFY(testing::waitIdle(window));
        QVERIFY(scene->boxes().contains(inner));
        QCOMPARE(scene->selectedNode(), inner);

        controller->collapseAll();
        QVERIFY(testing::waitIdle(window));
        const int all = scene->boxCount();
        QVERIFY(all < closed);
        controller->expandAll();
        QVERIFY(testing::waitIdle(window));
        // All open: every op and layer has its box, every user-code call its group.
        int leaves = 0, groups = 0;
        for (const GraphNode &node : session->graph().nodes) {
            leaves += !isPlumbing(node) && !isExpandable(node);
            groups += isExpandable(node);
        }
        QCOMPARE(scene->boxCount(), leaves); // boxCount() leaves out the inputs and the output
        QCOMPARE(scene->groupCount(), groups);
        QVERIFY(scene->boxCount() >= open);
    }

    void layoutGeometryIsSound_data()
    {
        QTest::addColumn<QString>("model");
        for (const char *name : {"resnet18_traced", "vit_tiny_traced", "control_flow_scripted"})
            QTest::newRow(name) << testing::modelPath(name);
    }

    void layoutGeometryIsSound()
    {
        QFETCH(QString, model);
        MainWindow window;
        QVERIFY(testing::openAndWait(window, model));
        window.graphPane()->controller()->expandAll();
        QVERIFY(testing::waitIdle(window));
        const auto layout = window.graphPane()->controller()->layout();
        QVERIFY(layout);
        const QString dotProblem = geometryProblem(*layout);
        QVERIFY2(dotProblem.isEmpty(), qPrintable(dotProblem));
        // The fast layered layout (used past kDotBoxLimit boxes) keeps the same promises.
        const GraphLayout layered = layeredLayout(layout->graph);
        const QString layeredProblem = geometryProblem(layered);
        QVERIFY2(layeredProblem.isEmpty(), qPrintable(layeredProblem));
    }

    void searchStepsThroughEveryMatch()
    {
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        const auto session = window.session();
        // Every call of a ReLU module: the stem's once, each BasicBlock's twice.
        std::vector<NodeId> relus;
        for (const GraphNode &node : session->graph().nodes)
            if (node.kind == NodeKind::ModuleCall &&
                session->graph().modules[node.callee].typeName == "ReLU")
                relus.push_back(node.id);
        QCOMPARE(relus.size(), std::size_t(17));
        window.graphPane()->controller()->collapseAll();
        QVERIFY(testing::waitIdle(window));

        SearchBar *search = window.searchBar();
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QVERIFY(search->isVisible());
        search->setText("ReLU");
        QCOMPARE(search->matchCount(), 17);
        for (std::size_t i = 0; i < relus.size(); ++i) {
            search->next();
            QVERIFY(testing::waitIdle(window));
            QCOMPARE(window.graphPane()->scene()->selectedNode(), relus[i]);
            QVERIFY(window.graphPane()->scene()->boxes().value(relus[i])->isSelected());
        }
        search->next(); // wraps around
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.graphPane()->scene()->selectedNode(), relus.front());
        search->previous();
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.graphPane()->scene()->selectedNode(), relus.back());

        search->setText("layer3.1");
        QVERIFY(search->matchCount() >= 1);
        search->setText("aten::add");
        QCOMPARE(search->matchCount(), 8); // the identity adds
        search->setText("no-such-thing");
        QCOMPARE(search->matchCount(), 0);
    }

    void reusedCallsAreLinkedOnSelection()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("resnet18_traced")));
        const auto session = window.session();
        const ModuleInfo *relu = session->graph().findModule("layer2.1.relu");
        QVERIFY(relu && relu->calls.size() == 2);
        window.revealNode(relu->calls[0]);
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.graphPane()->scene()->selectedNode(), relu->calls[0]);
        // Selecting one call outlines the other call of the same module, and nothing else.
        for (NodeItem *box : window.graphPane()->scene()->boxes())
            QCOMPARE(box->linked(), box->node() == relu->calls[1]);
        // Both calls carry the reused-module finding.
        QCOMPARE(session->findingsOf(relu->calls[0]), session->findingsOf(relu->calls[1]));
        QVERIFY(!session->findingsOf(relu->calls[1]).empty());
    }

    void plumbingIsLeftOutButItsDataFlows()
    {
        MainWindow window;
        QVERIFY(testing::openAndWait(window, testing::modelPath("vit_tiny_traced")));
        window.graphPane()->controller()->expandAll();
        QVERIFY(testing::waitIdle(window));
        const auto layout = window.graphPane()->controller()->layout();
        const auto &graph = window.session()->graph();
        for (const VisibleBox &box : layout->graph.boxes)
            if (box.node != kNoId)
                QVERIFY(!isPlumbing(graph.nodes[box.node]));
        // Every box but the inputs has something flowing in.
        std::set<int> fed;
        for (const VisibleEdge &edge : layout->graph.edges)
            fed.insert(edge.to);
        int unfed = 0;
        for (const VisibleBox &box : layout->graph.boxes)
            unfed += box.kind != BoxKind::Input && !fed.count(box.key);
        QVERIFY2(unfed <= 2, qPrintable(QString::number(unfed))); // constructors may start chains
    }
};

QTEST_MAIN(TestStudioGraph)
#include "tst_studio_graph.moc"
