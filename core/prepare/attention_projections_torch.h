// Part of fix pass `linear_to_layer`: the packed attention projections it starts with.
#pragma once

#include "prepare/pass_state_torch.h"

#include <torch/script.h>

namespace torchprep {

// The packed in-projection of each traced MultiheadAttention (F.linear on `in_proj_weight` or
// row blocks of it, output chunked into q, k, v) becomes torch.nn.Linear submodules `linear_Q`,
// `linear_K`, `linear_V` holding their rows of the weight and bias; `in_proj_weight` and
// `in_proj_bias` go when nothing reads them. Its changes are added to `log`.
void splitAttentionProjections(PassState &state, const FindingFilter &only, PassLog &log);

} // namespace torchprep
