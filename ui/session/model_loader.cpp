#include "model_loader.h"

#include "pipeline/analysed_model.h"
#include "session/background_work.h"
#include "session/export_file.h"
#include "session/model_session.h"

#include <QFileInfo>

namespace torchprep {

ModelLoader::ModelLoader(WorkTracker *work, QObject *parent)
    : QObject(parent), job_(new Job(work, tr("reading the model"), this))
{
}

ModelLoader::~ModelLoader() = default;

bool ModelLoader::busy() const
{
    return job_->running();
}

bool ModelLoader::open(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const std::string file = absolute.toStdString();
    return job_->start(
        [file] {
            auto session = std::make_shared<const ModelSession>(AnalysedModel::load(file));
            rememberOpenedFile(QString::fromStdString(file));
            return session;
        },
        [this](std::shared_ptr<const ModelSession> session) { emit opened(std::move(session)); },
        [this, path](const QString &reason) { emit failed(path, reason); },
        tr("Loading %1").arg(QFileInfo(path).fileName()));
}

bool ModelLoader::revalidate(std::shared_ptr<const ModelSession> session,
                             std::vector<std::string> excluded)
{
    const QString path = QString::fromStdString(session->path());
    return job_->start(
        [session, excluded] {
            CheckOptions options = session->analysed().checkOptions();
            options.excludedModules = excluded;
            return std::make_shared<const ModelSession>(session->analysed().revalidated(options));
        },
        [this](std::shared_ptr<const ModelSession> revalidated) {
            emit this->revalidated(std::move(revalidated));
        },
        [this, path](const QString &reason) { emit failed(path, reason); }, tr("Validating"));
}

} // namespace torchprep
