#include "onnx_exportable.h"

#include "../check_catalogue.h"
#include "../errors.h"
#include "../libtorch/missing_aten_ops.h"
#include "../printable.h"
#include "fix_text.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace torchprep {

namespace {

struct OpsetRow
{
    std::string op;                   // as torch's registry names it: "aten::add"
    int opset = 0;                    // the lowest opset with a symbolic
    std::vector<std::string> refuses; // conditions its symbolics refuse, in their words
};

// One exporter's registry: the torch it came from, its highest opset, its ops by name.
struct OpsetTable
{
    std::string torch;
    int maxOpset = 0;
    std::vector<OpsetRow> rows;
    std::unordered_map<std::string, const OpsetRow *> byOp;

    OpsetTable(std::string version, int max, std::vector<OpsetRow> all)
        : torch(std::move(version)), maxOpset(max), rows(std::move(all))
    {
    }
};

const OpsetRow kDebianRows[] = {
#include "onnx_opsets.inc"
};

const OpsetRow kTorch26Rows[] = {
#include "onnx_opsets_2_6.inc"
};

const OpsetRow kTorch214Rows[] = {
#include "onnx_opsets_2_14.inc"
};

// Debian 12's torch, Debian 13's, and the newest torches at hand when generated.
const std::vector<OpsetTable> &opsetTables()
{
    static const std::vector<OpsetTable> tables = [] {
        std::vector<OpsetTable> made = {
            {TORCHPREP_ONNX_TORCH_VERSION, TORCHPREP_ONNX_MAX_OPSET, {std::begin(kDebianRows), std::end(kDebianRows)}},
            {TORCHPREP_ONNX_2_6_TORCH_VERSION, TORCHPREP_ONNX_2_6_MAX_OPSET,
             {std::begin(kTorch26Rows), std::end(kTorch26Rows)}},
            // torch 2.13 (the newest wheel on Debian 13's machines): make_onnx_opsets.py made
            // its table row for row the same as 2.14's, so that table serves it under its name.
            {"2.13.0", TORCHPREP_ONNX_2_14_MAX_OPSET, {std::begin(kTorch214Rows), std::end(kTorch214Rows)}},
            {TORCHPREP_ONNX_2_14_TORCH_VERSION, TORCHPREP_ONNX_2_14_MAX_OPSET,
             {std::begin(kTorch214Rows), std::end(kTorch214Rows)}},
        };
        for (OpsetTable &table : made) // indexed where the rows now live: copies moved them
            for (const OpsetRow &row : table.rows)
                table.byOp.emplace(row.op, &row);
        return made;
    }();
    return tables;
}

std::string majorMinor(const std::string &version)
{
    const auto first = version.find('.');
    const auto second = first == std::string::npos ? first : version.find('.', first + 1);
    return version.substr(0, second);
}

// The table `--onnx-torch` names; "" that of the linked libtorch's release (Debian's torch, whose
// exporter export-onnx runs by default), else the oldest. InputError for one not built in.
const OpsetTable &tableFor(const std::string &torch)
{
    // Found once: the walks ask onnxMayRefuse of every op.
    static const OpsetTable &linked = [] () -> const OpsetTable & {
        for (const OpsetTable &table : opsetTables())
            if (majorMinor(table.torch) == majorMinor(linkedTorchVersion()))
                return table;
        return opsetTables().front();
    }();
    if (torch.empty())
        return linked;
    for (const OpsetTable &table : opsetTables())
        if (torch == table.torch || torch == majorMinor(table.torch))
            return table;
    throw InputError("--onnx-torch " + printable(torch) + ": the exporters TorchPrep knows are those of torch " +
                     joinedOnnxExporters());
}

const std::unordered_map<std::string, const OpsetRow *> &opsetTable() { return tableFor("").byOp; }

// Ops the exporter's own passes remove or rewrite before any symbolic is looked up (freezing,
// inlining, number types erased, exceptions and warnings dropped, tuples unpacked), and the
// graph's plumbing. Checked against real exports of the test models (tests/models).
bool handledBeforeSymbolics(const std::string &op)
{
    static const std::unordered_set<std::string> handled = {
        "prim::GetAttr", "prim::SetAttr", "prim::CallMethod", "prim::CallFunction", "prim::NumToTensor",
        "aten::Int", "aten::Float", "aten::Bool", "aten::ScalarImplicit", "prim::TupleUnpack",
        "prim::TupleIndex", "prim::RaiseException", "aten::warn", "aten::format", "aten::__contains__",
        "aten::str", "prim::requires_grad", "prim::Param", "prim::Return",
    };
    return handled.count(op) > 0;
}

// The exporter looks an in-place op up under its out-of-place name ("aten::add_" as
// "aten::add") and registers dunder ops with one trailing underscore ("aten::__and_").
std::string registryName(const std::string &op)
{
    if (op.size() > 1 && op.back() == '_')
        return op.substr(0, op.size() - 1);
    return op;
}

// Known argument rules the table's conditions name and a graph can decide: align_corners=True
// resizes export only from opset 11 (earlier Resize has no such mode).
struct ArgumentRule
{
    std::string op;      // the graph's op, or the torch function's Python name
    std::size_t input;   // which of the node's inputs
    std::string value;   // the constant that is refused
    int fromOpset;       // exported from this opset on
    std::string condition;
};

const std::vector<ArgumentRule> &argumentRules()
{
    static const std::vector<ArgumentRule> rules = {
        {"aten::upsample_linear1d", 2, "True", 11, "align_corners=True"},
        {"aten::upsample_bilinear2d", 2, "True", 11, "align_corners=True"},
        {"aten::upsample_bicubic2d", 2, "True", 11, "align_corners=True"},
        {"aten::upsample_trilinear3d", 2, "True", 11, "align_corners=True"},
        {"aten::__interpolate", 4, "True", 11, "align_corners=True"},
        {"torch.nn.functional.interpolate", 4, "True", 11, "align_corners=True"},
    };
    return rules;
}

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
    if (!node.exportedOps.empty())
        return node.exportedOps; // one of torch's functions, as the exporter inlines it
    if (node.op.find("::") == std::string::npos)
        return {}; // a torch function whose code could not be folded: no claim
    return {node.op};
}

struct Problem
{
    std::string op;
    std::string what; // why it does not export
    std::string fix;
};

std::string opsetAdvice(int from)
{
    return "export with opset " + std::to_string(from) + " or later (`--opset " + std::to_string(from) + "`)";
}

std::string whereToChange(const GraphNode &node, const ModelGraph &graph)
{
    if (node.insideTorch && graph.scripted)
        return "this runs in torch's own code of " + graph.modules[node.owner].typeName +
               atSource(node.torchSource) + ", which scripting keeps whole: trace the model "
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

std::vector<Problem> problemsOf(const GraphNode &node, const ModelGraph &graph, const CheckOptions &options)
{
    std::vector<Problem> problems;
    const int opset = options.onnxOpset;
    const OpsetTable &table = tableFor(options.onnxTorch);
    const std::string torch = "torch " + table.torch;
    for (const std::string &op : opsOf(node)) {
        if (handledBeforeSymbolics(op) || options.allowedOps.allows(op))
            continue;
        const auto row = table.byOp.find(registryName(op));
        if (row == table.byOp.end()) {
            problems.push_back({op, "has no ONNX export in " + torch + " at any opset",
                                whereToChange(node, graph) + "; or `--allow " + op +
                                    "` when your exporter registers a custom symbolic for it"});
        } else if (row->second->opset > opset) {
            problems.push_back({op,
                                "has no ONNX export at opset " + std::to_string(opset) + " (" + torch +
                                    " exports it from opset " + std::to_string(row->second->opset) + ")",
                                opsetAdvice(row->second->opset) + ", or " + whereToChange(node, graph)});
        }
    }
    for (const ArgumentRule &rule : argumentRules()) {
        // A scripted call of torch's function has the function's arguments as inputs; a traced
        // op its own.
        const bool functionCall = graph.scripted && !node.function.empty() && node.libraryCall == node.id;
        const std::string name = functionCall ? node.function : node.op;
        if (name != rule.op || opset >= rule.fromOpset || options.allowedOps.allows(node.op))
            continue;
        if (constantInput(graph, node, rule.input) == rule.value)
            problems.push_back({name, "with " + rule.condition + " has no ONNX export before opset " +
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

bool onnxMayRefuse(const std::string &op)
{
    if (handledBeforeSymbolics(op))
        return false;
    const auto row = opsetTable().find(registryName(op));
    if (row == opsetTable().end() || row->second->opset > onnxMinOpset())
        return true;
    return std::any_of(argumentRules().begin(), argumentRules().end(),
                       [&](const ArgumentRule &rule) { return rule.op == op; });
}

std::string onnxTableTorchVersion(const std::string &torch) { return tableFor(torch).torch; }
int onnxMaxOpset(const std::string &torch) { return tableFor(torch).maxOpset; }

std::string joinedOnnxExporters()
{
    std::string text;
    for (const OpsetTable &table : opsetTables())
        text += (text.empty() ? "" : " and ") + majorMinor(table.torch);
    return text;
}
// torch's symbolics start at opset 9 for most ops (7 and 8 hold a handful): judge from 9 on.
int onnxMinOpset() { return 9; }

std::vector<Finding> checkOnnxExportable(const ModelGraph &graph, const CheckOptions &options)
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
            const std::string key = problem.op + "|" + std::to_string(module) + "|" + node.source.str();
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
