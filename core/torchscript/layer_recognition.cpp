// A layer by what its forward does: one data op, as AIMET's connected graph has it.
#include "torchscript/layer_recognition_torch.h"

#include "graph/module_classes.h"
#include "graph/op_catalogue.h"

namespace torchprep {

namespace {

bool producesTensor(const ModelGraph &graph, const GraphNode &node)
{
    for (ValueId v : node.outputs)
        if (graph.values[v].type.find("Tensor") != std::string::npos)
            return true;
    return false;
}

// AIMET's connected graph takes a childless module whose forward runs one op as that op's
// module (`Square`: x * x): one data op, whatever it is, makes the module a layer.
bool isOneOpModule(const ModelGraph &graph)
{
    int dataOps = 0;
    for (const GraphNode &node : graph.nodes) {
        if (node.kind == NodeKind::ModuleCall)
            return false;
        if (isExemptOp(node.op) || isTensorConstructor(node.op) || !producesTensor(graph, node))
            continue;
        ++dataOps;
    }
    return dataOps == 1;
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
        layer = isOneOpModule(walk_(module));
    } catch (const std::exception &) {
        layer = false; // what the walk cannot follow is no plain layer
    }
    known_[type] = layer;
    return layer;
}

} // namespace torchprep
