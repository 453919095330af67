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

// The op a node computes, as a name: a scripted functional call by its function's name.
std::string baseNameOf(const Node *node)
{
    if (node->kind() == c10::prim::CallFunction) {
        if (auto fn = node->input(0)->type()->cast<c10::FunctionType>())
            return fn->function()->name();
    }
    return baseOpName(node->kind().toQualString());
}

// What the change log calls the op: a scripted functional moved whole by its Python name.
std::string opName(const Node *node, const std::string &flagged)
{
    if (node->kind() == c10::prim::CallFunction)
        if (auto fn = node->input(0)->type()->cast<c10::FunctionType>()) {
            std::string name = fn->function()->qualname().qualifiedName();
            const std::string prefix = "__torch__.";
            return name.compare(0, prefix.size(), prefix) == 0 ? name.substr(prefix.size()) : name;
        }
    return flagged;
}

// Constants and lists of constants stay inside the new module; the rest is passed in.
bool isConstant(const Value *value) { return staticValue(value).has_value(); }

// Identifies wrappers that compute the same thing, so they share one class.
std::string wrapperKey(const Node *node)
{
    std::ostringstream key;
    key << node->kind().toQualString() << "|" << baseNameOf(node);
    for (const Value *in : node->inputs()) {
        if (isConstant(in)) {
            key << "|c:" << in->type()->annotation_str() << "=" << *staticValue(in);
        } else {
            key << "|a:" << in->type()->annotation_str();
        }
    }
    for (const Value *out : node->outputs())
        key << "|o:" << out->type()->annotation_str();
    return key.str();
}

// A module whose forward computes `node`; `args` receives the values the caller passes in.
Module makeWrapper(Node *node, const std::string &qualifiedName,
                   const std::shared_ptr<torch::jit::CompilationUnit> &unit,
                   std::vector<Value *> &args)
{
    Module wrapper = newModule(qualifiedName, unit);
    auto graph = std::make_shared<Graph>();
    Value *self = graph->addInput("self");
    self->setType(wrapper.type());
    std::unordered_map<const Value *, Value *> env;
    for (Value *in : node->inputs()) {
        if (env.count(in))
            continue;
        if (in->node()->kind() == c10::prim::Constant) { // cloned: may hold a function
            Node *constant = graph->createClone(in->node(), [](Value *v) { return v; });
            graph->appendNode(constant);
            env[in] = constant->output();
        } else if (isConstant(in)) {
            torch::jit::WithInsertPoint end(graph->block());
            env[in] = graph->insertConstant(*staticValue(in));
        } else {
            Value *param = graph->addInput(in->hasDebugName() ? in->debugNameBase() : "input");
            param->setType(in->type());
            env[in] = param;
            args.push_back(in);
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
    FunctionalToModule(Module &root, const std::string &path, const CheckOptions &options)
        : root_(root), path_(path), options_(options)
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
            std::vector<Value *> args;
            Module wrapper = wrapperFor(node, base, owner, args);
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
    Module wrapperFor(Node *node, const std::string &base, const Module &owner,
                      std::vector<Value *> &args)
    {
        const std::string key = wrapperKey(node);
        auto cached = wrappers_.find(key);
        if (cached != wrappers_.end()) {
            for (Value *in : node->inputs())
                if (!isConstant(in) && std::find(args.begin(), args.end(), in) == args.end())
                    args.push_back(in);
            return cached->second.deepcopy();
        }
        const std::string twin = statelessNnClassFor(node->kind().toQualString());
        const std::string twinOfFunction = node->kind() == c10::prim::CallFunction
                                               ? statelessNnClassFor("aten::" + base)
                                               : std::string();
        std::string qualified = "__torch__.";
        if (!twin.empty())
            qualified += twin;
        else if (!twinOfFunction.empty())
            qualified += twinOfFunction;
        else
            qualified += "torchprep.nn." + wrapperClassName(base);
        Module wrapper = makeWrapper(node, qualified, owner._ivalue()->compilation_unit(), args);
        wrappers_.emplace(key, wrapper);
        return wrapper;
    }

    Module &root_;
    const std::string &path_;
    const CheckOptions &options_;
    std::map<std::string, Module> wrappers_;
    AttributeNames names_;
    // Owner types gain only new wrapper attributes here, never new instances: ask once.
    std::map<const c10::ClassType *, std::vector<Module>> instances_;
};

} // namespace

PassLog convertFunctionalsToModules(Module &root, const std::string &path,
                                    const CheckOptions &options)
{
    return FunctionalToModule(root, path, options).run();
}

} // namespace torchprep
