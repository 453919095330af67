// Set-up step `fused_fast_paths` (prepare/preparer.cpp runs it before the fix passes; --only names
// it).
#pragma once

#include "prepare/pass_log.h"

#include <torch/script.h>

namespace torchprep {

// Every scripted torch.nn composite layer (TransformerEncoderLayer, MultiheadAttention, ...)
// loses the branch of its inference fast path that runs a fused kernel: it would run past the
// modules the passes add. The composed path it keeps computes the same.
// Logs each method that lost a fast path, at the first instance of its type.
PassLog dropFusedFastPaths(torch::jit::Module &root);

} // namespace torchprep
