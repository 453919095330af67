#pragma once

#include "checks/finding.h"
#include "graph/analyses.h"

namespace torchprep {

// Reports every tensor constructor (arange, zeros, full, randn, ...) whose size or value
// arguments come from an input's shape or data, e.g. torch.arange(x.shape[0]).
std::vector<Finding> checkInputDependentConstructor(const ModelGraph &graph,
                                                    const CheckOptions &options,
                                                    GraphAnalyses &analyses);

} // namespace torchprep
