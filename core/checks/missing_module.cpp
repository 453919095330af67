#include "checks/missing_module.h"

#include "checks/fix_text.h"
#include "graph/analyses.h"

#include <set>
#include <unordered_set>

namespace torchprep {

namespace {

// torch.nn classes whose default construction matches the functional's usual call.
bool constructsWithoutArguments(const std::string &nnClass)
{
    static const std::unordered_set<std::string> plain = {
        "torch.nn.ReLU", "torch.nn.ReLU6",      "torch.nn.Sigmoid",     "torch.nn.Tanh",
        "torch.nn.SiLU", "torch.nn.Hardswish",  "torch.nn.Hardsigmoid", "torch.nn.Mish",
        "torch.nn.GELU", "torch.nn.Tanhshrink", "torch.nn.Softsign",    "torch.nn.LogSigmoid"};
    return plain.count(nnClass) > 0;
}

bool inAttention(const GraphNode &node, const ModelGraph &graph)
{
    return graph.modules[node.owner].typeName == "MultiheadAttention";
}

// Ops of a scripted MultiheadAttention called more than once: the preparer leaves them. Called
// once, it specializes torch's multi_head_attention_forward to that call and prepares the one
// path that is left, as it does a traced attention's.
bool inReusedScriptedAttention(const GraphNode &node, const ModelGraph &graph)
{
    return node.insideTorch && inAttention(node, graph) &&
           (graph.scripted || node.parentControl != kNoId) &&
           graph.modules[node.owner].calls.size() > 1;
}

std::string fixFor(const GraphNode &node, const ModelGraph &graph, AttributeNamer &namer)
{
    const std::string base = baseOpName(node.op);
    const std::string nnClass = nnModuleFor(node.op);
    const ModuleInfo &owner = graph.modules[node.owner];
    if (inReusedScriptedAttention(node, graph))
        return "give each call" + atSource(node.source) +
               " an nn.MultiheadAttention of its own, or trace the "
               "model (torch.jit.trace), then run `torchprep prepare` (torch's " +
               owner.typeName + " computes `" + base + "` functionally" +
               atSource(node.torchSource) + "; scripted and called " +
               std::to_string(owner.calls.size()) +
               " times, it keeps a branch for every way of calling it, which torchprep prepare "
               "does not rewrite)";
    if (node.insideTorch && graph.format == ModelFormat::ExportedProgram)
        return "build the layer" + atSource(node.source) + " from torch.nn modules (torch's " +
               owner.typeName + " computes `" + base + "` functionally" +
               atSource(node.torchSource) +
               "), or prepare the model's torch.jit.trace with `torchprep prepare`";
    if (node.insideTorch)
        return "run `torchprep prepare`: it gives torch's " + owner.typeName + " a module for `" +
               base + "`" + atSource(node.torchSource) + " (or build the layer" +
               atSource(node.source) + " from torch.nn modules yourself)";
    const std::string attr = namer.next(owner.id, base);
    std::string declare;
    if (!nnClass.empty()) {
        declare = "`self." + attr + " = " + nnClass +
                  (constructsWithoutArguments(nnClass) ? "()`"
                                                       : "(...)` with the functional's arguments");
    } else {
        const std::string cls = wrapperClassName(base);
        declare = "`self." + attr + " = " + cls +
                  "()` (a torch.nn.Module whose forward calls torch." + base + ")";
    }
    return "add " + declare + " in `__init__` of " + owner.typeName + " and call `self." + attr +
           "`" + atSource(node.source) + " instead" + orRunPrepare(graph);
}

std::string describe(const std::string &op, const GraphNode &node, const ModelGraph &graph)
{
    const ModuleInfo &owner = graph.modules[node.owner];
    std::string text = "`" + op + "`";
    if (!node.function.empty() && node.function != op)
        text += " (" + node.function + ")";
    text += " runs in the forward of " + displayPath(owner.path) + " (" + owner.typeName;
    if (node.insideTorch)
        text += ", torch's code" + atSource(node.torchSource);
    return text + ") outside any torch.nn module";
}

// Arithmetic on Python numbers (`n += 1` in a scripted loop) and on lists of tensors (`a + b`
// joining two lists) computes no tensor: nothing to quantize, nothing a module could stand in
// for.
bool computesTensor(const GraphNode &node, const ModelGraph &graph)
{
    for (ValueId v : node.outputs) {
        const std::string &type = graph.values[v].type;
        if (type.find("Tensor") != std::string::npos && type.compare(0, 5, "List[") != 0)
            return true;
    }
    return false;
}

} // namespace

std::vector<Finding> checkMissingModule(const ModelGraph &graph, const CheckOptions &options)
{
    GraphAnalyses analyses(graph);
    return checkMissingModule(graph, options, analyses);
}

std::vector<Finding> checkMissingModule(const ModelGraph &graph, const CheckOptions &options,
                                        GraphAnalyses &analyses)
{
    const ValueFacts &facts = analyses.values();
    std::vector<Finding> findings;
    AttributeNamer namer(graph);
    // The open finding of a call of a torch function, and the ops counted in it.
    NodeId openCall = kNoId;
    std::set<std::string> openOps;
    for (const GraphNode &node : graph.nodes) {
        if (node.kind != NodeKind::Op || node.outputs.empty())
            continue;
        if (isExemptOp(node.op) || options.allowedOps.allows(node.op) ||
            isTensorConstructor(node.op))
            continue;
        if (facts.feedsOnlyControl[node.id] || facts.feedsOnlyScalars[node.id] ||
            facts.feedsNothing[node.id] || !computesTensor(node, graph))
            continue;
        bool shapeArithmetic = true;
        for (ValueId out : node.outputs)
            shapeArithmetic = shapeArithmetic && facts.shapeOnly[out];
        if (shapeArithmetic || options.excludes(graph, node.owner))
            continue;

        // The ops one call of a torch function ran (traced F.normalize: norm, clamp_min, div)
        // are one finding; the same op again starts the next call.
        if (node.libraryCall != kNoId && node.libraryCall == openCall && !openOps.count(node.op)) {
            Finding &f = findings.back();
            f.nodes.push_back(node.id);
            f.op = node.function;
            openOps.insert(node.op);
            f.message = describe(f.op, node, graph);
            continue;
        }
        openCall = node.libraryCall;
        openOps = {node.op};
        Finding f = opFinding("missing_module", graph, node);
        f.message = describe(node.op, node, graph);
        if (graph.format == ModelFormat::ExportedProgram && node.parentControl != kNoId) {
            // export inlines module calls in torch.cond's branches: `self.act(x)` there reads
            // as F.relu(x) when the module holds no parameters.
            f.severity = Severity::Warning;
            f.message += " (torch.export keeps no module calls inside the branches of "
                         "torch.cond: a layer without parameters called there reads the same)";
        }
        f.fix = fixFor(node, graph, namer);
        f.manualFix = inReusedScriptedAttention(node, graph);
        findings.push_back(std::move(f));
    }
    return findings;
}

} // namespace torchprep
