// Finding boxes by text: module path, attribute name, class, or op kind, case-insensitive.
#pragma once

#include "graph/model_graph.h"

#include <QString>

#include <vector>

namespace torchprep {

// Matching nodes in execution order; plumbing ops never match (they have no box).
std::vector<NodeId> searchGraph(const ModelGraph &graph, const QString &text);

} // namespace torchprep
