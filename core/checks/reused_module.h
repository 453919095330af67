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
// at run time) and the source line of every call. Reuse in a loop of a count known only at run
// time, or of a module that keeps state in attributes, is a manual fix. A helper that holds
// no layer and no parameter (RAFT's CorrBlock) is not reported: nothing in it is shared
// between calls, and its ops are missing_module's findings, one per op, as a quantizer sees them.
std::vector<Finding> checkReusedModule(const ModelGraph &graph, const CheckOptions &options,
                                       GraphAnalyses &analyses);

// Every reused module, such helpers included: what unroll_reuse copies, so that the modules
// the preparer gives a helper's ops are each called once.
std::vector<Finding> findReusedModules(const ModelGraph &graph, const CheckOptions &options,
                                       bool withHelpers);

} // namespace torchprep
