// What a check reports, and the options every check honours.
#pragma once

#include "graph/model_graph.h"
#include "graph/op_catalogue.h"

#include <string>
#include <vector>

namespace torchprep {

// An error breaks the guidelines; a warning is something the user should know that may be
// fine (a branch on an input's shape, which a trace freezes for one shape). Only errors fail
// validation.
enum class Severity {
    Error,
    Warning,
};

struct Finding
{
    std::string check; // "reused_module", "missing_module", ...
    Severity severity = Severity::Error;
    std::string module; // module path: "layer1.0.relu"; "" for the model itself
    std::string op;     // "aten::add_" where an op is concerned, else ""
    // reused_module: how many times the module runs in one forward; kCallsInLoop when a loop
    // whose trip count is known only at run time calls it.
    int calls = 0;
    static constexpr int kCallsInLoop = -1;
    std::string method; // reused_module: the method that runs more than once ("forward")
    // torchprep prepare cannot make this fix (a loop to unroll, state shared between calls):
    // the fix text says what to change by hand, and the preparer leaves the finding alone.
    bool manualFix = false;
    SourceLocation source;                 // the line to look at first: always the user's
    SourceLocation torchSource;            // inside a composite torch.nn layer: the line there
    std::vector<SourceLocation> callSites; // reused_module: every call, in order
    std::string message;                   // one line: what is wrong
    std::string fix;                       // one line: what to do, written for this case
    std::vector<NodeId> nodes;             // graph nodes concerned (for highlighting)
};

struct CheckOptions
{
    std::vector<std::string> excludedModules; // paths: each skips its whole subtree
    // Classes ("CustomAct" or "my.models.CustomAct"): each module of one skips its subtree.
    std::vector<std::string> excludedClasses;
    OpAllowList allowedOps; // added to the exempt list for this run
    // onnx_exportable judges ops at this ONNX opset; 0 leaves the check out.
    int onnxOpset = 17;
    // ...against the exporter of this torch ("2.14"); "" Debian's (onnx_exportable.h).
    std::string onnxTorch;

    // Throws InputError naming the first excluded path, or class, the model does not have.
    void requireExcludedModulesIn(const ModelGraph &graph) const;

    // True when `module` is an excluded module or lies below one.
    bool excludes(const ModelGraph &graph, ModuleId module) const;
};

// A finding about one op node: check, owning module, op, source and node filled in.
Finding opFinding(const std::string &check, const ModelGraph &graph, const GraphNode &node);

// Names one finding across re-validations of a model that is being rewritten (node ids change,
// this does not): "missing_module|layer1.0|aten::add_|/path/resnet.py:102".
std::string findingKey(const Finding &finding);

// "error" / "warning".
std::string severityName(Severity severity);

// "layer1.0" for module paths; "the model" for the root, as prose needs it.
std::string displayPath(const std::string &modulePath);

} // namespace torchprep
