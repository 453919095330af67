// functional linear/conv on parameters -> real layer: F.linear(x, self.w, self.b) and
// F.conv2d(x, self.weight, ...) become nn.Linear / nn.Conv2d modules holding the weights.
#include "../checks/missing_module.h"
#include "../graph_builder_torch.h"
#include "../op_catalogue.h"
#include "passes_torch.h"
#include "rewrite_support_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include <map>
#include <optional>
#include <set>

namespace torchprep {

namespace {

using torch::jit::Graph;
using torch::jit::Module;
using torch::jit::Node;
using torch::jit::Value;

// The layer an op becomes, read off the node; nothing when the node is not a linear or a
// (non-transposed) convolution whose weight is an attribute of self and whose other
// arguments are constants.
struct LayerPlan
{
    std::string cls;       // "Linear", "Conv2d"
    std::string file;      // "linear", "conv"
    std::string name;      // op name for the new attribute: "linear", "conv2d"
    std::string weight;    // attribute of self holding the weight
    std::string bias;      // attribute holding the bias, "" for none
    std::vector<std::pair<std::string, c10::IValue>> attributes; // stride, padding, ...
};

std::optional<std::string> selfAttribute(Value *value)
{
    Node *producer = value->node();
    if (producer->kind() != c10::prim::GetAttr ||
        producer->input(0) != producer->owningGraph()->inputs().at(0))
        return std::nullopt;
    return producer->s(c10::attr::name);
}

bool isNone(const Value *value) { return value->type()->kind() == c10::TypeKind::NoneType; }

std::optional<LayerPlan> planFor(Node *node, const Module &owner)
{
    const std::string base = baseOpName(node->kind().toQualString());
    const bool linear = base == "linear";
    const bool conv = base == "conv1d" || base == "conv2d" || base == "conv3d" || base == "convolution";
    if (!linear && !conv)
        return std::nullopt;
    const auto weight = selfAttribute(node->input(1));
    if (!weight)
        return std::nullopt; // the weight is an activation: functional_to_module wraps it
    LayerPlan plan;
    plan.weight = *weight;
    if (!isNone(node->input(2))) {
        const auto bias = selfAttribute(node->input(2));
        if (!bias)
            return std::nullopt;
        plan.bias = *bias;
    }
    for (std::size_t i = 3; i < node->inputs().size(); ++i)
        if (!staticValue(node->input(i)))
            return std::nullopt;
    const at::Tensor w = owner.attr(plan.weight).toTensor();
    if (linear) {
        plan.cls = "Linear";
        plan.file = "linear";
        plan.name = "linear";
        plan.attributes = {{"in_features", w.size(1)}, {"out_features", w.size(0)}};
        return plan;
    }
    auto constant = [&](std::size_t i) { return *staticValue(node->input(i)); };
    std::size_t stride = 3, padding = 4, dilation = 5, groups = 6;
    if (base == "convolution") { // aten::_convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups, ...)
        if (constant(6).toBool())
            return std::nullopt; // a transposed convolution
        groups = 8;
    }
    const int64_t dims = w.dim() - 2;
    plan.cls = "Conv" + std::to_string(dims) + "d";
    plan.file = "conv";
    plan.name = "conv" + std::to_string(dims) + "d";
    plan.attributes = {{"in_channels", w.size(1) * constant(groups).toInt()},
                       {"out_channels", w.size(0)},
                       {"kernel_size", c10::IValue(w.sizes().slice(2).vec())},
                       {"stride", constant(stride)},
                       {"padding", constant(padding)},
                       {"dilation", constant(dilation)},
                       {"groups", constant(groups)}};
    return plan;
}

// A layer type whose forward is `node` with its weight and bias read from the layer itself.
Module makeLayer(Node *node, const LayerPlan &plan, const Module &owner)
{
    auto unit = owner._ivalue()->compilation_unit();
    Module layer = newModule("__torch__.torch.nn.modules." + plan.file + "." + plan.cls, unit);
    layer.register_parameter("weight", owner.attr(plan.weight).toTensor(), false);
    if (!plan.bias.empty())
        layer.register_parameter("bias", owner.attr(plan.bias).toTensor(), false);
    for (const auto &[name, value] : plan.attributes)
        layer.register_attribute(name, value.type(), value);

    auto graph = std::make_shared<Graph>();
    Value *self = graph->addInput("self");
    self->setType(layer.type());
    Value *input = graph->addInput("input");
    input->setType(node->input(0)->type());
    std::map<const Value *, Value *> env{{node->input(0), input}};
    torch::jit::WithInsertPoint guard(graph->block());
    env[node->input(1)] = graph->insertGetAttr(self, "weight");
    if (!plan.bias.empty())
        env[node->input(2)] = graph->insertGetAttr(self, "bias");
    for (Value *in : node->inputs())
        if (!env.count(in))
            env[in] = graph->insertConstant(*staticValue(in));
    Node *copy = graph->createClone(node, [&](Value *v) { return env.at(v); });
    graph->insertNode(copy);
    graph->registerOutput(copy->output());
    layer.type()->addMethod(
        unit->create_function(c10::QualifiedName(*layer.type()->name(), "forward"), graph));
    return layer;
}

bool readsAttribute(const torch::jit::Block *block, const c10::ClassTypePtr &type,
                    const std::string &name)
{
    for (const Node *node : block->nodes()) {
        if (node->kind() == c10::prim::GetAttr && node->s(c10::attr::name) == name &&
            node->input(0)->type() == type)
            return true;
        for (const torch::jit::Block *sub : node->blocks())
            if (readsAttribute(sub, type, name))
                return true;
    }
    return false;
}

// Drops `name` from `type` and its instances when no method of the model reads it any more:
// the weight then lives in the new layer only, as in a model written with nn.Linear.
void dropIfUnused(Module &root, const c10::ClassTypePtr &type, const std::string &name)
{
    if (name.empty() || !type->hasAttribute(name))
        return;
    std::set<c10::ClassType *> types;
    for (const Module &m : root.modules())
        types.insert(m.type().get());
    for (c10::ClassType *t : types)
        for (torch::jit::Function *fn : t->methods())
            if (readsAttribute(torch::jit::toGraphFunction(*fn).graph()->block(), type, name))
                return;
    for (Module instance : instancesOfType(root, type))
        instance._ivalue()->unsafeRemoveAttr(name);
    type->unsafeRemoveAttribute(name);
}

void destroyIfDead(Value *value)
{
    Node *producer = value->node();
    if (producer->kind() == c10::prim::GetAttr && !producer->hasUses())
        producer->destroy();
}

} // namespace

PassLog convertLinearToLayers(Module &root, const std::string &path, const CheckOptions &options,
                              const FindingFilter &only)
{
    const PassContext context(root, path);
    const ModelGraph &graph = context.graph();

    PassLog log;
    log.name = "linear_to_layer";
    std::set<Node *> done;
    AttributeNames names;
    for (const Finding &finding : checkMissingModule(graph, options)) {
        if (!only.wants(finding) || graph.nodes[finding.nodes.front()].insideTorch)
            continue; // torch's composite layers: left as they are for now
        Node *node = context.node(finding.nodes.front());
        if (!node || !done.insert(node).second)
            continue;
        const Module &owner = context.module(graph.nodes[finding.nodes.front()].owner);
        const auto plan = planFor(node, owner);
        if (!plan)
            continue;
        const c10::ClassTypePtr type = owner.type();
        const std::vector<Module> instances = instancesOfType(root, type);
        if (context.anyExcluded(instances, options))
            continue;
        const std::string name = names.next(type, "module_" + plan->name);
        std::optional<Module> layerType;
        for (Module instance : instances) {
            // Every instance keeps its own weights; the layer's code is shared.
            Module layer = layerType ? layerType->deepcopy() : makeLayer(node, *plan, instance);
            if (!layerType)
                layerType = layer;
            layer.setattr("weight", instance.attr(plan->weight));
            if (!plan->bias.empty())
                layer.setattr("bias", instance.attr(plan->bias));
            instance.register_module(name, layer);
            PreparedChange change;
            change.kind = "linear_to_layer";
            change.module = context.childPath(instance, name);
            change.op = finding.op;
            change.source = finding.source;
            log.changes.push_back(std::move(change));
        }
        Value *weight = node->input(1);
        Value *bias = node->input(2);
        replaceWithModuleCall(node, name, {node->input(0)});
        destroyIfDead(weight);
        destroyIfDead(bias);
        dropIfUnused(root, type, plan->weight);
        dropIfUnused(root, type, plan->bias);
    }
    return log;
}

} // namespace torchprep
