// functional -> module: every flagged functional becomes a call of a new submodule.
#include "graph/op_catalogue.h"
#include "prepare/functional_to_module_torch.h"
#include "prepare/rewrite_support_torch.h"
#include "torchscript/graph_builder_torch.h"
#include "torchscript/torch_functions_torch.h"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace torchprep {

namespace {

using torch::jit::Graph;
using torch::jit::Module;
using torch::jit::Node;
using torch::jit::Value;

// The op a node computes, as a name: a scripted functional call by its function's name.
std::string baseNameOf(const Node *node)
{
    if (const torch::jit::Function *fn = calledFunction(node))
        return fn->name();
    return baseOpName(node->kind().toQualString());
}

// What the change log calls the op: a scripted functional moved whole by its Python name.
std::string opName(const Node *node, const std::string &flagged)
{
    const torch::jit::Function *fn = calledFunction(node);
    if (!fn)
        return flagged;
    const std::string name = fn->qualname().qualifiedName();
    const std::string prefix = "__torch__.";
    return name.compare(0, prefix.size(), prefix) == 0 ? name.substr(prefix.size()) : name;
}

// Constants and lists of constants stay inside the new module; the rest is passed in.
bool isConstant(const Value *value)
{
    return staticValue(value).has_value();
}

// The function a scripted call calls (`%fn = prim::Constant[name="relu"]()`): the callee, not an
// argument (libtorch 2.x reads no IValue off such a constant).
bool isCallee(const Value *value)
{
    return value->type()->kind() == c10::TypeKind::FunctionType;
}

// A parameter or buffer of the owner (`self.scale`, `self.block.weight`): the new module holds
// it as its own, so no module the preparer adds takes a parameter as an input.
bool isOwnedTensor(const Value *value)
{
    return value->type()->kind() == c10::TypeKind::TensorType && tensorAttributePath(value);
}

// The values a call of the new module passes in: each distinct input that is neither a
// constant nor an owned tensor, in order.
std::vector<Value *> passedInputs(Node *node)
{
    std::vector<Value *> passed;
    for (Value *in : node->inputs())
        if (!isCallee(in) && !isConstant(in) && !isOwnedTensor(in) &&
            std::find(passed.begin(), passed.end(), in) == passed.end())
            passed.push_back(in);
    return passed;
}

// The owner's tensors a node reads, each under the name the new module keeps it by.
std::vector<std::pair<Value *, std::string>> ownedTensors(Node *node)
{
    std::vector<std::pair<Value *, std::string>> owned;
    std::set<std::string> names;
    for (Value *in : node->inputs()) {
        if (!isOwnedTensor(in) ||
            std::any_of(owned.begin(), owned.end(), [&](const auto &o) { return o.first == in; }))
            continue;
        std::string name = tensorAttributePath(in)->back();
        while (!names.insert(name).second || name == "training" || name == "forward")
            name += "_";
        owned.push_back({in, name});
    }
    return owned;
}

// The schema's name for each input of `node` (`alpha` of F.elu), "" where unknown.
std::vector<std::string> argumentNames(const Node *node)
{
    const c10::FunctionSchema *schema = nullptr;
    std::size_t first = 0;
    if (const torch::jit::Function *fn = calledFunction(node)) {
        schema = &fn->getSchema();
        first = 1;
    } else {
        schema = node->maybeSchema();
    }
    std::vector<std::string> names(node->inputs().size());
    if (!schema)
        return names;
    for (std::size_t i = first; i < node->inputs().size() && i - first < schema->arguments().size();
         ++i)
        names[i] = schema->arguments()[i - first].name();
    return names;
}

// Identifies wrappers that compute the same thing, so they share one class. Passed inputs
// count by position, so x * x and a * b (one argument, two) never share a class.
std::string wrapperKey(Node *node)
{
    const std::vector<Value *> passed = passedInputs(node);
    std::ostringstream key;
    key << node->kind().toQualString() << "|" << baseNameOf(node);
    for (const Value *in : node->inputs()) {
        if (isCallee(in)) {
            key << "|f:"
                << in->type()->expect<c10::FunctionType>()->function()->qualname().qualifiedName();
        } else if (isOwnedTensor(in)) {
            key << "|t:" << tensorAttributePath(in)->back();
        } else if (isConstant(in)) {
            key << "|c:" << in->type()->annotation_str() << "=" << *staticValue(in);
        } else {
            key << "|a" << (std::find(passed.begin(), passed.end(), in) - passed.begin()) << ":"
                << in->type()->annotation_str();
        }
    }
    for (const Value *out : node->outputs())
        key << "|o:" << out->type()->annotation_str();
    return key.str();
}

// A module whose forward computes `node`, taking passedInputs(node) as its arguments.
Module makeWrapper(Node *node, const std::string &qualifiedName, const Module &owner)
{
    auto unit = owner._ivalue()->compilation_unit();
    Module wrapper = newModule(qualifiedName, unit);
    auto graph = std::make_shared<Graph>();
    Value *self = graph->addInput("self");
    self->setType(wrapper.type());
    std::unordered_map<const Value *, Value *> env;
    for (Value *in : passedInputs(node)) {
        Value *param = graph->addInput(in->hasDebugName() ? in->debugNameBase() : "input");
        param->setType(in->type());
        env[in] = param;
    }
    torch::jit::WithInsertPoint start(graph->block());
    for (const auto &[in, name] : ownedTensors(node)) {
        const bool parameter = tensorAttributeIsParameter(in);
        wrapper.register_attribute(name, c10::TensorType::get(),
                                   attributeAt(owner, *tensorAttributePath(in)), parameter,
                                   !parameter);
        env[in] = graph->insertGetAttr(self, name);
    }
    // Arguments fixed in the code are attributes too, by the schema's names, as the torch.nn
    // class keeps them (`module_elu.alpha`, `module_hardshrink.lambd`).
    const std::vector<std::string> names = argumentNames(node);
    for (std::size_t i = 0; i < node->inputs().size(); ++i) {
        const Value *in = node->inputs()[i];
        const auto value = isConstant(in) ? staticValue(in) : std::nullopt;
        if (!value || value->isNone() || value->isTensor() || value->isObject() ||
            names[i].empty() || names[i] == "self" || names[i] == "input" ||
            names[i] == "training" || wrapper.type()->hasAttribute(names[i]) ||
            value->type()->kind() == c10::TypeKind::FunctionType)
            continue;
        wrapper.register_attribute(names[i], value->type(), *value);
    }
    for (Value *in : node->inputs()) {
        if (env.count(in))
            continue;
        if (in->node()->kind() == c10::prim::Constant) { // cloned: may hold a function
            Node *constant = graph->createClone(in->node(), [](Value *v) { return v; });
            graph->appendNode(constant);
            env[in] = constant->output();
        } else {
            torch::jit::WithInsertPoint end(graph->block());
            env[in] = graph->insertConstant(*staticValue(in));
        }
    }
    Node *copy = graph->createClone(node, [&](Value *v) { return env.at(v); });
    graph->appendNode(copy);
    if (copy->outputs().size() == 1) {
        graph->registerOutput(copy->output());
    } else {
        Node *tuple = graph->createTuple(copy->outputs());
        graph->appendNode(tuple);
        graph->registerOutput(tuple->output());
    }
    torch::jit::Function *forward =
        unit->create_function(c10::QualifiedName(*wrapper.type()->name(), "forward"), graph);
    wrapper.type()->addMethod(forward);
    return wrapper;
}

// What the preparer may put in a module of its own: one op or one of torch's functions. A call
// of code (a method, a function of the model's own that could not be inlined) would hide its
// ops in one module; a linear or convolution on the owner's parameters that linear_to_layer
// could not make a layer (an argument computed at run time) would be a layer in disguise.
bool rewritable(const Node *node)
{
    if (node->kind() == c10::prim::CallMethod)
        return false;
    if (const torch::jit::Function *fn = calledFunction(node))
        return roleOf(*fn) == FunctionRole::TorchAtomic;
    if (node->kind() == c10::prim::CallFunction)
        return false;
    const std::string base = baseOpName(node->kind().toQualString());
    const bool layerOp = base == "linear" || base == "conv1d" || base == "conv2d" ||
                         base == "conv3d" || base == "convolution";
    return !(layerOp && node->inputs().size() > 1 && isOwnedTensor(node->input(1)));
}

// The class an op's module gets: a convolution with an activation weight is AIMET's
// DynamicConvNd, N from its stride (traced convolutions are all aten::_convolution).
std::string classBase(const Node *node, const std::string &base)
{
    if (base == "convolution" && node->inputs().size() > 3)
        if (auto stride = staticValue(node->input(3)); stride && stride->isList())
            return "conv" + std::to_string(stride->toListRef().size()) + "d";
    return base;
}

class FunctionalToModule
{
  public:
    FunctionalToModule(PassState &state, const FindingFilter &only)
        : state_(state), aimet_(state.names()), options_(state.options()), only_(only)
    {
    }

    PassLog run()
    {
        const PassContext &context = state_.context();
        const ModelGraph &graph = context.graph();

        // Analyse first: one rewrite per node of a real graph, in execution order.
        std::vector<std::pair<Node *, const Finding *>> targets;
        std::vector<ModuleId> owners;
        std::set<Node *> seen;
        for (const Finding &f : state_.missing()) {
            if (!only_.wants(f) || f.manualFix)
                continue; // MultiheadAttention's own ops: no module to make of them yet
            Node *node = context.node(f.nodes.front());
            if (!node || state_.isReplaced(node) || !seen.insert(node).second)
                continue;
            targets.push_back({node, &f});
            owners.push_back(graph.nodes[f.nodes.front()].owner);
        }

        PassLog log;
        log.name = "functional_to_module";
        for (std::size_t t = 0; t < targets.size(); ++t) {
            auto [node, finding] = targets[t];
            if (!rewritable(node))
                continue; // reported: a module here would hide code or take a parameter
            const Module &owner = context.module(owners[t]);
            const c10::ClassTypePtr type = owner.type();
            const std::vector<Module> instances = state_.instancesOf(type);
            if (context.anyExcluded(instances, options_))
                continue;

            const std::string base = baseNameOf(node);
            const std::string planned = aimet_.nameFor(owner, node);
            const std::string name = names_.next(
                type, planned.empty() ? "module_" + AimetNames::baseName(base, "") : planned);
            const std::vector<Value *> args = passedInputs(node);
            const auto owned = ownedTensors(node);
            Module wrapper = wrapperFor(node, base, owner);
            for (std::size_t i = 0; i < instances.size(); ++i) {
                Module instance = instances[i];
                Module own = i == 0 ? wrapper : wrapper.deepcopy();
                for (const auto &[in, attr] : owned) // each instance's own tensors
                    own.setattr(attr, attributeAt(instance, *tensorAttributePath(in)));
                instance.register_module(name, own);
                log.changes.push_back({"functional_to_module", context.childPath(instance, name),
                                       opName(node, finding->op), finding->source});
            }
            state_.replaced(node);
            replaceWithModuleCall(node, name, args);
        }
        return log;
    }

  private:
    // One class per distinct computation: the 8 adds of resnet18 are all `Add`.
    Module wrapperFor(Node *node, const std::string &base, const Module &owner)
    {
        const std::string key = wrapperKey(node);
        auto cached = wrappers_.find(key);
        if (cached != wrappers_.end())
            return cached->second.deepcopy();
        // A torch.nn twin holds no tensors of ours: with some it is a wrapper of that name.
        const std::string twin = ownedTensors(node).empty() ? statelessNnClassFor(base) : "";
        const std::string qualified =
            "__torch__." +
            (twin.empty() ? "torchprep.nn." + wrapperClassName(classBase(node, base)) : twin);
        Module wrapper = makeWrapper(node, qualified, owner);
        wrappers_.emplace(key, wrapper);
        return wrapper;
    }

    PassState &state_;
    const AimetNames &aimet_;
    const CheckOptions &options_;
    const FindingFilter &only_;
    std::map<std::string, Module> wrappers_;
    AttributeNames names_;
};

} // namespace

PassLog convertFunctionalsToModules(PassState &state, const FindingFilter &only)
{
    return FunctionalToModule(state, only).run();
}

} // namespace torchprep
