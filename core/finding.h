// What a check reports, and the options every check honours.
#pragma once

#include "model_graph.h"
#include "op_catalogue.h"

#include <string>
#include <vector>

namespace torchprep {

struct Finding
{
    std::string check;  // "reused_module", "missing_module", ...
    std::string module; // module path: "layer1.0.relu"; "" for the model itself
    std::string op;     // "aten::add_" where an op is concerned, else ""
    int calls = 0;      // reused_module: how many times the module is called
    SourceLocation source;                 // the line to look at first
    std::vector<SourceLocation> callSites; // reused_module: every call, in order
    std::string message;                   // one line: what is wrong
    std::string fix;                       // one line: what to do, written for this case
    std::vector<NodeId> nodes;             // graph nodes concerned (for highlighting)
};

struct CheckOptions
{
    std::vector<std::string> excludedModules; // paths: each skips its whole subtree
    OpAllowList allowedOps;                   // added to the exempt list for this run

    // Throws InputError naming the first excluded path the model does not have.
    void requireExcludedModulesIn(const ModelGraph &graph) const;

    // True when `module` is an excluded module or lies below one.
    bool excludes(const ModelGraph &graph, ModuleId module) const;
};

// A finding about one op node: check, owning module, op, source and node filled in.
Finding opFinding(const std::string &check, const ModelGraph &graph, const GraphNode &node);

// Names one finding across re-validations of a model that is being rewritten (node ids change,
// this does not): "missing_module|layer1.0|aten::add_|/path/resnet.py:102".
std::string findingKey(const Finding &finding);

// "layer1.0" for module paths; "the model" for the root, as prose needs it.
std::string displayPath(const std::string &modulePath);

} // namespace torchprep
