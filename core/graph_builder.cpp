// Builds the model graph by walking the TorchScript IR of forward, call by call.
#include "graph_builder.h"

#include "errors.h"
#include "module_classes.h"
#include "source_trace.h"
#include "torch_model_impl.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/constant_propagation.h>

#include <cctype>
#include <limits>
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

// Where a TorchScript node says it came from, before any inference.
struct RawSource
{
    std::vector<StackFrame> stack; // traced models: the Python stack
    SourceLocation original;       // scripted models: the user's file and line
    int serializedLine = 0;        // line in the archive's code/ excerpt, for inference
};

RawSource rawSource(const Node *node)
{
    RawSource raw;
    const torch::jit::SourceRange &range = node->sourceRange();
    if (range.source() && range.source()->filename()) {
        if (auto flc = range.file_line_col())
            raw.serializedLine = static_cast<int>(std::get<1>(*flc));
    }
    const auto generated = range.findSourceRangeThatGenerated();
    if (!generated || !generated->source())
        return raw;
    // The range's own text: a loaded model's debug info shares one source text between ops.
    const std::string text = generated->text().str();
    raw.stack = parseTracerStack(text);
    if (raw.stack.empty()) {
        if (auto flc = generated->file_line_col()) {
            raw.original.file = std::get<0>(*flc);
            raw.original.line = static_cast<int>(std::get<1>(*flc));
        }
    }
    return raw;
}

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

// Lines for scripted function calls (prim::CallFunction), whose own range is lost on save.
// The statements around a call keep theirs, and with them the text of the user's source:
// the call is the line between its neighbours that calls a function of the same name.
class SourceInference
{
public:
    explicit SourceInference(const Graph &graph)
    {
        collectKnown(graph.block());
        std::map<std::tuple<int, int, std::string>, int> seen; // window and name -> calls so far
        assignCalls(graph.block(), seen);
    }

    SourceLocation locationOf(const Node *call) const
    {
        auto it = assigned_.find(call);
        return it == assigned_.end() ? SourceLocation() : it->second;
    }

private:
    void collectKnown(const Block *block)
    {
        for (const Node *node : block->nodes()) {
            const SourceRange &range = node->sourceRange();
            const RawSource raw = rawSource(node);
            if (raw.original.known() && raw.serializedLine > 0) {
                known_.emplace(raw.serializedLine, raw.original);
                if (!original_)
                    original_ = range.findSourceRangeThatGenerated()->source();
            }
            for (const Block *sub : node->blocks())
                collectKnown(sub);
        }
    }

    void assignCalls(const Block *block, std::map<std::tuple<int, int, std::string>, int> &seen)
    {
        for (const Node *node : block->nodes()) {
            for (const Block *sub : node->blocks())
                assignCalls(sub, seen);
            if (node->kind() != prim::CallFunction)
                continue;
            const RawSource raw = rawSource(node);
            if (raw.original.known()) {
                assigned_[node] = raw.original;
                continue;
            }
            auto fnType = node->input(0)->type()->cast<c10::FunctionType>();
            if (!fnType || !original_ || raw.serializedLine <= 0)
                continue;
            const std::string name = fnType->function()->name();
            // The window: from the last known statement before the call to the first after it.
            int lo = 0, hi = std::numeric_limits<int>::max();
            auto next = known_.lower_bound(raw.serializedLine);
            if (next != known_.end())
                hi = next->second.line;
            if (next != known_.begin())
                lo = std::prev(next)->second.line;
            const int rank = seen[{lo, hi, name}]++;
            assigned_[node] = findCall(name, lo, hi, rank);
        }
    }

    // The `rank`-th line in [lo, hi] of the original source that calls `name(`.
    SourceLocation findCall(const std::string &name, int lo, int hi, int rank) const
    {
        const std::string pattern = name + "(";
        int matches = 0;
        for (std::size_t i = 0; i < original_->num_lines(); ++i) {
            const int line = static_cast<int>(original_->lineno_to_source_lineno(i));
            if (line < lo || line > hi)
                continue;
            const std::string text = original_->get_line(i).str();
            for (auto pos = text.find(pattern); pos != std::string::npos;
                 pos = text.find(pattern, pos + 1)) {
                const char before = pos == 0 ? ' ' : text[pos - 1];
                if (std::isalnum(static_cast<unsigned char>(before)) || before == '_')
                    continue; // "prelu(" is not a call of "relu"
                if (matches++ == rank) {
                    SourceLocation location;
                    location.file = original_->filename().value_or("");
                    location.line = line;
                    location.inferred = true;
                    return location;
                }
                break; // one call per line counts
            }
        }
        return {};
    }

    std::map<int, SourceLocation> known_; // serialized line -> the user's line
    std::shared_ptr<torch::jit::Source> original_;
    std::unordered_map<const Node *, SourceLocation> assigned_;
};

// A method's graph ready to walk: a copy with scripted function calls inlined.
struct PreparedMethod
{
    std::shared_ptr<Graph> graph;
    std::unordered_map<const Node *, SourceLocation> sourceOverride; // inlined nodes -> call line
};

void collectCallFunctions(Block *block, std::vector<Node *> &out)
{
    for (Node *node : block->nodes()) {
        if (node->kind() == prim::CallFunction)
            out.push_back(node);
        for (Block *sub : node->blocks())
            collectCallFunctions(sub, out);
    }
}

PreparedMethod prepareMethod(const torch::jit::Function &function)
{
    PreparedMethod prepared;
    const std::shared_ptr<Graph> &original = torch::jit::toGraphFunction(function).graph();
    std::vector<Node *> pendingCalls;
    collectCallFunctions(original->block(), pendingCalls);
    if (pendingCalls.empty()) {
        prepared.graph = original; // read only: no copy needed
        return prepared;
    }
    prepared.graph = original->copy();
    Graph &graph = *prepared.graph;
    const SourceInference inference(graph);
    bool inlined = false;
    for (int round = 0; round < 16; ++round) {
        std::vector<Node *> calls;
        collectCallFunctions(graph.block(), calls);
        if (calls.empty())
            break;
        for (Node *call : calls) {
            auto fnType = call->input(0)->type()->cast<c10::FunctionType>();
            if (!fnType)
                continue;
            auto found = prepared.sourceOverride.find(call);
            const SourceLocation location = found != prepared.sourceOverride.end()
                                                ? found->second
                                                : inference.locationOf(call);
            Node *before = call->prev();
            Node *after = call->next();
            call->removeInput(0); // the callee's graph takes the arguments without the function
            torch::jit::inlineCallTo(call, &torch::jit::toGraphFunction(*fnType->function()));
            inlined = true;
            for (Node *n = before->next(); n != after; n = n->next()) {
                prepared.sourceOverride[n] = location;
                std::vector<Block *> pending(n->blocks().begin(), n->blocks().end());
                while (!pending.empty()) {
                    Block *b = pending.back();
                    pending.pop_back();
                    for (Node *inner : b->nodes()) {
                        prepared.sourceOverride[inner] = location;
                        pending.insert(pending.end(), inner->blocks().begin(), inner->blocks().end());
                    }
                }
            }
        }
    }
    if (inlined) {
        // Folds branches on constant flags that inlined functionals bring (`if inplace:`).
        torch::jit::ConstantPropagationImmutableTypes(prepared.graph);
    }
    return prepared;
}

class GraphBuilder
{
public:
    explicit GraphBuilder(const torch::jit::Module &root) : root_(root) {}

    ModelGraph run()
    {
        collectModules();
        const torch::jit::Method forward = root_.get_method("forward");
        const c10::FunctionSchema &schema = forward.function().getSchema();
        graph_.signatureInputs = signatureOf(schema.arguments(), true);
        graph_.signatureOutputs = signatureOf(schema.returns(), false);

        const PreparedMethod &method = preparedMethod(root_, "forward");
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
        const PreparedMethod *method;
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
            graph_.modules.push_back(std::move(info));
        }
    }

    ModuleId moduleId(const torch::jit::Module &module) const
    {
        auto it = moduleIds_.find(module._ivalue().get());
        return it == moduleIds_.end() ? kNoId : it->second;
    }

    const PreparedMethod &preparedMethod(const torch::jit::Module &module, const std::string &name)
    {
        const auto key = std::make_pair(module._ivalue().get(), name);
        auto found = methods_.find(key);
        if (found != methods_.end())
            return found->second;
        auto method = module.find_method(name);
        if (!method)
            throw InputError("module of class " + module.type()->name()->qualifiedName() +
                             " has no method '" + name + "'");
        return methods_.emplace(key, prepareMethod(method->function())).first->second;
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

    GraphNode &newNode(NodeKind kind, const std::string &op, const Context &ctx)
    {
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
        const PreparedMethod &prepared = preparedMethod(callee, method);
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
            GraphNode &n = newNode(NodeKind::Op, "prim::GetAttr", ctx);
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
        GraphNode &n = newNode(NodeKind::Op, kind.toQualString(), ctx);
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
        GraphNode &n = newNode(NodeKind::Op, node->kind().toQualString(), ctx);
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
        const PreparedMethod &prepared = preparedMethod(callee, method);
        const bool selfCall = calleeId == ctx.owner;
        if (selfCall || calleeId == kNoId) {
            // A helper method of the same module (scripted `_forward_impl`): part of this body.
            expandBody(node, callee, prepared, ctx, env, ctx.parentCall);
            return;
        }
        const ModuleInfo &info = graph_.modules[calleeId];
        GraphNode &n = newNode(NodeKind::ModuleCall, method, ctx);
        const NodeId id = n.id;
        n.callee = calleeId;
        n.expanded = !info.leaf;
        const c10::FunctionSchema &schema = callee.get_method(method).function().getSchema();
        n.signatureInputs = signatureOf(schema.arguments(), true);
        n.signatureOutputs = signatureOf(schema.returns(), false);
        SourceLocation site = rawSource(node).original;
        if (site.known())
            sawScriptedSource_ = true;
        else
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
                                    const PreparedMethod &prepared, const Context &ctx, Env &env,
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
    ModelGraph graph_;
    std::unordered_map<ObjectPtr, ModuleId> moduleIds_;
    std::unordered_map<std::string, ModuleId> pathIds_;
    std::map<std::pair<ObjectPtr, std::string>, PreparedMethod> methods_;
    bool sawTracerStack_ = false;
    bool sawScriptedSource_ = false;
};

} // namespace

ModelGraph buildModelGraph(const TorchModel &model)
{
    try {
        ModelGraph graph = GraphBuilder(model.impl().module).run();
        graph.sourcePath = model.path();
        return graph;
    } catch (const InputError &) {
        throw;
    } catch (const c10::Error &e) {
        throw InputError("'" + model.path() + "': cannot analyse the model: " +
                         firstLine(e.what_without_backtrace()));
    }
}

} // namespace torchprep
