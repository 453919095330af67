// Private to core/prepare (includes torch): the preparer's passes, one file each. Every pass
// asks the validator's check what to fix (on the model graph the passes share, see PassState),
// and rewrites the module in place; it returns one change per module instance it changed.
#pragma once

#include "../finding.h"
#include "aimet_names_torch.h"
#include "preparer.h"

#include <torch/script.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace torchprep {

// The findings a pass may fix: all of them, or (fixing one at a time) those with these keys.
struct FindingFilter
{
    std::set<std::string> keys; // findingKey()s; empty: every finding
    bool wants(const Finding &finding) const { return keys.empty() || keys.count(findingKey(finding)) > 0; }
};

// Setup the pipeline runs before its passes; the model computes what it computed.
//
// Every module instance of user code (and of torch's composite layers) whose class type
// another instance shares gets a copy of that type: new modules can then be named per
// instance, as AIMET names them, and their arguments read per instance.
void giveInstancesOwnTypes(torch::jit::Module &root);
// Every scripted torch.nn composite layer (TransformerEncoderLayer, MultiheadAttention, ...)
// loses the branch of its inference fast path that runs a fused kernel: it would run past the
// modules the passes add. The composed path it keeps computes the same.
void dropFusedFastPaths(torch::jit::Module &root);
// Every scripted MultiheadAttention called once gets torch's attention functions inlined into
// its forward, specialized to that call (its fixed arguments put in, the branches they decide
// gone): one path of ops, as a trace records it, for the passes to prepare.
void specializeScriptedAttention(torch::jit::Module &root);
// Inlines every call in `graph` that `which` picks (prim::CallFunction, or prim::CallMethod
// of a method with a graph), calls inside inlined code too. Returns true if any was inlined.
bool inlineCalls(torch::jit::Graph &graph, const std::function<bool(const torch::jit::Node *)> &which);
// Inlines, in `module`'s forward, every call of the model's own scripted functions and of
// the module's other methods (`self._block(x)`), at each call site: each op they run can then
// get its own module per call. Returns true if the forward changed.
bool inlineModelCalls(torch::jit::Module &module);

// What the passes of one run share, read once after set-up (the model graph, the findings,
// AIMET's names): a pass records the nodes it replaced, whose findings are then done, and marks
// the reading stale when it changes which modules run; the next pass then reads the model again.
class PassState
{
public:
    PassState(torch::jit::Module &root, const std::string &path, const CheckOptions &options);

    torch::jit::Module &root() { return root_; }
    const CheckOptions &options() const { return options_; }
    const AimetNames &names() const { return names_; }
    const PassContext &context();
    const std::vector<Finding> &missing(); // missing_module's findings on context()
    const std::vector<Finding> &reused();  // reused_module's

    // instancesOfType() from one walk of the model; forgetInstances() after adding copies.
    const std::vector<torch::jit::Module> &instancesOf(const c10::ClassTypePtr &type);
    void forgetInstances() { instances_.clear(); }

    void replaced(const torch::jit::Node *node) { replaced_.insert(node); }
    bool isReplaced(const torch::jit::Node *node) const { return replaced_.count(node) > 0; }
    void markStale() { stale_ = true; }

private:
    void reread();

    torch::jit::Module &root_;
    std::string path_;
    const CheckOptions &options_;
    std::unique_ptr<PassContext> context_;
    std::optional<std::vector<Finding>> missing_, reused_;
    AimetNames names_;
    std::set<const torch::jit::Node *> replaced_;
    std::map<const c10::ClassType *, std::vector<torch::jit::Module>> instances_;
    bool stale_ = false;
};

// Every F.linear / F.conv1d-3d (traced: aten::_convolution, not transposed) whose weight is a
// parameter or buffer and whose other arguments are constants or attributes becomes a layer:
// a call of the child layer whose own weights it reads (F.linear(x, self.qkv.weight,
// self.qkv.bias)), else a torch.nn.Linear / ConvNd submodule (`module_linear`,
// `module_conv2d`) holding the tensors, stride, padding, dilation and groups kept; the owner's
// attribute goes when nothing else reads it. A weight computed at run time is left to
// convertFunctionalsToModules.
// It starts with splitAttentionProjections.
PassLog convertLinearToLayers(PassState &state, const FindingFilter &only);

// The packed in-projection of each traced MultiheadAttention (F.linear on `in_proj_weight` or
// row blocks of it, output chunked into q, k, v) becomes torch.nn.Linear submodules `linear_Q`,
// `linear_K`, `linear_V` holding their rows of the weight and bias; `in_proj_weight` and
// `in_proj_bias` go when nothing reads them. Its changes are added to `log`.
void splitAttentionProjections(PassState &state, const FindingFilter &only, PassLog &log);

// Every op that missing_module reports becomes a call of a new submodule registered on the
// module that owns it (AIMET's name, on every instance of that module's type), whose forward
// computes that one op: constants kept inside (and as attributes by the schema's names), the
// owner's tensors it reads held by the new module, the rest passed in. A scripted functional
// (F.elu(x, 0.2)) is moved whole. Ops with a weightless torch.nn twin become modules of that
// class; others a torchprep.nn module named as AIMET's catalogue names it. Excluded subtrees,
// calls of code and linear/conv on parameters stay as they are.
PassLog convertFunctionalsToModules(PassState &state, const FindingFilter &only);

// Every call of a reused module after the first calls its own deep copy (own weights, same
// values) registered beside it under AIMET's name (`module_<name>_<k>`); a reused container is
// copied whole. Afterwards no module instance is called twice, except in excluded subtrees.
PassLog unrollReusedModules(PassState &state, const FindingFilter &only);

} // namespace torchprep
