#include "comparison_panel.h"

#include "compare/comparison_report.h"
#include "comparison_runner.h"
#include "counted.h"
#include "errors.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QTextStream>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace torchprep {

namespace {

const char *kShapesKey = "compare/inputShapes";
const char *kDeviceKey = "compare/device";
const char *kPerLayerKey = "compare/perLayer";
const QColor kRed(0xd6, 0x27, 0x28);
const QColor kBlue(0x1f, 0x77, 0xb4);
const QColor kGreen(0x2c, 0xa0, 0x2c);

enum ExportKind { PngExport, PdfExport, CsvExport, JsonExport };

// "1×1000", as a table cell or a title shows a shape.
QString shapeLabel(const Shape &shape)
{
    QStringList dims;
    for (std::int64_t d : shape)
        dims << QString::number(d);
    return dims.join(QStringLiteral("×"));
}

QString number(double v)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
    if (v == 0)
        return QStringLiteral("0");
    return QString::number(v, 'g', 4);
}

// Writes `text` through a temporary file renamed into place.
bool writeText(const QString &path, const QString &text, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

bool nothingToExport(QString *error)
{
    if (error)
        *error = QObject::tr("nothing to export: run a comparison first");
    return false;
}

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
    auto *title = new QCPTextElement(plot, QString(), QFont(plot->font().family(), -1, QFont::Bold));
    title->setObjectName("title");
    plot->plotLayout()->addElement(0, 0, title);
}

void setTitle(QCustomPlot *plot, const QString &text)
{
    if (auto *title = qobject_cast<QCPTextElement *>(plot->plotLayout()->element(0, 0)))
        title->setText(text);
}

} // namespace

ComparisonPanel::ComparisonPanel(QWidget *parent)
    : QWidget(parent), runner_(new ComparisonRunner(this)), models_(new QLabel), shapes_(new QLineEdit),
      device_(new QComboBox), perLayer_(new QCheckBox(tr("Per layer"))), run_(new QPushButton(tr("Run"))),
      status_(new QLabel), table_(new QTableWidget(0, 6)), histogram_(new QCustomPlot), layers_(new QCustomPlot)
{
    QSettings settings;
    shapes_->setPlaceholderText(tr("1,3,224,224  (several inputs: separate with ;)"));
    shapes_->setText(settings.value(kShapesKey, QStringLiteral("1,3,224,224")).toString());
    shapes_->setToolTip(tr("Shape of each forward input; the models run on the same seeded random inputs."));
    device_->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")});
    device_->setCurrentText(settings.value(kDeviceKey, QStringLiteral("auto")).toString());
    perLayer_->setChecked(settings.value(kPerLayerKey, false).toBool());
    perLayer_->setToolTip(tr("Also compare every module call's output and find the first divergence."));
    run_->setDefault(true);
    connect(run_, &QPushButton::clicked, this, [this] { run(); });
    connect(shapes_, &QLineEdit::returnPressed, this, [this] { run(); });

    auto *inputs = new QHBoxLayout;
    inputs->addWidget(new QLabel(tr("Input shapes:")));
    inputs->addWidget(shapes_, 2);
    inputs->addWidget(new QLabel(tr("Device:")));
    inputs->addWidget(device_);
    inputs->addWidget(perLayer_);
    inputs->addWidget(run_);
    inputs->addSpacing(16);
    inputs->addWidget(new QLabel(tr("Export:")));
    const std::pair<QString, int> exports[] = {
        {tr("PNG…"), PngExport}, {tr("PDF…"), PdfExport}, {tr("CSV…"), CsvExport}, {tr("JSON…"), JsonExport}};
    for (const auto &[label, kind] : exports) {
        auto *button = new QPushButton(label);
        const int k = kind;
        connect(button, &QPushButton::clicked, this, [this, k] {
            switch (k) {
            case PngExport:
                exportWithDialog(tr("Export plots as PNG"), tr("PNG image (*.png)"), "png", k);
                break;
            case PdfExport:
                exportWithDialog(tr("Export plots as PDF"), tr("PDF (*.pdf)"), "pdf", k);
                break;
            case CsvExport:
                exportWithDialog(tr("Export numbers as CSV"), tr("CSV (*.csv)"), "csv", k);
                break;
            default:
                exportWithDialog(tr("Export numbers as JSON"), tr("JSON (*.json)"), "json", k);
            }
        });
        exportButtons_ << button;
        inputs->addWidget(button);
    }

    models_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    models_->setStyleSheet(QStringLiteral("color: palette(mid);"));
    status_->setTextFormat(Qt::RichText);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    table_->setHorizontalHeaderLabels(
        {tr("Output"), tr("Shape"), tr("max |diff|"), tr("mean |diff|"), tr("cosine"), tr("SQNR (dB)")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table_->setMinimumWidth(430);

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

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(table_);
    split->addWidget(histogram_);
    split->addWidget(layers_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 5);
    split->setChildrenCollapsible(false);

    auto *top = new QVBoxLayout(this);
    top->setContentsMargins(6, 6, 6, 6);
    top->addLayout(inputs);
    top->addWidget(models_);
    top->addWidget(status_);
    top->addWidget(split, 1);

    connect(runner_, &ComparisonRunner::finished, this, &ComparisonPanel::showReport);
    connect(runner_, &ComparisonRunner::failed, this, &ComparisonPanel::showError);
    connect(runner_, &ComparisonRunner::busyChanged, this, &ComparisonPanel::updateEnabled);
    clearResults();
    status_->setText(tr("Choose <i>Tools ▸ Compare with another model…</i> to compare the open model "
                        "with another one on the same inputs."));
    updateEnabled();
}

ComparisonPanel::~ComparisonPanel() = default;

void ComparisonPanel::setModels(const QString &a, const QString &b)
{
    setModels(ComparedModel::file(a), ComparedModel::file(b));
}

void ComparisonPanel::setModels(const ComparedModel &a, const ComparedModel &b)
{
    a_ = a;
    b_ = b;
    auto shown = [](const ComparedModel &m) { return m.model ? m.name : QFileInfo(m.name).fileName(); };
    models_->setText(tr("A (reference): %1    B: %2").arg(shown(a), shown(b)));
    models_->setToolTip(a.name + QLatin1Char('\n') + b.name);
}

bool ComparisonPanel::busy() const { return runner_->busy(); }

void ComparisonPanel::setInputShapes(const QString &text) { shapes_->setText(text); }
void ComparisonPanel::setPerLayer(bool on) { perLayer_->setChecked(on); }
void ComparisonPanel::setDevice(const QString &device) { device_->setCurrentText(device); }

CompareOptions ComparisonPanel::optionsFromInputs() const
{
    CompareOptions options;
    const QStringList parts =
        shapes_->text().split(QRegularExpression(QStringLiteral("[;\\s]+")), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        throw InputError("give the input shapes, e.g. 1,3,224,224");
    for (const QString &part : parts)
        options.inputs.shapes.push_back(parseShape(part.toStdString()));
    options.device = device_->currentText().toStdString();
    options.perLayer = perLayer_->isChecked();
    return options;
}

bool ComparisonPanel::run()
{
    if (a_.empty() || b_.empty()) {
        showError(tr("open a model and choose another to compare it with"));
        return false;
    }
    CompareOptions options;
    try {
        options = optionsFromInputs();
    } catch (const InputError &e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
    QSettings settings;
    settings.setValue(kShapesKey, shapes_->text().trimmed());
    settings.setValue(kDeviceKey, device_->currentText());
    settings.setValue(kPerLayerKey, perLayer_->isChecked());
    return run(a_, b_, options);
}

bool ComparisonPanel::run(const QString &a, const QString &b, const CompareOptions &options)
{
    return run(ComparedModel::file(a), ComparedModel::file(b), options);
}

bool ComparisonPanel::run(const ComparedModel &a, const ComparedModel &b, const CompareOptions &options)
{
    if (runner_->busy())
        return false;
    setModels(a, b);
    clearResults();
    error_.clear();
    status_->setStyleSheet({});
    status_->setText(tr("Comparing on %1%2…")
                         .arg(QString::fromStdString(options.device),
                              options.perLayer ? tr(", layer by layer") : QString()));
    return runner_->run(a, b, options);
}

QString ComparisonPanel::statusText() const { return status_->text(); }

void ComparisonPanel::clearResults()
{
    report_.reset();
    pointLayers_.clear();
    divergencePoint_ = -1;
    table_->setRowCount(0);
    for (QCustomPlot *plot : {histogram_, layers_}) {
        plot->clearPlottables();
        plot->clearItems();
        plot->replot();
    }
    setTitle(histogram_, tr("Differences, output 0"));
    setTitle(layers_, tr("SQNR per layer (run with “Per layer”)"));
    updateEnabled();
}

void ComparisonPanel::showError(const QString &reason)
{
    clearResults();
    error_ = reason;
    status_->setStyleSheet(QStringLiteral("color: %1;").arg(kRed.name()));
    status_->setText(tr("<b>Comparison failed:</b> %1").arg(reason.toHtmlEscaped()));
    emit finished(false);
}

void ComparisonPanel::showReport(std::shared_ptr<const ComparisonReport> report)
{
    clearResults();
    report_ = std::move(report);
    const ComparisonReport &r = *report_;
    QString worst = QStringLiteral("0");
    double maxDiff = 0;
    for (const OutputComparison &o : r.outputs)
        maxDiff = std::max(maxDiff, o.metrics.maxAbsDiff);
    worst = number(maxDiff);
    QString text = r.passed
                       ? tr("<b>PASSED</b> on <b>%1</b>: every output within tolerance %2 (max |diff| %3)")
                             .arg(QString::fromStdString(r.device), number(r.tolerance), worst)
                       : tr("<b>FAILED</b> on <b>%1</b>: max |diff| %3 exceeds tolerance %2")
                             .arg(QString::fromStdString(r.device), number(r.tolerance), worst);
    if (!r.firstDivergence.empty())
        text += tr(" · first divergence: <b>%1</b>").arg(QString::fromStdString(r.firstDivergence).toHtmlEscaped());
    text += tr(" · median forward A %1 ms, B %2 ms · %3")
                .arg(QString::number(r.timingA.medianMs, 'f', 2), QString::number(r.timingB.medianMs, 'f', 2),
                     counted(r.batches, tr("batch"), tr("batches")));
    status_->setStyleSheet(QStringLiteral("color: %1;").arg((r.passed ? kGreen : kRed).name()));
    status_->setText(text);
    fillTable();
    plotHistogram();
    plotLayers();
    updateEnabled();
    emit finished(true);
}

void ComparisonPanel::fillTable()
{
    const ComparisonReport &r = *report_;
    table_->setRowCount(static_cast<int>(r.outputs.size()));
    for (int row = 0; row < static_cast<int>(r.outputs.size()); ++row) {
        const OutputComparison &o = r.outputs[row];
        const QStringList cells = {QString::number(o.index),          shapeLabel(o.shape),
                                   number(o.metrics.maxAbsDiff),      number(o.metrics.meanAbsDiff),
                                   QString::number(o.metrics.cosine, 'f', 6), number(o.metrics.sqnrDb)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(c >= 2 ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
            if (c == 2 && o.metrics.maxAbsDiff > r.tolerance)
                item->setForeground(kRed);
            table_->setItem(row, c, item);
        }
    }
}

void ComparisonPanel::plotHistogram()
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
    setTitle(histogram_, tr("Differences B − A, output 0 (%1)").arg(shapeLabel(r.outputs.front().shape)));
    histogram_->replot();
}

void ComparisonPanel::plotLayers()
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
    const double ceiling = maxFinite > -1e299 ? std::max(60.0, std::ceil((maxFinite + 20) / 10) * 10) : 100.0;
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

    const double lower = minFinite < 1e299 ? std::min(0.0, std::floor((minFinite - 10) / 10) * 10) : 0.0;
    layers_->xAxis->setRange(-1, std::max<double>(r.layers.size(), 1));
    layers_->yAxis->setRange(lower, ceiling + 15);
    layers_->yAxis->setLabel(tr("SQNR (dB); ∞ drawn at %1").arg(ceiling));

    if (divergenceLayer >= 0) {
        QCPGraph *mark = layers_->addGraph();
        mark->setData(QVector<double>{double(divergenceLayer)}, QVector<double>{values[divergencePoint_]}, true);
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
    setTitle(layers_, tr("SQNR per layer, %1 layers (click a point to show it)").arg(r.layers.size()));
    layers_->replot();
}

QString ComparisonPanel::modulePathAtPoint(int point) const
{
    if (!report_ || point < 0 || point >= static_cast<int>(pointLayers_.size()))
        return {};
    const LayerComparison &l = report_->layers[pointLayers_[point]];
    // The graph shows A (the open model): prefer A's path for the layer.
    return QString::fromStdString(l.aModule.empty() ? l.module : l.aModule);
}

bool ComparisonPanel::exportPlots(const QString &path, QString *error, QStringList *written)
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
        plots.append({layers_, info.dir().filePath(info.completeBaseName() + QStringLiteral("-layers.") + info.suffix())});
    for (const auto &[plot, file] : plots) {
        const int w = std::max(plot->width(), 640), h = std::max(plot->height(), 400);
        const bool ok = pdf ? plot->savePdf(file, w, h) : plot->savePng(file, w, h, 2.0);
        if (!ok) {
            if (error)
                *error = tr("could not write %1").arg(file);
            return false;
        }
        if (written)
            *written << file;
    }
    return true;
}

bool ComparisonPanel::exportCsv(const QString &path, QString *error) const
{
    return report_ ? writeText(path, QString::fromStdString(comparisonCsv(*report_)), error)
                   : nothingToExport(error);
}

// The same JSON as `torchprep compare --json`.
bool ComparisonPanel::exportJson(const QString &path, QString *error) const
{
    return report_ ? writeText(path,
                               QString::fromStdString(comparisonJson(a_.name.toStdString(),
                                                                     b_.name.toStdString(), *report_)),
                               error)
                   : nothingToExport(error);
}

void ComparisonPanel::exportWithDialog(const QString &title, const QString &filter, const QString &suffix, int kind)
{
    const QString dir = QSettings().value("lastExportDir").toString();
    QString path = QFileDialog::getSaveFileName(this, title, dir, filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + suffix;
    QSettings().setValue("lastExportDir", QFileInfo(path).absolutePath());
    QString error;
    const bool ok = kind == CsvExport ? exportCsv(path, &error)
                  : kind == JsonExport ? exportJson(path, &error)
                                       : exportPlots(path, &error);
    if (!ok)
        QMessageBox::warning(this, title, error);
}

void ComparisonPanel::updateEnabled()
{
    const bool running = runner_->busy();
    run_->setEnabled(!running);
    run_->setText(running ? tr("Running…") : tr("Run"));
    for (QPushButton *b : exportButtons_)
        b->setEnabled(!running && report_);
}

} // namespace torchprep
