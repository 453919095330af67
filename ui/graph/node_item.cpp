#include "node_item.h"

#include "graph/visible_graph.h"
#include "session/check_style.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace torchprep {

namespace {
constexpr qreal kBadgeHeight = 14;
constexpr qreal kHalo = 5; // the change mark's distance from the box
const QColor kHighlight(0xFF, 0xD6, 0x00);
} // namespace

NodeItem::NodeItem(const VisibleBox &box, const QRectF &rect)
    : node_(box.node), rect_(rect), title_(box.title), subtitle_(box.subtitle)
{
    setFlag(ItemIsSelectable);
    setZValue(2);
    toolTip_ = box.subtitle.isEmpty() ? box.title : box.title + '\n' + box.subtitle;
    setToolTip(toolTip_);
    title_.setPerformanceHint(QStaticText::AggressiveCaching);
    subtitle_.setPerformanceHint(QStaticText::AggressiveCaching);
    input_ = box.kind == BoxKind::Input;
    switch (box.kind) {
    case BoxKind::Input:
    case BoxKind::Output:
        fill_ = QColor(0xE8, 0xF5, 0xE9);
        border_ = QColor(0x66, 0xBB, 0x6A);
        rounded_ = true;
        break;
    case BoxKind::Op:
        fill_ = opFill();
        border_ = QColor(0xB0, 0xB8, 0xC0);
        rounded_ = true;
        break;
    case BoxKind::Layer:
        fill_ = layerFill();
        border_ = QColor(0x90, 0xA4, 0xAE);
        break;
    case BoxKind::CollapsedModule:
        fill_ = collapsedFill();
        border_ = QColor(0x8D, 0x6E, 0x63);
        collapsed_ = true;
        break;
    }
}

void NodeItem::setFindings(const QColor &accent, const QVector<Badge> &badges)
{
    prepareGeometryChange();
    accent_ = accent;
    badges_ = badges;
    badgeTexts_.clear();
    for (const Badge &badge : badges)
        badgeTexts_.append(QStaticText(QString::number(badge.count)));
    update();
}

void NodeItem::setMark(const QColor &mark)
{
    prepareGeometryChange();
    mark_ = mark;
    update();
}

void NodeItem::setHighlight(bool on)
{
    if (highlight_ != on) {
        prepareGeometryChange();
        highlight_ = on;
        update();
    }
}

void NodeItem::setOverlay(const QColor &fill)
{
    overlay_ = fill;
    update();
}

void NodeItem::setResult(const QString &result)
{
    setToolTip(result.isEmpty() ? toolTip_ : toolTip_ + QStringLiteral("\n→ ") + result);
}

void NodeItem::setLinked(bool linked)
{
    if (linked_ != linked) {
        linked_ = linked;
        update();
    }
}

QRectF NodeItem::boundingRect() const
{
    const qreal badgeRoom = badges_.isEmpty() ? 0 : kBadgeHeight / 2;
    const qreal halo = mark_.isValid() || highlight_ ? kHalo + 4 : 4;
    return rect_.adjusted(-halo, -std::max(halo, 4 + badgeRoom), halo, halo);
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool selected = isSelected();
    QColor fill = fill_;
    if (accent_.isValid()) {
        fill = accent_;
        fill.setAlpha(55);
    }
    if (overlay_.isValid())
        fill = overlay_;
    if (highlight_) { // under everything: a broad yellow halo, visible far out
        painter->setPen(Qt::NoPen);
        painter->setBrush(kHighlight);
        const qreal grow = kHalo + 3;
        painter->drawRoundedRect(rect_.adjusted(-grow, -grow, grow, grow), 8, 8);
    }
    if (mark_.isValid()) { // under the box: a thick ring that stays visible far out
        QColor ring = mark_;
        ring.setAlpha(selected ? 255 : 210);
        painter->setPen(QPen(ring, lod < 0.3 ? 6 / std::max(lod, 0.05) : 3.5));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(rect_.adjusted(-kHalo, -kHalo, kHalo, kHalo), 8, 8);
    }
    if (lod < 0.3) {
        // Far out only shapes and colours matter: no text, no antialiasing.
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(Qt::NoPen);
        painter->fillRect(rect_, selected             ? selectionColor()
                                 : highlight_         ? kHighlight
                                 : overlay_.isValid() ? overlay_
                                 : accent_.isValid()  ? accent_
                                                      : fill);
        if (!badges_.isEmpty())
            painter->fillRect(QRectF(rect_.topRight() - QPointF(rect_.width() / 3, 0),
                                     QSizeF(rect_.width() / 3, rect_.height() / 3)),
                              badges_.front().color);
        return;
    }
    QPen pen(selected            ? selectionColor()
             : accent_.isValid() ? accent_
                                 : border_,
             selected            ? 3
             : accent_.isValid() ? 2.2
                                 : 1.2);
    if (linked_ && !selected)
        pen = QPen(selectionColor(), 2.2, Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(fill);
    if (rounded_)
        painter->drawRoundedRect(rect_, 6, 6);
    else
        painter->drawRect(rect_);

    painter->setPen(QColor(0x21, 0x21, 0x21));
    const qreal lineHeight = (rect_.height() - 12) / (subtitle_.text().isEmpty() ? 1 : 2);
    qreal y = rect_.top() + 6;
    painter->drawStaticText(QPointF(rect_.center().x() - title_.size().width() / 2, y), title_);
    if (!subtitle_.text().isEmpty()) {
        painter->setPen(QColor(0x5F, 0x63, 0x68));
        y += lineHeight;
        painter->drawStaticText(QPointF(rect_.center().x() - subtitle_.size().width() / 2, y),
                                subtitle_);
    }
    // Findings hidden inside a collapsed module: one pill per check at the top-right corner.
    qreal x = rect_.right() - 4;
    for (int i = badges_.size() - 1; i >= 0; --i) {
        const qreal w = badgeTexts_[i].size().width() + 10;
        const QRectF pill(x - w, rect_.top() - kBadgeHeight / 2, w, kBadgeHeight);
        painter->setPen(Qt::NoPen);
        painter->setBrush(badges_[i].color);
        painter->drawRoundedRect(pill, kBadgeHeight / 2, kBadgeHeight / 2);
        painter->setPen(Qt::white);
        painter->drawStaticText(
            QPointF(pill.left() + 5, pill.center().y() - badgeTexts_[i].size().height() / 2),
            badgeTexts_[i]);
        x -= w + 3;
    }
}

} // namespace torchprep
