// The custom operator libraries (what `--ops-library PATH` loads for the CLI) the Studio loads
// at start, remembered in the settings. torchvision's and torchaudio's are found by the core
// when a model needs them; these are the others.
#pragma once

#include <QString>
#include <QStringList>

namespace torchprep {

QStringList rememberedOpsLibraries();
void rememberOpsLibraries(const QStringList &paths);
// Loads each of `paths` not loaded yet; one line per library that could not be loaded.
QStringList loadOpsLibraries(const QStringList &paths);

} // namespace torchprep
