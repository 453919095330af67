// The source lines the model-graph walk gives its nodes.
#include "torchscript/walk_sources_torch.h"

#include "graph/call_counts.h"
#include "graph/onnx_opsets.h"
#include "graph/op_catalogue.h"
#include "torchscript/source_trace.h"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>

namespace torchprep {

namespace {

using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;

// ForChecks: the lines findings can name; views, shape queries and bookkeeping have none.
bool findingsCanName(const std::string &kind)
{
    return ((!isExemptOp(kind) || kind == "prim::SetAttr") && !isScalarConversion(kind)) ||
           onnxMayRefuse(kind);
}

bool tensorsOnly(const std::vector<SignatureEntry> &entries)
{
    return std::all_of(entries.begin(), entries.end(),
                       [](const SignatureEntry &e) { return isTensorOrTensorTuple(e.type); });
}

} // namespace

const RawSource &WalkSources::of(const Node *node)
{
    auto it = raw_.find(node);
    if (it == raw_.end())
        it = raw_.emplace(node, rawSource(node)).first;
    return it->second;
}

// The line a node names at its own level, before torch's lines are told from the user's.
Where WalkSources::rawLine(const Node *node, const WalkContext &ctx)
{
    Where where;
    auto in = ctx.method->inlined.find(node);
    const bool inlined = in != ctx.method->inlined.end();
    if (inlined && in->second.torchCode) {
        // Torch's composite functions count as the line that called them.
        where.source = in->second.call;
        return where;
    }
    const RawSource &raw = of(node);
    if (node->kind() == prim::CallFunction) {
        // Scripted calls mostly lose their range when saved: read the line back.
        where.source = raw.original.known() ? raw.original : ctx.method->callSite(node);
        if (!where.source.known() && inlined)
            where.source = in->second.call;
        if (!where.source.known()) // `self.activation(x)`
            where.source = ctx.method->lineOfStatement(node);
        if (!where.source.known())
            where.source = ctx.method->lineOfStatement(node, true);
        return where;
    }
    if (inlined) {
        // The model's own functions keep their own lines.
        where.source = raw.original.known() ? raw.original : in->second.call;
        return where;
    }
    if (!raw.stack.empty()) {
        sawTracerStack_ = true;
        const TracedOrigin origin = tracedOrigin(raw.stack);
        where.source = origin.code;
        where.torchSource = origin.torchLayerLine;
        where.function = origin.function;
        where.callKey = origin.callKey;
        return where;
    }
    if (raw.original.known())
        sawScriptedSource_ = true;
    where.source = raw.original;
    return where;
}

// What TorchScript's builtins expand to (`2.0 * x`) names their source, "<string>". The
// statement's line is the one the other ops serialized with it name; else the later of what
// its constants name (pooled, so perhaps an earlier line) and the body's last user line.
SourceLocation WalkSources::builtinLine(const Node *node, const WalkContext &ctx,
                                        const WalkEnv &env) const
{
    const SourceLocation ops = ctx.method->lineOfStatement(node);
    if (ops.known())
        return ops;
    SourceLocation line = ctx.method->lineOfStatement(node, true);
    const SourceLocation &recent = env.recentSource;
    if (!ctx.insideTorch && recent.known() &&
        (!line.known() || (recent.file == line.file && recent.line > line.line))) {
        line = recent;
        line.inferred = true;
    }
    return line;
}

Where WalkSources::placed(Where where, const WalkContext &ctx, WalkEnv &env) const
{
    if (where.source.known() && !isTorchSourceFile(where.source.file)) {
        if (!ctx.insideTorch)
            env.recentSource = where.source;
        else
            where.source = ctx.userSite; // a user function inlined into torch code: rare
        return where;
    }
    if (where.source.known() && isTorchLayerFile(where.source.file))
        where.torchSource = where.source;
    if (ctx.insideTorch) {
        where.source = ctx.userSite;
    } else if (where.source.known()) {
        // Torch's or TorchScript's own line in the user's code: the user's line before it.
        where.source = env.recentSource;
        where.source.inferred = where.source.known();
    }
    return where;
}

Where WalkSources::lineOf(const Node *node, const WalkContext &ctx, WalkEnv &env)
{
    Where where = rawLine(node, ctx);
    if (where.source.file == "<string>") {
        const SourceLocation line = builtinLine(node, ctx, env);
        if (line.known())
            where.source = line;
    }
    return placed(where, ctx, env);
}

// Traced ops that ran inside one call of a torch function (F.normalize's norm, clamp_min and
// div) share the first one's id; the checks count them as that one call.
void WalkSources::groupTracedCall(GraphNode &n, const Where &where, WalkEnv &env) const
{
    if (where.callKey.empty()) {
        env.callKey.clear();
        return;
    }
    if (where.callKey != env.callKey) {
        env.callKey = where.callKey;
        env.callLead = n.id;
    }
    n.function = where.function;
    n.libraryCall = env.callLead;
}

void WalkSources::placeOp(GraphNode &n, const Node *node, const WalkContext &ctx, WalkEnv &env)
{
    if (detail_ == SourceDetail::ForChecks && !findingsCanName(n.op))
        return;
    const Where where = lineOf(node, ctx, env);
    n.source = where.source;
    n.torchSource = where.torchSource;
    groupTracedCall(n, where, env);
    if (const RawSource &raw = of(node); !raw.stack.empty()) {
        stackOf_.resize(graph_.nodes.size(), nullptr);
        stackOf_[n.id] = &raw;
    }
}

// Traced calls print ":0:0"; the call site is in the stacks of the ops inside the callee, one
// module level further out per call level descended. The first op with a stack decides: every
// op of one call shares the frames above it (a call made by nn.Sequential's own forward has no
// user line). Nothing when no op inside has a stack.
std::optional<SourceLocation> WalkSources::callSiteFromBody(const torch::jit::Module &callee,
                                                            const std::string &method,
                                                            int extraDepth, bool torchLayerCode)
{
    if (extraDepth > 8)
        return std::nullopt;
    const MethodView &view = views_.of(callee, method);
    std::unordered_map<const Value *, torch::jit::Module> objects;
    objects[view.graph->inputs()[0]] = callee;
    for (const Node *node : view.graph->nodes()) {
        if (node->kind() == prim::GetAttr) {
            auto owner = objects.find(node->input(0));
            if (owner != objects.end() && isModuleType(node->output()->type()))
                objects[node->output()] = owner->second.attr(node->s(c10::attr::name)).toModule();
            continue;
        }
        if (node->kind() == prim::CallMethod) {
            auto target = objects.find(node->input(0));
            if (target == objects.end())
                continue;
            const bool same = target->second._ivalue() == callee._ivalue();
            if (auto site = callSiteFromBody(target->second, node->s(c10::attr::name),
                                             extraDepth + (same ? 0 : 1), torchLayerCode))
                return site;
            continue;
        }
        if (node->kind() == prim::Constant)
            continue;
        const RawSource &raw = of(node);
        if (!raw.stack.empty())
            return userFrame(raw.stack, extraDepth + 1, torchLayerCode);
    }
    return std::nullopt;
}

// The same, read off the ops of a body the walk has just walked: no layer's debug info needs
// reading.
std::optional<SourceLocation> WalkSources::siteFromBody(NodeId call, bool torchLayerCode) const
{
    // The body's nodes follow the call node; the first one outside it ends the body.
    for (std::size_t n = call + 1; n < graph_.nodes.size(); ++n) {
        int depth = 0;
        NodeId c = graph_.nodes[n].parentCall;
        for (; c != kNoId && c != call; c = graph_.nodes[c].parentCall)
            ++depth;
        if (c != call)
            break;
        if (n < stackOf_.size() && stackOf_[n])
            return userFrame(stackOf_[n]->stack, depth + 1, torchLayerCode);
    }
    return std::nullopt;
}

Where WalkSources::callLine(const Node *node, NodeId id, const torch::jit::Module &callee,
                            const std::string &method, const WalkContext &ctx, WalkEnv &env)
{
    const RawSource &raw = of(node);
    const GraphNode &call = graph_.nodes[id];
    Where where;
    where.source = raw.original;
    if (where.source.known())
        sawScriptedSource_ = true;
    else if (!raw.stack.empty()) // a call the preparer put where a traced op was
        where.source = tracedOrigin(raw.stack).code;
    if (!where.source.known()) {
        if (!call.expanded && detail_ == SourceDetail::ForChecks) {
            pending_.push_back({id, callee, method, ctx});
            return where;
        }
        if (call.expanded && !graph_.modules[call.callee].composite)
            return where; // read off the body once it is walked: afterBody
        where.source =
            callSiteFromBody(callee, method, 0, ctx.insideTorch).value_or(SourceLocation());
    }
    return placed(where, ctx, env);
}

void WalkSources::afterBody(const Node *node, NodeId id, const torch::jit::Module &callee,
                            const std::string &method, const WalkContext &ctx, WalkEnv &env)
{
    if (graph_.nodes[id].source.known() || of(node).original.known())
        return;
    auto found = siteFromBody(id, ctx.insideTorch);
    if (!found && detail_ == SourceDetail::ForChecks) {
        pending_.push_back({id, callee, method, ctx});
        return;
    }
    if (!found)
        found = callSiteFromBody(callee, method, 0, ctx.insideTorch);
    Where site;
    site.source = found.value_or(SourceLocation());
    site = placed(site, ctx, env);
    graph_.nodes[id].source = site.source;
    graph_.nodes[id].torchSource = site.torchSource;
}

// ForChecks leaves a traced call's line unread when only the layers it calls could tell it,
// until the walk knows a finding names it: a module that runs more than once
// (reused_module), one whose signature is not all tensors (non_tensor_io).
void WalkSources::resolvePending()
{
    for (const PendingCallSite &pending : pending_) {
        const GraphNode &call = graph_.nodes[pending.call];
        const ModuleInfo &module = graph_.modules[call.callee];
        if (module.calls.size() < 2 && enclosingLoops(graph_, pending.call).empty() &&
            tensorsOnly(call.signatureInputs) && tensorsOnly(call.signatureOutputs))
            continue;
        Where where;
        where.source =
            callSiteFromBody(pending.callee, pending.method, 0, pending.context.insideTorch)
                .value_or(SourceLocation());
        WalkEnv env;
        where = placed(where, pending.context, env);
        graph_.nodes[pending.call].source = where.source;
        graph_.nodes[pending.call].torchSource = where.torchSource;
    }
}

} // namespace torchprep
