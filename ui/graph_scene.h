// The scene mirrors one laid-out graph: it creates the items, colours them from the
// session's findings, keeps node -> item maps, and reports selection and double-clicks.
#pragma once

#include "model_graph.h"
#include "node_mark.h"

#include <QGraphicsScene>
#include <QHash>

#include <memory>

namespace torchprep {

class ModelSession;
struct GraphLayout;
class NodeItem;
class GroupItem;

class GraphScene : public QGraphicsScene
{
    Q_OBJECT
public:
    explicit GraphScene(QObject *parent = nullptr);
    ~GraphScene() override;

    void setContent(std::shared_ptr<const ModelSession> session,
                    std::shared_ptr<const GraphLayout> layout);
    void clearContent();
    // Changes to outline, by node; applied now and kept for later layouts. Empty: none.
    void setMarks(QHash<NodeId, NodeMark> marks);
    const QHash<NodeId, NodeMark> &marks() const { return marks_; }
    // False: the findings' colours and badges are left out (the before/after view shows changes).
    void setShowFindings(bool show);

    // The item standing for `node` now: its box, its group, or its collapsed ancestor's box.
    QGraphicsItem *itemFor(NodeId node) const;
    // Selects the item standing for `node`; false when none does.
    bool selectNode(NodeId node);
    // Selects the items standing for all of `nodes` (a change spans several); false when none.
    bool selectNodes(const std::vector<NodeId> &nodes);
    NodeId selectedNode() const;
    int boxCount() const { return boxes_.size(); }
    int groupCount() const { return groups_.size(); }
    const QHash<NodeId, NodeItem *> &boxes() const { return boxes_; }

signals:
    void nodeSelected(torchprep::NodeId node); // kNoId when the selection is cleared
    void toggleRequested(torchprep::NodeId call);

protected:
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;

private:
    void onSelectionChanged();
    void markLinkedCalls(NodeId selected);
    void decorate(); // findings and marks onto the items


    std::shared_ptr<const ModelSession> session_;
    std::shared_ptr<const GraphLayout> layout_;
    QHash<NodeId, NodeItem *> boxes_;
    QHash<NodeId, GroupItem *> groups_;
    QHash<NodeId, NodeMark> marks_;
    bool showFindings_ = true;
};

} // namespace torchprep
