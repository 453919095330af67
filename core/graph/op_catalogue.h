// The one catalogue of what TorchScript ops mean to the guidelines. The validator's
// missing_module check and the preparer both read it; `--allow` extends it for one run.
#pragma once

#include <set>
#include <string>

namespace torchprep {

// "aten::add_" -> "add", "aten::__and__" -> "and", "prim::NumToTensor" -> "NumToTensor",
// "torch.nn.functional.interpolate" -> "interpolate": the namespace or module and
// leading/trailing underscores dropped, so in-place forms match.
std::string baseOpName(const std::string &kind);

// Shape, view and bookkeeping ops: never a missing module.
bool isExemptOp(const std::string &kind);

// Tensor constructors (arange, zeros, full, randn, ...): their size or value arguments are
// what input_dependent_constructor looks at.
bool isTensorConstructor(const std::string &kind);

// new_zeros(x, size), zeros_like(x) and friends: a constructor whose first input lends dtype and
// device (and to zeros_like its shape), never its values.
bool takesTemplateTensor(const std::string &kind);

// Ops that read only an input's shape (size, dim, numel, len) or its dtype and device: their
// results carry no data.
bool isShapeQuery(const std::string &kind);

// Ops that add to a list in place (append, insert, extend, list[i] = x): the list, their first
// input, holds what the others bring.
bool editsListInPlace(const std::string &kind);

// Tensor to Python number: item, Int, Float, Bool and their implicit forms.
bool isScalarConversion(const std::string &kind);

// Identity and type tests (`x is None`, isinstance): their results say nothing about an
// input's values or shape.
bool isTypeQuery(const std::string &kind);

// The torch.nn class that does what the functional does ("relu" -> "torch.nn.ReLU"), or "".
std::string nnModuleFor(const std::string &kind);

// The qualified torch.nn class ("torch.nn.modules.activation.ReLU") for ops whose twin takes
// no weights, so a module computing the op can be of that class; "" otherwise.
std::string statelessNnClassFor(const std::string &kind);

// A class name for a module that wraps `base`, AIMET's where it has one ("add" -> "Add",
// "cat" -> "Concat", "upsample_nearest2d" -> "Interpolate"; "conv2d" -> "DynamicConv2d":
// its weight is an activation that comes in as an argument).
std::string wrapperClassName(const std::string &base);

// Extra exempt ops for one run, as given to --allow ("constant_pad_nd" or "aten::constant_pad_nd").
struct OpAllowList
{
    std::set<std::string> baseNames;
    void add(const std::string &op) { baseNames.insert(baseOpName(op)); }
    bool allows(const std::string &kind) const { return baseNames.count(baseOpName(kind)) > 0; }
};

} // namespace torchprep
