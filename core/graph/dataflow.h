// Facts about values that several checks need: what depends on the model's inputs, and
// what is shape arithmetic rather than data.
#pragma once

#include "graph/model_graph.h"

#include <vector>

namespace torchprep {

struct ValueFacts
{
    // Indexed by ValueId.
    std::vector<bool> dependsOnInputData;  // reads the values of an input
    std::vector<bool> dependsOnInputShape; // reads only an input's shape (size, dim, ...)
    std::vector<bool> shapeOnly;           // computed from sizes and constants alone
    // Indexed by NodeId: every result of the node only steers prim::If / prim::Loop.
    std::vector<bool> feedsOnlyControl;
    // Indexed by NodeId: every result becomes a Python number (`int(x.max().item())`), which a
    // trace freezes: no tensor data flows on.
    std::vector<bool> feedsOnlyScalars;
    // Indexed by NodeId: no result of the node reaches anything (dead code a trace drops);
    // never an op that writes its input in place.
    std::vector<bool> feedsNothing;
};

ValueFacts analyseValues(const ModelGraph &graph);

// Whether a node's inputs at `index` is a control input (If condition, Loop trip count or
// initial condition) rather than data flowing through.
bool isControlInput(const GraphNode &node, std::size_t index);

} // namespace torchprep
