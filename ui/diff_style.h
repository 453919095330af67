// How each kind of change looks in the before/after view: one colour and one title per kind,
// shared by both graphs, the changes table, the legend and the exported picture.
#pragma once

#include "graph_diff.h"

#include <QColor>
#include <QString>

namespace torchprep {

QColor diffColor(DiffKind kind);
QString diffTitle(DiffKind kind); // "Rewritten op", "Unrolled reuse", ...
QString diffCount(DiffKind kind, int count); // "8 rewritten ops", "1 unrolled reuse"

} // namespace torchprep
