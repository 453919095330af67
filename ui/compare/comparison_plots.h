// The comparison's two plots: the first output's histogram of B − A, and (with "Per layer")
// each layer's SQNR along execution order with the first divergence in red. Clicking a layer's
// point names its module; both plots export as PNG or PDF.
#pragma once

#include "compare/equivalence.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

class QCustomPlot;

namespace torchprep {

struct ComparisonReport;

// "1×1000", as a table cell or a plot's title shows a shape.
QString shapeLabel(const Shape &shape);

class ComparisonPlots : public QObject
{
    Q_OBJECT
  public:
    explicit ComparisonPlots(QObject *parent = nullptr);
    ~ComparisonPlots() override;

    // Plots `report` (kept); clear() empties both plots.
    void show(std::shared_ptr<const ComparisonReport> report);
    void clear();

    // The widgets, for the panel's layout (they belong to whoever places them).
    QCustomPlot *histogram() const { return histogram_; }
    QCustomPlot *layers() const { return layers_; }
    // Layer plot point `point` (in the SQNR graph's data) -> module path; "" when none.
    QString modulePathAtPoint(int point) const;
    // The first divergence's point in the SQNR graph's data; -1 when none.
    int divergencePoint() const { return divergencePoint_; }

    // Both plots (the layer plot as NAME-layers.EXT when there is one) as PNG or PDF, chosen
    // by `path`'s suffix.
    bool exportPlots(const QString &path, QString *error, QStringList *written = nullptr);

  signals:
    void moduleActivated(const QString &path);

  private:
    void plotHistogram();
    void plotLayers();

    QCustomPlot *histogram_;
    QCustomPlot *layers_;
    std::shared_ptr<const ComparisonReport> report_;
    std::vector<int> pointLayers_; // SQNR graph data index -> index into report_->layers
    int divergencePoint_ = -1;
};

} // namespace torchprep
