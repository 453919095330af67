// Finishing step `clear_graph_caches` (prepare/preparer.cpp runs it after every run).
#pragma once

#include "prepare/pass_log.h"

#include <torch/script.h>

namespace torchprep {

// Afterwards no method or function of the model holds an optimized copy of its graph made
// before the rewrite: libtorch caches one per function once anything inlines or runs it, and a
// caller inlines its callees' cached copies, so without this the rewritten model could still run
// code as it was (seen: an attention inside an encoder layer). Changes no graph; logs nothing.
PassLog clearGraphCaches(torch::jit::Module &root);

} // namespace torchprep
