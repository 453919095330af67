// The scene mirrors its controller's laid-out graph, by node id: it creates the items, colours
// them from the session's findings, keeps node -> item maps, and reports the user's selection
// and double-clicks. A selection survives a new layout of the same graph, never another graph.
#pragma once

#include "graph/model_graph.h"
#include "graph/node_mark.h"

#include <QGraphicsScene>
#include <QHash>
#include <QVector>

#include <memory>
#include <vector>

namespace torchprep {

class EdgeItem;
class GraphController;
class ModelSession;
struct GraphLayout;
class NodeItem;
class GroupItem;
struct SessionShapes;

class GraphScene : public QGraphicsScene
{
    Q_OBJECT
  public:
    explicit GraphScene(GraphController *controller, QObject *parent = nullptr);
    ~GraphScene() override;

    // Changes to outline, by node of the controller's graph; kept for later layouts. Empty: none.
    void setMarks(QHash<NodeId, NodeMark> marks);
    const QHash<NodeId, NodeMark> &marks() const { return marks_; }
    // False: the findings' colours and badges are left out (the before/after view shows changes).
    void setShowFindings(bool show);
    // Tensor shapes for the edges and the boxes' tooltips; used while they belong to the graph
    // on show, kept for later layouts. Null: none.
    void setShapes(std::shared_ptr<const SessionShapes> shapes);
    // Search matches (nodes of the graph on show): each item standing for one gets a halo.
    void setHighlights(std::vector<NodeId> nodes);
    // Fills by node (the per-layer divergence), kept for later layouts; empty: none.
    void setOverlay(QHash<NodeId, QColor> fills);
    const QHash<NodeId, QColor> &overlay() const { return overlay_; }

    // The item standing for `node` now: its box, its group, or its collapsed ancestor's box.
    QGraphicsItem *itemFor(NodeId node) const;
    // Selects the item standing for `node`, as a click on it would; false when none does.
    // `notify` false: nodeSelected() stays silent (the caller is following a selection).
    bool selectNode(NodeId node, bool notify = true);
    // Selects the items standing for all of `nodes` (a change spans several); false when none.
    bool selectNodes(const std::vector<NodeId> &nodes, bool notify = true);
    NodeId selectedNode() const;
    // The node a box or group stands for; kNoId for anything else (an edge).
    static NodeId nodeOf(const QGraphicsItem *item);
    int boxCount() const { return boxes_.size(); }
    int groupCount() const { return groups_.size(); }
    const QHash<NodeId, NodeItem *> &boxes() const { return boxes_; }
    const QVector<EdgeItem *> &edges() const { return edges_; }
    // The box key (VisibleBox::key) of the box standing for `node`, for matching edges.
    static int boxKeyOf(NodeId node) { return node; }

  signals:
    void nodeSelected(torchprep::NodeId node); // the user's selection; kNoId when cleared
    void toggleRequested(torchprep::NodeId call);
    void contentChanged(); // a new layout (or none) is on show

  protected:
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;

  private:
    void showLayout(std::shared_ptr<const GraphLayout> layout);
    void clearContent();
    void onSelectionChanged();
    void markLinkedCalls(NodeId selected);
    void decorate(); // findings, marks and the overlay onto the items
    void applyShapes();
    void applyHighlights();
    bool showsSessionGraph() const; // the layout on show is of the controller's graph

    GraphController *controller_;
    std::shared_ptr<const ModelSession> session_;
    std::shared_ptr<const GraphLayout> layout_;
    QHash<NodeId, NodeItem *> boxes_;
    QHash<NodeId, GroupItem *> groups_;
    QHash<NodeId, NodeMark> marks_;
    QHash<NodeId, QColor> overlay_;
    QVector<EdgeItem *> edges_;
    std::shared_ptr<const SessionShapes> shapes_;
    std::vector<NodeId> highlights_;
    bool showFindings_ = true;
};

} // namespace torchprep
