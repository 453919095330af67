#include "comparison_plots.h"

#include "compare/comparison.h"

#include <qcustomplot.h>

#include "session/export_file.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>

namespace torchprep {

namespace {

const QColor kRed(0xd6, 0x27, 0x28);
const QColor kBlue(0x1f, 0x77, 0xb4);

void stylePlot(QCustomPlot *plot)
{
    plot->setMinimumSize(260, 180);
    plot->setBackground(Qt::white);
    QFont small = plot->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    for (QCPAxis *axis : {plot->xAxis, plot->yAxis}) {
        axis->setTickLabelFont(small);
        axis->setLabelFont(small);
        axis->grid()->setPen(QPen(QColor(225, 225, 225), 0, Qt::DotLine));
    }
    plot->plotLayout()->insertRow(0);
    auto *title =
        new QCPTextElement(plot, QString(), QFont(plot->font().family(), -1, QFont::Bold));
    title->setObjectName("title");
    plot->plotLayout()->addElement(0, 0, title);
}

void setTitle(QCustomPlot *plot, const QString &text)
{
    if (auto *title = qobject_cast<QCPTextElement *>(plot->plotLayout()->element(0, 0)))
        title->setText(text);
}

// The plot as PNG or PDF bytes, for writeExportFile (QCustomPlot writes PDF only to a named file).
QByteArray plotBytes(QCustomPlot &plot, bool pdf, int width, int height)
{
    if (!pdf) {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        plot.toPixmap(width, height, 2.0).save(&buffer, "PNG");
        return buffer.data();
    }
    const QTemporaryDir scratch;
    const QString file = scratch.filePath(QStringLiteral("plot.pdf"));
    if (!scratch.isValid() || !plot.savePdf(file, width, height))
        return {};
    QFile written(file);
    return written.open(QIODevice::ReadOnly) ? written.readAll() : QByteArray();
}

} // namespace

QString shapeLabel(const Shape &shape)
{
    QStringList dims;
    for (std::int64_t d : shape)
        dims << QString::number(d);
    return dims.join(QStringLiteral("×"));
}

ComparisonPlots::ComparisonPlots(QObject *parent)
    : QObject(parent), histogram_(new QCustomPlot), layers_(new QCustomPlot)
{
    stylePlot(histogram_);
    histogram_->xAxis->setLabel(tr("B − A"));
    histogram_->yAxis->setLabel(tr("elements"));
    stylePlot(layers_);
    layers_->xAxis->setLabel(tr("layer (execution order)"));
    layers_->yAxis->setLabel(tr("SQNR (dB)"));
    layers_->setToolTip(tr("Click a point to show that module in the graph."));
    connect(layers_, &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable *plottable, int dataIndex, QMouseEvent *) {
                const int point = (layers_->graphCount() > 1 && plottable == layers_->graph(1))
                                      ? divergencePoint_
                                      : (plottable == layers_->graph(0) ? dataIndex : -1);
                const QString path = modulePathAtPoint(point);
                if (!path.isEmpty())
                    emit moduleActivated(path);
            });
    clear();
}

ComparisonPlots::~ComparisonPlots() = default;

void ComparisonPlots::clear()
{
    report_.reset();
    pointLayers_.clear();
    divergencePoint_ = -1;
    for (QCustomPlot *plot : {histogram_, layers_}) {
        plot->clearPlottables();
        plot->clearItems();
        plot->replot();
    }
    setTitle(histogram_, tr("Differences, output 0"));
    setTitle(layers_, tr("SQNR per layer (run with “Per layer”)"));
}

void ComparisonPlots::show(std::shared_ptr<const ComparisonReport> report)
{
    clear();
    report_ = std::move(report);
    plotHistogram();
    plotLayers();
}

void ComparisonPlots::plotHistogram()
{
    const ComparisonReport &r = *report_;
    if (r.outputs.empty())
        return;
    const Histogram &h = r.outputs.front().histogram;
    QVector<double> keys, values;
    double width = 1;
    for (std::size_t i = 0; i < h.counts.size() && i + 1 < h.edges.size(); ++i) {
        keys << (h.edges[i] + h.edges[i + 1]) / 2;
        values << static_cast<double>(h.counts[i]);
        width = h.edges[i + 1] - h.edges[i];
    }
    if (!(width > 0))
        width = 1e-9;
    auto *bars = new QCPBars(histogram_->xAxis, histogram_->yAxis);
    bars->setData(keys, values, true);
    bars->setWidth(width);
    bars->setPen(QPen(kBlue.darker(120), 0));
    bars->setBrush(QColor(kBlue.red(), kBlue.green(), kBlue.blue(), 170));
    histogram_->rescaleAxes();
    if (!keys.isEmpty()) {
        const double lo = h.edges.front(), hi = h.edges.back();
        const double pad = std::max((hi - lo) * 0.03, 1e-12);
        histogram_->xAxis->setRange(lo - pad, hi + pad);
        if (hi - lo <= 0) // every difference equal (identical models): a visible range around it
            histogram_->xAxis->setRange(lo - 1, hi + 1);
    }
    histogram_->yAxis->setRangeLower(0);
    histogram_->yAxis->setRangeUpper(histogram_->yAxis->range().upper * 1.08 + 1);
    setTitle(histogram_,
             tr("Differences B − A, output 0 (%1)").arg(shapeLabel(r.outputs.front().shape)));
    histogram_->replot();
}

void ComparisonPlots::plotLayers()
{
    const ComparisonReport &r = *report_;
    if (r.layers.empty()) {
        layers_->replot();
        return;
    }
    double maxFinite = -1e300, minFinite = 1e300;
    for (const LayerComparison &l : r.layers)
        if (l.compared && std::isfinite(l.metrics.sqnrDb)) {
            maxFinite = std::max(maxFinite, l.metrics.sqnrDb);
            minFinite = std::min(minFinite, l.metrics.sqnrDb);
        }
    // Identical layers (+inf) are drawn at a ceiling above every finite value.
    const double ceiling =
        maxFinite > -1e299 ? std::max(60.0, std::ceil((maxFinite + 20) / 10) * 10) : 100.0;
    QVector<double> keys, values;
    int divergenceLayer = -1;
    for (int i = 0; i < static_cast<int>(r.layers.size()); ++i) {
        const LayerComparison &l = r.layers[i];
        if (!l.compared)
            continue;
        if (divergenceLayer < 0 && !r.firstDivergence.empty() && l.module == r.firstDivergence) {
            divergenceLayer = i;
            divergencePoint_ = keys.size();
        }
        pointLayers_.push_back(i);
        keys << i;
        values << (std::isfinite(l.metrics.sqnrDb) ? l.metrics.sqnrDb : ceiling);
    }
    QCPGraph *graph = layers_->addGraph();
    graph->setData(keys, values, true);
    graph->setPen(QPen(kBlue, 1.5));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kBlue, Qt::white, 5));

    auto *cap = new QCPItemStraightLine(layers_);
    cap->point1->setCoords(0, ceiling);
    cap->point2->setCoords(1, ceiling);
    cap->setPen(QPen(QColor(150, 150, 150), 1, Qt::DashLine));
    auto *capText = new QCPItemText(layers_);
    capText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    capText->position->setTypeY(QCPItemPosition::ptPlotCoords);
    capText->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    capText->position->setCoords(0.99, ceiling);
    capText->setText(tr("identical (∞)"));
    capText->setColor(QColor(120, 120, 120));

    const double lower =
        minFinite < 1e299 ? std::min(0.0, std::floor((minFinite - 10) / 10) * 10) : 0.0;
    layers_->xAxis->setRange(-1, std::max<double>(r.layers.size(), 1));
    layers_->yAxis->setRange(lower, ceiling + 15);
    layers_->yAxis->setLabel(tr("SQNR (dB); ∞ drawn at %1").arg(ceiling));

    if (divergenceLayer >= 0) {
        QCPGraph *mark = layers_->addGraph();
        mark->setData(QVector<double>{double(divergenceLayer)},
                      QVector<double>{values[divergencePoint_]}, true);
        mark->setLineStyle(QCPGraph::lsNone);
        mark->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kRed, kRed, 10));
        auto *line = new QCPItemStraightLine(layers_);
        line->point1->setCoords(divergenceLayer, 0);
        line->point2->setCoords(divergenceLayer, 1);
        line->setPen(QPen(kRed, 1, Qt::DashLine));
        auto *label = new QCPItemText(layers_);
        // Beside the red line, halfway up the plot, on the side with more room.
        label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(divergenceLayer, 0.45);
        const bool leftSide = divergenceLayer > static_cast<int>(r.layers.size()) * 0.6;
        label->setPositionAlignment((leftSide ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
        label->setPadding(QMargins(4, 2, 4, 2));
        label->setBrush(QColor(255, 255, 255, 220));
        label->setClipToAxisRect(false);
        label->setText(tr("first divergence:\n%1").arg(QString::fromStdString(r.firstDivergence)));
        label->setColor(kRed);
        label->setFont(QFont(layers_->font().family(), -1, QFont::Bold));
    }
    // Items under the graphs: a click on a point must reach the graph, not the line through it.
    for (int i = 0; i < layers_->itemCount(); ++i)
        layers_->item(i)->setLayer(QStringLiteral("grid"));
    const int compared = static_cast<int>(pointLayers_.size());
    setTitle(
        layers_,
        compared * 2 < static_cast<int>(r.layers.size())
            ? tr("SQNR per layer: only %1 of %2 layers paired").arg(compared).arg(r.layers.size())
            : tr("SQNR per layer (%1 layers)").arg(r.layers.size()));
    layers_->replot();
}

QString ComparisonPlots::modulePathAtPoint(int point) const
{
    if (!report_ || point < 0 || point >= static_cast<int>(pointLayers_.size()))
        return {};
    const LayerComparison &l = report_->layers[pointLayers_[point]];
    // The graph shows A (the open model): prefer A's path for the layer.
    return QString::fromStdString(l.aModule.empty() ? l.module : l.aModule);
}

bool ComparisonPlots::exportPlots(const QString &path, QString *error, QStringList *written)
{
    if (!report_) {
        if (error)
            *error = tr("nothing to export: run a comparison first");
        return false;
    }
    const QFileInfo info(path);
    const bool pdf = info.suffix().compare(QLatin1String("pdf"), Qt::CaseInsensitive) == 0;
    QList<std::pair<QCustomPlot *, QString>> plots = {{histogram_, path}};
    if (!report_->layers.empty())
        plots.append({layers_, info.dir().filePath(info.completeBaseName() +
                                                   QStringLiteral("-layers.") + info.suffix())});
    for (const auto &[plot, file] : plots) {
        const int w = std::max(plot->width(), 640), h = std::max(plot->height(), 400);
        if (!writeExportFile(file, plotBytes(*plot, pdf, w, h), error))
            return false;
        if (written)
            *written << file;
    }
    return true;
}

} // namespace torchprep
