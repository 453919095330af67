#pragma once

#include "checks/finding.h"
#include "graph/analyses.h"

namespace torchprep {

// Reports every method of a module instance that runs more than once in one forward
// (forward, and forward1, forward2... of a traced model, are one method; two different
// methods of one instance are not reuse). A call in a loop runs once per iteration; calls in
// the two branches of one `if` never both run. Outermost only: a reused container is one
// finding, its children are not reported again unless reused within it too. Each finding
// carries the number of runs (Finding::kCallsInLoop for a loop whose trip count is known only
// at run time) and the source line of every call. Reuse in a loop, or of a module that keeps
// state in attributes, is a manual fix.
std::vector<Finding> checkReusedModule(const ModelGraph &graph, const CheckOptions &options,
                                       GraphAnalyses &analyses);

} // namespace torchprep
