#pragma once

#include "checks/finding.h"
#include "graph/analyses.h"

namespace torchprep {

// Reports every op that computes data outside a layer: a functional in a user forward
// (F.relu, x + y, torch.cat, F.linear, x.relu(), in-place forms) or in a composite torch.nn
// layer's code (a manual fix for now). One finding per call of a torch function (a traced
// F.normalize's ops are one). Never reports the catalogue's exempt ops, ops the options allow,
// tensor constructors, shape arithmetic (inputs only from sizes and constants), ops that only
// steer control flow, whose results only become Python numbers or reach nothing (dead code,
// which a trace drops).
std::vector<Finding> checkMissingModule(const ModelGraph &graph, const CheckOptions &options);

// The same, asking the validator's analyses of the graph (computed once for every check).
std::vector<Finding> checkMissingModule(const ModelGraph &graph, const CheckOptions &options,
                                        GraphAnalyses &analyses);

} // namespace torchprep
