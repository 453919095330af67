// The frame around an expanded module call's body, titled with its class and path.
// Double-clicking it (handled by the scene) collapses the module back into one box. The frame
// and its title bar lie above the edges, so no edge crosses a title; the tinted background is a
// separate item below them (background()).
#pragma once

#include "graph/model_graph.h"

#include <QColor>
#include <QGraphicsItem>
#include <QStaticText>

namespace torchprep {

class GroupItem : public QGraphicsItem
{
  public:
    enum { Type = UserType + 2 };

    GroupItem(NodeId call, const QRectF &rect, const QString &title, int depth);

    int type() const override { return Type; }
    NodeId node() const { return call_; }
    // Colour of a finding about the call itself (a reused container); invalid: none.
    void setAccent(const QColor &accent);
    // A change in the before/after view (a module added or unrolled whole); invalid: none.
    void setMark(const QColor &mark);
    QColor mark() const { return mark_; }
    // The title bar's tint for the per-layer divergence; invalid: none.
    void setOverlay(const QColor &fill);
    // The group's fill, drawn under the edges; the scene adds it beside the group.
    QGraphicsItem *background() const { return background_; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override; // only the title bar picks: clicks inside reach the boxes
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

  private:
    QRectF titleRect() const;

    NodeId call_;
    QRectF rect_;
    QStaticText title_;
    QColor fill_;
    QColor accent_;
    QColor mark_;
    QColor overlay_;
    QGraphicsItem *background_;
};

} // namespace torchprep
