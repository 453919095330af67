// The comparison dock: runs the open model (A) against another (B) on the same inputs (those
// described for A's file) and shows the verdict, per-output metrics, the first output's
// difference histogram and, with "Per layer", each layer's SQNR along execution order (the plots:
// ComparisonPlots), with a count of the runs and a Cancel while it runs. Clicking a layer emits
// moduleActivated. Another model opened resets it: results never outlive their models.
#pragma once

#include "compare/comparison_runner.h"
#include "session/model_inputs.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace torchprep {

class ComparisonPlots;
class WorkTracker;

class ComparisonPanel : public QWidget
{
    Q_OBJECT
  public:
    explicit ComparisonPanel(WorkTracker *work, QWidget *parent = nullptr);
    ~ComparisonPanel() override;

    // The reference model (the open one) and the model compared against it: files, or models
    // in memory (the opened model and its fixed version).
    void setModels(const QString &a, const QString &b);
    void setModels(const ComparedModel &a, const ComparedModel &b);
    // Their names: the files' paths, or what the Studio calls a model in memory.
    QString modelA() const { return a_.name; }
    QString modelB() const { return b_.name; }

    // Runs with the options in the inputs row; false when nothing started (busy, no models,
    // bad input shapes: the reason is shown).
    bool run();
    // Runs with explicit options (the inputs row is left alone).
    bool run(const QString &a, const QString &b, const CompareOptions &options);
    bool run(const ComparedModel &a, const ComparedModel &b, const CompareOptions &options);
    bool busy() const;
    // Forgets the models and the results (another model is open); a running comparison's
    // result is dropped.
    void reset();

    // The inputs row as options; throws InputError for unreadable shapes.
    CompareOptions optionsFromInputs() const;
    // The inputs described for the reference model's file (ModelInputs::text() in the row).
    void setInputs(const ModelInputs &inputs);
    ModelInputs inputs() const;
    void setInputShapes(const QString &text);
    // Stops the comparison running now; it reports nothing.
    void cancel();
    void setPerLayer(bool on);
    void setDevice(const QString &device);

    const ComparisonReport *report() const { return report_.get(); }
    QString errorText() const { return error_; }
    QString statusText() const;

    // Both plots (the layer plot as NAME-layers.EXT when there is one) as PNG or PDF, chosen
    // by `path`'s suffix; the numbers as CSV (one row per output and per layer) or JSON.
    bool exportPlots(const QString &path, QString *error, QStringList *written = nullptr);
    bool exportCsv(const QString &path, QString *error) const;
    bool exportJson(const QString &path, QString *error) const;

    QTableWidget *metricsTable() const { return table_; }
    QCustomPlot *histogramPlot() const;
    QCustomPlot *layerPlot() const;
    // The first divergence's point in the SQNR graph's data; -1 when none.
    int divergencePoint() const;
    // Layer plot point `point` (in the SQNR graph's data) -> module path; "" when none.
    QString modulePathAtPoint(int point) const;

  signals:
    void moduleActivated(const QString &path);
    void finished(bool ok);
    // A comparison ran on inputs typed into the row: remember them for the reference's file.
    void inputsEdited(const torchprep::ModelInputs &inputs);
    // The "…" beside the inputs: describe them in the dialog.
    void describeRequested();

  private:
    void showReport(std::shared_ptr<const ComparisonReport> report);
    void showError(const QString &reason);
    void clearResults();
    void fillTable();
    void exportWithDialog(const QString &title, const QString &filter, const QString &suffix,
                          int kind);
    void updateEnabled();
    void showProgress(int done, int total);

    ComparisonRunner *runner_;
    ComparisonPlots *plots_;
    ComparedModel a_;
    ComparedModel b_;
    QLabel *models_;
    QLineEdit *shapes_;
    QComboBox *device_;
    QCheckBox *perLayer_;
    QPushButton *run_;
    QProgressBar *progress_;
    QLabel *status_;
    QTableWidget *table_;
    QList<QPushButton *> exportButtons_;
    std::shared_ptr<const ComparisonReport> report_;
    QString error_;
};

} // namespace torchprep
