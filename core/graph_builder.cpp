// Builds the model graph by walking the TorchScript IR of forward, call by call.
#include "graph_builder.h"
#include "graph_builder_torch.h"

#include "errors.h"
#include "module_classes.h"
#include "source_trace.h"
#include "method_view_torch.h"
#include "torch_model_impl.h"


#include <map>
#include <sstream>
#include <unordered_map>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::SourceRange;
using torch::jit::Value;
namespace prim = c10::prim;

using ObjectPtr = const c10::ivalue::Object *;

constexpr int kMaxCallDepth = 200; // deeper than any real model; stops runaway recursion

std::string typeString(const c10::TypePtr &type) { return type ? type->annotation_str() : ""; }

std::vector<SignatureEntry> signatureOf(const std::vector<c10::Argument> &args, bool skipSelf)
{
    std::vector<SignatureEntry> out;
    for (std::size_t i = skipSelf ? 1 : 0; i < args.size(); ++i)
        out.push_back({args[i].name(), typeString(args[i].type())});
    return out;
}

bool isModuleType(const c10::TypePtr &type)
{
    auto cls = type ? type->cast<c10::ClassType>() : nullptr;
    return cls && cls->is_module();
}

class GraphBuilder
{
public:
    GraphBuilder(const torch::jit::Module &root, GraphOrigins *origins)
        : root_(root), origins_(origins)
    {
    }

    ModelGraph run()
    {
        collectModules();
        const torch::jit::Method forward = root_.get_method("forward");
        const c10::FunctionSchema &schema = forward.function().getSchema();
        graph_.signatureInputs = signatureOf(schema.arguments(), true);
        graph_.signatureOutputs = signatureOf(schema.returns(), false);

        const MethodView &method = preparedMethod(root_, "forward");
        Env env;
        auto inputs = method.graph->inputs();
        env.objects[inputs[0]] = root_;
        for (std::size_t i = 1; i < inputs.size(); ++i) {
            const ValueId id = newValue(inputs[i], kNoId, ValueOrigin::Input);
            env.values[inputs[i]] = id;
            graph_.inputs.push_back(id);
        }
        Context ctx{0, kNoId, kNoId, -1, 0, &method};
        walkBlock(method.graph->block(), ctx, env);
        for (Value *out : method.graph->outputs()) {
            auto it = env.values.find(out);
            if (it != env.values.end())
                graph_.outputs.push_back(it->second);
        }
        graph_.returnSource = rawSource(method.graph->return_node()).original;
        if (!graph_.returnSource.known() && !graph_.outputs.empty()) {
            const NodeId producer = graph_.values[graph_.outputs.front()].producer;
            if (producer != kNoId)
                graph_.returnSource = graph_.nodes[producer].source;
        }
        graph_.scripted = sawScriptedSource_ && !sawTracerStack_;
        return std::move(graph_);
    }

private:
    struct Env
    {
        std::unordered_map<const Value *, ValueId> values;
        std::unordered_map<const Value *, torch::jit::Module> objects;
    };
    struct Context
    {
        ModuleId owner;
        NodeId parentCall;
        NodeId parentControl;
        int blockIndex;
        int depth;
        const MethodView *method;
    };

    void collectModules()
    {
        for (const torch::jit::NameModule &named : root_.named_modules()) {
            ObjectPtr object = named.value._ivalue().get();
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
            for (const at::Tensor &p : named.value.parameters(true))
                info.parameterCount += p.numel();
            if (info.id != 0) {
                const std::string parentPath = dot == std::string::npos ? "" : info.path.substr(0, dot);
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
    }

    ModuleId moduleId(const torch::jit::Module &module) const
    {
        auto it = moduleIds_.find(module._ivalue().get());
        return it == moduleIds_.end() ? kNoId : it->second;
    }

    const MethodView &preparedMethod(const torch::jit::Module &module, const std::string &name)
    {
        const auto key = std::make_pair(module._ivalue().get(), name);
        auto found = methods_.find(key);
        if (found != methods_.end())
            return found->second;
        auto method = module.find_method(name);
        if (!method)
            throw InputError("module of class " + module.type()->name()->qualifiedName() +
                             " has no method '" + name + "'");
        return methods_.emplace(key, viewMethod(method->function())).first->second;
    }

    ValueId newValue(const Value *value, NodeId producer, ValueOrigin origin)
    {
        GraphValue v;
        v.id = static_cast<ValueId>(graph_.values.size());
        if (value->hasDebugName())
            v.name = value->debugNameBase();
        v.type = typeString(value->type());
        v.origin = origin;
        v.producer = producer;
        graph_.values.push_back(std::move(v));
        return graph_.values.back().id;
    }

    GraphNode &newNode(NodeKind kind, const std::string &op, const Context &ctx, const Node *from)
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
        graph_.nodes.push_back(std::move(node));
        return graph_.nodes.back();
    }

    void bindInputs(const Node *node, NodeId id, const Env &env, std::size_t first = 0)
    {
        for (std::size_t i = first; i < node->inputs().size(); ++i) {
            auto it = env.values.find(node->input(i));
            if (it == env.values.end())
                continue; // module references are not data
            graph_.nodes[id].inputs.push_back(it->second);
            graph_.values[it->second].users.push_back(id);
        }
    }

    void bindOutputs(const Node *node, NodeId id, Env &env, ValueOrigin origin)
    {
        for (const Value *out : node->outputs()) {
            const ValueId v = newValue(out, id, origin);
            graph_.nodes[id].outputs.push_back(v);
            env.values[out] = v;
        }
    }

    // Source of an op at the current level: the user's line, not torch's.
    SourceLocation opSource(const Node *node, const Context &ctx)
    {
        auto over = ctx.method->sourceOverride.find(node);
        if (over != ctx.method->sourceOverride.end())
            return over->second;
        const RawSource raw = rawSource(node);
        if (!raw.stack.empty()) {
            sawTracerStack_ = true;
            return userFrame(raw.stack, 0);
        }
        if (raw.original.known())
            sawScriptedSource_ = true;
        return raw.original;
    }

    // Traced calls print ":0:0"; the call site is in the stacks of the ops inside the callee,
    // one module level further out per call level descended.
    SourceLocation callSiteFromBody(const torch::jit::Module &callee, const std::string &method,
                                    int extraDepth)
    {
        if (extraDepth > 8)
            return {};
        const MethodView &prepared = preparedMethod(callee, method);
        std::unordered_map<const Value *, torch::jit::Module> objects;
        objects[prepared.graph->inputs()[0]] = callee;
        for (const Node *node : prepared.graph->nodes()) {
            if (node->kind() == prim::GetAttr) {
                auto owner = objects.find(node->input(0));
                if (owner != objects.end() && isModuleType(node->output()->type()))
                    objects[node->output()] =
                        owner->second.attr(node->s(c10::attr::name)).toModule();
                continue;
            }
            if (node->kind() == prim::CallMethod) {
                auto target = objects.find(node->input(0));
                if (target == objects.end())
                    continue;
                const bool same = target->second._ivalue() == callee._ivalue();
                SourceLocation site = callSiteFromBody(target->second, node->s(c10::attr::name),
                                                       extraDepth + (same ? 0 : 1));
                if (site.known())
                    return site;
                continue;
            }
            const RawSource raw = rawSource(node);
            if (!raw.stack.empty()) {
                SourceLocation site = userFrame(raw.stack, extraDepth + 1);
                if (site.known())
                    return site;
            }
        }
        return {};
    }

    void walkBlock(const Block *block, const Context &ctx, Env &env)
    {
        for (const Node *node : block->nodes())
            walkNode(node, ctx, env);
    }

    void walkNode(const Node *node, const Context &ctx, Env &env)
    {
        const c10::Symbol kind = node->kind();
        if (kind == prim::GetAttr) {
            auto owner = env.objects.find(node->input(0));
            if (owner != env.objects.end() && isModuleType(node->output()->type())) {
                env.objects[node->output()] =
                    owner->second.attr(node->s(c10::attr::name)).toModule();
                return;
            }
            GraphNode &n = newNode(NodeKind::Op, "prim::GetAttr", ctx, node);
            n.attribute = node->s(c10::attr::name);
            const NodeId id = n.id;
            bindInputs(node, id, env);
            const bool tensor = node->output()->type()->isSubtypeOf(*c10::TensorType::get());
            bindOutputs(node, id, env, tensor ? ValueOrigin::Parameter : ValueOrigin::Constant);
            return;
        }
        if (kind == prim::CallMethod) {
            auto target = env.objects.find(node->input(0));
            if (target != env.objects.end()) {
                walkCall(node, target->second, ctx, env);
                return;
            }
        }
        if (kind == prim::If || kind == prim::Loop) {
            walkControl(node, ctx, env);
            return;
        }
        GraphNode &n = newNode(NodeKind::Op, kind.toQualString(), ctx, node);
        const NodeId id = n.id;
        if (kind == prim::Constant) {
            if (node->hasAttribute(c10::attr::value)) {
                std::ostringstream text;
                if (auto value = torch::jit::toIValue(node->output()))
                    text << *value;
                n.attribute = text.str().substr(0, 64);
            }
        } else {
            n.source = opSource(node, ctx);
        }
        bindInputs(node, id, env);
        bindOutputs(node, id, env,
                    kind == prim::Constant ? ValueOrigin::Constant : ValueOrigin::Computed);
    }

    void walkControl(const Node *node, const Context &ctx, Env &env)
    {
        GraphNode &n = newNode(NodeKind::Op, node->kind().toQualString(), ctx, node);
        const NodeId id = n.id;
        n.source = opSource(node, ctx);
        bindInputs(node, id, env);
        bindOutputs(node, id, env, ValueOrigin::Computed);
        for (std::size_t b = 0; b < node->blocks().size(); ++b) {
            const Block *block = node->blocks()[b];
            for (const Value *param : block->inputs()) {
                // Loop counters and carried values: produced by the loop itself.
                const ValueId v = newValue(param, id, ValueOrigin::Computed);
                env.values[param] = v;
            }
            Context inner = ctx;
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
    }

    void walkCall(const Node *node, const torch::jit::Module &callee, const Context &ctx, Env &env)
    {
        const std::string method = node->s(c10::attr::name);
        const ModuleId calleeId = moduleId(callee);
        if (ctx.depth > kMaxCallDepth)
            throw InputError("module calls nest deeper than " + std::to_string(kMaxCallDepth) +
                             " levels (recursive model?)");
        const MethodView &prepared = preparedMethod(callee, method);
        const bool selfCall = calleeId == ctx.owner;
        if (selfCall || calleeId == kNoId) {
            // A helper method of the same module (scripted `_forward_impl`): part of this body.
            expandBody(node, callee, prepared, ctx, env, ctx.parentCall);
            return;
        }
        const ModuleInfo &info = graph_.modules[calleeId];
        GraphNode &n = newNode(NodeKind::ModuleCall, method, ctx, node);
        const NodeId id = n.id;
        n.callee = calleeId;
        n.expanded = !info.leaf;
        const c10::FunctionSchema &schema = callee.get_method(method).function().getSchema();
        n.signatureInputs = signatureOf(schema.arguments(), true);
        n.signatureOutputs = signatureOf(schema.returns(), false);
        const RawSource raw = rawSource(node);
        SourceLocation site = raw.original;
        if (site.known())
            sawScriptedSource_ = true;
        else if (!raw.stack.empty()) // a call the preparer put where a traced op was
            site = userFrame(raw.stack, 0);
        if (!site.known())
            site = callSiteFromBody(callee, method, 0);
        graph_.nodes[id].source = site;
        graph_.modules[calleeId].calls.push_back(id);
        bindInputs(node, id, env, 1);
        if (info.leaf) {
            bindOutputs(node, id, env, ValueOrigin::Computed);
            return;
        }
        Context inner{calleeId, id, ctx.parentControl, ctx.blockIndex, ctx.depth + 1, &prepared};
        // Nodes of the body are not inside the caller's control block themselves, but the call is.
        inner.parentControl = kNoId;
        inner.blockIndex = -1;
        const std::vector<ValueId> results = expandBody(node, callee, prepared, inner, env, id);
        graph_.nodes[id].outputs = results;
    }

    // Walks `prepared` with its inputs bound to the call's arguments; maps the call's outputs.
    std::vector<ValueId> expandBody(const Node *call, const torch::jit::Module &callee,
                                    const MethodView &prepared, const Context &ctx, Env &env,
                                    NodeId parentCall)
    {
        Env inner;
        auto params = prepared.graph->inputs();
        inner.objects[params[0]] = callee;
        for (std::size_t i = 1; i < params.size() && i < call->inputs().size(); ++i) {
            const Value *arg = call->input(i);
            if (auto v = env.values.find(arg); v != env.values.end())
                inner.values[params[i]] = v->second;
            if (auto o = env.objects.find(arg); o != env.objects.end())
                inner.objects[params[i]] = o->second;
        }
        Context body = ctx;
        body.parentCall = parentCall;
        body.method = &prepared;
        if (parentCall == ctx.parentCall) {
            body.depth = ctx.depth + 1; // a self call still nests in C++ recursion
        }
        walkBlock(prepared.graph->block(), body, inner);
        std::vector<ValueId> results;
        auto returns = prepared.graph->outputs();
        for (std::size_t i = 0; i < returns.size() && i < call->outputs().size(); ++i) {
            if (auto v = inner.values.find(returns[i]); v != inner.values.end()) {
                env.values[call->output(i)] = v->second;
                results.push_back(v->second);
            }
            if (auto o = inner.objects.find(returns[i]); o != inner.objects.end())
                env.objects[call->output(i)] = o->second;
        }
        return results;
    }

    const torch::jit::Module &root_;
    GraphOrigins *origins_;
    ModelGraph graph_;
    std::unordered_map<ObjectPtr, ModuleId> moduleIds_;
    std::unordered_map<std::string, ModuleId> pathIds_;
    std::map<std::pair<ObjectPtr, std::string>, MethodView> methods_;
    bool sawTracerStack_ = false;
    bool sawScriptedSource_ = false;
};

} // namespace

ModelGraph buildModelGraph(const torch::jit::Module &root, const std::string &path,
                           GraphOrigins *origins)
{
    try {
        ModelGraph graph = GraphBuilder(root, origins).run();
        graph.sourcePath = path;
        return graph;
    } catch (const InputError &) {
        throw;
    } catch (const c10::Error &e) {
        throw InputError("'" + path + "': cannot analyse the model: " +
                         firstLine(e.what_without_backtrace()));
    }
}

ModelGraph buildModelGraph(const TorchModel &model)
{
    return buildModelGraph(model.impl().module, model.path(), nullptr);
}

} // namespace torchprep
