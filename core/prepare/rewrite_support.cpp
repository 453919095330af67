#include "prepare/rewrite_support_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>

#include <unordered_set>

namespace torchprep {

PassContext::PassContext(const torch::jit::Module &root, const std::string &path)
    : graph_(buildModelGraph(root, path, &origins_, SourceDetail::ForChecks)) // lines findings need
{
    for (const ModuleInfo &m : graph_.modules) {
        paths_[origins_.modules[m.id]._ivalue().get()] = m.path;
        ids_[m.path] = m.id;
    }
}

const std::string &PassContext::pathOf(const torch::jit::Module &module) const
{
    static const std::string unknown;
    auto it = paths_.find(module._ivalue().get());
    return it == paths_.end() ? unknown : it->second;
}

std::string PassContext::childPath(const torch::jit::Module &parent, const std::string &name) const
{
    const std::string &path = pathOf(parent);
    return path.empty() ? name : path + "." + name;
}

bool PassContext::anyExcluded(const std::vector<torch::jit::Module> &instances,
                              const CheckOptions &options) const
{
    for (const torch::jit::Module &instance : instances) {
        auto id = ids_.find(pathOf(instance));
        if (id == ids_.end() || options.excludes(graph_, id->second))
            return true;
    }
    return false;
}

std::vector<torch::jit::Module> instancesOfType(const torch::jit::Module &root,
                                                const c10::ClassTypePtr &type)
{
    std::vector<torch::jit::Module> found;
    std::unordered_set<const c10::ivalue::Object *> seen;
    for (const torch::jit::Module &m : root.modules()) {
        if (m.type() == type && seen.insert(m._ivalue().get()).second)
            found.push_back(m);
    }
    return found;
}

std::string AttributeNames::next(const c10::ClassTypePtr &type, const std::string &base)
{
    std::set<std::string> &taken = taken_[type.get()];
    if (taken.empty()) {
        taken.insert("");
        for (std::size_t i = 0; i < type->numAttributes(); ++i)
            taken.insert(type->getAttributeName(i));
        for (const torch::jit::Function *method : type->methods())
            taken.insert(method->name());
        for (std::size_t i = 0; i < type->numConstants(); ++i)
            taken.insert(type->getConstantName(i));
    }
    int &k = suffix_[{type.get(), base}];
    std::string name = k == 0 ? base : base + "_" + std::to_string(k);
    while (taken.count(name))
        name = base + "_" + std::to_string(++k);
    taken.insert(name);
    return name;
}

std::optional<std::vector<std::string>> attributePath(const torch::jit::Value *value)
{
    std::vector<std::string> path;
    const torch::jit::Value *self = value->owningGraph()->inputs().at(0);
    while (value != self) {
        const torch::jit::Node *producer = value->node();
        if (producer->kind() != c10::prim::GetAttr)
            return std::nullopt;
        path.insert(path.begin(), producer->s(c10::attr::name));
        value = producer->input(0);
    }
    return path;
}

std::optional<std::vector<std::string>> tensorAttributePath(const torch::jit::Value *value)
{
    auto optional = value->type()->cast<c10::OptionalType>(); // a scripted layer's `bias`
    const c10::TypePtr type = optional ? optional->getElementType() : value->type();
    if (type->kind() != c10::TypeKind::TensorType)
        return std::nullopt;
    if (value->node()->kind() == c10::prim::unchecked_cast) // `w` of `if w is not None:`
        value = value->node()->input(0);
    auto path = attributePath(value);
    if (!path || path->empty())
        return std::nullopt;
    return path;
}

bool tensorAttributeIsParameter(const torch::jit::Value *value)
{
    const torch::jit::Node *read = value->node();
    auto owner = read->input(0)->type()->cast<c10::ClassType>();
    if (!owner)
        return false;
    auto slot = owner->findAttributeSlot(read->s(c10::attr::name));
    return slot && owner->is_parameter(*slot);
}

c10::IValue attributeAt(const torch::jit::Module &module, const std::vector<std::string> &path)
{
    c10::IValue value = module._ivalue();
    for (const std::string &name : path)
        value = value.toObject()->getAttr(name);
    return value;
}

torch::jit::Value *selfOf(torch::jit::Node *node)
{
    return node->owningGraph()->inputs().at(0);
}

void replaceWithModuleCall(torch::jit::Node *node, const std::string &attribute,
                           const std::vector<torch::jit::Value *> &args)
{
    torch::jit::Graph &graph = *node->owningGraph();
    torch::jit::WithInsertPoint guard(node);
    torch::jit::Value *module = graph.insertGetAttr(selfOf(node), attribute);
    module->node()->setSourceRange(node->sourceRange());
    std::vector<torch::jit::Value *> inputs{module};
    inputs.insert(inputs.end(), args.begin(), args.end());
    const std::size_t results = node->outputs().size();
    torch::jit::Node *call = graph.create(c10::prim::CallMethod, inputs, 1);
    call->s_(c10::attr::name, "forward");
    call->setSourceRange(node->sourceRange());
    graph.insertNode(call);
    if (results == 1) {
        call->output()->setType(node->output()->type());
        node->output()->replaceAllUsesWith(call->output());
    } else {
        std::vector<c10::TypePtr> types;
        for (torch::jit::Value *out : node->outputs())
            types.push_back(out->type());
        call->output()->setType(c10::TupleType::create(types));
        torch::jit::Node *unpack = graph.createTupleUnpack(call->output());
        graph.insertNode(unpack);
        for (std::size_t i = 0; i < results; ++i)
            node->output(i)->replaceAllUsesWith(unpack->output(i));
    }
    node->destroy();
}

torch::jit::Module newModule(const std::string &qualifiedName,
                             const std::shared_ptr<torch::jit::CompilationUnit> &unit)
{
    torch::jit::Module module(c10::QualifiedName(qualifiedName), unit, /*shouldMangle=*/true);
    module.register_attribute("training", c10::BoolType::get(), false);
    return module;
}

// Drops reads of global state (is_grad_enabled, is_autocast_enabled, ...) whose answer nothing
// uses: the dead-code pass keeps them, and with them the branches they sit in.
static bool dropUnusedQueries(torch::jit::Block *block)
{
    static const std::set<std::string> queries = {"aten::is_autocast_enabled",
                                                  "aten::is_grad_enabled",
                                                  "aten::is_autocast_cpu_enabled", "prim::is_cuda"};
    bool changed = false;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        torch::jit::Node *node = *it++;
        for (torch::jit::Block *sub : node->blocks())
            changed = dropUnusedQueries(sub) || changed;
        if (queries.count(node->kind().toQualString()) && !node->output()->hasUses()) {
            node->destroy();
            changed = true;
        }
    }
    return changed;
}

// True when `value` is made by `node` or inside one of its blocks.
static bool inside(const torch::jit::Value *value, const torch::jit::Node *node)
{
    for (const torch::jit::Node *at = value->node(); at; at = at->owningBlock()->owningNode())
        if (at == node)
            return true;
    return false;
}

// Uses of an If's output that every branch passes through unchanged (a value from before the
// If) read that value: the If, left with nothing to decide, is then dead code.
static bool bypassUnchangedBranchOutputs(torch::jit::Block *block)
{
    bool changed = false;
    for (torch::jit::Node *node : block->nodes()) {
        for (torch::jit::Block *sub : node->blocks())
            changed = bypassUnchangedBranchOutputs(sub) || changed;
        if (node->kind() != c10::prim::If)
            continue;
        // `x` refined by `if x is not None:` is still x.
        auto uncast = [](torch::jit::Value *v) {
            while (v->node()->kind() == c10::prim::unchecked_cast)
                v = v->node()->input(0);
            return v;
        };
        for (std::size_t i = 0; i < node->outputs().size(); ++i) {
            torch::jit::Value *first = uncast(node->blocks()[0]->outputs()[i]);
            bool same =
                !inside(first, node) && first->type()->isSubtypeOf(*node->output(i)->type());
            for (torch::jit::Block *branch : node->blocks())
                same = same && uncast(branch->outputs()[i]) == first;
            if (same && node->output(i)->hasUses()) {
                node->output(i)->replaceAllUsesWith(first);
                changed = true;
            }
        }
    }
    return changed;
}

void foldDecidedBranches(std::shared_ptr<torch::jit::Graph> graph,
                         const std::function<void(torch::jit::Block *)> &alsoFold)
{
    for (int round = 0; round < 3; ++round) {
        torch::jit::ConstantPropagationImmutableTypes(graph);
        if (alsoFold)
            alsoFold(graph->block());
        bypassUnchangedBranchOutputs(graph->block());
        dropUnusedQueries(graph->block());
        torch::jit::EliminateDeadCode(graph);
    }
}

static bool readsAttribute(const torch::jit::Block *block, const c10::ClassTypePtr &type,
                           const std::string &name)
{
    for (const torch::jit::Node *node : block->nodes()) {
        if (node->kind() == c10::prim::GetAttr && node->s(c10::attr::name) == name &&
            node->input(0)->type() == type)
            return true;
        for (const torch::jit::Block *sub : node->blocks())
            if (readsAttribute(sub, type, name))
                return true;
    }
    return false;
}

void dropIfUnused(torch::jit::Module &root, const c10::ClassTypePtr &type, const std::string &name)
{
    if (name.empty() || !type->hasAttribute(name))
        return;
    std::set<c10::ClassType *> types;
    for (const torch::jit::Module &m : root.modules())
        types.insert(m.type().get());
    for (c10::ClassType *t : types)
        for (torch::jit::Function *fn : t->methods())
            if (readsAttribute(torch::jit::toGraphFunction(*fn).graph()->block(), type, name))
                return;
    for (torch::jit::Module instance : instancesOfType(root, type))
        instance._ivalue()->unsafeRemoveAttr(name);
    type->unsafeRemoveAttribute(name);
}

void destroyIfDead(torch::jit::Value *value)
{
    torch::jit::Node *producer = value->node();
    while (producer->kind() == c10::prim::GetAttr && !producer->hasUses()) {
        torch::jit::Value *from = producer->input(0);
        producer->destroy();
        producer = from->node();
    }
}

void ensureLinearForward(torch::jit::Module &layer)
{
    if (layer.type()->findMethod("forward"))
        return;
    auto graph = std::make_shared<torch::jit::Graph>();
    torch::jit::Value *self = graph->addInput("self");
    self->setType(layer.type());
    torch::jit::Value *input = graph->addInput("input");
    input->setType(c10::TensorType::get());
    torch::jit::WithInsertPoint guard(graph->block());
    torch::jit::Value *bias = layer.hasattr("bias") && layer.attr("bias").isTensor()
                                  ? graph->insertGetAttr(self, "bias")
                                  : graph->insertConstant(c10::IValue());
    torch::jit::Value *out =
        graph->insert(c10::aten::linear, {input, graph->insertGetAttr(self, "weight"), bias});
    graph->registerOutput(out);
    auto unit = layer._ivalue()->compilation_unit();
    layer.type()->addMethod(
        unit->create_function(c10::QualifiedName(*layer.type()->name(), "forward"), graph));
}

} // namespace torchprep
