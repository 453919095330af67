// functional linear/conv on parameters -> real layer: F.linear(x, self.w, self.b) and
// F.conv2d(x, self.weight, ...) become nn.Linear / nn.Conv2d modules holding the weights.
#include "graph/module_classes.h"
#include "graph/op_catalogue.h"
#include "prepare/attention_projections_torch.h"
#include "prepare/linear_to_layer_torch.h"
#include "prepare/rewrite_support_torch.h"
#include "torchscript/graph_builder_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace torchprep {

namespace {

using torch::jit::Graph;
using torch::jit::Module;
using torch::jit::Node;
using torch::jit::Value;

// The layer an op becomes, read off the node and the owner: nothing when the node is not a
// linear or a (non-transposed) convolution whose weight is a tensor attribute and whose other
// arguments are constants or the owner's attributes.
struct LayerPlan
{
    std::string cls;                 // "Linear", "Conv2d"
    std::string file;                // "linear", "conv"
    std::string name;                // op name for the new attribute: "linear", "conv2d"
    std::vector<std::string> weight; // attribute path from self to the weight
    std::vector<std::string> bias;   // to the bias; empty for none
    std::map<std::size_t, c10::IValue> arguments; // the other inputs' values, by position
    std::vector<std::pair<std::string, c10::IValue>> attributes; // in_channels, stride, ...
};

bool isNone(const Value *value)
{
    return value->type()->kind() == c10::TypeKind::NoneType;
}

// An argument's value before the run: a constant, a list of them, or an attribute of the
// owner that is no tensor and no module (a scripted `self.stride`).
std::optional<c10::IValue> argumentValue(const Value *value, const Module &owner)
{
    if (auto fixed = staticValue(value))
        return fixed;
    const Node *producer = value->node();
    if (producer->kind() == c10::prim::ListConstruct) {
        auto list = value->type()->cast<c10::ListType>();
        if (!list)
            return std::nullopt;
        c10::impl::GenericList items(list->getElementType());
        for (const Value *in : producer->inputs()) {
            auto item = argumentValue(in, owner);
            if (!item)
                return std::nullopt;
            items.push_back(*item);
        }
        return c10::IValue(items);
    }
    auto path = attributePath(value);
    if (!path || path->empty() || value->type()->kind() == c10::TypeKind::TensorType ||
        value->type()->cast<c10::ClassType>())
        return std::nullopt;
    return attributeAt(owner, *path);
}

std::vector<int64_t> intsOf(const c10::IValue &value)
{
    std::vector<int64_t> out;
    if (value.isInt())
        out.push_back(value.toInt());
    else if (value.isIntList())
        out = value.toIntVector();
    else if (value.isTuple())
        for (const c10::IValue &item : value.toTupleRef().elements())
            out.push_back(item.isInt() ? item.toInt() : -1);
    return out;
}

std::optional<LayerPlan> planFor(Node *node, const Module &owner)
{
    const std::string base = baseOpName(node->kind().toQualString());
    const bool linear = base == "linear";
    const bool conv =
        base == "conv1d" || base == "conv2d" || base == "conv3d" || base == "convolution";
    if (!linear && !conv)
        return std::nullopt;
    const auto weight = tensorAttributePath(node->input(1));
    if (!weight)
        return std::nullopt; // the weight is an activation: functional_to_module wraps it
    LayerPlan plan;
    plan.weight = *weight;
    if (!isNone(node->input(2))) {
        const auto bias = tensorAttributePath(node->input(2));
        if (!bias)
            return std::nullopt;
        const c10::IValue value = attributeAt(owner, *bias);
        if (value.isTensor())
            plan.bias = *bias;
        else if (!value.isNone())
            return std::nullopt;
    }
    for (std::size_t i = 3; i < node->inputs().size(); ++i) {
        auto value = argumentValue(node->input(i), owner);
        if (!value)
            return std::nullopt;
        plan.arguments[i] = *value;
    }
    const c10::IValue w = attributeAt(owner, plan.weight);
    if (!w.isTensor())
        return std::nullopt;
    const at::Tensor weightTensor = w.toTensor();
    if (linear) {
        if (weightTensor.dim() != 2)
            return std::nullopt;
        plan.cls = "Linear";
        plan.file = "linear";
        plan.name = "linear";
        plan.attributes = {{"in_features", weightTensor.size(1)},
                           {"out_features", weightTensor.size(0)}};
        return plan;
    }
    std::size_t stride = 3, padding = 4, dilation = 5, groups = 6;
    if (base == "convolution") { // aten::_convolution(x, w, b, stride, padding, dilation,
                                 // transposed, output_padding, groups, ...)
        if (plan.arguments.size() < 6 || !plan.arguments[6].isBool() || plan.arguments[6].toBool())
            return std::nullopt; // a transposed convolution
        groups = 8;
    }
    const int64_t dims = weightTensor.dim() - 2;
    if (dims < 1 || dims > 3 || node->inputs().size() <= groups ||
        !plan.arguments[groups].isInt() ||
        (plan.arguments[padding].isString())) // padding="same": no constructor argument spells it
        return std::nullopt;
    const int64_t g = plan.arguments[groups].toInt();
    auto sized = [&](std::size_t i) { // stride=1 as (1, 1): what torch.nn's constructor keeps
        std::vector<int64_t> v = intsOf(plan.arguments[i]);
        if (v.size() == 1)
            v.assign(dims, v[0]);
        return c10::IValue(v);
    };
    plan.cls = "Conv" + std::to_string(dims) + "d";
    plan.file = "conv";
    plan.name = "conv" + std::to_string(dims) + "d";
    plan.attributes = {{"in_channels", weightTensor.size(1) * g},
                       {"out_channels", weightTensor.size(0)},
                       {"kernel_size", c10::IValue(weightTensor.sizes().slice(2).vec())},
                       {"stride", sized(stride)},
                       {"padding", sized(padding)},
                       {"dilation", sized(dilation)},
                       {"groups", g}};
    return plan;
}

// The child layer whose own weight and bias `plan` reads (`F.linear(x, self.qkv.weight,
// self.qkv.bias)`), when calling it computes the same: an nn.Linear always, an nn.ConvNd
// whose kept arguments equal the call's.
std::optional<Module> ownerLayer(const LayerPlan &plan, const Module &owner)
{
    if (plan.weight.size() < 2 || plan.weight.back() != "weight")
        return std::nullopt;
    const std::vector<std::string> layerPath(plan.weight.begin(), plan.weight.end() - 1);
    if (!plan.bias.empty() &&
        (plan.bias.size() != plan.weight.size() || plan.bias.back() != "bias" ||
         !std::equal(layerPath.begin(), layerPath.end(), plan.bias.begin())))
        return std::nullopt;
    const c10::IValue value = attributeAt(owner, layerPath);
    if (!value.isObject())
        return std::nullopt;
    Module layer(value.toObject());
    const std::string cls = demangleClassName(layer.type()->name()->qualifiedName());
    // MultiheadAttention's out_proj is a NonDynamicallyQuantizableLinear: nn.Linear by another
    // name.
    if (cls != "torch.nn.modules." + plan.file + "." + plan.cls &&
        !(plan.cls == "Linear" && cls == "torch.nn.modules.linear.NonDynamicallyQuantizableLinear"))
        return std::nullopt;
    const bool layerHasBias = layer.hasattr("bias") && layer.attr("bias").isTensor();
    if (layerHasBias != !plan.bias.empty())
        return std::nullopt;
    if (plan.cls == "Linear")
        return layer;
    // A scripted ConvNd keeps its arguments as class constants; a traced one keeps none.
    for (const auto &[name, expected] : plan.attributes) {
        if (name == "in_channels" || name == "out_channels" || name == "kernel_size")
            continue;
        auto constant = layer.type()->findConstant(name);
        if (!constant || intsOf(*constant) != intsOf(expected))
            return std::nullopt;
    }
    auto mode = layer.type()->findConstant("padding_mode");
    if (!mode || !mode->isString() || mode->toStringRef() != "zeros")
        return std::nullopt;
    return layer;
}

// A layer type whose forward is `node` with its weight and bias read from the layer itself.
Module makeLayer(Node *node, const LayerPlan &plan, const Module &owner)
{
    auto unit = owner._ivalue()->compilation_unit();
    Module layer = newModule("__torch__.torch.nn.modules." + plan.file + "." + plan.cls, unit);
    layer.register_parameter("weight", attributeAt(owner, plan.weight).toTensor(), false);
    if (!plan.bias.empty())
        layer.register_parameter("bias", attributeAt(owner, plan.bias).toTensor(), false);
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
    if (plan.bias.empty())
        env[node->input(2)] = graph->insertConstant(c10::IValue());
    for (const auto &[i, value] : plan.arguments)
        env[node->input(i)] = graph->insertConstant(value);
    Node *copy = graph->createClone(node, [&](Value *v) { return env.at(v); });
    graph->insertNode(copy);
    graph->registerOutput(copy->output());
    layer.type()->addMethod(
        unit->create_function(c10::QualifiedName(*layer.type()->name(), "forward"), graph));
    return layer;
}

// Replaces `node` by a call of the layer whose weight it reads (`self.qkv` of
// `self.qkv.weight`), and drops the attribute reads nothing uses any more.
void replaceWithLayerCall(Node *node)
{
    Value *layer = node->input(1)->node()->input(0);
    Value *weight = node->input(1);
    Value *bias = node->input(2);
    torch::jit::Graph &graph = *node->owningGraph();
    torch::jit::WithInsertPoint guard(node);
    Node *call = graph.create(c10::prim::CallMethod, {layer, node->input(0)}, 1);
    call->s_(c10::attr::name, "forward");
    call->setSourceRange(node->sourceRange());
    graph.insertNode(call);
    call->output()->setType(node->output()->type());
    node->output()->replaceAllUsesWith(call->output());
    node->destroy();
    destroyIfDead(weight);
    destroyIfDead(bias);
}

} // namespace

PassLog convertLinearToLayers(PassState &state, const FindingFilter &only)
{
    Module &root = state.root();
    const CheckOptions &options = state.options();
    const AimetNames &aimet = state.names();
    const PassContext &context = state.context();
    const ModelGraph &graph = context.graph();

    PassLog log;
    log.name = "linear_to_layer";
    splitAttentionProjections(state, only, log);
    std::set<Node *> done;
    AttributeNames names;
    bool calledLayers = false;
    for (const Finding &finding : state.missing()) {
        if (!only.wants(finding) || finding.manualFix)
            continue; // MultiheadAttention's own ops: no module to make of them yet
        Node *node = context.node(finding.nodes.front());
        if (!node || state.isReplaced(node) || !done.insert(node).second)
            continue;
        const Module &owner = context.module(graph.nodes[finding.nodes.front()].owner);
        if (!planFor(node, owner))
            continue; // not a linear or convolution on parameters
        const c10::ClassTypePtr type = owner.type();
        const std::vector<Module> instances = state.instancesOf(type);
        if (context.anyExcluded(instances, options))
            continue;
        // Every instance must read the same plan: the code is shared.
        std::vector<LayerPlan> plans;
        for (const Module &instance : instances)
            if (auto plan = planFor(node, instance))
                plans.push_back(*plan);
        if (plans.size() != instances.size())
            continue;
        const LayerPlan &plan = plans.front();
        bool same = true;
        for (const LayerPlan &other : plans)
            for (const auto &[i, value] : plan.arguments)
                same = same && other.arguments.at(i) == value;
        if (!same)
            continue;

        // On a child layer's own weights: a call of that layer.
        std::vector<std::optional<Module>> layers;
        for (const Module &instance : instances)
            layers.push_back(ownerLayer(plan, instance));
        if (std::all_of(layers.begin(), layers.end(),
                        [](const auto &l) { return l.has_value(); })) {
            for (std::size_t i = 0; i < instances.size(); ++i) {
                ensureLinearForward(*layers[i]);
                std::string path = context.pathOf(instances[i]);
                path += (path.empty() ? "" : ".");
                for (std::size_t k = 0; k + 1 < plan.weight.size(); ++k)
                    path += (k ? "." : "") + plan.weight[k];
                log.changes.push_back({"linear_to_layer", path, finding.op, finding.source});
            }
            state.replaced(node);
            replaceWithLayerCall(node);
            calledLayers = true;
            continue;
        }

        const std::string planned = aimet.nameFor(owner, node);
        const std::string name =
            names.next(type, planned.empty() ? "module_" + plan.name : planned);
        std::optional<Module> layerType;
        for (std::size_t i = 0; i < instances.size(); ++i) {
            Module instance = instances[i];
            // Every instance keeps its own weights; the layer's code is shared.
            Module layer = layerType ? layerType->deepcopy() : makeLayer(node, plans[i], instance);
            if (!layerType)
                layerType = layer;
            layer.setattr("weight", attributeAt(instance, plans[i].weight));
            if (!plan.bias.empty())
                layer.setattr("bias", attributeAt(instance, plans[i].bias));
            instance.register_module(name, layer);
            log.changes.push_back(
                {"linear_to_layer", context.childPath(instance, name), finding.op, finding.source});
        }
        Value *weight = node->input(1);
        Value *bias = node->input(2);
        state.replaced(node);
        replaceWithModuleCall(node, name, {node->input(0)});
        destroyIfDead(weight);
        destroyIfDead(bias);
        if (plan.weight.size() == 1)
            dropIfUnused(root, type, plan.weight.front());
        if (plan.bias.size() == 1)
            dropIfUnused(root, type, plan.bias.front());
    }
    if (calledLayers)
        state.markStale(); // a layer called now may run twice: the next passes read it again
    return log;
}

} // namespace torchprep
