#include "graph_view.h"

#include <QGraphicsItem>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>

#include <cmath>

namespace torchprep {

namespace {
constexpr qreal kMinZoom = 0.02;
constexpr qreal kMaxZoom = 4.0;
constexpr qreal kReadableZoom = 0.7;
} // namespace

GraphView::GraphView(QWidget *parent) : QGraphicsView(parent)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    setViewportUpdateMode(SmartViewportUpdate);
    setOptimizationFlags(DontSavePainterState | DontAdjustForAntialiasing);
    setFocusPolicy(Qt::StrongFocus);
    // The graph takes no drops itself: a file dropped on it reaches the window, which opens it.
    setAcceptDrops(false);
    viewport()->setAcceptDrops(false);
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

void GraphView::resetZoom()
{
    setZoom(1.0);
}

void GraphView::fitToWindow()
{
    if (!scene() || scene()->sceneRect().isEmpty())
        return;
    fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
    setZoom(zoom()); // clamps and notifies
}

void GraphView::showStart(const QRectF &focus)
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
        const QRectF wanted =
            focus.isEmpty() ? QRectF(rect.topLeft(), QSizeF(rect.width(), 1)) : focus;
        // As close as the graph's width allows, further out (never below readable) for the focus.
        const QSizeF room = wanted.size() + QSizeF(60, 60);
        const qreal zoom =
            std::clamp(std::min({view.width() / rect.width(), view.width() / room.width(),
                                 view.height() / room.height()}),
                       kReadableZoom, 1.0);
        setTransform(QTransform::fromScale(zoom, zoom));
        const QSizeF seen = view / zoom;
        // Centred on what should be seen; when it is taller than the view, from its top.
        const qreal x = wanted.width() <= seen.width() ? wanted.center().x()
                                                       : wanted.left() + seen.width() / 2 - 20;
        const qreal y = wanted.height() <= seen.height() ? wanted.center().y()
                                                         : wanted.top() + seen.height() / 2 - 20;
        centerOn(x, y);
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
