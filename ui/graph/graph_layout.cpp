#include "graph_layout.h"

#include <QElapsedTimer>
#include <QLineF>
#include <QMutex>
#include <QMutexLocker>

#include <graphviz/gvc.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace torchprep {

namespace {

QMutex &gvMutex()
{
    static QMutex mutex;
    return mutex;
}

// cgraph takes char* everywhere; the strings are copied, so temporaries are fine.
char *cs(const QByteArray &text)
{
    return const_cast<char *>(text.constData());
}

// Boxes times edges up to which the column is drawn (densenet121's first view: 85 x 619).
constexpr double kSpineWorkLimit = 60000;

QByteArray inches(qreal points)
{
    return QByteArray::number(points / 72.0, 'f', 4);
}

QPolygonF arrowHead(QPointF from, QPointF tip)
{
    QLineF line(tip, from);
    if (line.length() < 0.01)
        return {};
    line.setLength(8);
    const QPointF base = line.p2();
    const QPointF normal(-(base.y() - tip.y()) * 0.45, (base.x() - tip.x()) * 0.45);
    return QPolygonF({tip, base + normal, base - normal});
}

} // namespace

GraphLayout layoutGraph(VisibleGraph graph)
{
    GraphLayout out;
    QMutexLocker lock(&gvMutex());
    QElapsedTimer timer;
    timer.start();

    static GVC_t *gvc = gvContext();
    Agraph_t *g = agopen(cs("model"), Agdirected, nullptr);
    agattr(g, AGRAPH, cs("rankdir"), cs("TB"));
    agattr(g, AGRAPH, cs("nodesep"), cs("0.25"));
    agattr(g, AGRAPH, cs("ranksep"), cs("0.32"));
    agattr(g, AGRAPH, cs("label"), cs(""));
    agattr(g, AGRAPH, cs("labeljust"), cs("l"));
    agattr(g, AGRAPH, cs("labelloc"), cs("t"));
    // dot sizes group titles with its own font metrics; a larger size leaves room for ours.
    agattr(g, AGRAPH, cs("fontsize"), cs("15"));
    agattr(g, AGRAPH, cs("margin"), cs("10"));
    agattr(g, AGNODE, cs("shape"), cs("box"));
    agattr(g, AGNODE, cs("fixedsize"), cs("true"));
    agattr(g, AGNODE, cs("label"), cs(""));
    agattr(g, AGNODE, cs("width"), cs("1"));
    agattr(g, AGNODE, cs("height"), cs("0.5"));
    agattr(g, AGEDGE, cs("arrowsize"), cs("0.7"));

    std::unordered_map<NodeId, Agraph_t *> subgraphs;
    std::vector<Agraph_t *> clusterGraphs;
    for (const VisibleCluster &cluster : graph.clusters) {
        Agraph_t *parent = cluster.parent == kNoId ? g : subgraphs.at(cluster.parent);
        Agraph_t *sub = agsubg(parent, cs("cluster_" + QByteArray::number(cluster.call)), 1);
        agset(sub, cs("label"), cs(cluster.title.toUtf8()));
        subgraphs[cluster.call] = sub;
        clusterGraphs.push_back(sub);
    }
    std::unordered_map<int, Agnode_t *> nodes;
    std::vector<Agnode_t *> boxNodes;
    for (const VisibleBox &box : graph.boxes) {
        Agraph_t *home = box.cluster == kNoId ? g : subgraphs.at(box.cluster);
        Agnode_t *n = agnode(home, cs("n" + QByteArray::number(box.key)), 1);
        agset(n, cs("width"), cs(inches(box.size.width())));
        agset(n, cs("height"), cs(inches(box.size.height())));
        nodes[box.key] = n;
        boxNodes.push_back(n);
    }
    // Each box's latest input (the one computed last) holds it in a straight column under its
    // source, as Netron draws; earlier inputs (skips, dense connections) route around the column.
    // Weighted, dot slows sharply on large dense graphs (densenet121 opened whole: 30x): those
    // keep the plain layout.
    agattr(g, AGEDGE, cs("weight"), cs("1"));
    const bool spine =
        static_cast<double>(graph.boxes.size()) * graph.edges.size() <= kSpineWorkLimit;
    std::unordered_map<int, int> latestSource;
    for (const VisibleEdge &edge : graph.edges) {
        auto [it, fresh] = latestSource.try_emplace(edge.to, edge.from);
        if (!fresh)
            it->second = std::max(it->second, edge.from);
    }
    std::vector<Agedge_t *> edges;
    for (const VisibleEdge &edge : graph.edges) {
        Agedge_t *e = agedge(g, nodes.at(edge.from), nodes.at(edge.to), nullptr, 1);
        if (spine && latestSource.at(edge.to) == edge.from)
            agset(e, cs("weight"), cs("8"));
        edges.push_back(e);
    }

    gvLayout(gvc, g, "dot");

    const boxf bb = GD_bb(g);
    auto pt = [&](pointf p) { return QPointF(p.x - bb.LL.x, bb.UR.y - p.y); };
    auto rect = [&](boxf b) { return QRectF(pt(b.LL), pt(b.UR)).normalized(); };
    out.bounds = rect(bb);
    for (std::size_t i = 0; i < boxNodes.size(); ++i) {
        const QSizeF size = graph.boxes[i].size;
        const QPointF c = pt(ND_coord(boxNodes[i]));
        out.boxRects.emplace_back(c.x() - size.width() / 2, c.y() - size.height() / 2, size.width(),
                                  size.height());
    }
    for (Agraph_t *sub : clusterGraphs)
        out.clusterRects.push_back(rect(GD_bb(sub)));
    for (std::size_t i = 0; i < edges.size(); ++i) {
        LaidEdge laid;
        laid.from = graph.edges[i].from;
        laid.to = graph.edges[i].to;
        laid.label = graph.edges[i].label;
        laid.value = graph.edges[i].value;
        const splines *spl = ED_spl(edges[i]);
        if (spl && spl->size > 0 && spl->list[0].size > 0) {
            const bezier &bz = spl->list[0];
            laid.path.moveTo(pt(bz.list[0]));
            for (int k = 1; k + 2 < bz.size; k += 3)
                laid.path.cubicTo(pt(bz.list[k]), pt(bz.list[k + 1]), pt(bz.list[k + 2]));
            if (bz.eflag)
                laid.arrow = arrowHead(pt(bz.list[bz.size - 1]), pt(bz.ep));
        } else {
            laid.path.moveTo(out.boxRects[0].center()); // dot routes every edge; never expected
        }
        // Near the source: below a box, not under the title of a group the edge then enters.
        laid.labelPos = laid.path.pointAtPercent(0.3);
        out.edges.push_back(std::move(laid));
    }
    gvFreeLayout(gvc, g);
    agclose(g);
    out.graph = std::move(graph);
    out.seconds = timer.elapsed() / 1000.0;
    return out;
}

} // namespace torchprep
