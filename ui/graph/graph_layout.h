// Top-to-bottom layered layout of a visible graph with Graphviz's dot (libgvc, in process).
// Scene coordinates in points, y growing downwards. Safe to call from any thread: libgvc
// keeps global state, so calls are serialised inside.
#pragma once

#include "graph/visible_graph.h"

#include <QPainterPath>
#include <QPolygonF>
#include <QRectF>

#include <set>
#include <vector>

namespace torchprep {

struct LaidEdge
{
    int from = 0;
    int to = 0;
    QPainterPath path;
    QPolygonF arrow; // head at the target's border, empty when dot gave none
    QString label;
    QPointF labelPos;
    ValueId value = kNoId; // what the edge carries (VisibleEdge::value)
};

struct GraphLayout
{
    std::set<NodeId> expanded; // the expansion state this layout is for
    VisibleGraph graph;
    std::vector<QRectF> boxRects;     // parallel to graph.boxes
    std::vector<QRectF> clusterRects; // parallel to graph.clusters
    std::vector<LaidEdge> edges;
    QRectF bounds;
    double seconds = 0; // time spent in dot
};

GraphLayout layoutGraph(VisibleGraph graph);

} // namespace torchprep
