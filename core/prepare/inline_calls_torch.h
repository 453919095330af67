// Set-up step `inline_calls` (prepare/preparer.cpp runs it before the fix passes; --only names it).
#pragma once

#include "prepare/pass_log.h"

#include <torch/script.h>

#include <functional>

namespace torchprep {

// Inlines every call in `graph` that `which` picks (prim::CallFunction, or prim::CallMethod
// of a method with a graph), calls inside inlined code too. Returns true if any was inlined.
bool inlineCalls(torch::jit::Graph &graph,
                 const std::function<bool(const torch::jit::Node *)> &which);
// Inlines, in `module`'s forward, every call of the model's own scripted functions and of
// the module's other methods (`self._block(x)`), at each call site: each op they run can then
// get its own module per call. Returns true if the forward changed.
bool inlineModelCalls(torch::jit::Module &module);

// inlineModelCalls() on every module of user code (torch.nn's layers are leaves, left whole).
// Logs each module whose forward changed, by module path.
PassLog inlineUserCalls(torch::jit::Module &root);

} // namespace torchprep
