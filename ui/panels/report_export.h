// The findings as files: JSON exactly as `torchprep validate --json` prints it, and a
// Markdown report a person reads (summary per check, then each finding with its fix). Both name
// what they describe: the session's file, or `describes` for a model that is no file's as is
// (fixed in the Studio: "m.pt after 3 fixes, not saved").
#pragma once

#include <QString>

namespace torchprep {

class ModelSession;

QString findingsMarkdown(const ModelSession &session, const QString &describes = QString());
// Return false and set `error` to one line when the file cannot be written.
bool writeFindingsJson(const ModelSession &session, const QString &describes, const QString &path,
                       QString *error);
bool writeFindingsMarkdown(const ModelSession &session, const QString &describes,
                           const QString &path, QString *error);

} // namespace torchprep
