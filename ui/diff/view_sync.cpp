#include "view_sync.h"

#include "graph/graph_view.h"

#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QLineF>
#include <QScopedValueRollback>

#include <limits>

namespace torchprep {

ViewSync::ViewSync(GraphView *first, GraphView *second, TwinOf twin, QObject *parent)
    : QObject(parent), first_(first), second_(second), twin_(std::move(twin))
{
    connect(first_, &GraphView::viewportMoved, this, [this] { follow(first_); });
    connect(second_, &GraphView::viewportMoved, this, [this] { follow(second_); });
}

void ViewSync::setEnabled(bool enabled)
{
    enabled_ = enabled;
    if (enabled_)
        follow(first_);
}

void ViewSync::follow(GraphView *leader)
{
    if (!enabled_ || following_ || !leader->scene() || !leader->isVisible())
        return;
    GraphView *follower = leader == first_ ? second_ : first_;
    if (!follower->scene() || follower->scene()->sceneRect().isEmpty())
        return;
    const QScopedValueRollback<bool> guard(following_, true);
    follower->setZoom(leader->zoom());

    // The box nearest the leader's centre that has a twin: put the twin at the same offset.
    const QRectF visible = leader->visibleSceneRect();
    const QPointF centre = visible.center();
    QGraphicsItem *anchor = nullptr;
    QGraphicsItem *anchorTwin = nullptr;
    qreal best = std::numeric_limits<qreal>::max();
    for (QGraphicsItem *item : leader->scene()->items(visible)) {
        const qreal distance = QLineF(item->sceneBoundingRect().center(), centre).length();
        if (distance >= best)
            continue;
        if (QGraphicsItem *twin = twin_(item, leader == first_)) {
            best = distance;
            anchor = item;
            anchorTwin = twin;
        }
    }
    if (anchor) {
        place(leader, anchor, follower, anchorTwin);
        return;
    }
    // Nothing to hold on to: the same relative place.
    const QRectF from = leader->scene()->sceneRect();
    const QRectF to = follower->scene()->sceneRect();
    follower->centerOn(to.left() + (centre.x() - from.left()) / from.width() * to.width(),
                       to.top() + (centre.y() - from.top()) / from.height() * to.height());
}

void ViewSync::alignOn(GraphView *leader, QGraphicsItem *item)
{
    GraphView *follower = leader == first_ ? second_ : first_;
    QGraphicsItem *twin = item ? twin_(item, leader == first_) : nullptr;
    if (!twin || following_)
        return;
    const QScopedValueRollback<bool> guard(following_, true);
    if (!enabled_) {
        if (!follower->visibleSceneRect().contains(twin->sceneBoundingRect().center()))
            follower->centreOnItem(twin);
        return;
    }
    follower->setZoom(leader->zoom());
    place(leader, item, follower, twin);
}

void ViewSync::place(GraphView *leader, QGraphicsItem *anchor, GraphView *follower,
                     QGraphicsItem *twin)
{
    const QPointF centre = leader->visibleSceneRect().center();
    follower->centerOn(twin->sceneBoundingRect().center() +
                       (centre - anchor->sceneBoundingRect().center()));
}

} // namespace torchprep
