// One data-flow edge: dot's spline, an arrow head, and the value's type where known.
#pragma once

#include <QGraphicsItem>
#include <QPainterPath>
#include <QPolygonF>
#include <QStaticText>

namespace torchprep {

struct LaidEdge;

class EdgeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 3 };

    explicit EdgeItem(const LaidEdge &edge);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QPainterPath path_;
    QPolygonF arrow_;
    QStaticText label_;
    QPointF labelPos_;
    QRectF bounds_;
};

} // namespace torchprep
