#include "missing_module.h"

#include "../dataflow.h"
#include "fix_text.h"

#include <unordered_set>

namespace torchprep {

namespace {

// torch.nn classes whose default construction matches the functional's usual call.
bool constructsWithoutArguments(const std::string &nnClass)
{
    static const std::unordered_set<std::string> plain = {
        "torch.nn.ReLU", "torch.nn.ReLU6", "torch.nn.Sigmoid", "torch.nn.Tanh", "torch.nn.SiLU",
        "torch.nn.Hardswish", "torch.nn.Hardsigmoid", "torch.nn.Mish", "torch.nn.GELU",
        "torch.nn.Tanhshrink", "torch.nn.Softsign", "torch.nn.LogSigmoid"};
    return plain.count(nnClass) > 0;
}

std::string fixFor(const GraphNode &node, const ModelGraph &graph, AttributeNamer &namer)
{
    const std::string base = baseOpName(node.op);
    const std::string nnClass = nnModuleFor(node.op);
    const ModuleInfo &owner = graph.modules[node.owner];
    const std::string attr = namer.next(owner.id, base);
    std::string declare;
    if (!nnClass.empty()) {
        declare = "`self." + attr + " = " + nnClass +
                  (constructsWithoutArguments(nnClass) ? "()`" : "(...)` with the functional's arguments");
    } else {
        const std::string cls = wrapperClassName(base);
        declare = "`self." + attr + " = " + cls + "()` (a torch.nn.Module whose forward calls torch." +
                  base + ")";
    }
    return "add " + declare + " in `__init__` of " + owner.typeName + " and call `self." + attr +
           "`" + atSource(node.source) + " instead; or run `torchprep prepare`";
}

// Arithmetic on Python numbers (`n += 1` in a scripted loop) touches no tensor: nothing to
// quantize, nothing a module could stand in for.
bool touchesTensors(const GraphNode &node, const ModelGraph &graph)
{
    for (const auto *ids : {&node.inputs, &node.outputs})
        for (ValueId v : *ids)
            if (graph.values[v].type.find("Tensor") != std::string::npos)
                return true;
    return false;
}

} // namespace

std::vector<Finding> checkMissingModule(const ModelGraph &graph, const CheckOptions &options)
{
    const ValueFacts facts = analyseValues(graph);
    std::vector<Finding> findings;
    AttributeNamer namer(graph);
    for (const GraphNode &node : graph.nodes) {
        if (node.kind != NodeKind::Op || node.outputs.empty())
            continue;
        if (isExemptOp(node.op) || options.allowedOps.allows(node.op) ||
            isTensorConstructor(node.op))
            continue;
        if (facts.feedsOnlyControl[node.id] || !touchesTensors(node, graph))
            continue;
        bool shapeArithmetic = true;
        for (ValueId out : node.outputs)
            shapeArithmetic = shapeArithmetic && facts.shapeOnly[out];
        if (shapeArithmetic || options.excludes(graph, node.owner))
            continue;

        Finding f = opFinding("missing_module", graph, node);
        f.message = "`" + node.op + "` runs in the forward of " + displayPath(f.module) + " (" +
                    graph.modules[node.owner].typeName + ") outside any torch.nn module";
        f.fix = fixFor(node, graph, namer);
        findings.push_back(std::move(f));
    }
    return findings;
}

} // namespace torchprep
