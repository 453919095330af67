#include "checks/dynamic_control_flow.h"

#include "checks/fix_text.h"
#include "graph/analyses.h"

namespace torchprep {

std::vector<Finding> checkDynamicControlFlow(const ModelGraph &graph, const CheckOptions &options,
                                             GraphAnalyses &analyses)
{
    const ValueFacts &facts = analyses.values();
    std::vector<Finding> findings;
    for (const GraphNode &node : graph.nodes) {
        const bool isIf = node.op == "prim::If";
        const bool isLoop = node.op == "prim::Loop";
        if (node.kind != NodeKind::Op || (!isIf && !isLoop) || node.insideTorch ||
            options.excludes(graph, node.owner))
            continue;
        std::vector<ValueId> steering;
        for (std::size_t i = 0; i < node.inputs.size(); ++i)
            if (isControlInput(node, i))
                steering.push_back(node.inputs[i]);
        if (isLoop) {
            // The body's first result is the condition for the next iteration.
            const std::size_t next = 2 + node.outputs.size();
            if (next < node.inputs.size())
                steering.push_back(node.inputs[next]);
        }
        bool data = false, shape = false;
        for (ValueId v : steering) {
            data = data || facts.dependsOnInputData[v];
            shape = shape || facts.dependsOnInputShape[v];
        }
        if (!data && !shape)
            continue;
        Finding f = opFinding("dynamic_control_flow", graph, node);
        const std::string what = isIf ? "an `if`" : "a loop";
        const std::string where = " in the forward of " + displayPath(f.module) + " (" +
                                  graph.modules[node.owner].typeName + ")";
        if (data) {
            f.message = what + where + " depends on the values of an input";
            f.fix = "make the decision" + atSource(node.source) +
                    " static (a module attribute set in `__init__`, or outside the model), "
                    "or compute both branches and select with torch.where; torch.jit.trace "
                    "freezes the branch the example input takes";
        } else {
            f.severity = Severity::Warning;
            f.message = what + where + " depends only on the shape (or dtype, device) of an input";
            f.fix = "fine if the model always sees inputs of this shape: torch.jit.trace freezes" +
                    atSource(node.source) +
                    " for the example's shape; otherwise make it depend "
                    "on a module attribute or move it outside the model";
        }
        findings.push_back(std::move(f));
    }
    return findings;
}

} // namespace torchprep
