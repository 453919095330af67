// The colour key of a graph, drawn over the view's corner: by default one swatch per check;
// the before/after view sets its own rows (one per kind of change).
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
    };

    explicit LegendWidget(QWidget *parent = nullptr);
    void setRows(QVector<Row> rows);
    const QVector<Row> &rows() const { return rows_; }
    QSize sizeHint() const override;

    // The default rows: torch.nn layers, then one per check.
    static QVector<Row> checkRows();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QVector<Row> rows_;
};

} // namespace torchprep
