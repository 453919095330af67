#include "scene_export.h"

#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QSvgGenerator>

#include <cmath>

namespace torchprep {

namespace {

constexpr qreal kMaxPixels = 120e6; // keeps a huge graph's PNG within memory

// Renders without the selection outline, restoring it afterwards.
template <typename Paint>
void renderClean(QGraphicsScene &scene, Paint paint)
{
    const auto selected = scene.selectedItems();
    const QSignalBlocker block(&scene);
    for (QGraphicsItem *item : selected)
        item->setSelected(false);
    paint();
    for (QGraphicsItem *item : selected)
        item->setSelected(true);
}

} // namespace

bool exportScenePng(QGraphicsScene &scene, const QString &path, QString *error)
{
    const QRectF source = scene.sceneRect();
    if (source.isEmpty()) {
        *error = QObject::tr("nothing to export: no graph is shown");
        return false;
    }
    qreal scale = 2.0;
    if (source.width() * source.height() * scale * scale > kMaxPixels)
        scale = std::sqrt(kMaxPixels / (source.width() * source.height()));
    const QSize size = (source.size() * scale).toSize().expandedTo(QSize(1, 1));
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    renderClean(scene, [&] {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        scene.render(&painter, QRectF(QPointF(), size), source);
    });
    QImageWriter writer(path, "png");
    if (!writer.write(image)) {
        *error = writer.errorString();
        return false;
    }
    return true;
}

bool exportSceneSvg(QGraphicsScene &scene, const QString &path, const QString &title, QString *error)
{
    const QRectF source = scene.sceneRect();
    if (source.isEmpty()) {
        *error = QObject::tr("nothing to export: no graph is shown");
        return false;
    }
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setTitle(title);
    svg.setDescription(QObject::tr("Model graph exported by TorchPrep Studio"));
    svg.setSize(source.size().toSize());
    svg.setViewBox(QRectF(QPointF(), source.size()));
    bool ok = false;
    renderClean(scene, [&] {
        QPainter painter;
        if (!painter.begin(&svg))
            return;
        scene.render(&painter, QRectF(QPointF(), source.size()), source);
        ok = painter.end();
    });
    if (!ok)
        *error = QObject::tr("cannot write %1").arg(path);
    return ok;
}

} // namespace torchprep
