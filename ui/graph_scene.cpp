#include "graph_scene.h"

#include "edge_item.h"
#include "finding_style.h"
#include "graph_layout.h"
#include "group_item.h"
#include "model_session.h"
#include "node_item.h"

#include <QGraphicsSceneMouseEvent>

#include <map>

namespace torchprep {

GraphScene::GraphScene(QObject *parent) : QGraphicsScene(parent)
{
    setBackgroundBrush(Qt::white);
    connect(this, &QGraphicsScene::selectionChanged, this, &GraphScene::onSelectionChanged);
}

// QGraphicsScene's destructor deselects items as it deletes them: no slot may see that.
GraphScene::~GraphScene()
{
    blockSignals(true);
    boxes_.clear();
    groups_.clear();
    clear();
}

void GraphScene::clearContent()
{
    const QSignalBlocker block(this);
    clear();
    boxes_.clear();
    groups_.clear();
    session_.reset();
    layout_.reset();
    setSceneRect(QRectF());
    emit nodeSelected(kNoId);
}

void GraphScene::setContent(std::shared_ptr<const ModelSession> session,
                            std::shared_ptr<const GraphLayout> layout)
{
    const NodeId keep = selectedNode();
    {
        const QSignalBlocker block(this);
        clear();
    }
    boxes_.clear();
    groups_.clear();
    session_ = std::move(session);
    layout_ = std::move(layout);
    const auto &findings = session_->report().findings;
    auto firstCheckColor = [&](const std::vector<int> &indexes) {
        return indexes.empty() ? QColor() : checkColor(findings[indexes.front()].check);
    };

    for (std::size_t i = 0; i < layout_->graph.clusters.size(); ++i) {
        const VisibleCluster &cluster = layout_->graph.clusters[i];
        auto *item = new GroupItem(cluster.call, layout_->clusterRects[i], cluster.title, cluster.depth);
        item->setAccent(firstCheckColor(session_->findingsOf(cluster.call)));
        addItem(item);
        groups_.insert(cluster.call, item);
    }
    for (const LaidEdge &edge : layout_->edges)
        addItem(new EdgeItem(edge));
    for (std::size_t i = 0; i < layout_->graph.boxes.size(); ++i) {
        const VisibleBox &box = layout_->graph.boxes[i];
        auto *item = new NodeItem(box, layout_->boxRects[i]);
        if (box.node != kNoId) {
            QVector<NodeItem::Badge> badges;
            if (box.kind == BoxKind::CollapsedModule) {
                std::map<std::string, int> perCheck;
                for (int f : session_->findingsInside(box.node))
                    ++perCheck[findings[f].check];
                for (const auto &[check, count] : perCheck)
                    badges.append({checkColor(check), count});
            }
            item->setFindings(firstCheckColor(session_->findingsOf(box.node)), badges);
            boxes_.insert(box.node, item);
        }
        addItem(item);
    }
    setSceneRect(layout_->bounds.adjusted(-40, -40, 40, 40));
    if (keep != kNoId)
        selectNode(keep);
    else
        emit nodeSelected(kNoId);
}

QGraphicsItem *GraphScene::itemFor(NodeId node) const
{
    if (!session_ || node == kNoId)
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

bool GraphScene::selectNode(NodeId node)
{
    QGraphicsItem *item = itemFor(node);
    {
        const QSignalBlocker block(this);
        clearSelection();
        if (item)
            item->setSelected(true);
    }
    onSelectionChanged();
    return item != nullptr;
}

NodeId GraphScene::selectedNode() const
{
    for (QGraphicsItem *item : selectedItems()) {
        if (auto *box = qgraphicsitem_cast<NodeItem *>(item))
            return box->node();
        if (auto *group = qgraphicsitem_cast<GroupItem *>(item))
            return group->node();
    }
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
