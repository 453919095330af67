// Private to core/prepare (includes torch): what the rewriting passes share.
#pragma once

#include "../model_graph.h"

#include <torch/script.h>

#include <optional>
#include <string>
#include <vector>

namespace torchprep {

// Every module object in the tree under `root` (root included) whose type is `type`.
std::vector<torch::jit::Module> instancesOfType(const torch::jit::Module &root,
                                                const c10::ClassTypePtr &type);

// `base` when `type` has no attribute or method of that name, else base_1, base_2, ...
std::string freeAttributeName(const c10::ClassTypePtr &type, const std::string &base);

// Replaces `node` (in a method graph of the module type that owns `self`) by a call of the
// submodule `attribute`'s forward with `args`; the node's outputs are rewired and it is destroyed.
// The new nodes keep the node's source range, so later passes still find the user's line.
void replaceWithModuleCall(torch::jit::Node *node, const std::string &attribute,
                           const std::vector<torch::jit::Value *> &args);

// The value of a constant, or of a list built from constants (traced stride=[1, 1]);
// nothing for a value computed at run time.
std::optional<c10::IValue> staticValue(const torch::jit::Value *value);

// The graph input that is `self` for the method graph holding `node`.
torch::jit::Value *selfOf(torch::jit::Node *node);

// A new module type in `unit` named `qualifiedName` (mangled if taken) with a `training`
// attribute, as torch.nn.Module has, so eval()/train() work on it in C++ and Python.
torch::jit::Module newModule(const std::string &qualifiedName,
                             const std::shared_ptr<torch::jit::CompilationUnit> &unit);

} // namespace torchprep
