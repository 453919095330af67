#pragma once

#include "../finding.h"

namespace torchprep {

// Reports every module instance called more than once, outermost only: a reused container
// is one finding, its children are not reported again unless reused within it too. Each
// finding carries the call count and the source line of every call.
std::vector<Finding> checkReusedModule(const ModelGraph &graph, const CheckOptions &options);

} // namespace torchprep
