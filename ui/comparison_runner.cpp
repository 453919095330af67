#include "comparison_runner.h"

#include "errors.h"
#include "torch_model.h"

#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

namespace torchprep {

ComparisonRunner::ComparisonRunner(QObject *parent) : QObject(parent)
{
    connect(&watcher_, &QFutureWatcher<Result>::finished, this, [this] {
        const Result result = watcher_.result();
        emit busyChanged(false);
        if (result.report)
            emit finished(result.report);
        else
            emit failed(result.error);
    });
}

// The worker touches nothing of ours: wait so it never outlives the runner.
ComparisonRunner::~ComparisonRunner() { watcher_.waitForFinished(); }

bool ComparisonRunner::busy() const { return watcher_.isRunning(); }

bool ComparisonRunner::run(const QString &a, const QString &b, const CompareOptions &options)
{
    if (watcher_.isRunning())
        return false;
    const std::string fileA = QFileInfo(a).absoluteFilePath().toStdString();
    const std::string fileB = QFileInfo(b).absoluteFilePath().toStdString();
    emit busyChanged(true);
    watcher_.setFuture(QtConcurrent::run([fileA, fileB, options]() -> Result {
        // Anything the core throws is a user-facing one-liner; nothing escapes the worker.
        try {
            const auto modelA = TorchModel::load(fileA);
            const auto modelB = TorchModel::load(fileB);
            return {std::make_shared<const ComparisonReport>(compareModels(*modelA, *modelB, options)), {}};
        } catch (const InputError &e) {
            return {nullptr, QString::fromStdString(e.what())};
        } catch (const std::exception &e) {
            return {nullptr, QString::fromStdString(firstLine(e.what()))};
        } catch (...) {
            return {nullptr, QStringLiteral("unknown error while comparing the models")};
        }
    }));
    return true;
}

} // namespace torchprep
