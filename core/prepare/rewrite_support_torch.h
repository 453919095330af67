// Private to core/prepare (includes torch): what the rewriting passes share.
#pragma once

#include "checks/finding.h"
#include "graph/model_graph.h"
#include "torchscript/graph_builder_torch.h"
#include "torchscript/static_values_torch.h"

#include <torch/script.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace torchprep {

// What every pass starts from: the model graph of the module as it is now, the TorchScript
// nodes and modules behind it, and each module object's path.
class PassContext
{
  public:
    PassContext(const torch::jit::Module &root, const std::string &path);

    const ModelGraph &graph() const { return graph_; }
    // The real graph's node behind a graph node (nullptr when there is none).
    torch::jit::Node *node(NodeId id) const { return origins_.nodes[id]; }
    const torch::jit::Module &module(ModuleId id) const { return origins_.modules[id]; }
    // "layer1.0" for that module object; "" for the model itself.
    const std::string &pathOf(const torch::jit::Module &module) const;
    // The path a new submodule `name` of `parent` will have: "layer1.0.module_add".
    std::string childPath(const torch::jit::Module &parent, const std::string &name) const;
    // True when one of `instances` lies in a subtree the options exclude: a graph they share
    // (scripted models share one type per class) must then stay as it is.
    bool anyExcluded(const std::vector<torch::jit::Module> &instances,
                     const CheckOptions &options) const;

  private:
    GraphOrigins origins_;
    ModelGraph graph_;
    std::map<const c10::ivalue::Object *, std::string> paths_;
    std::map<std::string, ModuleId> ids_;
};

// Every module object in the tree under `root` (root included) whose type is `type`.
std::vector<torch::jit::Module> instancesOfType(const torch::jit::Module &root,
                                                const c10::ClassTypePtr &type);

// Hands out names for new attributes: `base` when the type has no attribute, method or
// constant of that name, else base_1, base_2, ... Remembers what it handed out per type, so
// naming thousands of modules on one type stays linear.
class AttributeNames
{
  public:
    std::string next(const c10::ClassTypePtr &type, const std::string &base);

  private:
    std::map<const c10::ClassType *, std::set<std::string>> taken_;
    std::map<std::pair<const c10::ClassType *, std::string>, int> suffix_;
};

// Replaces `node` (in a method graph of the module type that owns `self`) by a call of the
// submodule `attribute`'s forward with `args`; the node's outputs are rewired and it is destroyed.
// The new nodes keep the node's source range, so later passes still find the user's line.
void replaceWithModuleCall(torch::jit::Node *node, const std::string &attribute,
                           const std::vector<torch::jit::Value *> &args);

// The attribute names leading from the graph's self to `value` (["layer1", "0", "relu"]), or
// nothing when the value does not come from self by attribute reads.
std::optional<std::vector<std::string>> attributePath(const torch::jit::Value *value);

// attributePath() of a tensor attribute (a parameter, buffer or plain tensor attribute; an
// Optional[Tensor] one too, which may hold None).
std::optional<std::vector<std::string>> tensorAttributePath(const torch::jit::Value *value);

// True when the tensor attribute `value` reads is registered as a parameter (else a buffer).
bool tensorAttributeIsParameter(const torch::jit::Value *value);

// What the attributes on `path` hold in `module`.
c10::IValue attributeAt(const torch::jit::Module &module, const std::vector<std::string> &path);

// The graph input that is `self` for the method graph holding `node`.
torch::jit::Value *selfOf(torch::jit::Node *node);

// A new module type in `unit` named `qualifiedName` (mangled if taken) with a `training`
// attribute, as torch.nn.Module has, so eval()/train() work on it in C++ and Python.
torch::jit::Module newModule(const std::string &qualifiedName,
                             const std::shared_ptr<torch::jit::CompilationUnit> &unit);

// Folds what constants now decide in `graph`, a few rounds: constant propagation, then
// `alsoFold` (a caller's own folding), If outputs that every branch passes through unchanged,
// reads of global state (is_grad_enabled, ...) nothing uses, and the dead code that leaves:
// branches left deciding nothing go, with the reads only they made.
void foldDecidedBranches(std::shared_ptr<torch::jit::Graph> graph,
                         const std::function<void(torch::jit::Block *)> &alsoFold = {});

// Drops attribute `name` from `type` and its instances when no method of the model reads it
// any more: the weight then lives in the new layer only, as in a model written with nn.Linear.
void dropIfUnused(torch::jit::Module &root, const c10::ClassTypePtr &type, const std::string &name);

// Drops attribute reads nothing uses any more, up the chain (`self.qkv` of `self.qkv.weight`).
void destroyIfDead(torch::jit::Value *value);

// Gives a torch.nn.Linear-typed module with no forward (a layer never called: traced swin reads
// `attn.qkv.weight` itself) torch.nn.Linear's forward over its own weight and bias.
void ensureLinearForward(torch::jit::Module &layer);

} // namespace torchprep
