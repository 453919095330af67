// What differs between two model graphs, aligned by module path: the before/after view of a
// prepared model, or of any two versions of a model.
#pragma once

#include "model_graph.h"

#include <string>
#include <vector>

namespace torchprep {

struct GraphChange
{
    // "module_added" | "module_removed" | "class_changed" | "op_removed" | "op_added" |
    // "calls_changed" (a module called a different number of times: an unrolled reuse)
    std::string kind;
    std::string module; // the module's path; for ops, the module that runs them
    std::string detail; // the class ("ReLU"), the op ("aten::add_"), or "2 calls -> 1"
    int count = 1;      // ops: how many more or fewer
};

struct GraphDiff
{
    std::vector<GraphChange> changes; // modules first (in `after`'s order, then removed ones), then ops and calls
    bool empty() const { return changes.empty(); }
};

// Modules added, removed or of another class; per module, ops that run more or fewer times
// (structural prim:: nodes aside); modules called a different number of times.
GraphDiff diffModelGraphs(const ModelGraph &before, const ModelGraph &after);

} // namespace torchprep
