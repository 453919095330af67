#include "comparison_panel.h"

#include "base/errors.h"
#include "base/report_text.h"
#include "compare/comparison_plots.h"
#include "compare/comparison_report.h"
#include "compare/comparison_runner.h"
#include "compare/divergence_colours.h"
#include "session/counted.h"

#include <qcustomplot.h>

#include "session/export_file.h"
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
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QTextStream>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace torchprep {

namespace {

const char *kDeviceKey = "compare/device";
const char *kPerLayerKey = "compare/perLayer";
const QColor kRed(0xd6, 0x27, 0x28);
const QColor kGreen(0x2c, 0xa0, 0x2c);

enum ExportKind { PngExport, PdfExport, CsvExport, JsonExport };

QString number(double v)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
    if (v == 0)
        return QStringLiteral("0");
    return QString::fromStdString(threeSignificant(v)); // as the CLI prints it
}

// Writes `text` through a temporary file renamed into place.
bool writeText(const QString &path, const QString &text, QString *error)
{
    return writeExportFile(path, text.toUtf8(), error);
}

bool nothingToExport(QString *error)
{
    if (error)
        *error = QObject::tr("nothing to export: run a comparison first");
    return false;
}

} // namespace

ComparisonPanel::ComparisonPanel(WorkTracker *work, QWidget *parent)
    : QWidget(parent), runner_(new ComparisonRunner(work, this)), plots_(new ComparisonPlots(this)),
      models_(new QLabel), shapes_(new QLineEdit), device_(new QComboBox),
      perLayer_(new QCheckBox(tr("Per layer"))), run_(new QPushButton(tr("Run"))),
      progress_(new QProgressBar), status_(new QLabel), table_(new QTableWidget(0, 6))
{
    QSettings settings;
    shapes_->setPlaceholderText(tr("1,3,224,224; 1,16:int64:0..999   or   file: inputs.pt"));
    shapes_->setText(lastInputs().text());
    shapes_->setToolTip(tr(
        "Each forward input as SHAPE[:DTYPE][:LOW..HIGH], separated by ';' (the models run on the "
        "same seeded random inputs), or \"file: PATH\" for inputs saved with torch.save. "
        "Remembered for the open model's file."));
    auto *describe = new QToolButton;
    describe->setText(QStringLiteral("…"));
    describe->setToolTip(tr("Describe the inputs (Tools ▸ Describe Inputs…)"));
    connect(describe, &QToolButton::clicked, this, &ComparisonPanel::describeRequested);
    progress_->setMaximumWidth(180);
    progress_->setFormat(tr("%v / %m runs"));
    progress_->hide();
    device_->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")});
    device_->setCurrentText(settings.value(kDeviceKey, QStringLiteral("auto")).toString());
    perLayer_->setChecked(settings.value(kPerLayerKey, false).toBool());
    perLayer_->setToolTip(
        tr("Also compare every module call's output and find the first divergence."));
    run_->setDefault(true);
    connect(run_, &QPushButton::clicked, this, [this] {
        if (runner_->busy())
            cancel();
        else
            run();
    });
    connect(shapes_, &QLineEdit::returnPressed, this, [this] { run(); });

    auto *inputs = new QHBoxLayout;
    inputs->addWidget(new QLabel(tr("Inputs:")));
    inputs->addWidget(shapes_, 2);
    inputs->addWidget(describe);
    inputs->addWidget(new QLabel(tr("Device:")));
    inputs->addWidget(device_);
    inputs->addWidget(perLayer_);
    inputs->addWidget(run_);
    inputs->addWidget(progress_);
    inputs->addSpacing(16);
    inputs->addWidget(new QLabel(tr("Export:")));
    const std::pair<QString, int> exports[] = {{tr("PNG…"), PngExport},
                                               {tr("PDF…"), PdfExport},
                                               {tr("CSV…"), CsvExport},
                                               {tr("JSON…"), JsonExport}};
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
        {tr("Output"), tr("Shape"), tr("max |diff|"), tr("mean |diff|"), tr("cosine"), tr("SQNR")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table_->setMinimumWidth(430);

    connect(plots_, &ComparisonPlots::moduleActivated, this, &ComparisonPanel::moduleActivated);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(table_);
    split->addWidget(plots_->histogram());
    split->addWidget(plots_->layers());
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
    connect(runner_, &ComparisonRunner::progress, this, &ComparisonPanel::showProgress);
    reset();
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
    auto shown = [](const ComparedModel &m) {
        return m.model ? m.name : QFileInfo(m.name).fileName();
    };
    models_->setText(tr("A (reference): %1    B: %2").arg(shown(a), shown(b)));
    models_->setToolTip(a.name + QLatin1Char('\n') + b.name);
}

bool ComparisonPanel::busy() const
{
    return runner_->busy();
}

void ComparisonPanel::setInputShapes(const QString &text)
{
    shapes_->setText(text);
}
void ComparisonPanel::setInputs(const ModelInputs &inputs)
{
    shapes_->setText(inputs.text());
}
ModelInputs ComparisonPanel::inputs() const
{
    return ModelInputs::fromText(shapes_->text());
}
void ComparisonPanel::setPerLayer(bool on)
{
    perLayer_->setChecked(on);
}
void ComparisonPanel::setDevice(const QString &device)
{
    device_->setCurrentText(device);
}

CompareOptions ComparisonPanel::optionsFromInputs() const
{
    CompareOptions options;
    const ModelInputs described = inputs();
    if (described.isEmpty())
        throw InputError(
            "give the inputs, e.g. 1,3,224,224 (one per forward input, separated by ';')");
    options.inputs = described.spec();
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
    emit inputsEdited(inputs());
    settings.setValue(kDeviceKey, device_->currentText());
    settings.setValue(kPerLayerKey, perLayer_->isChecked());
    return run(a_, b_, options);
}

bool ComparisonPanel::run(const QString &a, const QString &b, const CompareOptions &options)
{
    return run(ComparedModel::file(a), ComparedModel::file(b), options);
}

bool ComparisonPanel::run(const ComparedModel &a, const ComparedModel &b,
                          const CompareOptions &options)
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
    progress_->setRange(0, 0);
    return runner_->run(a, b, options);
}

void ComparisonPanel::cancel()
{
    if (!runner_->busy())
        return;
    runner_->cancel();
    status_->setStyleSheet({});
    status_->setText(tr("Comparison cancelled."));
}

void ComparisonPanel::showProgress(int done, int total)
{
    progress_->setRange(0, total);
    progress_->setValue(done);
}

QString ComparisonPanel::statusText() const
{
    return status_->text();
}

void ComparisonPanel::reset()
{
    runner_->cancel();
    a_ = {};
    b_ = {};
    models_->clear();
    models_->setToolTip({});
    clearResults();
    error_.clear();
    status_->setStyleSheet({});
    status_->setText(
        tr("Choose <i>Tools ▸ Compare with another model…</i> to compare the open model "
           "with another one on the same inputs."));
}

void ComparisonPanel::clearResults()
{
    report_.reset();
    table_->setRowCount(0);
    plots_->clear();
    updateEnabled();
}

QCustomPlot *ComparisonPanel::histogramPlot() const
{
    return plots_->histogram();
}
QCustomPlot *ComparisonPanel::layerPlot() const
{
    return plots_->layers();
}
int ComparisonPanel::divergencePoint() const
{
    return plots_->divergencePoint();
}
QString ComparisonPanel::modulePathAtPoint(int point) const
{
    return plots_->modulePathAtPoint(point);
}

bool ComparisonPanel::exportPlots(const QString &path, QString *error, QStringList *written)
{
    return plots_->exportPlots(path, error, written);
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
    QString text =
        r.passed
            ? tr("<b>PASSED</b> on <b>%1</b>: every output within tolerance %2 (max |diff| %3)")
                  .arg(QString::fromStdString(r.device), number(r.tolerance), worst)
            : tr("<b>FAILED</b> on <b>%1</b>: max |diff| %3 exceeds tolerance %2")
                  .arg(QString::fromStdString(r.device), number(r.tolerance), worst);
    const QString pairing = pairingWarning(r);
    if (!r.firstDivergence.empty())
        text += tr(" · first divergence: <b>%1</b>%2")
                    .arg(QString::fromStdString(r.firstDivergence).toHtmlEscaped(),
                         pairing.isEmpty() ? QString() : tr(" (among the few layers paired)"));
    if (!pairing.isEmpty())
        text += QStringLiteral("<br><b>%1</b>").arg(pairing.toHtmlEscaped());
    text += tr(" · median forward A %1 ms, B %2 ms · %3")
                .arg(QString::number(r.timingA.medianMs, 'f', 2),
                     QString::number(r.timingB.medianMs, 'f', 2),
                     counted(r.batches, tr("batch"), tr("batches")));
    status_->setStyleSheet(QStringLiteral("color: %1;").arg((r.passed ? kGreen : kRed).name()));
    status_->setText(text);
    fillTable();
    plots_->show(report_);
    updateEnabled();
    emit finished(true);
}

void ComparisonPanel::fillTable()
{
    const ComparisonReport &r = *report_;
    table_->setRowCount(static_cast<int>(r.outputs.size()));
    for (int row = 0; row < static_cast<int>(r.outputs.size()); ++row) {
        const OutputComparison &o = r.outputs[row];
        const QStringList cells = {QString::number(o.index),
                                   shapeLabel(o.shape),
                                   maxDiffText(o.metrics.maxAbsDiff, r.tolerance),
                                   number(o.metrics.meanAbsDiff),
                                   QString::number(o.metrics.cosine, 'f', 6),
                                   sqnrText(o.metrics.sqnrDb)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(c >= 2 ? Qt::AlignRight | Qt::AlignVCenter
                                          : Qt::AlignLeft | Qt::AlignVCenter);
            if (c == 2 && o.metrics.maxAbsDiff > r.tolerance)
                item->setForeground(kRed);
            table_->setItem(row, c, item);
        }
    }
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
                               QString::fromStdString(comparisonJson(
                                   a_.name.toStdString(), b_.name.toStdString(), *report_)),
                               error)
                   : nothingToExport(error);
}

void ComparisonPanel::exportWithDialog(const QString &title, const QString &filter,
                                       const QString &suffix, int kind)
{
    const QString dir = QSettings().value("lastExportDir").toString();
    QString path = QFileDialog::getSaveFileName(this, title, dir, filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + suffix;
    QSettings().setValue("lastExportDir", QFileInfo(path).absolutePath());
    QString error;
    const bool ok = kind == CsvExport    ? exportCsv(path, &error)
                    : kind == JsonExport ? exportJson(path, &error)
                                         : exportPlots(path, &error);
    if (!ok)
        QMessageBox::warning(this, title, error);
}

void ComparisonPanel::updateEnabled()
{
    const bool running = runner_->busy();
    run_->setText(running ? tr("Cancel") : tr("Run"));
    run_->setToolTip(running ? tr("Stop the comparison after the forward run under way")
                             : QString());
    progress_->setVisible(running);
    for (QPushButton *b : exportButtons_)
        b->setEnabled(!running && report_);
}

} // namespace torchprep
