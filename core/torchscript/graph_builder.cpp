// Builds the model graph by walking the TorchScript IR of forward, call by call, following
// only the code that can run: what constants, attributes and call arguments fix is computed
// as the walk goes (walk_values), and branches it decides are folded. Each node gets its
// lines from walk_sources.
#include "torchscript/graph_builder.h"
#include "torchscript/graph_builder_torch.h"

#include "base/errors.h"
#include "graph/module_classes.h"
#include "torchscript/exporter_ops_torch.h"
#include "torchscript/graph_walk_torch.h"
#include "torchscript/layer_recognition_torch.h"
#include "torchscript/method_view_torch.h"
#include "torchscript/static_values_torch.h"
#include "torchscript/torch_functions_torch.h"
#include "torchscript/torch_model_impl.h"
#include "torchscript/walk_sources_torch.h"
#include "torchscript/walk_values_torch.h"

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>
#include <unordered_map>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;

using ObjectPtr = const c10::ivalue::Object *;

constexpr int kMaxCallDepth = 200; // deeper than any real model; stops runaway recursion

std::string typeString(const c10::TypePtr &type)
{
    return type ? type->annotation_str() : "";
}

std::vector<SignatureEntry> signatureOf(const std::vector<c10::Argument> &args, bool skipSelf)
{
    std::vector<SignatureEntry> out;
    for (std::size_t i = skipSelf ? 1 : 0; i < args.size(); ++i)
        out.push_back({args[i].name(), typeString(args[i].type())});
    return out;
}

bool isTensorType(const c10::TypePtr &type)
{
    return type->kind() == c10::TypeKind::TensorType;
}

std::string constantText(const c10::IValue &value)
{
    if (value.isInt())
        return std::to_string(value.toInt());
    if (value.isBool())
        return value.toBool() ? "True" : "False";
    if (value.isNone())
        return "None";
    if (value.isString())
        return value.toStringRef().substr(0, 64);
    std::ostringstream text;
    text << value;
    return text.str().substr(0, 64);
}

class GraphBuilder
{
  public:
    GraphBuilder(const torch::jit::Module &root, GraphOrigins *origins, SourceDetail detail)
        : root_(root), origins_(origins), values_(graph_), sources_(graph_, views_, detail)
    {
    }

    ModelGraph run()
    {
        collectModules();
        const torch::jit::Method forward = root_.get_method("forward");
        const c10::FunctionSchema &schema = forward.function().getSchema();
        graph_.signatureInputs = signatureOf(schema.arguments(), true);
        graph_.signatureOutputs = signatureOf(schema.returns(), false);

        const MethodView &method = views_.of(root_, "forward");
        WalkEnv env;
        auto inputs = method.graph->inputs();
        env.objects[inputs[0]] = root_;
        for (std::size_t i = 1; i < inputs.size(); ++i) {
            const ValueId id = newValue(inputs[i], kNoId, ValueOrigin::Input);
            env.values[inputs[i]] = id;
            graph_.inputs.push_back(id);
        }
        WalkContext ctx;
        ctx.owner = 0;
        ctx.method = &method;
        ctx.insideTorch = graph_.modules[0].composite;
        walkBlock(method.graph->block(), ctx, env);
        for (Value *out : method.graph->outputs()) {
            auto it = env.values.find(out);
            if (it != env.values.end())
                graph_.outputs.push_back(it->second);
        }
        graph_.returnSource = sources_.of(method.graph->return_node()).original;
        if (!graph_.returnSource.known() && !graph_.outputs.empty()) {
            const NodeId producer = graph_.values[graph_.outputs.front()].producer;
            if (producer != kNoId)
                graph_.returnSource = graph_.nodes[producer].source;
            const Node *returned = method.graph->outputs()[0]->node();
            if (!graph_.returnSource.known() && returned->kind() != prim::Param)
                graph_.returnSource = sources_.lineOf(returned, ctx, env).source;
        }
        sources_.resolvePending();
        graph_.scripted = sources_.scripted();
        return std::move(graph_);
    }

  private:
    void collectModules()
    {
        std::set<const c10::Type *> types;
        for (const torch::jit::NameModule &named : root_.named_modules()) {
            ObjectPtr object = named.value._ivalue().get();
            if (types.insert(named.value.type().get()).second)
                values_.scanAssignments(*named.value.type());
            if (moduleIds_.count(object))
                continue; // a shared instance keeps its first path, as named_modules() dedups
            ModuleInfo info;
            info.id = static_cast<ModuleId>(graph_.modules.size());
            info.path = named.name;
            const auto dot = info.path.rfind('.');
            info.name = dot == std::string::npos ? info.path : info.path.substr(dot + 1);
            info.className = demangleClassName(named.value.type()->name()->qualifiedName());
            info.typeName = shortClassName(info.className);
            info.leaf = isLeafModuleClass(info.className);
            info.composite = isCompositeNnClass(info.className);
            for (const at::Tensor &p : named.value.parameters(/*recurse=*/false))
                info.parameterCount += p.numel(); // own ones; descendants' added below
            if (info.id != 0) {
                const std::string parentPath =
                    dot == std::string::npos ? "" : info.path.substr(0, dot);
                auto parent = pathIds_.find(parentPath);
                info.parent = parent == pathIds_.end() ? 0 : parent->second;
                graph_.modules[info.parent].children.push_back(info.id);
            }
            pathIds_[info.path] = info.id;
            moduleIds_[object] = info.id;
            if (origins_)
                origins_->modules.push_back(named.value);
            graph_.modules.push_back(std::move(info));
        }
        // Children come after their parent: summing backwards adds each subtree once.
        for (std::size_t i = graph_.modules.size(); i-- > 1;)
            graph_.modules[graph_.modules[i].parent].parameterCount +=
                graph_.modules[i].parameterCount;
    }

    ModuleId moduleId(const torch::jit::Module &module) const
    {
        auto it = moduleIds_.find(module._ivalue().get());
        return it == moduleIds_.end() ? kNoId : it->second;
    }

    // A type's annotation, printed once per type object (printing goes through a stream).
    const std::string &typeText(const c10::TypePtr &type)
    {
        auto it = typeTexts_.find(type.get());
        if (it == typeTexts_.end())
            it = typeTexts_.emplace(type.get(), typeString(type)).first;
        return it->second;
    }

    ValueId newValue(const Value *value, NodeId producer, ValueOrigin origin)
    {
        GraphValue v;
        v.id = static_cast<ValueId>(graph_.values.size());
        if (value->hasDebugName())
            v.name = value->debugNameBase();
        v.type = typeText(value->type());
        v.origin = origin;
        v.producer = producer;
        graph_.values.push_back(std::move(v));
        return graph_.values.back().id;
    }

    GraphNode &newNode(NodeKind kind, const std::string &op, const WalkContext &ctx,
                       const Node *from)
    {
        if (origins_)
            origins_->nodes.push_back(ctx.method->original(from));
        GraphNode node;
        node.id = static_cast<NodeId>(graph_.nodes.size());
        node.kind = kind;
        node.op = op;
        node.owner = ctx.owner;
        node.parentCall = ctx.parentCall;
        node.parentControl = ctx.parentControl;
        node.blockIndex = ctx.blockIndex;
        node.insideTorch = ctx.insideTorch;
        graph_.nodes.push_back(std::move(node));
        return graph_.nodes.back();
    }

    void bindInputs(const Node *node, NodeId id, const WalkEnv &env, std::size_t first = 0)
    {
        for (std::size_t i = first; i < node->inputs().size(); ++i) {
            auto it = env.values.find(node->input(i));
            if (it == env.values.end())
                continue; // module references are not data
            graph_.nodes[id].inputs.push_back(it->second);
            graph_.values[it->second].users.push_back(id);
        }
    }

    void bindOutputs(const Node *node, NodeId id, WalkEnv &env, ValueOrigin origin)
    {
        for (const Value *out : node->outputs()) {
            const ValueId v = newValue(out, id, origin);
            graph_.nodes[id].outputs.push_back(v);
            env.values[out] = v;
        }
    }

    // ---- the walk ------------------------------------------------------------------------

    void walkBlock(const Block *block, const WalkContext &ctx, WalkEnv &env)
    {
        for (const Node *node : block->nodes())
            walkNode(node, ctx, env);
    }

    void walkNode(const Node *node, const WalkContext &ctx, WalkEnv &env)
    {
        const c10::Symbol kind = node->kind();
        if (kind == prim::GetAttr) {
            walkGetAttr(node, ctx, env);
            return;
        }
        if (kind == prim::CallMethod) {
            auto target = env.objects.find(node->input(0));
            if (target != env.objects.end()) {
                walkCall(node, target->second, ctx, env);
                return;
            }
        }
        if (kind == prim::CallFunction) {
            if (torch::jit::Function *fn = calledFunction(node)) {
                walkTorchFunction(node, *fn, ctx, env);
                return;
            }
        }
        if (kind == prim::If) {
            walkIf(node, ctx, env);
            return;
        }
        if (kind == prim::Loop) {
            walkLoop(node, ctx, env);
            return;
        }
        GraphNode &n = newNode(NodeKind::Op, kind.toQualString(), ctx, node);
        const NodeId id = n.id;
        if (kind == prim::Constant) {
            if (node->hasAttribute(c10::attr::value)) {
                if (auto value = torch::jit::toIValue(node->output())) {
                    n.attribute = constantText(*value);
                    env.fixed[node->output()] = *value;
                }
            } else if (node->output()->type()->kind() == c10::TypeKind::NoneType) {
                env.fixed[node->output()] = c10::IValue();
            }
        } else {
            sources_.placeOp(n, node, ctx, env);
        }
        if (kind == prim::SetAttr)
            noteAssignment(node, env);
        bindInputs(node, id, env);
        bindOutputs(node, id, env,
                    kind == prim::Constant ? ValueOrigin::Constant : ValueOrigin::Computed);
        values_.computeAhead(node, env);
    }

    void walkGetAttr(const Node *node, const WalkContext &ctx, WalkEnv &env)
    {
        auto owner = env.objects.find(node->input(0));
        const std::string name = node->s(c10::attr::name);
        if (owner != env.objects.end() && isModuleType(node->output()->type())) {
            env.objects[node->output()] = owner->second.attr(name).toModule();
            return;
        }
        GraphNode &n = newNode(NodeKind::Op, "prim::GetAttr", ctx, node);
        n.attribute = name;
        const NodeId id = n.id;
        bindInputs(node, id, env);
        const bool tensor = node->output()->type()->isSubtypeOf(*c10::TensorType::get());
        bindOutputs(node, id, env, tensor ? ValueOrigin::Parameter : ValueOrigin::Constant);
        if (owner != env.objects.end())
            values_.readAttribute(node, owner->second, env);
    }

    void noteAssignment(const Node *node, const WalkEnv &env)
    {
        auto target = env.objects.find(node->input(0));
        if (target == env.objects.end())
            return;
        const ModuleId id = moduleId(target->second);
        if (id == kNoId)
            return;
        std::vector<std::string> &names = graph_.modules[id].assignedAttributes;
        const std::string name = node->s(c10::attr::name);
        if (std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    }

    // A call of one of torch's functions: one node, the op it computes for these arguments.
    void walkTorchFunction(const Node *node, torch::jit::Function &fn, const WalkContext &ctx,
                           WalkEnv &env)
    {
        std::vector<KnownValue> facts;
        std::vector<std::optional<c10::IValue>> fixedArguments;
        for (std::size_t i = 1; i < node->inputs().size(); ++i) {
            KnownValue fact;
            const Value *in = node->input(i);
            if (auto f = env.fixed.find(in); f != env.fixed.end())
                fact.value = f->second;
            auto v = env.values.find(in);
            fact.notNone = isTensorType(in->type()) ||
                           (v != env.values.end() && graph_.values[v->second].type == "Tensor");
            fact.floating = values_.isFloating(in, env);
            fixedArguments.push_back(fact.value);
            facts.push_back(std::move(fact));
        }
        const TorchFunctionCall &call = torchOps_.callOf(fn, facts);
        GraphNode &n = newNode(NodeKind::Op, call.op, ctx, node);
        const NodeId id = n.id;
        n.function = pythonNameOf(fn);
        n.attribute = n.function;
        n.libraryCall = id;
        graph_.nodes[id].exportedOps =
            exportedOps([&] { return exporterOps_.ofFunction(fn, fixedArguments); });
        const Where where = sources_.lineOf(node, ctx, env);
        n.source = where.source;
        n.torchSource = where.torchSource;
        env.callKey.clear();
        bindInputs(node, id, env, 1);
        bindOutputs(node, id, env, ValueOrigin::Computed);
        for (std::size_t i = 0; i < node->outputs().size() && i < call.results.size(); ++i) {
            const KnownValue &result = call.results[i];
            if (result.value)
                env.fixed[node->output(i)] = *result.value;
            if (result.floating)
                values_.markFloating(node->output(i), env);
            auto v = env.values.find(node->output(i));
            if (result.notNone && v != env.values.end() &&
                graph_.values[v->second].type == "Optional[Tensor]")
                graph_.values[v->second].type = "Tensor";
        }
        // Composite layers are read for batched inputs, the rank a trace of them records.
        if (ctx.insideTorch &&
            graph_.nodes[id].function == "torch.nn.functional._mha_shape_check" &&
            node->outputs().size() == 1)
            env.fixed[node->output()] = true;
    }

    void walkIf(const Node *node, const WalkContext &ctx, WalkEnv &env)
    {
        if (const Block *taken = values_.takenBlock(node, ctx.insideTorch, env)) {
            walkBlock(taken, ctx, env);
            for (std::size_t i = 0; i < node->outputs().size(); ++i)
                alias(taken->outputs()[i], env, node->output(i), env);
            return;
        }
        walkControl(node, ctx, env);
        values_.joinBranches(node, env);
    }

    void walkLoop(const Node *node, const WalkContext &ctx, WalkEnv &env)
    {
        const auto trips = WalkValues::fixedInt(node->input(0), env);
        const auto start = WalkValues::fixedBool(node->input(1), env);
        if ((trips && *trips <= 0) || (start && !*start)) {
            // Never runs: its results are the initial values.
            for (std::size_t i = 0; i < node->outputs().size(); ++i)
                alias(node->input(i + 2), env, node->output(i), env);
            return;
        }
        const NodeId id = walkControl(node, ctx, env);
        const auto again = WalkValues::fixedBool(node->blocks()[0]->outputs()[0], env);
        constexpr int64_t kWhileLoop = std::numeric_limits<int64_t>::max();
        if (trips && *trips < kWhileLoop && start && again && *again)
            graph_.nodes[id].tripCount = static_cast<int>(std::min<int64_t>(*trips, 1 << 30));
    }

    NodeId walkControl(const Node *node, const WalkContext &ctx, WalkEnv &env)
    {
        GraphNode &n = newNode(NodeKind::Op, node->kind().toQualString(), ctx, node);
        const NodeId id = n.id;
        const Where where = sources_.lineOf(node, ctx, env);
        n.source = where.source;
        n.torchSource = where.torchSource;
        bindInputs(node, id, env);
        bindOutputs(node, id, env, ValueOrigin::Computed);
        for (std::size_t b = 0; b < node->blocks().size(); ++b) {
            const Block *block = node->blocks()[b];
            for (const Value *param : block->inputs()) {
                // Loop counters and carried values: produced by the loop itself.
                const ValueId v = newValue(param, id, ValueOrigin::Computed);
                env.values[param] = v;
            }
            WalkContext inner = ctx;
            inner.parentControl = id;
            inner.blockIndex = static_cast<int>(b);
            walkBlock(block, inner, env);
            // A block's results feed the control node's outputs.
            for (const Value *ret : block->outputs()) {
                auto it = env.values.find(ret);
                if (it == env.values.end())
                    continue;
                graph_.nodes[id].inputs.push_back(it->second);
                graph_.values[it->second].users.push_back(id);
            }
        }
        env.callKey.clear();
        return id;
    }

    void walkCall(const Node *node, const torch::jit::Module &callee, const WalkContext &ctx,
                  WalkEnv &env)
    {
        const std::string method = node->s(c10::attr::name);
        const ModuleId calleeId = moduleId(callee);
        if (ctx.depth > kMaxCallDepth)
            throw InputError("module calls nest deeper than " + std::to_string(kMaxCallDepth) +
                             " levels (recursive model?)");
        const MethodView &view = views_.of(callee, method);
        if (calleeId == ctx.owner || calleeId == kNoId) {
            // A helper method of the same module (scripted `_forward_impl`): part of this body.
            WalkContext body = ctx;
            body.depth = ctx.depth + 1;
            expandBody(node, callee, view, body, env);
            return;
        }
        ModuleInfo &info = graph_.modules[calleeId];
        if (!info.leaf && layers_.isLayer(callee, info.className))
            info.leaf = true;
        const bool leaf = info.leaf;
        GraphNode &n = newNode(NodeKind::ModuleCall, method, ctx, node);
        const NodeId id = n.id;
        n.callee = calleeId;
        n.expanded = !leaf;
        const c10::FunctionSchema &schema = callee.get_method(method).function().getSchema();
        n.signatureInputs = signatureOf(schema.arguments(), true);
        n.signatureOutputs = signatureOf(schema.returns(), false);
        const Where where = sources_.callLine(node, id, callee, method, ctx, env);
        graph_.nodes[id].source = where.source;
        graph_.nodes[id].torchSource = where.torchSource;
        graph_.modules[calleeId].calls.push_back(id);
        env.callKey.clear();
        bindInputs(node, id, env, 1);
        if (leaf) {
            graph_.nodes[id].exportedOps =
                exportedOps([&] { return exporterOps_.ofCall(callee, method); });
            bindOutputs(node, id, env, ValueOrigin::Computed);
            return;
        }
        // Torch's composite layers: the checks read their code folded for batched inputs, but
        // the exporter folds only what freezing knows; judge what it will really see.
        if (graph_.modules[calleeId].composite && !ctx.insideTorch)
            graph_.nodes[id].exportedOps =
                exportedOps([&] { return exporterOps_.ofCall(callee, method); });
        WalkContext inner;
        inner.owner = calleeId;
        inner.parentCall = id;
        inner.depth = ctx.depth + 1;
        inner.insideTorch = ctx.insideTorch || graph_.modules[calleeId].composite;
        inner.userSite = ctx.insideTorch ? ctx.userSite : where.source;
        graph_.nodes[id].outputs = expandBody(node, callee, view, inner, env);
        sources_.afterBody(node, id, callee, method, ctx, env);
    }

    // Walks `view` with its inputs bound to the call's arguments; maps the call's outputs.
    std::vector<ValueId> expandBody(const Node *call, const torch::jit::Module &callee,
                                    const MethodView &view, const WalkContext &ctx, WalkEnv &env)
    {
        WalkEnv inner;
        auto params = view.graph->inputs();
        inner.objects[params[0]] = callee;
        for (std::size_t i = 1; i < params.size() && i < call->inputs().size(); ++i) {
            alias(call->input(i), env, params[i], inner);
            // A callee may edit a list in place where the caller would not see it: not shared.
            if (auto f = inner.fixed.find(params[i]); f != inner.fixed.end() && f->second.isList())
                inner.fixed.erase(f);
            auto type = env.types.find(call->input(i));
            inner.types[params[i]] =
                type != env.types.end() ? type->second : call->input(i)->type();
        }
        inner.recentSource = env.recentSource;
        WalkContext body = ctx;
        body.method = &view;
        walkBlock(view.graph->block(), body, inner);
        std::vector<ValueId> results;
        auto returns = view.graph->outputs();
        for (std::size_t i = 0; i < returns.size() && i < call->outputs().size(); ++i) {
            alias(returns[i], inner, call->output(i), env);
            if (auto v = inner.values.find(returns[i]); v != inner.values.end())
                results.push_back(v->second);
        }
        return results;
    }

    // What the ONNX exporter would see inside a call; nothing claimed when the callee's code
    // cannot be folded (the deep check, export-onnx, still runs the exporter itself).
    template <typename Compute> static std::vector<std::string> exportedOps(Compute compute)
    {
        try {
            return compute();
        } catch (const std::exception &) { // c10::Error and the passes' own
            return {};
        }
    }

    const torch::jit::Module &root_;
    GraphOrigins *origins_;
    ModelGraph graph_;
    std::unordered_map<ObjectPtr, ModuleId> moduleIds_;
    std::unordered_map<std::string, ModuleId> pathIds_;
    std::unordered_map<const c10::Type *, std::string> typeTexts_; // types outlive the walk
    MethodViews views_;
    WalkValues values_;
    WalkSources sources_;
    TorchFunctionOps torchOps_;
    // A childless module's own forward, walked as a model of its own: what it does decides
    // whether it is a layer.
    LayerRecognition layers_{[](const torch::jit::Module &module) {
        return buildModelGraph(module, "", nullptr, SourceDetail::ForChecks);
    }};
    ExporterOps exporterOps_;
};

} // namespace

ModelGraph buildModelGraph(const torch::jit::Module &root, const std::string &path,
                           GraphOrigins *origins, SourceDetail detail)
{
    try {
        ModelGraph graph = GraphBuilder(root, origins, detail).run();
        graph.sourcePath = path;
        return graph;
    } catch (const InputError &) {
        throw;
    } catch (const c10::Error &e) {
        throw InputError("'" + path +
                         "': cannot analyse the model: " + firstLine(e.what_without_backtrace()));
    }
}

ModelGraph buildModelGraph(const TorchModel &model, SourceDetail detail)
{
    return buildModelGraph(model.impl().module, model.path(), nullptr, detail);
}

} // namespace torchprep
