// The colour key of a graph: one swatch per box style drawn (inputs, ops, torch.nn layers,
// collapsed and open modules) and per check, in a strip below the view that wraps to the
// width it is given and never covers a box. The before/after view sets its own rows (one per
// kind of change); a scale row (the per-layer divergence) draws a gradient. Pictures of the
// graph draw the same key with paintKey().
#pragma once

#include <QColor>
#include <QVector>
#include <QWidget>

namespace torchprep {

class LegendWidget : public QWidget
{
    Q_OBJECT
  public:
    struct Row
    {
        QColor fill;
        QColor border;
        QString text;
        QVector<QColor> scale; // non-empty: a gradient from the first colour to the last
        bool rounded = false;  // drawn as the graph draws ops and inputs
    };

    explicit LegendWidget(QWidget *parent = nullptr);
    void setRows(QVector<Row> rows);
    const QVector<Row> &rows() const { return rows_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

    // The default rows: every box style the graph draws, then one per check.
    static QVector<Row> checkRows();
    // Draws `rows` left to right in `area`, wrapping at its width; returns the height used.
    static qreal paintKey(QPainter &painter, const QVector<Row> &rows, const QRectF &area);
    // The height paintKey() needs for `rows` at `width` in `font`.
    static qreal keyHeight(const QVector<Row> &rows, qreal width, const QFont &font);

  protected:
    void paintEvent(QPaintEvent *event) override;

  private:
    QVector<Row> rows_;
};

} // namespace torchprep
