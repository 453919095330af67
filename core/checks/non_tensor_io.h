#pragma once

#include "checks/finding.h"
#include "graph/analyses.h"

namespace torchprep {

// Reports the model and every user-code submodule whose forward signature takes or returns
// anything but tensors or (nested) tuples of tensors: dicts, lists, strings, scalars, None.
std::vector<Finding> checkNonTensorIo(const ModelGraph &graph, const CheckOptions &options,
                                      GraphAnalyses &analyses);

} // namespace torchprep
