// Private to core .cpp files (includes torch): the source lines the model-graph walk gives
// its nodes. Findings point at the user's line: a line in torch's own files becomes a node's
// torchSource, and inside a composite layer the user's line is the call of the layer. A
// traced call's line is read off the stacks of the ops inside the callee.
#pragma once

#include "torchscript/graph_walk_torch.h"
#include "torchscript/source_detail.h"

#include <torch/script.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace torchprep {

// Where a node is, as the checks report it.
struct Where
{
    SourceLocation source;
    SourceLocation torchSource;
    std::string function; // traced: the torch function this op ran inside
    std::string callKey;  // traced: tells calls of `function` from different lines apart
};

class WalkSources
{
  public:
    WalkSources(ModelGraph &graph, MethodViews &views, SourceDetail detail)
        : graph_(graph), views_(views), detail_(detail)
    {
    }

    // What a node says about its source, read once: reading it means reading its module's
    // debug info and parsing a traced op's stack, the walk's largest cost.
    const RawSource &of(const torch::jit::Node *node);

    // Gives op node `n` (made from `node`) its lines, as the detail asks.
    void placeOp(GraphNode &n, const torch::jit::Node *node, const WalkContext &ctx, WalkEnv &env);

    // The lines of a node, placed in the user's code.
    Where lineOf(const torch::jit::Node *node, const WalkContext &ctx, WalkEnv &env);

    // The lines of call node `id`; what only its body can tell is left for afterBody.
    Where callLine(const torch::jit::Node *node, NodeId id, const torch::jit::Module &callee,
                   const std::string &method, const WalkContext &ctx, WalkEnv &env);

    // After the walk of an expanded call's body: its line, read off the body's ops when the
    // call had none of its own.
    void afterBody(const torch::jit::Node *node, NodeId id, const torch::jit::Module &callee,
                   const std::string &method, const WalkContext &ctx, WalkEnv &env);

    // After the walk: the lines ForChecks left unread that a finding names.
    void resolvePending();

    // Saw only scripted sources (no tracer stacks).
    bool scripted() const { return sawScriptedSource_ && !sawTracerStack_; }

  private:
    Where rawLine(const torch::jit::Node *node, const WalkContext &ctx);
    Where placed(Where where, const WalkContext &ctx, WalkEnv &env) const;
    SourceLocation builtinLine(const torch::jit::Node *node, const WalkContext &ctx,
                               const WalkEnv &env) const;
    void groupTracedCall(GraphNode &n, const Where &where, WalkEnv &env) const;
    std::optional<SourceLocation> callSiteFromBody(const torch::jit::Module &callee,
                                                   const std::string &method, int extraDepth,
                                                   bool torchLayerCode);
    std::optional<SourceLocation> siteFromBody(NodeId call, bool torchLayerCode) const;

    struct PendingCallSite
    {
        NodeId call;
        torch::jit::Module callee;
        std::string method;
        WalkContext context;
    };

    ModelGraph &graph_;
    MethodViews &views_;
    SourceDetail detail_;
    std::unordered_map<const torch::jit::Node *, RawSource> raw_;
    std::vector<const RawSource *> stackOf_; // by NodeId: traced ops' stacks, for siteFromBody
    std::vector<PendingCallSite> pending_;
    bool sawTracerStack_ = false;
    bool sawScriptedSource_ = false;
};

} // namespace torchprep
