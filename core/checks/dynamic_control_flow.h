#pragma once

#include "../finding.h"

namespace torchprep {

// Reports every prim::If whose condition and every prim::Loop whose trip count or
// continue condition depends on the model's inputs, their values or their shape.
std::vector<Finding> checkDynamicControlFlow(const ModelGraph &graph, const CheckOptions &options);

} // namespace torchprep
