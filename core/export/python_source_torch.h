// Private to core/export (includes torch): TorchScript graphs and modules as Python source.
#pragma once

#include <torch/script.h>

#include <optional>
#include <string>
#include <vector>

namespace torchprep {

// What a function being written needs from the file and class around it.
class PythonScope
{
  public:
    virtual ~PythonScope() = default;
    // An expression reading a tensor constant of the graph, e.g. "self._constant_0".
    virtual std::string tensorConstant(const at::Tensor &value) = 0;
    // A Python expression naming the scripted function `fn` (torch's own, or one written
    // into the file).
    virtual std::string function(const torch::jit::Function &fn) = 0;
};

// A Python literal for a constant: None, True, 3, 0.1, 'str', [1, 2], torch.device('cpu').
// Throws InputError for a value that has none (an object, a tensor).
std::string pythonLiteral(const c10::IValue &value);

// `def NAME(self, x, ...):` and its body, computing what `graph` computes. A method's first
// graph input becomes `self`. Each op becomes a Python statement: submodule calls `self.conv1(x)`,
// aten ops `torch.ops.aten.add.Tensor(x, y, alpha=1)`, arithmetic on Python numbers as operators,
// prim::If / prim::Loop as if / while. Lines come without the class's indentation.
// Throws InputError naming the first op that has no Python form.
std::vector<std::string> writePythonFunction(const std::string &name, torch::jit::Graph &graph,
                                             bool isMethod, PythonScope &scope);

// `nn.Conv2d(in_channels=3, ...)` when `leaf`, a module of the torch.nn class `className`
// ("Conv2d"), can be rebuilt from its constructor: every argument read from the module's
// attributes and constants (scripted) or from the one op its forward runs (traced), and
// nothing in that forward the class would not do. Nothing otherwise.
std::optional<std::string> nnConstructorCall(const torch::jit::Module &leaf,
                                             const std::string &className);

// True when `name` can be written as code as it is (`self.name`, `def name(`): an ASCII
// identifier, no keyword, no dunder, nothing the generated file relies on.
bool isPythonName(const std::string &name);

// True when `name` can follow `def`: an ASCII identifier, no keyword, not __init__.
bool isPythonFunctionName(const std::string &name);

// A Python identifier for `text`: "x.1" -> "x_1", "0" -> "_0".
std::string pythonIdentifier(const std::string &text);

} // namespace torchprep
