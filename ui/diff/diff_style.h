// How changes look, in the before/after view and in the graph after a fix: one colour and one
// title per kind, shared by both graphs, the changes table, the key and the exported picture;
// the marks a diff puts on a graph; the summary line and the key rows of a whole diff.
#pragma once

#include "graph/graph_diff.h"
#include "graph/legend_widget.h"
#include "graph/node_mark.h"

#include <QColor>
#include <QHash>
#include <QString>
#include <QVector>

#include <vector>

namespace torchprep {

QColor diffColor(DiffKind kind);
QString diffTitle(DiffKind kind);            // "Rewritten op", "Unrolled reuse", ...
QString diffCount(DiffKind kind, int count); // "8 rewritten ops", "1 unrolled reuse"

// Each change's nodes on one side of `diff`, in its kind's colour (or in `color` when valid).
// A change's own nodes count in a collapsed module's badge; the body of a whole added or
// unrolled module only shares the colour. `rows`, when given, gets node -> change row.
QHash<NodeId, NodeMark> diffMarks(const GraphDiff &diff, const ModelGraph &graph, bool afterSide,
                                  const QColor &color = QColor(), std::vector<int> *rows = nullptr);

// "<b>16 changes:</b> ■ 8 rewritten ops, ■ 8 unrolled reuses" (rich text); "" for no diff.
QString diffSummary(const GraphDiff &diff);
// One key row per kind of change present, with its count.
QVector<LegendWidget::Row> diffKeyRows(const GraphDiff &diff);

} // namespace torchprep
