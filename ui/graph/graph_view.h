// The graph's viewport: wheel and keyboard zoom around the cursor, hand-drag panning,
// fit-to-window, and centring on an item. Emits viewportMoved() for the overview.
#pragma once

#include <QGraphicsView>

namespace torchprep {

class GraphView : public QGraphicsView
{
    Q_OBJECT
  public:
    explicit GraphView(QWidget *parent = nullptr);

    qreal zoom() const { return transform().m11(); }
    void setZoom(qreal zoom);
    // The visible part of the scene, in scene coordinates.
    QRectF visibleSceneRect() const;

  public slots:
    void zoomIn();
    void zoomOut();
    void resetZoom();
    void fitToWindow();
    // A first look: the whole graph when it stays readable, else, at a readable size, `focus`
    // (the inputs and the first finding) or as much of it from its top as fits; an empty focus
    // stands for the graph's top.
    void showStart(const QRectF &focus = {});
    void centreOnItem(QGraphicsItem *item);

  signals:
    void viewportMoved();

  protected:
    void wheelEvent(QWheelEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent *event) override;
};

} // namespace torchprep
