// What differs between two model graphs, aligned by module path: the before/after view of a
// prepared model, or of any two versions of a model.
#pragma once

#include "graph/model_graph.h"
#include "graph/node_alignment.h"

#include <string>
#include <vector>

namespace torchprep {

struct GraphChange
{
    // "module_added" | "module_removed" | "class_changed" | "op_removed" | "op_added" |
    // "calls_changed" (a module called a different number of times: an unrolled reuse)
    std::string kind;
    std::string module; // the module's path; for ops, the module that runs them
    std::string detail; // the class ("ReLU"), the op ("aten::add_"), or "2 calls -> 1"
    int count = 1;      // ops: how many more or fewer
};

// What was done to the model, as its user would say it: the raw changes paired up.
enum class DiffKind {
    OpRewritten,   // an op became a call of a new module (F.relu -> module_relu)
    ReuseUnrolled, // a further call of a reused module now calls a copy of its own
    ModuleAdded,
    ModuleRemoved,
    ClassChanged,
    CallsChanged, // called more or fewer times, with no copy to explain it
    OpAdded,
    OpRemoved,
};

struct DiffEntry
{
    DiffKind kind = DiffKind::ModuleAdded;
    std::string module;    // the new module (after), else the module concerned
    std::string summary;   // one line: "aten::add_ -> Add", "call 2 of layer1.0.relu -> a copy"
    SourceLocation source; // the user's line, where one is known
    // The nodes concerned in each graph (calls with their bodies, ops), in execution order.
    std::vector<NodeId> beforeNodes;
    std::vector<NodeId> afterNodes;
};

struct GraphDiff
{
    std::vector<GraphChange>
        changes; // modules first (in `after`'s order, then removed ones), then ops and calls
    std::vector<DiffEntry> entries; // in `after`'s execution order
    NodeAlignment alignment;        // rewrites and unrolled calls paired too
    bool empty() const { return changes.empty(); }
};

// Modules added, removed or of another class; per module, ops that run more or fewer times
// (structural prim:: nodes aside); modules called a different number of times. Entries pair
// a vanished op with the new module called from the same module and line (or named after the
// op), and a vanished call of a reused module with a new module of its class beside it.
GraphDiff diffModelGraphs(const ModelGraph &before, const ModelGraph &after);

// "rewritten", "unrolled", "added", ...: the short name the Studio shows for `kind`.
const char *diffKindName(DiffKind kind);

} // namespace torchprep
