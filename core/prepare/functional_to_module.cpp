// functional -> module: every flagged functional becomes a call of a new submodule.
#include "../checks/missing_module.h"
#include "../graph_builder_torch.h"
#include "../op_catalogue.h"
#include "passes_torch.h"
#include "rewrite_support_torch.h"

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

// The scripted function a prim::CallFunction calls, or nullptr for any other node.
const torch::jit::Function *calledFunction(const Node *node)
{
    if (node->kind() != c10::prim::CallFunction)
        return nullptr;
    auto fn = node->input(0)->type()->cast<c10::FunctionType>();
    return fn ? fn->function() : nullptr;
}

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
bool isConstant(const Value *value) { return staticValue(value).has_value(); }

// The values a call of the new module passes in: each distinct non-constant input, in order.
std::vector<Value *> passedInputs(Node *node)
{
    std::vector<Value *> passed;
    for (Value *in : node->inputs())
        if (!isConstant(in) && std::find(passed.begin(), passed.end(), in) == passed.end())
            passed.push_back(in);
    return passed;
}

// Identifies wrappers that compute the same thing, so they share one class. Passed inputs
// count by position, so x * x and a * b (one argument, two) never share a class.
std::string wrapperKey(Node *node)
{
    const std::vector<Value *> passed = passedInputs(node);
    std::ostringstream key;
    key << node->kind().toQualString() << "|" << baseNameOf(node);
    for (const Value *in : node->inputs()) {
        if (isConstant(in)) {
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
Module makeWrapper(Node *node, const std::string &qualifiedName,
                   const std::shared_ptr<torch::jit::CompilationUnit> &unit)
{
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

class FunctionalToModule
{
public:
    FunctionalToModule(Module &root, const std::string &path, const CheckOptions &options,
                       const FindingFilter &only)
        : root_(root), path_(path), options_(options), only_(only)
    {
    }

    PassLog run()
    {
        const PassContext context(root_, path_);
        const ModelGraph &graph = context.graph();

        // Analyse first: one rewrite per node of a real graph, in execution order.
        std::vector<std::pair<Node *, const Finding *>> targets;
        std::vector<ModuleId> owners;
        std::set<Node *> seen;
        const std::vector<Finding> findings = checkMissingModule(graph, options_);
        for (const Finding &f : findings) {
            if (!only_.wants(f) || graph.nodes[f.nodes.front()].insideTorch)
                continue; // torch's composite layers: left as they are for now
            Node *node = context.node(f.nodes.front());
            if (!node || !seen.insert(node).second)
                continue;
            targets.push_back({node, &f});
            owners.push_back(graph.nodes[f.nodes.front()].owner);
        }

        PassLog log;
        log.name = "functional_to_module";
        for (std::size_t t = 0; t < targets.size(); ++t) {
            auto [node, finding] = targets[t];
            const Module &owner = context.module(owners[t]);
            const c10::ClassTypePtr type = owner.type();
            auto cached = instances_.find(type.get());
            if (cached == instances_.end())
                cached = instances_.emplace(type.get(), instancesOfType(root_, type)).first;
            const std::vector<Module> &instances = cached->second;
            if (context.anyExcluded(instances, options_))
                continue;

            const std::string base = baseNameOf(node);
            const std::string name = names_.next(type, "module_" + base);
            const std::vector<Value *> args = passedInputs(node);
            Module wrapper = wrapperFor(node, base, owner);
            for (std::size_t i = 0; i < instances.size(); ++i) {
                Module instance = instances[i];
                instance.register_module(name, i == 0 ? wrapper : wrapper.deepcopy());
                PreparedChange change;
                change.kind = "functional_to_module";
                change.module = context.childPath(instance, name);
                change.op = opName(node, finding->op);
                change.source = finding->source;
                log.changes.push_back(std::move(change));
            }
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
        const std::string twin = statelessNnClassFor(base);
        const std::string qualified =
            "__torch__." + (twin.empty() ? "torchprep.nn." + wrapperClassName(base) : twin);
        Module wrapper = makeWrapper(node, qualified, owner._ivalue()->compilation_unit());
        wrappers_.emplace(key, wrapper);
        return wrapper;
    }

    Module &root_;
    const std::string &path_;
    const CheckOptions &options_;
    const FindingFilter &only_;
    std::map<std::string, Module> wrappers_;
    AttributeNames names_;
    // Owner types gain only new wrapper attributes here, never new instances: ask once.
    std::map<const c10::ClassType *, std::vector<Module>> instances_;
};

} // namespace

PassLog convertFunctionalsToModules(Module &root, const std::string &path,
                                    const CheckOptions &options, const FindingFilter &only)
{
    return FunctionalToModule(root, path, options, only).run();
}

} // namespace torchprep
