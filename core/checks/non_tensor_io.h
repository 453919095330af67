#pragma once

#include "../finding.h"

namespace torchprep {

// Reports the model and every user-code submodule whose forward signature takes or returns
// anything but tensors or (nested) tuples of tensors: dicts, lists, strings, scalars, None.
std::vector<Finding> checkNonTensorIo(const ModelGraph &graph, const CheckOptions &options);

// True for "Tensor" and for tuples whose every element is such a type.
bool isTensorOrTensorTuple(const std::string &type);

} // namespace torchprep
