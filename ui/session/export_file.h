// Every file the Studio exports goes through here: never over a file a model was read from in
// this run (the same file by path, symbolic link or hard link: the core's sameFile), and written
// whole or not at all.
#pragma once

#include <QByteArray>
#include <QString>

namespace torchprep {

// Notes a file a model was read from; exports refuse to write over it. Thread-safe.
void rememberOpenedFile(const QString &path);

// False, with one line in `error`, when `path` is a file a model was read from.
bool mayExportTo(const QString &path, QString *error);

// Writes `bytes` to `path` through QSaveFile (a temporary renamed into place) after mayExportTo.
bool writeExportFile(const QString &path, const QByteArray &bytes, QString *error);

} // namespace torchprep
