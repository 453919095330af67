#include "legend_widget.h"

#include "finding_style.h"
#include "validator.h"

#include <QPainter>

namespace torchprep {

namespace {
constexpr int kRow = 18;
constexpr int kPad = 6;
}

LegendWidget::LegendWidget(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_TransparentForMouseEvents);
    resize(sizeHint());
}

QSize LegendWidget::sizeHint() const
{
    int width = 0;
    for (const std::string &check : checkNames())
        width = std::max(width, fontMetrics().horizontalAdvance(checkTitle(check)));
    return {width + 3 * kPad + 14, static_cast<int>(checkNames().size() + 1) * kRow + 2 * kPad};
}

void LegendWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QColor(0xC8, 0xCC, 0xD0));
    p.setBrush(QColor(255, 255, 255, 230));
    p.drawRoundedRect(rect().adjusted(0, 0, -1, -1), 4, 4);
    int y = kPad;
    auto row = [&](const QColor &fill, const QColor &border, const QString &text) {
        p.setPen(QPen(border, 2));
        p.setBrush(fill);
        p.drawRoundedRect(QRectF(kPad, y + 3, 14, kRow - 6), 2, 2);
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(2 * kPad + 14, y, width(), kRow), Qt::AlignVCenter, text);
        y += kRow;
    };
    row(layerFill(), QColor(0x90, 0xA4, 0xAE), tr("torch.nn layer / op"));
    for (const std::string &check : checkNames()) {
        QColor fill = checkColor(check);
        fill.setAlpha(60);
        row(fill, checkColor(check), checkTitle(check));
    }
}

} // namespace torchprep
