// Set-up step `specialize_attention` (prepare/preparer.cpp runs it before the fix passes; --only
// names it).
#pragma once

#include "prepare/pass_log.h"

#include <torch/script.h>

namespace torchprep {

// Every scripted MultiheadAttention called once gets torch's attention functions inlined into
// its forward, specialized to that call (its fixed arguments put in, the branches they decide
// gone): one path of ops, as a trace records it, for the passes to prepare.
// Logs each attention specialized, by module path.
PassLog specializeScriptedAttention(torch::jit::Module &root);

} // namespace torchprep
