#include "pt2/program_graph.h"

#include "base/errors.h"
#include "graph/module_classes.h"
#include "pt2/metadata_text.h"

#include <algorithm>
#include <map>
#include <set>

namespace torchprep {

namespace {

// "torch.ops.aten.conv2d.default" -> "aten::conv2d"; what export records in place of
// TorchScript's own ops keeps TorchScript's name (sym_size is a shape query, cond an `if`).
std::string opName(const std::string &target)
{
    static const std::map<std::string, std::string> renamed = {
        {"torch.ops.aten.sym_size.int", "aten::size"},
        {"torch.ops.aten.sym_size.default", "aten::size"},
        {"torch.ops.aten.sym_numel.default", "aten::numel"},
        {"torch.ops.aten.sym_stride.int", "aten::stride"},
        {"torch.ops.higher_order.cond", "prim::If"},
        {"torch.ops.higher_order.while_loop", "prim::Loop"},
    };
    if (const auto it = renamed.find(target); it != renamed.end())
        return it->second;
    const std::string prefix = "torch.ops.";
    if (target.compare(0, prefix.size(), prefix) != 0)
        return target; // Python arithmetic on sizes (`_operator.mul`): no `::`, no op to judge
    const std::string rest = target.substr(prefix.size());
    const std::size_t dot = rest.find('.');
    if (dot == std::string::npos)
        return target;
    const std::size_t overload = rest.find('.', dot + 1);
    return rest.substr(0, dot) + "::" + rest.substr(dot + 1, overload - dot - 1);
}

std::string typeOfKind(const std::string &kind)
{
    if (kind == "as_tensor")
        return "Tensor";
    if (kind == "as_int" || kind == "as_sym_int")
        return "int";
    if (kind == "as_float" || kind == "as_sym_float")
        return "float";
    if (kind == "as_bool" || kind == "as_sym_bool")
        return "bool";
    if (kind == "as_string")
        return "str";
    if (kind == "as_none")
        return "NoneType";
    if (kind == "as_tensors")
        return "List[Tensor]";
    return "Any";
}

SourceLocation locationOf(const ExportedFrame &frame)
{
    SourceLocation s;
    s.file = frame.file;
    s.line = frame.line;
    return s;
}

// The innermost frame of the user's code.
const ExportedFrame *innermostUserFrame(const std::vector<ExportedFrame> &frames)
{
    for (auto it = frames.rbegin(); it != frames.rend(); ++it)
        if (!isTorchFrame(*it))
            return &*it;
    return nullptr;
}

// Where the module at `level` of the stack (1 = a child of the model) was called: the frame
// before the level-th `forward` in the trace (the model's own forward is the 0th); the
// innermost user frame when the trace does not show that many.
SourceLocation callSiteAt(const std::vector<ExportedFrame> &frames, std::size_t level)
{
    std::size_t forwards = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        if (frames[i].function != "forward")
            continue;
        if (forwards++ == level) {
            for (std::size_t k = i; k-- > 0;)
                if (!isTorchFrame(frames[k]))
                    return locationOf(frames[k]);
            break;
        }
    }
    const ExportedFrame *user = innermostUserFrame(frames);
    return user ? locationOf(*user) : SourceLocation{};
}

class ProgramGraphBuilder
{
  public:
    ProgramGraphBuilder(const ExportedProgram &program, const std::string &path) : program_(program)
    {
        graph_.sourcePath = path;
        graph_.format = ModelFormat::ExportedProgram;
        graph_.scripted = false;
    }

    ModelGraph build()
    {
        makeModules();
        Scope scope;
        const ExportedGraph &main = program_.graphs.front();
        for (std::size_t i = 0; i < main.inputs.size(); ++i)
            bindInput(main.inputs[i],
                      i < program_.inputSpecs.size() ? &program_.inputSpecs[i] : nullptr, scope);
        Context top;
        walkGraph(main, top, scope);
        for (const ExportedValueRef &out : main.outputs)
            if (const auto it = scope.find(out.name); it != scope.end())
                graph_.outputs.push_back(it->second);
        connectCalls();
        makeSignature();
        countParameters();
        return std::move(graph_);
    }

  private:
    using Scope = std::map<std::string, ValueId>;

    // Where the walk is: the control node and block holding it, the chain of calls around it.
    struct Context
    {
        NodeId parentControl = kNoId;
        int blockIndex = -1;
        std::vector<ExportedModuleFrame> inheritedStack; // a branch's nodes carry none
    };

    // A call of a layer collecting the ops it ran.
    struct LayerCall
    {
        std::set<std::string> producedInside;
    };

    void makeModules()
    {
        ModuleInfo root;
        root.id = 0;
        root.className = "torch.nn.Module";
        graph_.modules.push_back(root);
        moduleByPath_[""] = 0;
        for (const ExportedGraph &g : program_.graphs)
            for (const ExportedNode &n : g.nodes)
                for (const ExportedModuleFrame &f : n.moduleStack) {
                    if (f.path.empty()) {
                        setClass(graph_.modules[0], f.className);
                        continue;
                    }
                    setClass(graph_.modules[moduleFor(f.path)], f.className);
                    classRecorded_.insert(f.path);
                }
        for (ModuleInfo &m : graph_.modules) {
            if (m.className.empty())
                m.className = "torch.nn.Module";
            m.typeName = shortClassName(m.className);
            m.composite = isCompositeNnClass(m.className);
            m.leaf = !m.composite && isLeafModuleClass(m.className);
        }
    }

    static void setClass(ModuleInfo &m, const std::string &className)
    {
        if (m.className.empty() || m.className == "torch.nn.Module")
            m.className = className;
    }

    // The module at `path`, made (with its parents, parents first) when new.
    ModuleId moduleFor(const std::string &path)
    {
        if (const auto it = moduleByPath_.find(path); it != moduleByPath_.end())
            return it->second;
        const std::size_t dot = path.rfind('.');
        const ModuleId parent = moduleFor(dot == std::string::npos ? "" : path.substr(0, dot));
        ModuleInfo m;
        m.id = static_cast<ModuleId>(graph_.modules.size());
        m.path = path;
        m.name = dot == std::string::npos ? path : path.substr(dot + 1);
        m.parent = parent;
        graph_.modules[parent].children.push_back(m.id);
        graph_.modules.push_back(m);
        moduleByPath_[path] = m.id;
        return m.id;
    }

    ValueId newValue(const std::string &name, const std::string &type, ValueOrigin origin,
                     NodeId producer)
    {
        GraphValue v;
        v.id = static_cast<ValueId>(graph_.values.size());
        v.name = name;
        v.type = type;
        v.origin = origin;
        v.producer = producer;
        graph_.values.push_back(v);
        return v.id;
    }

    void bindInput(const ExportedValueRef &ref, const ExportedSpec *spec, Scope &scope)
    {
        const bool user = !spec || spec->kind == "user_input";
        if (ref.name.empty()) {
            if (user)
                userInputs_.push_back({"", ref.type});
            return;
        }
        const ValueId v =
            newValue(ref.name, ref.type, user ? ValueOrigin::Input : ValueOrigin::Parameter, kNoId);
        scope[ref.name] = v;
        if (user) {
            graph_.inputs.push_back(v);
            userInputs_.push_back({ref.name, ref.type});
        } else if (spec && (spec->kind == "parameter" || spec->kind == "buffer") &&
                   !spec->target.empty()) {
            if (spec->kind == "parameter") // what Params counts: buffers are not trained
                state_.push_back({spec->target, ref.name});
            const std::size_t dot = spec->target.rfind('.');
            parameterOwner_[v] = dot == std::string::npos ? "" : spec->target.substr(0, dot);
        }
    }

    GraphNode &newNode(NodeKind kind, const std::string &op, const Context &ctx)
    {
        GraphNode n;
        n.id = static_cast<NodeId>(graph_.nodes.size());
        n.kind = kind;
        n.op = op;
        n.parentControl = ctx.parentControl;
        n.blockIndex = ctx.blockIndex;
        graph_.nodes.push_back(std::move(n));
        return graph_.nodes.back();
    }

    void use(NodeId node, ValueId value)
    {
        graph_.nodes[node].inputs.push_back(value);
        graph_.values[value].users.push_back(node);
    }

    ValueId lookup(const Scope &scope, const std::string &name) const
    {
        const auto it = scope.find(name);
        if (it == scope.end())
            throw InputError("the program reads '" + name + "' before anything produces it");
        return it->second;
    }

    // The calls around a node: made when first seen. Returns the innermost call (kNoId at the
    // model's level) and sets `layer` to the layer call holding the node, if any.
    NodeId enterCalls(const std::vector<ExportedModuleFrame> &stack, const ExportedNode &node,
                      const Context &ctx, NodeId &layer, bool &inComposite)
    {
        NodeId call = kNoId;
        ModuleId owner = 0;
        std::string key;
        layer = kNoId;
        inComposite = false;
        std::size_t level = 0;
        for (const ExportedModuleFrame &frame : stack) {
            if (frame.path.empty())
                continue;
            ++level;
            key += frame.key + ";";
            const ModuleId module = moduleFor(frame.path);
            NodeId id = kNoId;
            if (const auto found = callByKey_.find(key); found != callByKey_.end()) {
                id = found->second;
            } else {
                GraphNode &n = newNode(NodeKind::ModuleCall, "forward", ctx);
                id = n.id;
                n.owner = owner;
                n.callee = module;
                n.parentCall = call;
                n.expanded = !graph_.modules[module].leaf;
                n.insideTorch = inComposite;
                n.source = callSiteAt(node.stackTrace, level);
                callByKey_[key] = id;
                graph_.modules[module].calls.push_back(id);
            }
            call = id;
            owner = module;
            if (graph_.modules[module].leaf) {
                layer = id;
                return call;
            }
            inComposite = inComposite || graph_.modules[module].composite;
        }
        return call;
    }

    void walkGraph(const ExportedGraph &g, const Context &ctx, Scope &scope)
    {
        for (const ExportedNode &node : g.nodes)
            walkNode(node, ctx, scope);
    }

    void walkNode(const ExportedNode &node, const Context &ctx, Scope &scope)
    {
        std::vector<ExportedModuleFrame> stack =
            node.moduleStack.empty() ? ctx.inheritedStack : node.moduleStack;
        if (node.moduleStack.empty() && ctx.parentControl != kNoId)
            addLayerOfParameters(stack, node, ctx, scope);
        NodeId layer = kNoId;
        bool inComposite = false;
        const NodeId call = enterCalls(stack, node, ctx, layer, inComposite);
        const std::string op = opName(node.target);
        if (layer != kNoId) {
            absorbIntoLayer(layer, node, op, scope);
            return;
        }
        bool hasSubgraph = false;
        for (const ExportedArgument &a : node.inputs)
            hasSubgraph = hasSubgraph || a.subgraph >= 0;
        GraphNode &n = newNode(NodeKind::Op, op, ctx);
        const NodeId id = n.id;
        n.owner = call == kNoId ? 0 : graph_.nodes[call].callee;
        n.parentCall = call;
        n.insideTorch = inComposite;
        placeSource(graph_.nodes[id], node, call);
        markFunction(id, node);
        if (hasSubgraph && op != "prim::If" && op != "prim::Loop") {
            inlineSubgraphs(id, node, ctx, stack, scope);
            return;
        }
        for (const ExportedArgument &a : node.inputs)
            if (a.subgraph < 0)
                for (const ExportedValueRef &v : a.values)
                    use(id, lookup(scope, v.name));
        if (op == "prim::Loop")
            use(id, newValue("", "int", ValueOrigin::Constant, kNoId)); // no trip count
        for (const ExportedValueRef &out : node.outputs) {
            const ValueId v = newValue(out.name, out.type, ValueOrigin::Computed, id);
            graph_.nodes[id].outputs.push_back(v);
            scope[out.name] = v;
        }
        if (op == "prim::If" || op == "prim::Loop")
            walkBlocks(id, node, stack, scope);
    }

    // export keeps no module stack in the branches of torch.cond: an op there that reads a
    // layer's parameters is that layer's call (one per layer and branch).
    void addLayerOfParameters(std::vector<ExportedModuleFrame> &stack, const ExportedNode &node,
                              const Context &ctx, const Scope &scope)
    {
        for (const ExportedArgument &a : node.inputs)
            for (const ExportedValueRef &ref : a.values) {
                const auto it = scope.find(ref.name);
                if (it == scope.end())
                    continue;
                const auto owner = parameterOwner_.find(it->second);
                if (owner == parameterOwner_.end())
                    continue;
                ModuleInfo &m = graph_.modules[moduleFor(owner->second)];
                // A module export never saw called, owning the parameters the op reads: a
                // layer of a class the file does not name.
                if (!classRecorded_.count(m.path))
                    m.leaf = true;
                if (!m.leaf)
                    continue;
                stack.push_back({"branch" + std::to_string(ctx.parentControl) + "." +
                                     std::to_string(ctx.blockIndex) + ":" + m.path,
                                 m.path, m.className});
                return;
            }
    }

    // A branch or loop body: its inputs are made by the control node, its results feed it.
    void walkBlocks(NodeId control, const ExportedNode &node,
                    const std::vector<ExportedModuleFrame> &stack, const Scope &scope)
    {
        std::vector<ValueId> operands; // cond's `operands`, while_loop's carried and extra
        for (const ExportedArgument &a : node.inputs)
            if (a.kind == "as_tensors")
                for (const ExportedValueRef &v : a.values)
                    operands.push_back(lookup(scope, v.name));
        int block = 0;
        for (const ExportedArgument &a : node.inputs) {
            if (a.subgraph < 0)
                continue;
            const ExportedGraph &g = program_.graphs[static_cast<std::size_t>(a.subgraph)];
            Scope inner;
            std::size_t next = 0;
            for (const ExportedValueRef &in : g.inputs) {
                if (in.name.empty())
                    continue;
                // The operands in order; a parameter handed in stays that parameter.
                const ValueId operand = next < operands.size() ? operands[next++] : kNoId;
                inner[in.name] =
                    operand != kNoId && graph_.values[operand].origin == ValueOrigin::Parameter
                        ? operand
                        : newValue(in.name, in.type, ValueOrigin::Computed, control);
            }
            Context sub;
            sub.parentControl = control;
            sub.blockIndex = block++;
            sub.inheritedStack = stack;
            walkGraph(g, sub, inner);
            for (const ExportedValueRef &out : g.outputs)
                use(control, lookup(inner, out.name));
        }
    }

    // A wrapper around a subgraph (set_grad_enabled, autocast): its ops run where it stands.
    void inlineSubgraphs(NodeId wrapper, const ExportedNode &node, const Context &ctx,
                         const std::vector<ExportedModuleFrame> &stack, Scope &scope)
    {
        std::vector<ValueId> operands;
        for (const ExportedArgument &a : node.inputs)
            if (a.subgraph < 0)
                for (const ExportedValueRef &v : a.values)
                    operands.push_back(lookup(scope, v.name));
        for (ValueId v : operands)
            use(wrapper, v);
        std::vector<ValueId> results;
        for (const ExportedArgument &a : node.inputs) {
            if (a.subgraph < 0)
                continue;
            const ExportedGraph &g = program_.graphs[static_cast<std::size_t>(a.subgraph)];
            Scope inner;
            std::size_t next = 0;
            for (const ExportedValueRef &in : g.inputs)
                if (!in.name.empty())
                    inner[in.name] =
                        next < operands.size()
                            ? operands[next++]
                            : newValue(in.name, in.type, ValueOrigin::Computed, wrapper);
            Context sub = ctx;
            sub.inheritedStack = stack;
            walkGraph(g, sub, inner);
            for (const ExportedValueRef &out : g.outputs)
                results.push_back(lookup(inner, out.name));
        }
        for (std::size_t i = 0; i < node.outputs.size(); ++i)
            scope[node.outputs[i].name] = i < results.size()
                                              ? results[i]
                                              : newValue(node.outputs[i].name, node.outputs[i].type,
                                                         ValueOrigin::Computed, wrapper);
    }

    void absorbIntoLayer(NodeId layer, const ExportedNode &node, const std::string &op,
                         Scope &scope)
    {
        LayerCall &inside = layers_[layer];
        GraphNode &call = graph_.nodes[layer];
        if (op.find("::") != std::string::npos &&
            std::find(call.exportedOps.begin(), call.exportedOps.end(), op) ==
                call.exportedOps.end())
            call.exportedOps.push_back(op);
        for (const ExportedArgument &a : node.inputs)
            for (const ExportedValueRef &ref : a.values) {
                if (inside.producedInside.count(ref.name))
                    continue;
                const ValueId v = lookup(scope, ref.name);
                if (graph_.values[v].origin == ValueOrigin::Parameter)
                    continue;
                const std::vector<ValueId> &ins = graph_.nodes[layer].inputs;
                if (std::find(ins.begin(), ins.end(), v) == ins.end())
                    use(layer, v);
            }
        for (const ExportedValueRef &out : node.outputs) {
            const ValueId v = newValue(out.name, out.type, ValueOrigin::Computed, layer);
            graph_.nodes[layer].outputs.push_back(v);
            inside.producedInside.insert(out.name);
            scope[out.name] = v;
        }
    }

    // The user's line; inside a composite layer also torch's. A node whose trace shows only
    // generated code (a branch of torch.cond) takes the line of what came before it.
    void placeSource(GraphNode &n, const ExportedNode &node, NodeId call)
    {
        if (const ExportedFrame *user = innermostUserFrame(node.stackTrace)) {
            n.source = locationOf(*user);
        } else if (call != kNoId && n.insideTorch) {
            n.source = graph_.nodes[call].source;
        } else if (lastSource_.known()) {
            n.source = lastSource_;
            n.source.inferred = true;
        }
        if (n.insideTorch && !node.stackTrace.empty() && isTorchFrame(node.stackTrace.back()))
            n.torchSource = locationOf(node.stackTrace.back());
        if (n.source.known() && !n.source.inferred)
            lastSource_ = n.source;
    }

    // The ops one call of a torch function ran (F.normalize: norm, clamp_min, div) belong
    // together, as a trace's do.
    void markFunction(NodeId id, const ExportedNode &node)
    {
        const std::size_t semicolon = node.torchFunction.find(';');
        if (semicolon == std::string::npos)
            return;
        const std::string callId = node.torchFunction.substr(0, semicolon);
        const std::string kindAndName = node.torchFunction.substr(semicolon + 1);
        const std::size_t dot = kindAndName.rfind('.');
        const std::string kind = kindAndName.substr(0, dot == std::string::npos ? 0 : dot);
        const std::string name =
            dot == std::string::npos ? kindAndName : kindAndName.substr(dot + 1);
        GraphNode &n = graph_.nodes[id];
        // A method or builtin on a tensor is the op itself; torch's own calls are torch's code.
        if (kind != "function" || n.insideTorch)
            return;
        if (name != n.op.substr(n.op.find("::") + 2))
            n.function = name;
        if (callId == openFunctionCall_ && openFunctionNode_ != kNoId) {
            n.libraryCall = openFunctionNode_;
            graph_.nodes[openFunctionNode_].libraryCall = openFunctionNode_;
        } else {
            openFunctionCall_ = callId;
            openFunctionNode_ = id;
        }
    }

    // Expanded calls take what their body reads from outside and return what leaves it.
    void connectCalls()
    {
        auto chain = [&](NodeId node) {
            std::vector<NodeId> calls;
            for (NodeId c = graph_.nodes[node].parentCall; c != kNoId;
                 c = graph_.nodes[c].parentCall)
                calls.push_back(c);
            return calls;
        };
        std::set<ValueId> graphOutputs(graph_.outputs.begin(), graph_.outputs.end());
        for (GraphValue &v : graph_.values) {
            if (v.producer == kNoId && v.origin != ValueOrigin::Input)
                continue;
            const std::vector<NodeId> made =
                v.producer == kNoId ? std::vector<NodeId>{} : chain(v.producer);
            std::set<NodeId> users(v.users.begin(), v.users.end());
            // A layer's chain is the calls around it, as an op's.
            for (NodeId user : users)
                addCallInputs(v.id, made, chain(user));
            if (v.producer != kNoId && graphOutputs.count(v.id))
                for (NodeId c : made)
                    addOutput(c, v.id);
            if (v.producer != kNoId)
                for (NodeId user : users) {
                    const std::vector<NodeId> usedIn = chain(user);
                    for (NodeId c : made)
                        if (std::find(usedIn.begin(), usedIn.end(), c) == usedIn.end())
                            addOutput(c, v.id);
                }
        }
        for (GraphNode &n : graph_.nodes) {
            if (n.kind != NodeKind::ModuleCall)
                continue;
            // A layer returns what leaves it; the rest (a weight transposed for addmm) is its
            // own business.
            if (!n.expanded)
                n.outputs.erase(std::remove_if(n.outputs.begin(), n.outputs.end(),
                                               [&](ValueId v) {
                                                   return !graphOutputs.count(v) &&
                                                          graph_.values[v].users.empty();
                                               }),
                                n.outputs.end());
            for (ValueId in : n.inputs)
                n.signatureInputs.push_back({graph_.values[in].name, graph_.values[in].type});
            for (ValueId out : n.outputs)
                n.signatureOutputs.push_back({graph_.values[out].name, graph_.values[out].type});
        }
    }

    void addCallInputs(ValueId v, const std::vector<NodeId> &made, const std::vector<NodeId> &used)
    {
        if (graph_.values[v].origin == ValueOrigin::Parameter ||
            graph_.values[v].origin == ValueOrigin::Constant)
            return;
        for (NodeId c : used)
            if (std::find(made.begin(), made.end(), c) == made.end() && graph_.nodes[c].expanded &&
                graph_.values[v].producer != c) {
                std::vector<ValueId> &ins = graph_.nodes[c].inputs;
                if (std::find(ins.begin(), ins.end(), v) == ins.end())
                    use(c, v);
            }
    }

    void addOutput(NodeId call, ValueId v)
    {
        if (!graph_.nodes[call].expanded)
            return;
        std::vector<ValueId> &outs = graph_.nodes[call].outputs;
        if (std::find(outs.begin(), outs.end(), v) == outs.end())
            outs.push_back(v);
    }

    // The model's forward signature, from the pytree specs: (args, kwargs) in, the result out.
    void makeSignature()
    {
        std::size_t next = 0;
        const ExportedTreeSpec &in = program_.inSpec;
        if (in.type == "builtins.tuple" && in.children.size() == 2) {
            const ExportedTreeSpec &args = in.children[0];
            for (std::size_t i = 0; i < args.children.size(); ++i) {
                const std::string name = i < program_.forwardArgNames.size()
                                             ? program_.forwardArgNames[i]
                                             : "input" + std::to_string(i);
                graph_.signatureInputs.push_back({name, specType(args.children[i], next)});
            }
            const ExportedTreeSpec &kwargs = in.children[1];
            for (std::size_t i = 0; i < kwargs.children.size(); ++i)
                graph_.signatureInputs.push_back(
                    {i < kwargs.keys.size() ? kwargs.keys[i] : "kwarg" + std::to_string(i),
                     specType(kwargs.children[i], next)});
        } else {
            for (const SignatureEntry &e : userInputs_)
                graph_.signatureInputs.push_back(e);
        }
        std::vector<std::string> outputKinds;
        for (const ExportedSpec &s : program_.outputSpecs)
            if (s.kind == "user_output")
                outputKinds.push_back(s.valueKind);
        std::size_t nextOut = 0;
        const ExportedTreeSpec &out = program_.outSpec;
        if (out.type == "builtins.tuple") {
            for (const ExportedTreeSpec &child : out.children)
                graph_.signatureOutputs.push_back({"", specType(child, nextOut, &outputKinds)});
        } else if (!out.type.empty() || !outputKinds.empty()) {
            graph_.signatureOutputs.push_back({"", specType(out, nextOut, &outputKinds)});
        }
    }

    std::string specType(const ExportedTreeSpec &spec, std::size_t &next,
                         const std::vector<std::string> *outputKinds = nullptr) const
    {
        if (spec.type.empty()) {
            const std::size_t i = next++;
            if (outputKinds)
                return i < outputKinds->size() ? typeOfKind((*outputKinds)[i]) : "Any";
            return i < userInputs_.size() ? userInputs_[i].type : "Any";
        }
        std::vector<std::string> parts;
        for (const ExportedTreeSpec &child : spec.children)
            parts.push_back(specType(child, next, outputKinds));
        auto joined = [&] {
            std::string text;
            for (const std::string &p : parts)
                text += (text.empty() ? "" : ", ") + p;
            return text;
        };
        if (spec.type == "builtins.tuple")
            return "Tuple[" + joined() + "]";
        if (spec.type == "builtins.list")
            return "List[" + (parts.empty() ? std::string("Any") : parts.front()) + "]";
        if (spec.type == "builtins.dict" || spec.type == "collections.OrderedDict")
            return "Dict[str, " + (parts.empty() ? std::string("Any") : parts.front()) + "]";
        return spec.type; // a namedtuple, a dataclass, a library's container
    }

    void countParameters()
    {
        for (const auto &[target, value] : state_) {
            const auto meta = program_.tensors.find(value);
            if (meta == program_.tensors.end())
                continue;
            std::int64_t count = 1;
            for (std::int64_t size : meta->second.sizes)
                count = size < 0 || (size > 0 && count > INT64_MAX / size) ? 0 : count * size;
            // The deepest module the name lies in, and every module above it.
            std::string path =
                target.substr(0, target.rfind('.') == std::string::npos ? 0 : target.rfind('.'));
            while (!moduleByPath_.count(path)) {
                const std::size_t dot = path.rfind('.');
                path = dot == std::string::npos ? "" : path.substr(0, dot);
            }
            for (ModuleId m = moduleByPath_[path]; m != kNoId; m = graph_.modules[m].parent)
                graph_.modules[m].parameterCount += count;
        }
    }

    const ExportedProgram &program_;
    ModelGraph graph_;
    std::map<std::string, ModuleId> moduleByPath_;
    std::map<std::string, NodeId> callByKey_;
    std::map<NodeId, LayerCall> layers_;
    std::vector<SignatureEntry> userInputs_;
    std::vector<std::pair<std::string, std::string>> state_; // (parameter name, graph value)
    std::set<std::string> classRecorded_;           // module paths some nn_module_stack names
    std::map<ValueId, std::string> parameterOwner_; // parameter or buffer -> its module's path
    SourceLocation lastSource_;
    std::string openFunctionCall_;
    NodeId openFunctionNode_ = kNoId;
};

} // namespace

ModelGraph buildProgramGraph(const ExportedProgram &program, const std::string &sourcePath)
{
    if (program.graphs.empty())
        throw InputError("'" + sourcePath + "' holds no graph");
    return ProgramGraphBuilder(program, sourcePath).build();
}

} // namespace torchprep
