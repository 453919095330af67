#pragma once

#include "../dataflow.h"
#include "../finding.h"

namespace torchprep {

// Reports every op that computes data outside a standard torch.nn layer: a functional in a
// user forward (F.relu, x + y, torch.cat, F.linear, x.relu(), in-place forms). Never reports
// the catalogue's exempt ops, ops the options allow, tensor constructors, shape arithmetic
// (inputs only from sizes and constants) or ops that only steer control flow.
std::vector<Finding> checkMissingModule(const ModelGraph &graph, const CheckOptions &options);

// The same, with the value facts the validator computed once for every check.
std::vector<Finding> checkMissingModule(const ModelGraph &graph, const CheckOptions &options,
                                        const ValueFacts &facts);

} // namespace torchprep
