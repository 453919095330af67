// What the preparer's steps report: plain data, for every front end.
#pragma once

#include "graph/model_graph.h"

#include <string>
#include <vector>

namespace torchprep {

// The steps that prepare a module for the fix passes, and the one that finishes every run, as
// --only and the report name them (the fix passes' ids are in checks/check_catalogue.h).
namespace step_id {
inline constexpr const char *kOwnTypes = "own_types";
inline constexpr const char *kFusedFastPaths = "fused_fast_paths";
inline constexpr const char *kSpecializeAttention = "specialize_attention";
inline constexpr const char *kInlineCalls = "inline_calls";
inline constexpr const char *kUnrollFixedLoops = "unroll_fixed_loops";
inline constexpr const char *kClearGraphCaches = "clear_graph_caches";
} // namespace step_id

// One change a pass made, told as the user knows their model.
struct PreparedChange
{
    std::string kind;   // the step's id: "functional_to_module", "own_types", ...
    std::string module; // path of the new module: "layer1.0.module_relu_1"
    std::string op;     // "aten::relu"; for an unrolled call, the method called ("forward1")
    SourceLocation source;
};

// What one step of the pipeline did: a fix pass's changes, or what a set-up step decided
// (one entry per module it changed, op naming what: the method, the class).
struct PassLog
{
    std::string name;
    std::vector<PreparedChange> changes;
};

} // namespace torchprep
