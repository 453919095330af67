// The one place the Studio calls the core's comparison engine: runs compareModels() on a
// background job, the report (or the core's one-line reason) delivered on the GUI thread.
#pragma once

#include "compare/comparison.h"

#include <QObject>
#include <QString>

#include <memory>

class QTimer;

namespace torchprep {

class Job;
class TorchModel;
class WorkTracker;

// A model to compare: a file, or a model held in memory (the Studio's fixed model) by name.
struct ComparedModel
{
    QString name;                            // what the panel and reports call it
    QString path;                            // the file to load, when `model` is null
    std::shared_ptr<const TorchModel> model; // in memory: used as it is, never modified

    static ComparedModel file(const QString &path);
    bool empty() const { return !model && path.isEmpty(); }
};

class ComparisonRunner : public QObject
{
    Q_OBJECT
  public:
    explicit ComparisonRunner(WorkTracker *work, QObject *parent = nullptr);
    ~ComparisonRunner() override;

    bool busy() const;
    // Compares model `b` against the reference `a`; false (nothing started) while busy.
    bool run(const ComparedModel &a, const ComparedModel &b, const CompareOptions &options);
    // The comparison running now stops after its current forward run and reports nothing.
    void cancel();

  signals:
    void busyChanged(bool busy);
    // Forward runs done of all a comparison makes, while it runs (a few times a second).
    void progress(int done, int total);
    void finished(std::shared_ptr<const torchprep::ComparisonReport> report);
    void failed(const QString &reason);

  private:
    struct Progress;
    Job *job_;
    std::shared_ptr<Progress> progress_; // shared with the worker running now
    QTimer *poll_;
};

} // namespace torchprep
