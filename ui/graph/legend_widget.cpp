#include "legend_widget.h"

#include "session/check_style.h"
#include "check_catalogue.h"

#include <QPainter>

namespace torchprep {

namespace {
constexpr int kRow = 18;
constexpr int kPad = 6;
}

LegendWidget::LegendWidget(QWidget *parent) : QWidget(parent), rows_(checkRows())
{
    setAttribute(Qt::WA_TransparentForMouseEvents);
    resize(sizeHint());
}

QVector<LegendWidget::Row> LegendWidget::checkRows()
{
    QVector<Row> rows{{layerFill(), QColor(0x90, 0xA4, 0xAE), tr("torch.nn layer / op")}};
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
    resize(sizeHint());
    setVisible(!rows_.isEmpty());
    update();
}

QSize LegendWidget::sizeHint() const
{
    int width = 0;
    for (const Row &row : rows_)
        width = std::max(width, fontMetrics().horizontalAdvance(row.text));
    return {width + 3 * kPad + 14, static_cast<int>(rows_.size()) * kRow + 2 * kPad};
}

void LegendWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QColor(0xC8, 0xCC, 0xD0));
    p.setBrush(QColor(255, 255, 255, 230));
    p.drawRoundedRect(rect().adjusted(0, 0, -1, -1), 4, 4);
    int y = kPad;
    for (const Row &row : rows_) {
        p.setPen(QPen(row.border, 2));
        p.setBrush(row.fill);
        p.drawRoundedRect(QRectF(kPad, y + 3, 14, kRow - 6), 2, 2);
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(2 * kPad + 14, y, width(), kRow), Qt::AlignVCenter, row.text);
        y += kRow;
    }
}

} // namespace torchprep
