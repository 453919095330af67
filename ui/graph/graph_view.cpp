#include "graph_view.h"

#include <QGraphicsItem>
#include <QScrollBar>
#include <QWheelEvent>

#include <cmath>

namespace torchprep {

namespace {
constexpr qreal kMinZoom = 0.02;
constexpr qreal kMaxZoom = 4.0;
constexpr qreal kReadableZoom = 0.7;
}

GraphView::GraphView(QWidget *parent) : QGraphicsView(parent)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    setViewportUpdateMode(SmartViewportUpdate);
    setOptimizationFlags(DontSavePainterState | DontAdjustForAntialiasing);
    setFocusPolicy(Qt::StrongFocus);
}

void GraphView::setZoom(qreal zoom)
{
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    const qreal factor = zoom / this->zoom();
    if (std::abs(factor - 1) > 1e-6)
        scale(factor, factor);
    emit viewportMoved();
}

QRectF GraphView::visibleSceneRect() const
{
    return mapToScene(viewport()->rect()).boundingRect();
}

void GraphView::zoomIn()
{
    const auto anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    setZoom(zoom() * 1.25);
    setTransformationAnchor(anchor);
}

void GraphView::zoomOut()
{
    const auto anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    setZoom(zoom() / 1.25);
    setTransformationAnchor(anchor);
}

void GraphView::resetZoom() { setZoom(1.0); }

void GraphView::fitToWindow()
{
    if (!scene() || scene()->sceneRect().isEmpty())
        return;
    fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
    setZoom(zoom()); // clamps and notifies
}

void GraphView::showStart()
{
    if (!scene() || scene()->sceneRect().isEmpty())
        return;
    const QRectF rect = scene()->sceneRect();
    const QSizeF view = viewport()->size();
    const qreal fit = std::min(view.width() / rect.width(), view.height() / rect.height());
    if (fit >= kReadableZoom) {
        setTransform(QTransform::fromScale(std::min(fit, 1.0), std::min(fit, 1.0)));
        centerOn(rect.center());
    } else {
        const qreal zoom = std::clamp(view.width() / rect.width(), kReadableZoom, 1.0);
        setTransform(QTransform::fromScale(zoom, zoom));
        centerOn(rect.center().x(), rect.top() + view.height() / zoom / 2);
    }
    emit viewportMoved();
}

void GraphView::centreOnItem(QGraphicsItem *item)
{
    if (!item)
        return;
    if (zoom() < kReadableZoom)
        setZoom(0.9);
    centerOn(item);
    emit viewportMoved();
}

void GraphView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ShiftModifier) { // Shift+wheel pans sideways, wheel zooms
        QGraphicsView::wheelEvent(event);
        return;
    }
    const qreal steps = event->angleDelta().y() / 120.0;
    setZoom(zoom() * std::pow(1.2, steps));
    event->accept();
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    emit viewportMoved();
}

void GraphView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    emit viewportMoved();
}

} // namespace torchprep
