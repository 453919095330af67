#include "ops_library_settings.h"

#include "libtorch/ops_libraries.h"
#include "session/guarded.h"

#include <QObject>
#include <QSettings>

namespace torchprep {

namespace {
const char *const kLibrariesKey = "opsLibraries";
}

QStringList rememberedOpsLibraries()
{
    return QSettings().value(kLibrariesKey).toStringList();
}

void rememberOpsLibraries(const QStringList &paths)
{
    QSettings().setValue(kLibrariesKey, paths);
}

QStringList loadOpsLibraries(const QStringList &paths)
{
    QStringList errors;
    for (const QString &path : paths) {
        const QString error = guarded([&] { loadOpsLibrary(path.toStdString()); },
                                      QObject::tr("loading %1").arg(path));
        if (!error.isEmpty())
            errors << error;
    }
    return errors;
}

} // namespace torchprep
