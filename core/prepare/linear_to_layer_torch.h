// Fix pass `linear_to_layer` (prepare/preparer.cpp runs it after the set-up; --only names it).
#pragma once

#include "prepare/pass_state_torch.h"

#include <torch/script.h>

namespace torchprep {

// Every F.linear / F.conv1d-3d (traced: aten::_convolution, not transposed) whose weight is a
// parameter or buffer and whose other arguments are constants or attributes becomes a layer:
// a call of the child layer whose own weights it reads (F.linear(x, self.qkv.weight,
// self.qkv.bias)), else a torch.nn.Linear / ConvNd submodule (`module_linear`,
// `module_conv2d`) holding the tensors, stride, padding, dilation and groups kept; the owner's
// attribute goes when nothing else reads it. A weight computed at run time is left to
// convertFunctionalsToModules.
// It starts with splitAttentionProjections.
PassLog convertLinearToLayers(PassState &state, const FindingFilter &only);

} // namespace torchprep
