#include "overview_view.h"

#include "graph/graph_view.h"

#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPainter>

namespace torchprep {

OverviewView::OverviewView(GraphView *view, QWidget *parent) : QWidget(parent), view_(view)
{
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Overview: click or drag to move the view"));
    connect(view_, &GraphView::viewportMoved, this, qOverload<>(&QWidget::update));
}

QRectF OverviewView::pictureRect() const
{
    const QGraphicsScene *scene = view_->scene();
    if (!scene || scene->sceneRect().isEmpty())
        return {};
    const QSizeF fitted =
        scene->sceneRect().size().scaled(QSizeF(width() - 8, height() - 8), Qt::KeepAspectRatio);
    return QRectF(QPointF((width() - fitted.width()) / 2, (height() - fitted.height()) / 2),
                  fitted);
}

void OverviewView::refresh()
{
    const QRectF target = pictureRect();
    QGraphicsScene *scene = view_->scene();
    // A very long graph can scale to under a pixel wide: nothing worth drawing then.
    if (target.width() < 1 || target.height() < 1 || !scene) {
        picture_ = QPixmap();
        update();
        return;
    }
    const qreal dpr = devicePixelRatioF();
    picture_ = QPixmap((target.size() * dpr).toSize());
    picture_.setDevicePixelRatio(dpr);
    picture_.fill(Qt::white);
    QPainter painter(&picture_);
    // Selection outlines must not end up in the picture.
    const auto selected = scene->selectedItems();
    const QSignalBlocker block(scene);
    for (QGraphicsItem *item : selected)
        item->setSelected(false);
    scene->render(&painter, QRectF(QPointF(), target.size()), scene->sceneRect());
    for (QGraphicsItem *item : selected)
        item->setSelected(true);
    update();
}

void OverviewView::fitTo(const QSize &bounds)
{
    const QGraphicsScene *scene = view_->scene();
    if (scene && !scene->sceneRect().isEmpty()) {
        QSize fitted =
            scene->sceneRect().size().scaled(QSizeF(bounds), Qt::KeepAspectRatio).toSize();
        fitted = fitted.expandedTo(QSize(80, 60)) + QSize(8, 8);
        if (fitted != size()) {
            resize(fitted); // resizeEvent refreshes
            return;
        }
    }
    refresh();
}

void OverviewView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(255, 255, 255, 235));
    p.setPen(QColor(0xB0, 0xB8, 0xC0));
    p.drawRect(rect().adjusted(0, 0, -1, -1));
    const QRectF target = pictureRect();
    if (picture_.isNull() || target.isEmpty())
        return;
    p.drawPixmap(target.topLeft(), picture_);
    const QRectF scene = view_->scene()->sceneRect();
    const QRectF visible = view_->visibleSceneRect().intersected(scene);
    const qreal s = target.width() / scene.width();
    const QRectF frame(target.left() + (visible.left() - scene.left()) * s,
                       target.top() + (visible.top() - scene.top()) * s, visible.width() * s,
                       visible.height() * s);
    p.setPen(QPen(QColor(0x1E, 0x88, 0xE5), 1.5));
    p.setBrush(QColor(0x1E, 0x88, 0xE5, 40));
    p.drawRect(frame);
}

void OverviewView::moveViewTo(const QPoint &pos)
{
    const QRectF target = pictureRect();
    if (target.isEmpty())
        return;
    const QRectF scene = view_->scene()->sceneRect();
    const qreal s = scene.width() / target.width();
    view_->centerOn(scene.left() + (pos.x() - target.left()) * s,
                    scene.top() + (pos.y() - target.top()) * s);
}

void OverviewView::mousePressEvent(QMouseEvent *event)
{
    moveViewTo(event->pos());
}

void OverviewView::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        moveViewTo(event->pos());
}

void OverviewView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    refresh();
}

} // namespace torchprep
