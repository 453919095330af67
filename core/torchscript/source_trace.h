// Reading the user's source line out of what TorchScript keeps.
//
// torch.jit.trace records, for every op, the Python stack at the time the op ran, as text:
//   /usr/lib/python3/dist-packages/torch/nn/functional.py(1457): relu
//   /home/me/model.py(57): forward
//   /usr/lib/python3/dist-packages/torch/nn/modules/module.py(1194): _call_impl
// The user's line is the first frame outside torch itself; each `_call_impl` frame marks the
// step from a module's forward out to the forward that called it.
#pragma once

#include "graph/model_graph.h"

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
// that ran the op; 1: the forward that called that module; ...). Unknown when absent. With
// `torchLayerCode`, frames in torch.nn's layer code (the composites' forwards) count as code.
SourceLocation userFrame(const std::vector<StackFrame> &frames, int moduleDepth,
                         bool torchLayerCode = false);

// A file of the installed torch package, or TorchScript's builtin source ("<string>"): never
// the user's code.
bool isTorchSourceFile(const std::string &file);

// torch/nn/modules/*.py: the code of torch.nn's layers.
bool isTorchLayerFile(const std::string &file);

// ".../dist-packages/torch/nn/functional.py" -> "torch.nn.functional"; "" outside a package.
std::string pythonModuleOf(const std::string &file);

// torch functions that are layers' worth of code (F.multi_head_attention_forward and its
// helpers): looked into like the composite layers that call them. By Python name:
// "torch.nn.functional.multi_head_attention_forward".
bool isCompositeTorchFunction(const std::string &pythonName);

// Where a traced op ran, read off its stack within the module forward that ran it.
struct TracedOrigin
{
    SourceLocation code;           // the innermost frame of code the walk looks into
    bool torchCode = false;        // that frame is torch's (a composite layer or function)
    SourceLocation torchLayerLine; // torchCode: the innermost line in torch/nn/modules
    std::string function; // the torch function that code called ("torch.nn.functional.relu")
    std::string callKey;  // tells calls of `function` from different lines apart
};
TracedOrigin tracedOrigin(const std::vector<StackFrame> &frames);

} // namespace torchprep
