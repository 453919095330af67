// The findings as files: JSON exactly as `torchprep validate --json` prints it, and a
// Markdown report a person reads (summary per check, then each finding with its fix).
#pragma once

#include <QString>

namespace torchprep {

class ModelSession;

QString findingsMarkdown(const ModelSession &session);
// Return false and set `error` to one line when the file cannot be written.
bool writeFindingsJson(const ModelSession &session, const QString &path, QString *error);
bool writeFindingsMarkdown(const ModelSession &session, const QString &path, QString *error);

} // namespace torchprep
