// Builds the model graph by walking the TorchScript IR of forward, call by call, following
// only the code that can run: what constants, attributes and call arguments fix is computed
// as the walk goes, and branches it decides are folded.
#include "graph_builder.h"
#include "graph_builder_torch.h"

#include "call_counts.h"
#include "checks/non_tensor_io.h"
#include "errors.h"
#include "layer_recognition_torch.h"
#include "method_view_torch.h"
#include "module_classes.h"
#include "op_catalogue.h"
#include "source_trace.h"
#include "static_values_torch.h"
#include "torch_functions_torch.h"
#include "torch_model_impl.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::Node;
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

bool isTensorType(const c10::TypePtr &type)
{
    return type->kind() == c10::TypeKind::TensorType;
}

void collectAssignments(const Block *block, std::set<std::pair<const c10::Type *, std::string>> &out)
{
    for (const Node *node : block->nodes()) {
        if (node->kind() == prim::SetAttr)
            out.insert({node->input(0)->type().get(), node->s(c10::attr::name)});
        for (const Block *sub : node->blocks())
            collectAssignments(sub, out);
    }
}

class GraphBuilder
{
public:
    GraphBuilder(const torch::jit::Module &root, GraphOrigins *origins, SourceDetail detail)
        : root_(root), origins_(origins), detail_(detail)
    {
    }

    ModelGraph run()
    {
        collectModules();
        const torch::jit::Method forward = root_.get_method("forward");
        const c10::FunctionSchema &schema = forward.function().getSchema();
        graph_.signatureInputs = signatureOf(schema.arguments(), true);
        graph_.signatureOutputs = signatureOf(schema.returns(), false);

        const MethodView &method = viewOf(root_, "forward");
        Env env;
        auto inputs = method.graph->inputs();
        env.objects[inputs[0]] = root_;
        for (std::size_t i = 1; i < inputs.size(); ++i) {
            const ValueId id = newValue(inputs[i], kNoId, ValueOrigin::Input);
            env.values[inputs[i]] = id;
            graph_.inputs.push_back(id);
        }
        Context ctx;
        ctx.owner = 0;
        ctx.method = &method;
        ctx.insideTorch = graph_.modules[0].composite;
        walkBlock(method.graph->block(), ctx, env);
        for (Value *out : method.graph->outputs()) {
            auto it = env.values.find(out);
            if (it != env.values.end())
                graph_.outputs.push_back(it->second);
        }
        graph_.returnSource = sourceOf(method.graph->return_node()).original;
        if (!graph_.returnSource.known() && !graph_.outputs.empty()) {
            const NodeId producer = graph_.values[graph_.outputs.front()].producer;
            if (producer != kNoId)
                graph_.returnSource = graph_.nodes[producer].source;
            const Node *returned = method.graph->outputs()[0]->node();
            if (!graph_.returnSource.known() && returned->kind() != prim::Param)
                graph_.returnSource = placed(lineOf(returned, ctx), ctx, env).source;
        }
        resolvePendingCallSites();
        graph_.scripted = sawScriptedSource_ && !sawTracerStack_;
        return std::move(graph_);
    }

private:
    // What the walk knows inside one method body.
    struct Env
    {
        std::unordered_map<const Value *, ValueId> values;
        std::unordered_map<const Value *, torch::jit::Module> objects;
        std::unordered_map<const Value *, c10::IValue> fixed; // known before the run
        std::unordered_map<const Value *, c10::TypePtr> types; // parameters: the argument's type
        SourceLocation recentSource; // the last user line in this body, for lines torch hides
        std::string callKey;         // traced: the torch function call the last op belonged to
        NodeId callLead = kNoId;
    };
    struct Context
    {
        ModuleId owner = kNoId;
        NodeId parentCall = kNoId;
        NodeId parentControl = kNoId;
        int blockIndex = -1;
        int depth = 0;
        const MethodView *method = nullptr;
        bool insideTorch = false; // in a composite torch.nn layer's code
        SourceLocation userSite;  // insideTorch: the user's call of the outermost composite
    };
    // Where a node is, as the checks report it.
    struct Where
    {
        SourceLocation source;
        SourceLocation torchSource;
        std::string function; // traced: the torch function this op ran inside
        std::string callKey;
    };

    void collectModules()
    {
        std::set<const c10::Type *> types;
        for (const torch::jit::NameModule &named : root_.named_modules()) {
            ObjectPtr object = named.value._ivalue().get();
            if (types.insert(named.value.type().get()).second)
                for (const torch::jit::Function *method : named.value.type()->methods())
                    collectAssignments(torch::jit::toGraphFunction(*method).graph()->block(),
                                       assigned_);
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
        // Children come after their parent: summing backwards adds each subtree once.
        for (std::size_t i = graph_.modules.size(); i-- > 1;)
            graph_.modules[graph_.modules[i].parent].parameterCount += graph_.modules[i].parameterCount;
    }

    ModuleId moduleId(const torch::jit::Module &module) const
    {
        auto it = moduleIds_.find(module._ivalue().get());
        return it == moduleIds_.end() ? kNoId : it->second;
    }

    // Views are per method code, shared by every instance of a type: what differs between
    // instances (attribute values) is read during the walk.
    const MethodView &viewOf(const torch::jit::Module &module, const std::string &name)
    {
        auto method = module.find_method(name);
        if (!method)
            throw InputError("module of class " + module.type()->name()->qualifiedName() +
                             " has no method '" + name + "'");
        const torch::jit::Function *function = &method->function();
        auto found = views_.find(function);
        if (found != views_.end())
            return found->second;
        return views_.emplace(function, viewMethod(*function)).first->second;
    }

    // What a node says about its source, read once: reading it means parsing a traced op's
    // stack, the walk's largest cost.
    const RawSource &sourceOf(const Node *node)
    {
        auto it = rawSources_.find(node);
        if (it == rawSources_.end())
            it = rawSources_.emplace(node, rawSource(node)).first;
        return it->second;
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
        node.insideTorch = ctx.insideTorch;
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

    // `to` stands for `from` (a folded branch's result, a call's argument).
    static void alias(const Value *from, const Env &source, const Value *to, Env &target)
    {
        if (auto v = source.values.find(from); v != source.values.end()) {
            const ValueId id = v->second;
            target.values[to] = id;
        }
        if (auto o = source.objects.find(from); o != source.objects.end()) {
            torch::jit::Module object = o->second;
            target.objects[to] = object;
        }
        if (auto f = source.fixed.find(from); f != source.fixed.end()) {
            c10::IValue value = f->second;
            target.fixed[to] = value;
        }
    }

    // ---- where nodes are ----------------------------------------------------------------

    // The line a node names at its own level, before torch's lines are told from the user's.
    Where lineOf(const Node *node, const Context &ctx)
    {
        Where where;
        auto in = ctx.method->inlined.find(node);
        const bool inlined = in != ctx.method->inlined.end();
        if (inlined && in->second.torchCode) {
            // Torch's composite functions count as the line that called them.
            where.source = in->second.call;
            return where;
        }
        const RawSource &raw = sourceOf(node);
        if (node->kind() == prim::CallFunction) {
            // Scripted calls mostly lose their range when saved: read the line back.
            where.source = raw.original.known() ? raw.original : ctx.method->callSite(node);
            if (!where.source.known() && inlined)
                where.source = in->second.call;
            if (!where.source.known())
                where.source = ctx.method->lineOfStatement(node); // `self.activation(x)`
            return where;
        }
        if (inlined) {
            // The model's own functions keep their own lines.
            where.source = raw.original.known() ? raw.original : in->second.call;
            return besideBuiltin(where, node, ctx);
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
        return besideBuiltin(where, node, ctx);
    }

    // What TorchScript's builtins expand to (`2.0 * x`) names their source, "<string>": the
    // user's line is the one the other ops of that statement name.
    static Where besideBuiltin(Where where, const Node *node, const Context &ctx)
    {
        if (where.source.file == "<string>") {
            const SourceLocation near = ctx.method->lineOfStatement(node);
            if (near.known())
                where.source = near;
        }
        return where;
    }

    // Findings point at the user's lines: a line in torch's files becomes torchSource, and
    // the user's line is the call of the composite layer (or the last user line of the body,
    // for what TorchScript's builtins expand to).
    Where placed(Where where, const Context &ctx, Env &env)
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

    // Traced ops that ran inside one call of a torch function (F.normalize's norm, clamp_min
    // and div) share the first one's id; the checks count them as that one call.
    void groupTracedCall(GraphNode &n, const Where &where, Env &env)
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

    // Traced calls print ":0:0"; the call site is in the stacks of the ops inside the callee,
    // one module level further out per call level descended. The first op with a stack
    // decides: every op of one call shares the frames above it (a call made by nn.Sequential's
    // own forward has no user line). Nothing when no op inside has a stack.
    std::optional<SourceLocation> callSiteFromBody(const torch::jit::Module &callee,
                                                   const std::string &method, int extraDepth,
                                                   bool torchLayerCode)
    {
        if (extraDepth > 8)
            return std::nullopt;
        const MethodView &view = viewOf(callee, method);
        std::unordered_map<const Value *, torch::jit::Module> objects;
        objects[view.graph->inputs()[0]] = callee;
        for (const Node *node : view.graph->nodes()) {
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
                if (auto site = callSiteFromBody(target->second, node->s(c10::attr::name),
                                                 extraDepth + (same ? 0 : 1), torchLayerCode))
                    return site;
                continue;
            }
            if (node->kind() == prim::Constant)
                continue;
            const RawSource &raw = sourceOf(node);
            if (!raw.stack.empty())
                return userFrame(raw.stack, extraDepth + 1, torchLayerCode);
        }
        return std::nullopt;
    }

    // The same, read off the ops of a body the walk has just walked: no layer's debug info
    // needs reading.
    std::optional<SourceLocation> siteFromBody(NodeId call, bool torchLayerCode)
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

    // ForChecks: the lines findings can name; views, shape queries and bookkeeping have none.
    static bool needsLine(const std::string &kind)
    {
        return (!isExemptOp(kind) || kind == "prim::SetAttr") && !isScalarConversion(kind);
    }

    static std::string constantText(const c10::IValue &value)
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

    // ForChecks leaves a traced call's line unread when only the layers it calls could tell
    // it, until the walk knows a finding names it: a module that runs more than once
    // (reused_module), one whose signature is not all tensors (non_tensor_io).
    void resolvePendingCallSites()
    {
        auto tensorsOnly = [](const std::vector<SignatureEntry> &entries) {
            return std::all_of(entries.begin(), entries.end(),
                               [](const SignatureEntry &e) { return isTensorOrTensorTuple(e.type); });
        };
        for (const PendingCallSite &pending : pendingCallSites_) {
            const GraphNode &call = graph_.nodes[pending.call];
            const ModuleInfo &module = graph_.modules[call.callee];
            if (module.calls.size() < 2 && enclosingLoops(graph_, pending.call).empty() &&
                tensorsOnly(call.signatureInputs) && tensorsOnly(call.signatureOutputs))
                continue;
            Where where;
            where.source = callSiteFromBody(pending.callee, pending.method, 0, pending.context.insideTorch)
                               .value_or(SourceLocation());
            Env env;
            where = placed(where, pending.context, env);
            graph_.nodes[pending.call].source = where.source;
            graph_.nodes[pending.call].torchSource = where.torchSource;
        }
    }

    // ---- the walk ------------------------------------------------------------------------

    void walkBlock(const Block *block, const Context &ctx, Env &env)
    {
        for (const Node *node : block->nodes())
            walkNode(node, ctx, env);
    }

    void walkNode(const Node *node, const Context &ctx, Env &env)
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
        } else if (detail_ == SourceDetail::All || needsLine(kind.toQualString())) {
            const Where where = placed(lineOf(node, ctx), ctx, env);
            n.source = where.source;
            n.torchSource = where.torchSource;
            groupTracedCall(n, where, env);
            if (const RawSource &raw = sourceOf(node); !raw.stack.empty()) {
                stackOf_.resize(graph_.nodes.size(), nullptr);
                stackOf_[id] = &raw;
            }
        }
        if (kind == prim::SetAttr)
            noteAssignment(node, env);
        bindInputs(node, id, env);
        bindOutputs(node, id, env,
                    kind == prim::Constant ? ValueOrigin::Constant : ValueOrigin::Computed);
        computeAhead(node, env);
    }

    void walkGetAttr(const Node *node, const Context &ctx, Env &env)
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
        // An attribute no method assigns is fixed for the run: `self.residual`, `self.training`,
        // an optional `self.bias_k` that is None.
        const c10::TypePtr &type = node->output()->type();
        if (owner == env.objects.end() || assigned_.count({node->input(0)->type().get(), name}))
            return;
        if (isFixedValueType(type)) {
            env.fixed[node->output()] = owner->second.attr(name);
        } else if (type->kind() == c10::TypeKind::ListType) {
            if (auto list = fixedListCopy(owner->second.attr(name)))
                env.fixed[node->output()] = *list;
        } else if (type->kind() == c10::TypeKind::OptionalType) {
            c10::IValue value = owner->second.attr(name);
            if (value.isNone())
                env.fixed[node->output()] = value;
        }
    }

    void noteAssignment(const Node *node, const Env &env)
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

    // The value `id` is the same object as (an `if` whose branches each return one value for
    // two of its results makes them one).
    ValueId representative(ValueId id) const
    {
        for (auto it = identical_.find(id); it != identical_.end(); it = identical_.find(id))
            id = it->second;
        return id;
    }

    // Whether `a is b`, when the walk can tell: the same value, or None against a tensor.
    std::optional<bool> identity(const Value *a, const Value *b, const Env &env) const
    {
        auto va = env.values.find(a), vb = env.values.find(b);
        if (a == b || (va != env.values.end() && vb != env.values.end() &&
                       representative(va->second) == representative(vb->second)))
            return true;
        auto none = [&](const Value *v) {
            auto f = env.fixed.find(v);
            return f != env.fixed.end() && f->second.isNone();
        };
        auto tensor = [&](const Value *v, std::unordered_map<const Value *, ValueId>::const_iterator id) {
            return isTensorType(v->type()) ||
                   (id != env.values.end() && graph_.values[id->second].type == "Tensor");
        };
        if (none(a) && none(b))
            return true;
        if ((none(a) && tensor(b, vb)) || (none(b) && tensor(a, va)))
            return false;
        // Two tensors the walk never saw become one (MHA's `query is key` for cross attention).
        if (tensor(a, va) && tensor(b, vb) && va != env.values.end() && vb != env.values.end())
            return false;
        return std::nullopt;
    }

    // Records what the node's results are when its inputs are fixed.
    void computeAhead(const Node *node, Env &env)
    {
        const c10::Symbol kind = node->kind();
        if (kind == c10::aten::__is__ || kind == c10::aten::__isnot__) {
            if (auto same = identity(node->input(0), node->input(1), env))
                env.fixed[node->output()] = kind == c10::aten::__is__ ? *same : !*same;
            return;
        }
        if (kind == prim::unchecked_cast) {
            if (auto f = env.fixed.find(node->input(0)); f != env.fixed.end())
                env.fixed[node->output()] = f->second;
            return;
        }
        if (kind == prim::isinstance) {
            // The argument's type where the caller passed it: a Union parameter holds a Tensor.
            c10::TypePtr type = node->input()->type();
            if (auto t = env.types.find(node->input()); t != env.types.end())
                type = t->second;
            if (type->kind() == c10::TypeKind::UnionType || type->kind() == c10::TypeKind::OptionalType ||
                type->kind() == c10::TypeKind::AnyType)
                return;
            bool matches = false;
            for (const c10::TypePtr &candidate : node->tys(c10::attr::types))
                matches = matches || type->isSubtypeOf(*candidate);
            env.fixed[node->output()] = matches;
            return;
        }
        if (kind == prim::Constant)
            return;
        if (followListEdits(node, env) || node->outputs().empty())
            return;
        std::vector<c10::IValue> inputs;
        inputs.reserve(node->inputs().size());
        for (const Value *in : node->inputs()) {
            auto f = env.fixed.find(in);
            if (f == env.fixed.end())
                return;
            inputs.push_back(f->second);
        }
        if (kind == prim::ListConstruct || kind == c10::aten::copy || kind == c10::aten::list) {
            // A new list: fixed when its items are (`shift_size.copy()`).
            if (kind == prim::ListConstruct) {
                auto type = node->output()->type()->cast<c10::ListType>();
                if (!type || !isFixedValueType(type->getElementType()))
                    return;
                c10::impl::GenericList list(type->getElementType());
                for (const c10::IValue &item : inputs)
                    list.push_back(item);
                env.fixed[node->output()] = c10::IValue(list);
            } else if (auto copy = fixedListCopy(inputs.front())) {
                env.fixed[node->output()] = *copy;
            }
            return;
        }
        if (auto results = evaluateAhead(node, inputs))
            for (std::size_t i = 0; i < results->size(); ++i)
                env.fixed[node->output(i)] = (*results)[i];
    }

    // An op that edits a fixed list in place (`shift_size[0] = 0`): when it leaves the list as
    // it was (in any branch), the list stays fixed; else the walk no longer knows it. True when
    // the node edits a fixed list.
    bool followListEdits(const Node *node, Env &env)
    {
        bool edits = false;
        for (std::size_t i = 0; i < node->inputs().size(); ++i) {
            auto list = env.fixed.find(node->input(i));
            if (list == env.fixed.end() || !list->second.isList() || !writesInput(node, i))
                continue;
            edits = true;
            const c10::IValue before = list->second;
            std::vector<c10::IValue> inputs;
            bool complete = true;
            for (const Value *in : node->inputs()) {
                auto f = env.fixed.find(in);
                complete = complete && f != env.fixed.end();
                inputs.push_back(complete ? (f->second.isList() ? *fixedListCopy(f->second) : f->second)
                                          : c10::IValue());
            }
            if (complete && runInPlace(node, inputs) && sameFixedValue(inputs[i], before))
                continue; // `shift_size[0] = 0` on a list whose item 0 is 0
            // Every value that is this list object is no longer known.
            for (auto it = env.fixed.begin(); it != env.fixed.end();)
                it = it->second.isSameIdentity(before) ? env.fixed.erase(it) : std::next(it);
        }
        return edits;
    }

    // A call of one of torch's functions: one node, the op it computes for these arguments.
    void walkTorchFunction(const Node *node, torch::jit::Function &fn, const Context &ctx, Env &env)
    {
        std::vector<ArgumentFact> facts;
        for (std::size_t i = 1; i < node->inputs().size(); ++i) {
            ArgumentFact fact;
            const Value *in = node->input(i);
            if (auto f = env.fixed.find(in); f != env.fixed.end())
                fact.value = f->second;
            auto v = env.values.find(in);
            fact.notNone = isTensorType(in->type()) ||
                           (v != env.values.end() && graph_.values[v->second].type == "Tensor");
            facts.push_back(std::move(fact));
        }
        GraphNode &n = newNode(NodeKind::Op, torchOps_.opOf(fn, facts), ctx, node);
        const NodeId id = n.id;
        n.function = pythonNameOf(fn);
        n.attribute = n.function;
        n.libraryCall = id;
        const Where where = placed(lineOf(node, ctx), ctx, env);
        n.source = where.source;
        n.torchSource = where.torchSource;
        env.callKey.clear();
        bindInputs(node, id, env, 1);
        bindOutputs(node, id, env, ValueOrigin::Computed);
        // Composite layers are read for batched inputs, the rank a trace of them records.
        if (ctx.insideTorch && n.function == "torch.nn.functional._mha_shape_check" &&
            node->outputs().size() == 1)
            env.fixed[node->output()] = true;
    }

    // The block of an `if` that runs, when the walk can tell: a fixed condition, an assert
    // (the other block raises), or a composite layer's fused fast path (not followed).
    const Block *takenBlock(const Node *node, const Context &ctx, const Env &env)
    {
        const Block *then = node->blocks()[0], *otherwise = node->blocks()[1];
        if (auto f = env.fixed.find(node->input(0)); f != env.fixed.end() && f->second.isBool())
            return f->second.toBool() ? then : otherwise;
        const bool thenRaises = blockRaises(then), elseRaises = blockRaises(otherwise);
        if (thenRaises != elseRaises)
            return thenRaises ? otherwise : then;
        if (ctx.insideTorch) {
            const bool thenFused = fusedBlock(then), elseFused = fusedBlock(otherwise);
            if (thenFused != elseFused)
                return thenFused ? otherwise : then;
        }
        return nullptr;
    }

    bool fusedBlock(const Block *block)
    {
        auto it = fused_.find(block);
        if (it == fused_.end())
            it = fused_.emplace(block, callsFusedKernel(block)).first;
        return it->second;
    }

    void walkIf(const Node *node, const Context &ctx, Env &env)
    {
        if (const Block *taken = takenBlock(node, ctx, env)) {
            walkBlock(taken, ctx, env);
            for (std::size_t i = 0; i < node->outputs().size(); ++i)
                alias(taken->outputs()[i], env, node->output(i), env);
            return;
        }
        walkControl(node, ctx, env);
        noteIdenticalResults(node, env);
        refineOptionalResults(node, env);
        // A result both branches fix to the same value is fixed.
        for (std::size_t i = 0; i < node->outputs().size(); ++i) {
            auto a = env.fixed.find(node->blocks()[0]->outputs()[i]);
            auto b = env.fixed.find(node->blocks()[1]->outputs()[i]);
            if (a != env.fixed.end() && b != env.fixed.end() && sameFixedValue(a->second, b->second))
                env.fixed[node->output(i)] = a->second;
        }
    }

    // An Optional result that every branch that returns sets to a tensor is a tensor (so a
    // later `mask is not None` folds).
    void refineOptionalResults(const Node *node, const Env &env)
    {
        for (std::size_t i = 0; i < node->outputs().size(); ++i) {
            auto out = env.values.find(node->output(i));
            if (out == env.values.end() || graph_.values[out->second].type != "Optional[Tensor]")
                continue;
            bool tensor = true;
            for (const Block *block : node->blocks()) {
                if (blockRaises(block))
                    continue;
                auto v = env.values.find(block->outputs()[i]);
                tensor = tensor && v != env.values.end() && graph_.values[v->second].type == "Tensor";
            }
            if (tensor)
                graph_.values[out->second].type = "Tensor";
        }
    }

    // Results of an `if` that are one object in every branch that returns stay one object
    // (`key = value = query.transpose(1, 0)` in one branch, untouched in the other).
    void noteIdenticalResults(const Node *node, const Env &env)
    {
        const std::size_t count = node->outputs().size();
        auto rep = [&](const Value *v) -> ValueId {
            auto it = env.values.find(v);
            return it == env.values.end() ? kNoId : representative(it->second);
        };
        for (std::size_t j = 1; j < count; ++j) {
            for (std::size_t i = 0; i < j; ++i) {
                bool same = true;
                for (const Block *block : node->blocks()) {
                    if (blockRaises(block))
                        continue;
                    const ValueId a = rep(block->outputs()[i]), b = rep(block->outputs()[j]);
                    same = same && a != kNoId && a == b;
                }
                const ValueId oi = rep(node->output(i)), oj = rep(node->output(j));
                if (same && oi != kNoId && oj != kNoId && oi != oj) {
                    identical_[oj] = oi;
                    break;
                }
            }
        }
    }

    void walkLoop(const Node *node, const Context &ctx, Env &env)
    {
        auto fixedInt = [&](const Value *v) -> std::optional<int64_t> {
            auto f = env.fixed.find(v);
            if (f == env.fixed.end() || !f->second.isInt())
                return std::nullopt;
            return f->second.toInt();
        };
        auto fixedBool = [&](const Value *v) -> std::optional<bool> {
            auto f = env.fixed.find(v);
            if (f == env.fixed.end() || !f->second.isBool())
                return std::nullopt;
            return f->second.toBool();
        };
        const auto trips = fixedInt(node->input(0));
        const auto start = fixedBool(node->input(1));
        if ((trips && *trips <= 0) || (start && !*start)) {
            // Never runs: its results are the initial values.
            for (std::size_t i = 0; i < node->outputs().size(); ++i)
                alias(node->input(i + 2), env, node->output(i), env);
            return;
        }
        const NodeId id = walkControl(node, ctx, env);
        const auto again = fixedBool(node->blocks()[0]->outputs()[0]);
        constexpr int64_t kWhileLoop = std::numeric_limits<int64_t>::max();
        if (trips && *trips < kWhileLoop && start && again && *again)
            graph_.nodes[id].tripCount = static_cast<int>(std::min<int64_t>(*trips, 1 << 30));
    }

    NodeId walkControl(const Node *node, const Context &ctx, Env &env)
    {
        GraphNode &n = newNode(NodeKind::Op, node->kind().toQualString(), ctx, node);
        const NodeId id = n.id;
        const Where where = placed(lineOf(node, ctx), ctx, env);
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
        env.callKey.clear();
        return id;
    }

    // The source of a module call: the user's line, or inside torch's code the line there.
    Where callLine(const Node *node, NodeId id, const torch::jit::Module &callee,
                   const std::string &method, bool leaf, const Context &ctx, Env &env)
    {
        const RawSource &raw = sourceOf(node);
        Where where;
        where.source = raw.original;
        if (where.source.known())
            sawScriptedSource_ = true;
        else if (!raw.stack.empty()) // a call the preparer put where a traced op was
            where.source = tracedOrigin(raw.stack).code;
        if (!where.source.known()) {
            if (leaf && detail_ == SourceDetail::ForChecks) {
                pendingCallSites_.push_back({id, callee, method, ctx});
                return where;
            }
            if (!leaf && !graph_.modules[graph_.nodes[id].callee].composite)
                return where; // read off the body once it is walked: siteFromBody
            where.source = callSiteFromBody(callee, method, 0, ctx.insideTorch).value_or(SourceLocation());
        }
        return placed(where, ctx, env);
    }

    void walkCall(const Node *node, const torch::jit::Module &callee, const Context &ctx, Env &env)
    {
        const std::string method = node->s(c10::attr::name);
        const ModuleId calleeId = moduleId(callee);
        if (ctx.depth > kMaxCallDepth)
            throw InputError("module calls nest deeper than " + std::to_string(kMaxCallDepth) +
                             " levels (recursive model?)");
        const MethodView &view = viewOf(callee, method);
        if (calleeId == ctx.owner || calleeId == kNoId) {
            // A helper method of the same module (scripted `_forward_impl`): part of this body.
            Context body = ctx;
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
        const Where where = callLine(node, id, callee, method, leaf, ctx, env);
        graph_.nodes[id].source = where.source;
        graph_.nodes[id].torchSource = where.torchSource;
        graph_.modules[calleeId].calls.push_back(id);
        env.callKey.clear();
        bindInputs(node, id, env, 1);
        if (leaf) {
            bindOutputs(node, id, env, ValueOrigin::Computed);
            return;
        }
        Context inner;
        inner.owner = calleeId;
        inner.parentCall = id;
        inner.depth = ctx.depth + 1;
        inner.insideTorch = ctx.insideTorch || graph_.modules[calleeId].composite;
        inner.userSite = ctx.insideTorch ? ctx.userSite : where.source;
        const std::vector<ValueId> results = expandBody(node, callee, view, inner, env);
        graph_.nodes[id].outputs = results;
        if (!where.source.known() && !sourceOf(node).original.known()) {
            Where site;
            auto found = siteFromBody(id, ctx.insideTorch);
            if (!found && detail_ == SourceDetail::ForChecks) {
                pendingCallSites_.push_back({id, callee, method, ctx});
                return;
            }
            if (!found)
                found = callSiteFromBody(callee, method, 0, ctx.insideTorch);
            site.source = found.value_or(SourceLocation());
            site = placed(site, ctx, env);
            graph_.nodes[id].source = site.source;
            graph_.nodes[id].torchSource = site.torchSource;
        }
    }

    // Walks `view` with its inputs bound to the call's arguments; maps the call's outputs.
    std::vector<ValueId> expandBody(const Node *call, const torch::jit::Module &callee,
                                    const MethodView &view, const Context &ctx, Env &env)
    {
        Env inner;
        auto params = view.graph->inputs();
        inner.objects[params[0]] = callee;
        for (std::size_t i = 1; i < params.size() && i < call->inputs().size(); ++i) {
            alias(call->input(i), env, params[i], inner);
            // A callee may edit a list in place where the caller would not see it: not shared.
            if (auto f = inner.fixed.find(params[i]); f != inner.fixed.end() && f->second.isList())
                inner.fixed.erase(f);
            auto type = env.types.find(call->input(i));
            inner.types[params[i]] = type != env.types.end() ? type->second : call->input(i)->type();
        }
        inner.recentSource = env.recentSource;
        Context body = ctx;
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

    const torch::jit::Module &root_;
    GraphOrigins *origins_;
    ModelGraph graph_;
    std::unordered_map<ObjectPtr, ModuleId> moduleIds_;
    std::unordered_map<std::string, ModuleId> pathIds_;
    std::unordered_map<const torch::jit::Function *, MethodView> views_;
    std::set<std::pair<const c10::Type *, std::string>> assigned_; // attributes set at run time
    std::unordered_map<const Block *, bool> fused_;
    std::unordered_map<const Node *, RawSource> rawSources_;
    std::unordered_map<const c10::Type *, std::string> typeTexts_; // types outlive the walk
    struct PendingCallSite
    {
        NodeId call;
        torch::jit::Module callee;
        std::string method;
        Context context;
    };
    std::vector<PendingCallSite> pendingCallSites_;
    std::vector<const RawSource *> stackOf_; // by NodeId: traced ops' stacks, for siteFromBody
    SourceDetail detail_;
    std::unordered_map<ValueId, ValueId> identical_; // a value -> the one it is the same object as
    TorchFunctionOps torchOps_;
    LayerRecognition layers_;
    bool sawTracerStack_ = false;
    bool sawScriptedSource_ = false;
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
        throw InputError("'" + path + "': cannot analyse the model: " +
                         firstLine(e.what_without_backtrace()));
    }
}

ModelGraph buildModelGraph(const TorchModel &model, SourceDetail detail)
{
    return buildModelGraph(model.impl().module, model.path(), nullptr, detail);
}

} // namespace torchprep
