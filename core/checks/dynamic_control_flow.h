#pragma once

#include "checks/finding.h"
#include "graph/analyses.h"

namespace torchprep {

// Reports every prim::If whose condition and every prim::Loop whose trip count or continue
// condition the model's inputs decide: by their values (an error: the trace keeps one branch),
// or only by their shape, dtype or device (a warning: the trace freezes it for the example's
// shape). Branches the model fixes (flags, asserts, `x is None`, isinstance) never reach the
// graph or decide nothing; control flow in torch's own code is not the user's to change.
std::vector<Finding> checkDynamicControlFlow(const ModelGraph &graph, const CheckOptions &options,
                                             GraphAnalyses &analyses);

} // namespace torchprep
