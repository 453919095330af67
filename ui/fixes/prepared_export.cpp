#include "prepared_export.h"

#include "errors.h"
#include "export/python_export.h"
#include "session/model_session.h"
#include "torch_model.h"

#include <QFileInfo>

namespace torchprep {

namespace {
template <typename F>
bool guarded(QString *error, F &&f)
{
    try {
        f();
        return true;
    } catch (const InputError &e) {
        *error = QString::fromStdString(e.what());
    } catch (const std::exception &e) {
        *error = QString::fromStdString(firstLine(e.what()));
    }
    return false;
}
} // namespace

bool exportPreparedModel(const ModelSession &session, const QString &path, QString *error)
{
    if (!session.model()) {
        *error = QObject::tr("no model is loaded");
        return false;
    }
    const QFileInfo target(path);
    const QFileInfo opened(QString::fromStdString(session.path()));
    if (target.absoluteFilePath() == opened.absoluteFilePath() ||
        (target.exists() && opened.exists() && target.canonicalFilePath() == opened.canonicalFilePath())) {
        *error = QObject::tr("that is the file the model was opened from; choose another name");
        return false;
    }
    return guarded(error, [&] { session.model()->saveAtomically(target.absoluteFilePath().toStdString()); });
}

bool exportPythonSource(const ModelSession &session, const QString &dir, const QString &stem, QString *error)
{
    if (!session.model()) {
        *error = QObject::tr("no model is loaded");
        return false;
    }
    return guarded(error, [&] {
        preparePythonFolder(dir.toStdString());
        const PythonPackage package = emitPythonPackage(*session.model(), stem.toStdString());
        writePythonPackage(package, dir.toStdString());
    });
}

} // namespace torchprep
