#include "prepared_export.h"

#include "export/python_export.h"
#include "session/export_file.h"
#include "session/guarded.h"
#include "session/model_session.h"
#include "torchscript/torch_model.h"

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
    if (!mayExportTo(path, error)) // the core refuses the model's own file; this, every opened one
        return false;
    return succeeded([&] { session.model()->saveAtomically(target.absoluteFilePath().toStdString()); },
                     QObject::tr("saving the model"), error);
}

bool exportPythonSource(const ModelSession &session, const QString &dir, const QString &stem, QString *error)
{
    if (!session.model()) {
        *error = QObject::tr("no model is loaded");
        return false;
    }
    for (const std::string &file : pythonPackagePaths(stem.toStdString(), dir.toStdString()))
        if (!mayExportTo(QString::fromStdString(file), error))
            return false;
    return succeeded(
        [&] {
            preparePythonFolder(dir.toStdString());
            const PythonPackage package = emitPythonPackage(*session.model(), stem.toStdString());
            writePythonPackage(package, dir.toStdString());
        },
        QObject::tr("writing the Python source"), error);
}

} // namespace torchprep
