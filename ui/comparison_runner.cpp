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

ComparedModel ComparedModel::file(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    return {absolute, absolute, nullptr};
}

bool ComparisonRunner::run(const ComparedModel &a, const ComparedModel &b, const CompareOptions &options)
{
    if (watcher_.isRunning())
        return false;
    emit busyChanged(true);
    watcher_.setFuture(QtConcurrent::run([a, b, options]() -> Result {
        // Anything the core throws is a user-facing one-liner; nothing escapes the worker.
        try {
            auto held = [](const ComparedModel &m) {
                return m.model ? m.model : std::shared_ptr<const TorchModel>(TorchModel::load(m.path.toStdString()));
            };
            const auto modelA = held(a);
            const auto modelB = held(b);
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
