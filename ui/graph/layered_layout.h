// A fast layered layout for graphs too big for dot at interactive speed (dot is
// super-linear: ~4 s at 5k boxes). Ranks by longest path in execution order, orders each
// rank by its predecessors' positions, and routes edges as vertical curves. Groups are the
// bounding boxes of their members. Linear in boxes + edges.
#pragma once

#include "graph/graph_layout.h"

namespace torchprep {

// Boxes above which the controller uses layeredLayout() instead of dot.
constexpr std::size_t kDotBoxLimit = 1500;

GraphLayout layeredLayout(VisibleGraph graph);

} // namespace torchprep
