// The minimap: a picture of the whole graph, rendered once per layout, with the main
// view's visible area drawn on it. Click or drag to move the main view there.
#pragma once

#include <QPixmap>
#include <QWidget>

namespace torchprep {

class GraphView;

class OverviewView : public QWidget
{
    Q_OBJECT
  public:
    OverviewView(GraphView *view, QWidget *parent = nullptr);

  public slots:
    // Re-renders the picture: call when the scene's content changes.
    void refresh();
    // Resizes to the scene's aspect within `bounds`, then refreshes.
    void fitTo(const QSize &bounds);

  protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

  private:
    QRectF pictureRect() const; // where the scene is drawn inside the widget
    void moveViewTo(const QPoint &pos);

    GraphView *view_;
    QPixmap picture_;
};

} // namespace torchprep
