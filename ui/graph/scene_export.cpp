#include "scene_export.h"

#include "session/export_file.h"
#include <QFileInfo>
#include <QFontMetricsF>
#include <QGraphicsItem>
#include <QGraphicsScene>

#include <QBuffer>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QSvgGenerator>

#include <cmath>
#include <functional>

namespace torchprep {

namespace {

constexpr qreal kMaxPixels = 120e6; // keeps a huge graph's PNG within memory

using Paint = std::function<void(QPainter &)>;

// Paints without the selection outline, restoring it afterwards.
void paintClean(const QList<QGraphicsScene *> &scenes, const std::function<void()> &paint)
{
    QList<QList<QGraphicsItem *>> selected;
    for (QGraphicsScene *scene : scenes) {
        selected.append(scene->selectedItems());
        const QSignalBlocker block(scene);
        for (QGraphicsItem *item : selected.back())
            item->setSelected(false);
    }
    paint();
    for (int i = 0; i < scenes.size(); ++i) {
        const QSignalBlocker block(scenes[i]);
        for (QGraphicsItem *item : selected[i])
            item->setSelected(true);
    }
}

// `paint` draws a picture of `size` (points) from the origin.
bool writePng(const QList<QGraphicsScene *> &scenes, const QSizeF &size, const Paint &paint,
              const QString &path, QString *error)
{
    qreal scale = 2.0;
    if (size.width() * size.height() * scale * scale > kMaxPixels)
        scale = std::sqrt(kMaxPixels / (size.width() * size.height()));
    QImage image((size * scale).toSize().expandedTo(QSize(1, 1)),
                 QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    paintClean(scenes, [&] {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        painter.scale(scale, scale);
        paint(painter);
    });
    QBuffer bytes;
    bytes.open(QIODevice::WriteOnly);
    QImageWriter writer(&bytes, "png");
    if (!writer.write(image)) {
        *error = writer.errorString();
        return false;
    }
    return writeExportFile(path, bytes.data(), error);
}

bool writeSvg(const QList<QGraphicsScene *> &scenes, const QSizeF &size, const Paint &paint,
              const QString &path, const QString &title, QString *error)
{
    QBuffer bytes;
    bytes.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&bytes);
    svg.setTitle(title);
    svg.setDescription(QObject::tr("Model graph exported by TorchPrep Studio"));
    svg.setSize(size.toSize());
    svg.setViewBox(QRectF(QPointF(), size));
    bool ok = false;
    paintClean(scenes, [&] {
        QPainter painter;
        if (!painter.begin(&svg))
            return;
        paint(painter);
        ok = painter.end();
    });
    if (!ok) {
        *error = QObject::tr("cannot write %1").arg(path);
        return false;
    }
    return writeExportFile(path, bytes.data(), error);
}

bool nothingShown(const QGraphicsScene &scene, QString *error)
{
    if (!scene.sceneRect().isEmpty())
        return false;
    *error = QObject::tr("nothing to export: no graph is shown");
    return true;
}

// Graphs side by side under their titles, `heading` above, the key below (wrapped to the width).
bool exportPanels(const QList<ScenePanel> &panels, const QString &heading,
                  const QVector<LegendWidget::Row> &key, const QString &path,
                  const QString &svgTitle, QString *error)
{
    constexpr qreal kMargin = 24, kGap = 48;
    QList<QGraphicsScene *> scenes;
    bool titled = false;
    for (const ScenePanel &panel : panels) {
        if (!panel.scene || nothingShown(*panel.scene, error))
            return false;
        scenes.append(panel.scene);
        titled = titled || !panel.title.isEmpty();
    }
    QFont headingFont;
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.5);
    headingFont.setBold(true);
    QFont titleFont;
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    const QFont keyFont;
    const qreal headingHeight = heading.isEmpty() ? 0 : QFontMetricsF(headingFont).height() * 1.6;
    const qreal titleHeight = titled ? QFontMetricsF(titleFont).height() * 1.6 : 0;

    qreal width = kMargin, graphsHeight = 0;
    for (const ScenePanel &panel : panels) {
        width += panel.scene->sceneRect().width() + kGap;
        graphsHeight = std::max(graphsHeight, panel.scene->sceneRect().height());
    }
    width = std::max(width + kMargin - kGap, 480.0); // room for the key beside a narrow graph
    const qreal keyHeight =
        key.isEmpty() ? 0 : LegendWidget::keyHeight(key, width - 2 * kMargin, keyFont) + 8;
    const QSizeF size(width,
                      kMargin + headingHeight + titleHeight + graphsHeight + keyHeight + kMargin);

    const Paint paint = [&](QPainter &p) {
        p.fillRect(QRectF(QPointF(), size), Qt::white);
        p.setPen(QColor(0x21, 0x21, 0x21));
        p.setFont(headingFont);
        if (!heading.isEmpty())
            p.drawText(QRectF(kMargin, kMargin, width - 2 * kMargin, headingHeight),
                       Qt::AlignLeft | Qt::AlignTop, heading);
        qreal x = kMargin;
        const qreal top = kMargin + headingHeight;
        for (const ScenePanel &panel : panels) {
            const QRectF source = panel.scene->sceneRect();
            p.setFont(titleFont);
            p.setPen(QColor(0x45, 0x4F, 0x5A));
            if (titled)
                p.drawText(QRectF(x, top, source.width(), titleHeight),
                           Qt::AlignHCenter | Qt::AlignTop, panel.title);
            p.setFont(QFont()); // the boxes' labels draw with the painter's font, as in the view
            panel.scene->render(&p, QRectF(QPointF(x, top + titleHeight), source.size()), source);
            x += source.width() + kGap;
        }
        p.setFont(keyFont); // the colour key along the bottom
        LegendWidget::paintKey(
            p, key,
            QRectF(kMargin, top + titleHeight + graphsHeight + 8, width - 2 * kMargin, keyHeight));
    };
    if (QFileInfo(path).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0)
        return writeSvg(scenes, size, paint, path, svgTitle, error);
    return writePng(scenes, size, paint, path, error);
}

} // namespace

bool exportScene(QGraphicsScene &scene, const QVector<LegendWidget::Row> &key, const QString &path,
                 const QString &title, QString *error)
{
    return exportPanels({{&scene, QString()}}, QString(), key, path, title, error);
}

bool exportScenesSideBySide(const QList<ScenePanel> &panels, const QString &heading,
                            const QVector<LegendWidget::Row> &key, const QString &path,
                            QString *error)
{
    return exportPanels(panels, heading, key, path, heading, error);
}

} // namespace torchprep
