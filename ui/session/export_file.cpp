#include "export_file.h"

#include "io/run_files.h"

#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>
#include <QObject>
#include <QSaveFile>
#include <QStringList>

namespace torchprep {

namespace {

QMutex &openedMutex()
{
    static QMutex mutex;
    return mutex;
}

QStringList &opened()
{
    static QStringList files;
    return files;
}

} // namespace

void rememberOpenedFile(const QString &path)
{
    QMutexLocker lock(&openedMutex());
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (!opened().contains(absolute))
        opened() << absolute;
}

bool mayExportTo(const QString &path, QString *error)
{
    QMutexLocker lock(&openedMutex());
    for (const QString &model : opened()) {
        if (sameFile(path.toStdString(), model.toStdString())) {
            if (error)
                *error =
                    QObject::tr("'%1' is the file a model was opened from: choose another file")
                        .arg(path);
            return false;
        }
    }
    return true;
}

bool writeExportFile(const QString &path, const QByteArray &bytes, QString *error)
{
    if (!mayExportTo(path, error))
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QObject::tr("cannot write '%1': %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace torchprep
