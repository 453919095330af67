// Which node of one model graph is which node of another: the pairing a before/after view
// needs to select, mark and scroll "the same thing" in both graphs.
#pragma once

#include "graph/model_graph.h"

#include <vector>

namespace torchprep {

struct NodeAlignment
{
    std::vector<NodeId> afterOf;  // indexed by `before`'s nodes: the twin in `after`, or kNoId
    std::vector<NodeId> beforeOf; // indexed by `after`'s nodes: the twin in `before`, or kNoId

    // Records a pair, replacing what either node was paired with.
    void pair(NodeId before, NodeId after);
};

// Pairs the k-th call of a module with the k-th call of the module at the same path, and ops
// run by the same module with the same op kind: first those from the same source line, then
// the rest in execution order. Nodes that remain unpaired are what one graph has and the
// other lacks. A one-to-one map: no node is paired twice.
NodeAlignment alignNodes(const ModelGraph &before, const ModelGraph &after);

} // namespace torchprep
