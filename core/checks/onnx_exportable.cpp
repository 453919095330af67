#include "checks/onnx_exportable.h"

#include "base/errors.h"
#include "base/printable.h"
#include "checks/check_catalogue.h"
#include "checks/fix_text.h"
#include "graph/onnx_opsets.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace torchprep {

namespace {

std::string constantInput(const ModelGraph &graph, const GraphNode &node, std::size_t index)
{
    if (index >= node.inputs.size())
        return {};
    const GraphValue &value = graph.values[node.inputs[index]];
    if (value.origin != ValueOrigin::Constant || value.producer == kNoId)
        return {};
    const GraphNode &producer = graph.nodes[value.producer];
    return producer.op == "prim::Constant" ? producer.attribute : std::string();
}

// The ops one node puts before the exporter.
std::vector<std::string> opsOf(const GraphNode &node)
{
    if (node.kind == NodeKind::ModuleCall)
        return node.exportedOps; // a layer's; user code is expanded into the graph
    if (!node.exportedOps.empty()) {
        // One of torch's functions, as the exporter inlines it. Its appends build lists of a
        // fixed length (F.interpolate's sizes, torch.norm's dims), which the exporter's list
        // passes turn into ListConstruct at every opset (held to the exporter at opset 9).
        std::vector<std::string> ops;
        for (const std::string &op : node.exportedOps)
            if (op != "aten::append")
                ops.push_back(op);
        return ops;
    }
    if (node.op.find("::") == std::string::npos)
        return {}; // a torch function whose code could not be folded: no claim
    return {node.op};
}

// Ops that split a tensor into a list: unpacked at once (`a, b = x.chunk(2)`) the exporter
// knows how many outputs they have; a list kept whole (`parts[0]`) needs SplitToSequence.
bool onlyUnpacked(const ModelGraph &graph, const GraphNode &node)
{
    if (node.kind != NodeKind::Op || node.outputs.size() != 1)
        return false;
    const std::vector<NodeId> &users = graph.values[node.outputs[0]].users;
    return !users.empty() && std::all_of(users.begin(), users.end(), [&](NodeId u) {
        return graph.nodes[u].op == "prim::ListUnpack";
    });
}

bool splitsIntoList(const std::string &op)
{
    return op == "aten::chunk" || op == "aten::split" || op == "aten::split_with_sizes" ||
           op == "aten::unbind" || op == "aten::unsafe_split" || op == "aten::unsafe_chunk";
}

// The first opset the exporter takes `op` at on this node: its preprocessing turns an unpacked
// chunk of a fixed count into prim::ConstantChunk (opset 9, where aten::chunk needs 11), and a
// split kept as a list has a dynamic number of outputs, which only opset 11's sequences hold.
int firstOpsetOn(const ModelGraph &graph, const GraphNode &node, const std::string &op,
                 const OnnxOpsetRow &row, const OnnxExporterTable &table)
{
    if (!splitsIntoList(op))
        return row.opset;
    if (!onlyUnpacked(graph, node))
        return std::max(row.opset, 11);
    if (op == "aten::chunk" && !constantInput(graph, node, 1).empty())
        if (const OnnxOpsetRow *constant = table.find("prim::ConstantChunk"))
            return constant->opset;
    return row.opset;
}

struct Problem
{
    std::string op;
    std::string what; // why it does not export
    std::string fix;
};

std::string opsetAdvice(int from)
{
    return "export with opset " + std::to_string(from) + " or later (`--opset " +
           std::to_string(from) + "`)";
}

std::string whereToChange(const GraphNode &node, const ModelGraph &graph)
{
    if (node.insideTorch && graph.scripted)
        return "this runs in torch's own code of " + graph.modules[node.owner].typeName +
               atSource(node.torchSource) +
               ", which scripting keeps whole: trace the model "
               "instead (torch.jit.trace records only the path that runs)";
    if (node.kind == NodeKind::ModuleCall && graph.modules[node.callee].composite && graph.scripted)
        return "it is in torch's own code of " + graph.modules[node.callee].typeName +
               ", which scripting keeps whole (fast paths, checks): trace the model instead "
               "(torch.jit.trace records only the path that runs)";
    if (node.kind == NodeKind::ModuleCall)
        return "it runs inside the layer " + graph.modules[node.callee].typeName +
               ": use a layer the exporter supports";
    if (node.op.rfind("prim::Dict", 0) == 0)
        return "return tensors or a tuple of tensors instead of a dict (ONNX graphs have no dicts)";
    return "compute it with ops the exporter supports" + atSource(node.source);
}

std::vector<Problem> problemsOf(const GraphNode &node, const ModelGraph &graph,
                                const CheckOptions &options)
{
    std::vector<Problem> problems;
    const int opset = options.onnxOpset;
    const OnnxExporterTable &table = onnxExporterTable(options.onnxTorch);
    const std::string torch = "torch " + table.torch;
    for (const std::string &op : opsOf(node)) {
        if (handledBeforeOnnxSymbolics(op) || options.allowedOps.allows(op))
            continue;
        const OnnxOpsetRow *row = table.find(op);
        const int first = row ? firstOpsetOn(graph, node, op, *row, table) : 0;
        if (!row) {
            problems.push_back({op, "has no ONNX export in " + torch + " at any opset",
                                whereToChange(node, graph) + "; or `--allow " + op +
                                    "` when your exporter registers a custom symbolic for it"});
        } else if (first > opset) {
            problems.push_back({op,
                                "has no ONNX export at opset " + std::to_string(opset) + " (" +
                                    torch + " exports it from opset " + std::to_string(first) +
                                    (first != row->opset ? " where its list is kept whole" : "") +
                                    ")",
                                opsetAdvice(first) + ", or " + whereToChange(node, graph)});
        }
    }
    for (const OnnxArgumentRule &rule : onnxArgumentRules()) {
        // A scripted call of torch's function has the function's arguments as inputs; a traced
        // op its own.
        const bool functionCall =
            graph.scripted && !node.function.empty() && node.libraryCall == node.id;
        const std::string name = functionCall ? node.function : node.op;
        if (name != rule.op || opset >= rule.fromOpset || options.allowedOps.allows(node.op))
            continue;
        if (constantInput(graph, node, rule.input) == rule.value)
            problems.push_back(
                {name,
                 "with " + rule.condition + " has no ONNX export before opset " +
                     std::to_string(rule.fromOpset),
                 opsetAdvice(rule.fromOpset) + ", or resize without " + rule.condition});
    }
    return problems;
}

// Plumbing (a dict built for the result) has no line of its own: the line that uses it, or
// the model's return statement.
SourceLocation lineOfUse(const ModelGraph &graph, const GraphNode &node)
{
    for (ValueId out : node.outputs) {
        if (std::find(graph.outputs.begin(), graph.outputs.end(), out) != graph.outputs.end())
            return graph.returnSource;
        for (NodeId user : graph.values[out].users)
            if (graph.nodes[user].source.known())
                return graph.nodes[user].source;
    }
    return {};
}

// A node in torch's code of a composite layer whose call lists what the exporter sees.
bool judgedByItsComposite(const ModelGraph &graph, const GraphNode &node)
{
    for (NodeId call = node.parentCall; call != kNoId; call = graph.nodes[call].parentCall) {
        const GraphNode &c = graph.nodes[call];
        if (!c.insideTorch)
            return !c.exportedOps.empty();
    }
    return false;
}

} // namespace

std::vector<Finding> checkOnnxExportable(const ModelGraph &graph, const CheckOptions &options,
                                         GraphAnalyses &)
{
    std::vector<Finding> findings;
    if (options.onnxOpset <= 0)
        return findings;
    // One finding per op and place: a layer type used 50 times is one thing to fix per call site.
    std::map<std::string, std::size_t> seen;
    for (const GraphNode &node : graph.nodes) {
        if (node.kind == NodeKind::ModuleCall && node.expanded && node.exportedOps.empty())
            continue; // user code: its body's nodes follow
        if (node.insideTorch && judgedByItsComposite(graph, node))
            continue;
        const ModuleId module = node.kind == NodeKind::ModuleCall ? node.callee : node.owner;
        if (options.excludes(graph, module))
            continue;
        for (Problem &problem : problemsOf(node, graph, options)) {
            const std::string key =
                problem.op + "|" + std::to_string(module) + "|" + node.source.str();
            if (auto it = seen.find(key); it != seen.end()) {
                findings[it->second].nodes.push_back(node.id);
                continue;
            }
            Finding f = opFinding(check_id::kOnnxExportable, graph, node);
            if (!f.source.known())
                f.source = lineOfUse(graph, node);
            f.module = graph.modules[module].path;
            f.op = problem.op;
            f.manualFix = true;
            f.message = "`" + problem.op + "` " + problem.what + ": " + displayPath(f.module) +
                        " cannot be converted to ONNX";
            f.fix = std::move(problem.fix);
            seen.emplace(key, findings.size());
            findings.push_back(std::move(f));
        }
    }
    return findings;
}

} // namespace torchprep
