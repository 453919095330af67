// What the graph view shows for one expansion state: the boxes, the groups around the
// bodies of expanded module calls, and the data-flow edges between boxes. Collapsed calls
// stand for their whole body; plumbing ops (constants, attribute reads, tuple packing) are
// left out and their data flow passes through them. Plain data, built in a worker.
#pragma once

#include "graph/model_graph.h"

#include <QFont>
#include <QSizeF>
#include <QString>

#include <set>
#include <vector>

namespace torchprep {

class ModelSession;

enum class BoxKind {
    Input,
    Output,
    Op,
    Layer,           // call of a standard torch.nn layer
    CollapsedModule, // call of user code shown as one box
};

struct VisibleBox
{
    int key = 0; // the graph node, or kInputKeyBase - i / kOutputKey
    BoxKind kind = BoxKind::Op;
    NodeId node = kNoId;    // kNoId for inputs and outputs
    NodeId cluster = kNoId; // the expanded call whose group holds it
    QString title;
    QString subtitle;
    QSizeF size;
};

struct VisibleEdge
{
    int from = 0; // box keys
    int to = 0;
    QString label;         // the value's type where it says more than "Tensor"
    ValueId value = kNoId; // what `from` hands on: its shape labels the edge once recorded
};

struct VisibleCluster
{
    NodeId call = kNoId;
    NodeId parent = kNoId; // enclosing expanded call, kNoId at the top
    int depth = 0;
    QString title;
};

struct VisibleGraph
{
    std::vector<VisibleBox> boxes;
    std::vector<VisibleEdge> edges;
    std::vector<VisibleCluster> clusters; // parents before children
};

constexpr int kOutputKey = -2;
constexpr int kInputKeyBase = -10;

// True for nodes that only move data around (constants, attribute reads, packing).
bool isPlumbing(const GraphNode &node);
// True for a call whose body the graph holds (user code), i.e. one that can be expanded.
bool isExpandable(const GraphNode &node);
// The call or node that stands for `node` when only the calls in `expanded` are open.
NodeId representative(const ModelGraph &graph, const std::set<NodeId> &expanded, NodeId node);
// Opens whole levels of the hierarchy, top first, while about `budget` boxes are visible.
std::set<NodeId> defaultExpansion(const ModelGraph &graph, int budget);

VisibleGraph buildVisibleGraph(const ModelSession &session, const std::set<NodeId> &expanded,
                               const QFont &font);

} // namespace torchprep
