// One box of the graph: an op, a torch.nn layer, a collapsed module, or a model input/output.
// Holds only what it draws; the session stays the source of truth.
#pragma once

#include "graph/model_graph.h"

#include <QColor>
#include <QGraphicsItem>
#include <QStaticText>
#include <QVector>

namespace torchprep {

struct VisibleBox;

class NodeItem : public QGraphicsItem
{
  public:
    enum { Type = UserType + 1 };

    struct Badge
    {
        QColor color;
        int count = 0;
    };

    NodeItem(const VisibleBox &box, const QRectF &rect);

    int type() const override { return Type; }
    NodeId node() const { return node_; }
    bool collapsedModule() const { return collapsed_; }
    bool isInput() const { return input_; }

    // `accent`: colour of the check reported on this node itself (invalid: none).
    // `badges`: findings inside a collapsed module, one per check.
    void setFindings(const QColor &accent, const QVector<Badge> &badges);
    // A change in the before/after view: a halo in the change's colour (invalid: none).
    void setMark(const QColor &mark);
    QColor mark() const { return mark_; }
    // Drawn with a dashed outline: another call of the selected reused module.
    void setLinked(bool linked);
    bool linked() const { return linked_; }
    // A search match: a yellow halo.
    void setHighlight(bool on);
    bool highlighted() const { return highlight_; }
    // A fill that says something about the box (the per-layer divergence); invalid: none.
    void setOverlay(const QColor &fill);
    QColor overlay() const { return overlay_; }
    // The box's result as the tooltip tells it ("1x64x112x112").
    void setResult(const QString &result);

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

  private:
    NodeId node_;
    QRectF rect_;
    QStaticText title_;
    QStaticText subtitle_;
    QColor fill_;
    QColor border_;
    QColor accent_;
    QColor mark_;
    QColor overlay_;
    QString toolTip_;
    QVector<Badge> badges_;
    QVector<QStaticText> badgeTexts_;
    bool collapsed_ = false;
    bool input_ = false;
    bool linked_ = false;
    bool highlight_ = false;
    bool rounded_ = false;
};

} // namespace torchprep
