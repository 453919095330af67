#include "edge_item.h"

#include "graph/graph_layout.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace torchprep {

namespace {
const QColor kEdgeColor(0x78, 0x84, 0x90);
}

EdgeItem::EdgeItem(const LaidEdge &edge)
    : path_(edge.path), arrow_(edge.arrow), label_(edge.label), labelPos_(edge.labelPos)
{
    setZValue(1);
    setAcceptedMouseButtons(Qt::NoButton);
    label_.setPerformanceHint(QStaticText::AggressiveCaching);
    bounds_ = path_.boundingRect().united(arrow_.boundingRect());
    if (!edge.label.isEmpty())
        bounds_ = bounds_.united(QRectF(labelPos_, label_.size()).adjusted(-2, -2, 2, 2));
    bounds_.adjust(-2, -2, 2, 2);
}

QRectF EdgeItem::boundingRect() const { return bounds_; }

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < 0.3)
        painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(QPen(kEdgeColor, 1.1));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path_);
    if (lod < 0.3)
        return;
    painter->setPen(Qt::NoPen);
    painter->setBrush(kEdgeColor);
    painter->drawPolygon(arrow_);
    if (!label_.text().isEmpty() && lod > 0.6) {
        painter->setPen(QColor(0x3E, 0x6E, 0x9E));
        painter->drawStaticText(labelPos_ + QPointF(4, -label_.size().height() / 2), label_);
    }
}

} // namespace torchprep
