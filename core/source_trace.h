// Reading the user's source line out of what TorchScript keeps.
//
// torch.jit.trace records, for every op, the Python stack at the time the op ran, as text:
//   /usr/lib/python3/dist-packages/torch/nn/functional.py(1457): relu
//   /home/me/model.py(57): forward
//   /usr/lib/python3/dist-packages/torch/nn/modules/module.py(1194): _call_impl
// The user's line is the first frame outside torch itself; each `_call_impl` frame marks the
// step from a module's forward out to the forward that called it.
#pragma once

#include "model_graph.h"

#include <string>
#include <vector>

namespace torchprep {

struct StackFrame
{
    std::string file;
    int line = 0;
    std::string function;
    bool torchInternal = false; // a frame inside the installed torch package
};

// Frames of a tracer stack, innermost first; empty when `text` is not such a stack.
std::vector<StackFrame> parseTracerStack(const std::string &text);

// The first user frame of the `moduleDepth`-th enclosing module forward (0: the forward
// that ran the op; 1: the forward that called that module; ...). Unknown when absent.
SourceLocation userFrame(const std::vector<StackFrame> &frames, int moduleDepth);

} // namespace torchprep
