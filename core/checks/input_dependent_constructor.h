#pragma once

#include "../dataflow.h"
#include "../finding.h"

namespace torchprep {

// Reports every tensor constructor (arange, zeros, full, randn, ...) whose size or value
// arguments come from an input's shape or data, e.g. torch.arange(x.shape[0]).
std::vector<Finding> checkInputDependentConstructor(const ModelGraph &graph,
                                                    const CheckOptions &options);

// The same, with the value facts the validator computed once for every check.
std::vector<Finding> checkInputDependentConstructor(const ModelGraph &graph, const CheckOptions &options,
                                                    const ValueFacts &facts);

} // namespace torchprep
