// The per-layer comparison in people's words and colours: SQNR as a person reads it
// ("identical" rather than "∞ dB"), and the colour of each compared layer's boxes in the graph
// (the overlay Model Explorer users build by hand), on a scale the key shows.
#pragma once

#include "compare/comparison.h"
#include "graph/model_graph.h"

#include <QColor>
#include <QHash>
#include <QString>
#include <QVector>

namespace torchprep {

// "identical", "≈ identical (138 dB)", "42.3 dB", "−3.1 dB".
QString sqnrText(double sqnrDb);
// "0 (identical)", "1.6e-10 (float rounding)" within tolerance, else the number.
QString maxDiffText(double maxAbsDiff, double tolerance);

// The scale from diverged (red, 0 dB and below) to identical (green, kIdenticalDb and above).
QVector<QColor> divergenceScale();
QColor divergenceColour(const LayerComparison &layer, double tolerance);
constexpr double kIdenticalDb = 60;

// Fills for the compared layers' calls in `graph`, the model the graph shows: A (the reference,
// layers named by aModule) or B (named by module). Layers not compared are left out.
QHash<NodeId, QColor> divergenceFills(const ComparisonReport &report, const ModelGraph &graph,
                                      bool graphIsA);

// How many of the report's layers found a twin in the other model; a person's sentence when
// most did not ("only 1 of 282 layers has a counterpart: 140 only in A, 141 only in B"), else "".
QString pairingWarning(const ComparisonReport &report);

} // namespace torchprep
