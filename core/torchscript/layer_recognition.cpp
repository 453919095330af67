// A layer by what its forward does: one layer op on the module's own parameters.
#include "torchscript/layer_recognition_torch.h"

#include "graph/module_classes.h"
#include "graph/op_catalogue.h"

#include <unordered_set>

namespace torchprep {

namespace {

bool isLayerOp(const std::string &op)
{
    static const std::unordered_set<std::string> layers = {
        "linear",           "conv1d",           "conv2d",           "conv3d",     "convolution",
        "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "batch_norm", "layer_norm",
        "group_norm",       "instance_norm",    "embedding",        "rms_norm",
    };
    return layers.count(baseOpName(op)) > 0;
}

bool producesTensor(const ModelGraph &graph, const GraphNode &node)
{
    for (ValueId v : node.outputs)
        if (graph.values[v].type.find("Tensor") != std::string::npos)
            return true;
    return false;
}

// The module's own parameter: read by the module's forward itself, not a child's.
bool ownParameter(const ModelGraph &graph, ValueId value)
{
    const GraphValue &v = graph.values[value];
    return v.origin == ValueOrigin::Parameter && v.producer != kNoId &&
           graph.nodes[v.producer].owner == 0;
}

bool isOneLayerOp(const ModelGraph &graph)
{
    int dataOps = 0;
    bool layer = false;
    for (const GraphNode &node : graph.nodes) {
        if (node.kind == NodeKind::ModuleCall)
            return false;
        if (isExemptOp(node.op) || isTensorConstructor(node.op) || !producesTensor(graph, node))
            continue;
        ++dataOps;
        bool own = false;
        for (ValueId in : node.inputs)
            own = own || ownParameter(graph, in);
        layer = isLayerOp(node.op) && own;
    }
    return dataOps == 1 && layer;
}

} // namespace

bool LayerRecognition::isLayer(const torch::jit::Module &module, const std::string &className)
{
    if (isTorchNnLayer(className) || className.rfind("torch.nn.modules.", 0) == 0)
        return false; // torch.nn's own classes are leaves, composites or containers by name
    const auto children = module.named_children();
    if (children.begin() != children.end() || !module.find_method("forward"))
        return false;
    const c10::Type *type = module.type().get();
    if (auto it = known_.find(type); it != known_.end())
        return it->second;
    bool layer = false;
    try {
        layer = isOneLayerOp(walk_(module));
    } catch (const std::exception &) {
        layer = false; // what the walk cannot follow is no plain layer
    }
    known_[type] = layer;
    return layer;
}

} // namespace torchprep
