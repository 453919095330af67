// The colour key of the graph: one swatch per check, drawn over the view's corner.
#pragma once

#include <QWidget>

namespace torchprep {

class LegendWidget : public QWidget
{
    Q_OBJECT
public:
    explicit LegendWidget(QWidget *parent = nullptr);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
};

} // namespace torchprep
