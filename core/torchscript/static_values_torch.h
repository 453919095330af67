// Private to core .cpp files (includes torch): values a model fixes before it runs, so that
// the walk over its code follows only what can run. The model itself is never changed.
#pragma once

#include <torch/script.h>

#include <optional>
#include <vector>

namespace torchprep {

// Types whose values cannot change while the model runs once set: bool, int, float, str,
// None, device, dtype-as-int, and tuples of them. Lists, dicts and tensors can.
bool isFixedValueType(const c10::TypePtr &type);

// The results of `node` computed ahead from `inputs` (the values of all its inputs), or
// nothing when that is not sound: the node has side effects, is random, reads global state
// (grad mode, autocast), produces a tensor or a list, or fails.
std::optional<std::vector<c10::IValue>> evaluateAhead(const torch::jit::Node *node,
                                                      const std::vector<c10::IValue> &inputs);

// True when `a` and `b` are the same fixed value (lists element by element).
bool sameFixedValue(const c10::IValue &a, const c10::IValue &b);

// A private copy of a list of fixed scalars (an attribute `self.shift_size`, a constant), which
// the walk may then follow through in-place edits; nothing for any other value.
std::optional<c10::IValue> fixedListCopy(const c10::IValue &value);

// True when `node` writes its input `index` in place (`list[i] = v`, `list.append(v)`).
bool writesInput(const torch::jit::Node *node, std::size_t index);

// Runs `node` on `inputs` as they are: in-place edits change them. False when it fails.
bool runInPlace(const torch::jit::Node *node, std::vector<c10::IValue> &inputs);

// True when `block` ends by raising (a prim::RaiseException at its top level): an assert's
// failing branch, which a run that returns never takes.
bool blockRaises(const torch::jit::Block *block);

// The value of a constant, or of a list built from constants (traced stride=[1, 1]);
// nothing for a value computed at run time.
std::optional<c10::IValue> staticValue(const torch::jit::Value *value);

} // namespace torchprep
