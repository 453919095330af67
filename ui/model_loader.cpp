#include "model_loader.h"

#include "errors.h"
#include "graph_builder.h"
#include "model_session.h"
#include "torch_model.h"

#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

namespace torchprep {

ModelLoader::ModelLoader(QObject *parent) : QObject(parent)
{
    connect(&watcher_, &QFutureWatcher<Result>::finished, this, [this] {
        const Result result = watcher_.result();
        emit busyChanged(false, {});
        if (!result.error.isEmpty())
            emit failed(pendingPath_, result.error);
        else if (pendingReopen_)
            emit revalidated(result.session);
        else
            emit opened(result.session);
    });
}

// The worker owns nothing the GUI touches: wait so it never outlives the loader.
ModelLoader::~ModelLoader() { watcher_.waitForFinished(); }

bool ModelLoader::busy() const { return watcher_.isRunning(); }

void ModelLoader::open(const QString &path)
{
    const std::string file = QFileInfo(path).absoluteFilePath().toStdString();
    start(tr("Loading %1").arg(QFileInfo(path).fileName()), path, false, [file]() -> Result {
        std::shared_ptr<const TorchModel> model = TorchModel::load(file);
        ModelGraph graph = buildModelGraph(*model);
        ValidationReport report = validateGraph(graph, CheckOptions{});
        return {std::make_shared<ModelSession>(std::move(graph), std::move(report),
                                               std::vector<std::string>{}, std::move(model)),
                {}};
    });
}

void ModelLoader::revalidate(std::shared_ptr<const ModelSession> session,
                             std::vector<std::string> excluded)
{
    start(tr("Validating"), QString::fromStdString(session->path()), true,
          [session, excluded]() -> Result {
              CheckOptions options;
              options.excludedModules = excluded;
              ValidationReport report = validateGraph(session->graph(), options);
              return {std::make_shared<ModelSession>(session->graph(), std::move(report),
                                                     excluded, session->model()),
                      {}};
          });
}

void ModelLoader::start(const QString &what, const QString &path, bool reopen,
                        std::function<Result()> job)
{
    if (watcher_.isRunning())
        watcher_.waitForFinished(); // callers check busy(); this only guards misuse
    pendingPath_ = path;
    pendingReopen_ = reopen;
    emit busyChanged(true, what);
    watcher_.setFuture(QtConcurrent::run([job]() -> Result {
        // Anything the core throws is a user-facing one-liner; nothing escapes the worker.
        try {
            return job();
        } catch (const InputError &e) {
            return {nullptr, QString::fromStdString(e.what())};
        } catch (const std::exception &e) {
            return {nullptr, QString::fromStdString(firstLine(e.what()))};
        } catch (...) {
            return {nullptr, QStringLiteral("unknown error while reading the model")};
        }
    }));
}

} // namespace torchprep
