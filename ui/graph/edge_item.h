// One data-flow edge: dot's spline, an arrow head, and what it carries (the tensor's shape once
// recorded, else the value's type where that says something). Long skip edges are drawn faint so
// dense graphs stay readable; the edges of the selected box are drawn strong.
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
    int from() const { return from_; }
    int to() const { return to_; }
    QString label() const { return label_.text(); }
    void setLabel(const QString &label);
    // Spans so many ranks that it is drawn faint (unless emphasised).
    bool faint() const { return faint_; }
    // An edge of the selected box: drawn strong and above the others.
    void setEmphasis(bool on);

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

  private:
    void updateBounds();

    int from_;
    int to_;
    QPainterPath path_;
    QPolygonF arrow_;
    QStaticText label_;
    QPointF labelPos_;
    QRectF bounds_;
    bool faint_ = false;
    bool emphasis_ = false;
};

} // namespace torchprep
