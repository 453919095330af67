#include "comparison_runner.h"

#include "session/background_work.h"
#include "session/export_file.h"
#include "torch_model.h"

#include <QFileInfo>

namespace torchprep {

ComparisonRunner::ComparisonRunner(WorkTracker *work, QObject *parent)
    : QObject(parent), job_(new Job(work, tr("comparing the models"), this))
{
    connect(job_, &Job::runningChanged, this, &ComparisonRunner::busyChanged);
}

ComparisonRunner::~ComparisonRunner() = default;

bool ComparisonRunner::busy() const { return job_->running(); }

void ComparisonRunner::cancel() { job_->cancel(); }

ComparedModel ComparedModel::file(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    return {absolute, absolute, nullptr};
}

bool ComparisonRunner::run(const ComparedModel &a, const ComparedModel &b, const CompareOptions &options)
{
    return job_->start(
        [a, b, options] {
            auto held = [](const ComparedModel &m) {
                if (m.model)
                    return m.model;
                std::shared_ptr<const TorchModel> loaded = TorchModel::load(m.path.toStdString());
                rememberOpenedFile(m.path);
                return loaded;
            };
            const auto modelA = held(a);
            const auto modelB = held(b);
            return std::make_shared<const ComparisonReport>(compareModels(*modelA, *modelB, options));
        },
        [this](std::shared_ptr<const ComparisonReport> report) { emit finished(std::move(report)); },
        [this](const QString &reason) { emit failed(reason); });
}

} // namespace torchprep
