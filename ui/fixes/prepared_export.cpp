#include "prepared_export.h"

#include "export/python_export.h"
#include "session/guarded.h"
#include "session/model_session.h"
#include "torch_model.h"

#include <QFileInfo>

namespace torchprep {

namespace {
// True when `work` ran; else *error holds its one line.
bool succeeded(const std::function<void()> &work, const QString &activity, QString *error)
{
    *error = guarded(work, activity);
    return error->isEmpty();
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
    return succeeded([&] { session.model()->saveAtomically(target.absoluteFilePath().toStdString()); },
                     QObject::tr("saving the model"), error);
}

bool exportPythonSource(const ModelSession &session, const QString &dir, const QString &stem, QString *error)
{
    if (!session.model()) {
        *error = QObject::tr("no model is loaded");
        return false;
    }
    return succeeded(
        [&] {
            preparePythonFolder(dir.toStdString());
            const PythonPackage package = emitPythonPackage(*session.model(), stem.toStdString());
            writePythonPackage(package, dir.toStdString());
        },
        QObject::tr("writing the Python source"), error);
}

} // namespace torchprep
