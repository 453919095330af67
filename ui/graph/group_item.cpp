#include "group_item.h"

#include "session/check_style.h"

#include <QBrush>
#include <QGraphicsRectItem>
#include <QPainter>
#include <QPen>
#include <QStyleOptionGraphicsItem>

namespace torchprep {

GroupItem::GroupItem(NodeId call, const QRectF &rect, const QString &title, int depth)
    : call_(call), rect_(rect), title_(QStringLiteral("⊖ ") + title), fill_(groupFill(depth))
{
    setFlag(ItemIsSelectable);
    setZValue(1.2 + depth * 0.01); // above the edges (1), below the boxes (2)
    auto *background = new QGraphicsRectItem(rect);
    background->setPen(Qt::NoPen);
    background->setBrush(fill_);
    background->setZValue(depth * 0.01);
    background->setAcceptedMouseButtons(Qt::NoButton);
    background_ = background;
    setToolTip(QObject::tr("%1\nDouble-click to collapse").arg(title));
    title_.setPerformanceHint(QStaticText::AggressiveCaching);
}

void GroupItem::setAccent(const QColor &accent)
{
    accent_ = accent;
    update();
}

void GroupItem::setMark(const QColor &mark)
{
    prepareGeometryChange();
    mark_ = mark;
    update();
}

void GroupItem::setOverlay(const QColor &fill)
{
    overlay_ = fill;
    update();
}

QRectF GroupItem::boundingRect() const
{
    return rect_.adjusted(-4, -4, 4, 4);
}

QRectF GroupItem::titleRect() const
{
    return QRectF(rect_.topLeft(), QSizeF(rect_.width(), 18));
}

QPainterPath GroupItem::shape() const
{
    QPainterPath path;
    path.addRect(titleRect());
    return path;
}

void GroupItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QColor frame = mark_.isValid() ? mark_ : accent_;
    QColor border = isSelected()      ? selectionColor()
                    : frame.isValid() ? frame
                                      : QColor(0xA0, 0xA8, 0xB0);
    painter->setPen(QPen(border, isSelected() || mark_.isValid() ? 3 : accent_.isValid() ? 2 : 1));
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(rect_);
    painter->fillRect(titleRect().adjusted(0.5, 0.5, -0.5, 0),
                      overlay_.isValid() ? overlay_ : fill_);
    if (mark_.isValid()) { // the title bar tinted: the whole group is the change
        QColor tint = mark_;
        tint.setAlpha(45);
        painter->fillRect(titleRect(), tint);
    }
    if (lod < 0.3)
        return;
    painter->setPen(QColor(0x45, 0x4F, 0x5A));
    painter->save();
    painter->setClipRect(titleRect());
    painter->drawStaticText(rect_.topLeft() + QPointF(6, 2), title_);
    painter->restore();
}

} // namespace torchprep
