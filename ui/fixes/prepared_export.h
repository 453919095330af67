// Writes the session's (possibly fixed) model: as TorchScript, or as Python source plus a
// state_dict. Both report failures as one line in *error.
#pragma once

#include <QString>

namespace torchprep {

class ModelSession;

// Saves atomically to `path`; refuses the file the model was opened from.
bool exportPreparedModel(const ModelSession &session, const QString &path, QString *error);
// Writes STEM.py and STEM_state_dict.pt into `dir`; `stem` must be a Python identifier.
bool exportPythonSource(const ModelSession &session, const QString &dir, const QString &stem, QString *error);

} // namespace torchprep
