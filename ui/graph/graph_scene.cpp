#include "graph_scene.h"

#include "graph/edge_item.h"
#include "graph/graph_controller.h"
#include "graph/graph_layout.h"
#include "graph/group_item.h"
#include "graph/node_item.h"
#include "session/check_style.h"
#include "session/model_session.h"
#include "session/shape_recorder.h"

#include <QGraphicsSceneMouseEvent>

#include <algorithm>
#include <map>

namespace torchprep {

GraphScene::GraphScene(GraphController *controller, QObject *parent)
    : QGraphicsScene(parent), controller_(controller)
{
    setBackgroundBrush(Qt::white);
    connect(this, &QGraphicsScene::selectionChanged, this, &GraphScene::onSelectionChanged);
    connect(controller, &GraphController::layoutReady, this, &GraphScene::showLayout);
    connect(controller, &GraphController::cleared, this, &GraphScene::clearContent);
}

// QGraphicsScene's destructor deselects items as it deletes them: no slot may see that.
GraphScene::~GraphScene()
{
    blockSignals(true);
    boxes_.clear();
    groups_.clear();
    edges_.clear();
    clear();
}

void GraphScene::clearContent()
{
    {
        const QSignalBlocker block(this);
        clear();
    }
    boxes_.clear();
    groups_.clear();
    edges_.clear();
    session_.reset();
    layout_.reset();
    setSceneRect(QRectF());
    emit contentChanged();
}

void GraphScene::showLayout(std::shared_ptr<const GraphLayout> layout)
{
    const std::shared_ptr<const ModelSession> session = controller_->session();
    // A node id means the same only within one graph.
    const NodeId keep =
        session_ && session && session_->sameGraph(*session) ? selectedNode() : kNoId;
    {
        const QSignalBlocker block(this);
        clear();
    }
    boxes_.clear();
    groups_.clear();
    edges_.clear();
    if (!session_ || !session || !session_->sameGraph(*session))
        highlights_.clear(); // node ids of another graph
    session_ = session;
    layout_ = std::move(layout);
    for (std::size_t i = 0; i < layout_->graph.clusters.size(); ++i) {
        const VisibleCluster &cluster = layout_->graph.clusters[i];
        auto *item =
            new GroupItem(cluster.call, layout_->clusterRects[i], cluster.title, cluster.depth);
        addItem(item->background());
        addItem(item);
        groups_.insert(cluster.call, item);
    }
    for (const LaidEdge &edge : layout_->edges) {
        auto *item = new EdgeItem(edge);
        addItem(item);
        edges_.append(item);
    }
    for (std::size_t i = 0; i < layout_->graph.boxes.size(); ++i) {
        const VisibleBox &box = layout_->graph.boxes[i];
        auto *item = new NodeItem(box, layout_->boxRects[i]);
        if (box.node != kNoId)
            boxes_.insert(box.node, item);
        addItem(item);
    }
    decorate();
    applyShapes();
    applyHighlights();
    setSceneRect(layout_->bounds.adjusted(-40, -40, 40, 40));
    if (keep != kNoId)
        selectNode(keep, false);
    emit contentChanged();
}

bool GraphScene::showsSessionGraph() const
{
    const std::shared_ptr<const ModelSession> shown = controller_->session();
    return session_ && shown && session_->sameGraph(*shown);
}

void GraphScene::setMarks(QHash<NodeId, NodeMark> marks)
{
    marks_ = std::move(marks);
    // Marks name nodes of the controller's graph: drawn now only while that graph is on show.
    if (showsSessionGraph())
        decorate();
}

void GraphScene::setOverlay(QHash<NodeId, QColor> fills)
{
    overlay_ = std::move(fills);
    if (showsSessionGraph())
        decorate();
}

void GraphScene::setShapes(std::shared_ptr<const SessionShapes> shapes)
{
    shapes_ = std::move(shapes);
    applyShapes();
}

// Each edge says what it carries: the recorded shape, else the type where it says something.
void GraphScene::applyShapes()
{
    if (!layout_ || !session_)
        return;
    const bool usable = shapes_ && shapes_->belongTo(*session_);
    for (int i = 0; i < edges_.size(); ++i) {
        const LaidEdge &edge = layout_->edges[static_cast<std::size_t>(i)];
        const TensorShape *shape = usable ? shapes_->shapes.of(edge.value) : nullptr;
        edges_[i]->setLabel(shape ? QString::fromStdString(tensorShapeText(*shape)) : edge.label);
    }
    for (auto it = boxes_.cbegin(); it != boxes_.cend(); ++it) {
        QStringList results;
        if (usable)
            for (ValueId v : session_->graph().nodes[it.key()].outputs)
                if (const TensorShape *shape = shapes_->shapes.of(v))
                    results << QString::fromStdString(tensorShapeText(*shape));
        it.value()->setResult(results.join(QStringLiteral(", ")));
    }
}

void GraphScene::setHighlights(std::vector<NodeId> nodes)
{
    highlights_ = std::move(nodes);
    applyHighlights();
}

void GraphScene::applyHighlights()
{
    for (NodeItem *box : std::as_const(boxes_))
        box->setHighlight(false);
    if (!showsSessionGraph())
        return;
    for (NodeId node : highlights_)
        if (auto *box = qgraphicsitem_cast<NodeItem *>(itemFor(node)))
            box->setHighlight(true);
}

void GraphScene::setShowFindings(bool show)
{
    showFindings_ = show;
    if (session_)
        decorate();
}

// Colours each box and group by the findings on it (its own check's colour; badges for those
// inside a collapsed module) and by the changes marked on it or inside it.
void GraphScene::decorate()
{
    const auto &findings = session_->report().findings;
    auto ownColor = [&](NodeId node) {
        const std::vector<int> &own = session_->findingsOf(node);
        return !showFindings_ || own.empty() ? QColor() : checkColor(findings[own.front()].check);
    };
    // Marked nodes counted inside each collapsed call, per colour (in order of first sight).
    QHash<NodeId, QVector<NodeItem::Badge>> markedInside;
    for (auto it = marks_.cbegin(); it != marks_.cend(); ++it) {
        if (!it.value().counted || it.key() < 0 ||
            it.key() >= static_cast<NodeId>(session_->graph().nodes.size()))
            continue;
        for (NodeId call : session_->ancestorCalls(it.key())) {
            if (!boxes_.contains(call))
                continue;
            QVector<NodeItem::Badge> &badges = markedInside[call];
            auto same = std::find_if(badges.begin(), badges.end(), [&](const NodeItem::Badge &b) {
                return b.color == it.value().color;
            });
            if (same == badges.end())
                badges.append({it.value().color, 1});
            else
                ++same->count;
        }
    }
    for (auto it = boxes_.cbegin(); it != boxes_.cend(); ++it) {
        QVector<NodeItem::Badge> badges;
        if (it.value()->collapsedModule()) {
            if (showFindings_) {
                std::map<std::string, int> perCheck;
                for (int f : session_->findingsInside(it.key()))
                    ++perCheck[findings[f].check];
                for (const auto &[check, count] : perCheck)
                    badges.append({checkColor(check), count});
            }
            badges += markedInside.value(it.key());
        }
        it.value()->setFindings(ownColor(it.key()), badges);
        it.value()->setMark(marks_.value(it.key()).color);
        it.value()->setOverlay(overlay_.value(it.key()));
    }
    for (auto it = groups_.cbegin(); it != groups_.cend(); ++it) {
        it.value()->setAccent(ownColor(it.key()));
        it.value()->setMark(marks_.value(it.key()).color);
        it.value()->setOverlay(overlay_.value(it.key()));
    }
}

QGraphicsItem *GraphScene::itemFor(NodeId node) const
{
    if (!session_ || !session_->hasNode(node))
        return nullptr;
    if (NodeItem *box = boxes_.value(node))
        return box;
    if (GroupItem *group = groups_.value(node))
        return group;
    for (NodeId call : session_->ancestorCalls(node))
        if (NodeItem *box = boxes_.value(call))
            return box;
    // Plumbing has no box of its own: show the group around it.
    for (NodeId call = session_->graph().nodes[node].parentCall; call != kNoId;
         call = session_->graph().nodes[call].parentCall)
        if (GroupItem *group = groups_.value(call))
            return group;
    return nullptr;
}

bool GraphScene::selectNode(NodeId node, bool notify)
{
    return selectNodes({node}, notify);
}

bool GraphScene::selectNodes(const std::vector<NodeId> &nodes, bool notify)
{
    bool any = false;
    {
        const QSignalBlocker block(this);
        clearSelection();
        for (NodeId node : nodes)
            if (QGraphicsItem *item = itemFor(node)) {
                item->setSelected(true);
                any = true;
            }
    }
    markLinkedCalls(selectedNode());
    if (notify)
        emit nodeSelected(selectedNode());
    return any;
}

NodeId GraphScene::nodeOf(const QGraphicsItem *item)
{
    if (auto *box = qgraphicsitem_cast<const NodeItem *>(item))
        return box->node();
    if (auto *group = qgraphicsitem_cast<const GroupItem *>(item))
        return group->node();
    return kNoId;
}

NodeId GraphScene::selectedNode() const
{
    for (QGraphicsItem *item : selectedItems())
        if (const NodeId node = nodeOf(item); node != kNoId)
            return node;
    return kNoId;
}

void GraphScene::onSelectionChanged()
{
    const NodeId node = selectedNode();
    markLinkedCalls(node);
    emit nodeSelected(node);
}

// Every call of a reused module is one finding: selecting one call shows the others.
void GraphScene::markLinkedCalls(NodeId selected)
{
    for (NodeItem *box : std::as_const(boxes_))
        box->setLinked(false);
    // The selected box's edges stand out from the rest (a faint skip edge too).
    const bool boxSelected = selected != kNoId && boxes_.contains(selected);
    for (EdgeItem *edge : std::as_const(edges_))
        edge->setEmphasis(boxSelected &&
                          (edge->from() == boxKeyOf(selected) || edge->to() == boxKeyOf(selected)));
    if (!session_ || selected == kNoId)
        return;
    const GraphNode &node = session_->graph().nodes[selected];
    if (node.kind != NodeKind::ModuleCall)
        return;
    for (NodeId call : session_->graph().modules[node.callee].calls)
        if (NodeItem *box = boxes_.value(call))
            box->setLinked(call != selected);
}

void GraphScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event)
{
    for (QGraphicsItem *item : items(event->scenePos())) {
        if (auto *box = qgraphicsitem_cast<NodeItem *>(item)) {
            if (box->collapsedModule())
                emit toggleRequested(box->node());
            return;
        }
        if (auto *group = qgraphicsitem_cast<GroupItem *>(item)) {
            emit toggleRequested(group->node());
            return;
        }
    }
    QGraphicsScene::mouseDoubleClickEvent(event);
}

} // namespace torchprep
