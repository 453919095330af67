#include "legend_widget.h"

#include "checks/check_catalogue.h"
#include "session/check_style.h"

#include <QFontMetricsF>
#include <QLinearGradient>
#include <QPainter>

#include <functional>

namespace torchprep {

namespace {
constexpr qreal kSwatch = 14;
constexpr qreal kScaleWidth = 60;
constexpr qreal kGap = 18;
constexpr qreal kPad = 4;

qreal swatchWidth(const LegendWidget::Row &row)
{
    return row.scale.isEmpty() ? kSwatch : kScaleWidth;
}

// Lays the rows out left to right, wrapping at `width`; calls `place` with each row's top-left.
qreal flow(const QVector<LegendWidget::Row> &rows, qreal width, const QFontMetricsF &metrics,
           const std::function<void(const LegendWidget::Row &, QPointF)> &place)
{
    const qreal line = std::max(kSwatch, metrics.height()) + 4;
    qreal x = kPad, y = kPad;
    for (const LegendWidget::Row &row : rows) {
        const qreal w = swatchWidth(row) + 5 + metrics.horizontalAdvance(row.text);
        if (x > kPad && x + w > width - kPad) {
            x = kPad;
            y += line;
        }
        if (place)
            place(row, QPointF(x, y));
        x += w + kGap;
    }
    return rows.isEmpty() ? 0 : y + line + kPad;
}
} // namespace

LegendWidget::LegendWidget(QWidget *parent) : QWidget(parent), rows_(checkRows())
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setToolTip(tr("Colour key (View ▸ Colour Key hides it)"));
}

QVector<LegendWidget::Row> LegendWidget::checkRows()
{
    QVector<Row> rows{
        {QColor(0xE8, 0xF5, 0xE9), QColor(0x66, 0xBB, 0x6A), tr("input / output"), {}, true},
        {opFill(), QColor(0xB0, 0xB8, 0xC0), tr("op"), {}, true},
        {layerFill(), QColor(0x90, 0xA4, 0xAE), tr("torch.nn layer")},
        {collapsedFill(), QColor(0x8D, 0x6E, 0x63), tr("module (double-click opens)")},
        {groupFill(0), QColor(0xA0, 0xA8, 0xB0), tr("open module")},
    };
    for (const CheckEntry &check : checkCatalogue()) {
        QColor fill = paletteColor(check.colourKey);
        fill.setAlpha(60);
        rows.append({fill, paletteColor(check.colourKey), checkTitle(check.id)});
    }
    return rows;
}

void LegendWidget::setRows(QVector<Row> rows)
{
    rows_ = std::move(rows);
    updateGeometry();
    update();
}

int LegendWidget::heightForWidth(int width) const
{
    return static_cast<int>(std::ceil(keyHeight(rows_, width, font())));
}

QSize LegendWidget::sizeHint() const
{
    return {400, heightForWidth(width() > 0 ? width() : 400)};
}

QSize LegendWidget::minimumSizeHint() const
{
    return {100, heightForWidth(width() > 0 ? width() : 400)};
}

qreal LegendWidget::keyHeight(const QVector<Row> &rows, qreal width, const QFont &font)
{
    return flow(rows, width, QFontMetricsF(font), {});
}

qreal LegendWidget::paintKey(QPainter &p, const QVector<Row> &rows, const QRectF &area)
{
    const QFontMetricsF metrics(p.font());
    const qreal line = std::max(kSwatch, metrics.height()) + 4;
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const qreal height = flow(rows, area.width(), metrics, [&](const Row &row, QPointF at) {
        at += area.topLeft();
        const QRectF swatch(at.x(), at.y() + (line - kSwatch) / 2, swatchWidth(row), kSwatch);
        if (!row.scale.isEmpty()) {
            QLinearGradient gradient(swatch.topLeft(), swatch.topRight());
            for (int i = 0; i < row.scale.size(); ++i)
                gradient.setColorAt(row.scale.size() == 1 ? 0 : qreal(i) / (row.scale.size() - 1),
                                    row.scale[i]);
            p.setPen(QPen(row.border, 1));
            p.setBrush(gradient);
        } else {
            p.setPen(QPen(row.border, 2));
            p.setBrush(row.fill);
        }
        p.drawRoundedRect(swatch, row.rounded ? 5 : 2, row.rounded ? 5 : 2);
        p.setPen(QColor(0x21, 0x21, 0x21));
        p.drawText(
            QRectF(swatch.right() + 5, at.y(), metrics.horizontalAdvance(row.text) + 2, line),
            Qt::AlignVCenter | Qt::AlignLeft, row.text);
    });
    p.restore();
    return height;
}

void LegendWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Window));
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(rect().topLeft(), rect().topRight());
    p.setFont(font());
    paintKey(p, rows_, QRectF(rect()));
}

} // namespace torchprep
