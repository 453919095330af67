// Set-up step `unroll_fixed_loops` (prepare/preparer.cpp runs it after inline_calls; --only
// names it).
#pragma once

#include "prepare/pass_log.h"

#include <torch/script.h>

namespace torchprep {

// In the forward of every module of user code, each `for` loop whose trip count is fixed before
// the run (a constant, or computed from the instance's own int attributes that no method
// assigns) and at most kMaxUnrolledIterations (graph/call_counts.h) is replaced by its body,
// once per iteration, in order: what a trace records. Each iteration's module calls and ops are
// then call sites of their own, which the fix passes give modules of their own. Needs
// own_types first: an attribute is read from the one instance that owns the graph. Outputs
// are unchanged. Logs one change per loop unrolled, by module path and the loop's line.
PassLog unrollFixedLoops(torch::jit::Module &root);

} // namespace torchprep
