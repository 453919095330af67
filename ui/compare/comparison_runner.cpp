#include "comparison_runner.h"

#include "session/background_work.h"
#include "session/export_file.h"
#include "torchscript/torch_model.h"

#include <QFileInfo>
#include <QTimer>

#include <atomic>

namespace torchprep {

// What the worker tells the GUI thread (which polls it) and what it is told: it may stop.
struct ComparisonRunner::Progress
{
    std::atomic<int> done{0};
    std::atomic<int> total{0};
    std::atomic<bool> stop{false};
};

ComparisonRunner::ComparisonRunner(WorkTracker *work, QObject *parent)
    : QObject(parent), job_(new Job(work, tr("comparing the models"), this)),
      poll_(new QTimer(this))
{
    poll_->setInterval(150);
    connect(poll_, &QTimer::timeout, this, [this] {
        if (progress_ && progress_->total > 0)
            emit progress(progress_->done, progress_->total);
    });
    connect(job_, &Job::runningChanged, this, [this](bool running) {
        if (!running)
            poll_->stop();
        emit busyChanged(running);
    });
}

ComparisonRunner::~ComparisonRunner()
{
    if (progress_)
        progress_->stop = true; // the job's destructor waits for the worker: let it end soon
}

bool ComparisonRunner::busy() const
{
    return job_->running();
}

void ComparisonRunner::cancel()
{
    if (progress_)
        progress_->stop = true;
    job_->cancel();
}

ComparedModel ComparedModel::file(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    return {absolute, absolute, nullptr};
}

bool ComparisonRunner::run(const ComparedModel &a, const ComparedModel &b,
                           const CompareOptions &given)
{
    if (job_->running())
        return false;
    auto shared = std::make_shared<Progress>();
    CompareOptions options = given;
    options.progress = [shared](int done, int total) {
        shared->done = done;
        shared->total = total;
        return !shared->stop;
    };
    progress_ = shared;
    poll_->start();
    return job_->start(
        [a, b, options] {
            // A file may hold a TorchScript model or a torch.export program.
            auto held = [](const ComparedModel &m) {
                if (m.model)
                    return ComparableModel{m.model, nullptr};
                ComparableModel loaded = ComparableModel::load(m.path.toStdString(), "cpu");
                rememberOpenedFile(m.path);
                return loaded;
            };
            const ComparableModel modelA = held(a);
            const ComparableModel modelB = held(b);
            return std::make_shared<const ComparisonReport>(compareModels(modelA, modelB, options));
        },
        [this](std::shared_ptr<const ComparisonReport> report) {
            emit finished(std::move(report));
        },
        [this](const QString &reason) { emit failed(reason); });
}

} // namespace torchprep
