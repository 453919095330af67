#include "layered_layout.h"

#include <QElapsedTimer>
#include <QLineF>

#include <algorithm>
#include <unordered_map>

namespace torchprep {

namespace {

constexpr qreal kRankGap = 28;
constexpr qreal kBoxGap = 18;
constexpr qreal kGroupPad = 10;
constexpr qreal kGroupTitle = 20;

} // namespace

GraphLayout layeredLayout(VisibleGraph graph)
{
    QElapsedTimer timer;
    timer.start();
    GraphLayout out;
    const std::size_t n = graph.boxes.size();
    std::unordered_map<int, std::size_t> index;
    for (std::size_t i = 0; i < n; ++i)
        index[graph.boxes[i].key] = i;
    std::vector<std::vector<std::size_t>> preds(n);
    for (const VisibleEdge &e : graph.edges)
        preds[index.at(e.to)].push_back(index.at(e.from));

    // Boxes come in execution order (inputs first, output last): a topological order.
    std::vector<int> rank(n, 0);
    int ranks = 0;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t p : preds[i])
            rank[i] = std::max(rank[i], rank[p] + 1);
        ranks = std::max(ranks, rank[i] + 1);
    }
    std::vector<std::vector<std::size_t>> byRank(ranks);
    for (std::size_t i = 0; i < n; ++i)
        byRank[rank[i]].push_back(i);

    out.boxRects.assign(n, QRectF());
    std::vector<qreal> centreX(n, 0);
    qreal y = 0;
    for (auto &row : byRank) {
        // Barycentre of predecessors keeps chains straight and branches beside each other.
        std::vector<std::pair<qreal, std::size_t>> order;
        for (std::size_t i : row) {
            qreal sum = 0;
            for (std::size_t p : preds[i])
                sum += centreX[p];
            order.push_back({preds[i].empty() ? 0 : sum / preds[i].size(), i});
        }
        std::stable_sort(order.begin(), order.end());
        qreal width = -kBoxGap, height = 0;
        for (const auto &[bary, i] : order) {
            width += graph.boxes[i].size.width() + kBoxGap;
            height = std::max(height, graph.boxes[i].size.height());
        }
        const qreal mean = order.empty() ? 0 : [&] {
            qreal s = 0;
            for (const auto &o : order)
                s += o.first;
            return s / order.size();
        }();
        qreal x = mean - width / 2;
        for (const auto &[bary, i] : order) {
            const QSizeF size = graph.boxes[i].size;
            out.boxRects[i] = QRectF(QPointF(x, y + (height - size.height()) / 2), size);
            centreX[i] = x + size.width() / 2;
            x += size.width() + kBoxGap;
        }
        y += height + kRankGap;
    }

    // Groups: their members' bounds, innermost first so parents include children.
    out.clusterRects.assign(graph.clusters.size(), QRectF());
    std::unordered_map<NodeId, std::size_t> clusterIndex;
    for (std::size_t c = 0; c < graph.clusters.size(); ++c)
        clusterIndex[graph.clusters[c].call] = c;
    for (std::size_t i = 0; i < n; ++i)
        if (graph.boxes[i].cluster != kNoId) {
            QRectF &r = out.clusterRects[clusterIndex.at(graph.boxes[i].cluster)];
            r = r.isNull() ? out.boxRects[i] : r.united(out.boxRects[i]);
        }
    for (std::size_t c = graph.clusters.size(); c-- > 0;) {
        QRectF &r = out.clusterRects[c];
        r.adjust(-kGroupPad, -kGroupPad - kGroupTitle, kGroupPad, kGroupPad);
        if (graph.clusters[c].parent != kNoId) {
            QRectF &parent = out.clusterRects[clusterIndex.at(graph.clusters[c].parent)];
            parent = parent.isNull() ? r : parent.united(r);
        }
    }

    for (const VisibleEdge &e : graph.edges) {
        const QRectF &from = out.boxRects[index.at(e.from)];
        const QRectF &to = out.boxRects[index.at(e.to)];
        LaidEdge laid;
        laid.from = e.from;
        laid.to = e.to;
        laid.label = e.label;
        laid.value = e.value;
        const QPointF start(from.center().x(), from.bottom());
        const QPointF end(to.center().x(), to.top());
        const qreal bend = std::max<qreal>(12, (end.y() - start.y()) / 2);
        laid.path.moveTo(start);
        laid.path.cubicTo(start + QPointF(0, bend), end - QPointF(0, bend), end - QPointF(0, 0.1));
        QLineF back(end, end - QPointF(0, 8));
        laid.arrow = QPolygonF({end, back.p2() + QPointF(-3.6, 0), back.p2() + QPointF(3.6, 0)});
        laid.labelPos = laid.path.pointAtPercent(0.5);
        out.edges.push_back(std::move(laid));
    }
    for (const QRectF &r : out.boxRects)
        out.bounds = out.bounds.united(r);
    for (const QRectF &r : out.clusterRects)
        out.bounds = out.bounds.united(r);
    out.graph = std::move(graph);
    out.seconds = timer.elapsed() / 1000.0;
    return out;
}

} // namespace torchprep
