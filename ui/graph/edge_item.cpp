#include "edge_item.h"

#include "graph/graph_layout.h"
#include "session/check_style.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace torchprep {

namespace {
const QColor kEdgeColor(0x78, 0x84, 0x90);
const QColor kLabelColor(0x3E, 0x6E, 0x9E);
constexpr qreal kFaintSpan = 230; // points: an edge longer than about three ranks skips past
} // namespace

EdgeItem::EdgeItem(const LaidEdge &edge)
    : from_(edge.from), to_(edge.to), path_(edge.path), arrow_(edge.arrow), label_(edge.label),
      labelPos_(edge.labelPos)
{
    faint_ = path_.boundingRect().height() > kFaintSpan;
    setZValue(faint_ ? 0.9 : 1);
    setAcceptedMouseButtons(Qt::NoButton);
    label_.setPerformanceHint(QStaticText::AggressiveCaching);
    updateBounds();
}

void EdgeItem::updateBounds()
{
    prepareGeometryChange();
    bounds_ = path_.boundingRect().united(arrow_.boundingRect());
    if (!label_.text().isEmpty())
        bounds_ = bounds_.united(
            QRectF(labelPos_ + QPointF(4, -label_.size().height() / 2), label_.size())
                .adjusted(-2, -2, 2, 2));
    bounds_.adjust(-2, -2, 2, 2);
}

void EdgeItem::setLabel(const QString &label)
{
    if (label == label_.text())
        return;
    label_.setText(label);
    updateBounds();
    update();
}

void EdgeItem::setEmphasis(bool on)
{
    if (emphasis_ == on)
        return;
    emphasis_ = on;
    setZValue(on ? 1.5 : faint_ ? 0.9 : 1);
    update();
}

QRectF EdgeItem::boundingRect() const
{
    return bounds_;
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < 0.3)
        painter->setRenderHint(QPainter::Antialiasing, false);
    QColor color = emphasis_ ? selectionColor() : kEdgeColor;
    if (faint_ && !emphasis_)
        color.setAlpha(70);
    painter->setPen(QPen(color, emphasis_ ? 2 : faint_ ? 0.8 : 1.1));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path_);
    if (lod < 0.3)
        return;
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(arrow_);
    if (!label_.text().isEmpty() && lod > 0.6 && (!faint_ || emphasis_)) {
        painter->setPen(emphasis_ ? selectionColor().darker(130) : kLabelColor);
        painter->drawStaticText(labelPos_ + QPointF(4, -label_.size().height() / 2), label_);
    }
}

} // namespace torchprep
