#include "checks/input_dependent_constructor.h"

#include "checks/fix_text.h"
#include "graph/analyses.h"
#include "graph/op_catalogue.h"

namespace torchprep {

std::vector<Finding> checkInputDependentConstructor(const ModelGraph &graph,
                                                    const CheckOptions &options,
                                                    GraphAnalyses &analyses)
{
    const ValueFacts &facts = analyses.values();
    std::vector<Finding> findings;
    for (const GraphNode &node : graph.nodes) {
        if (node.kind != NodeKind::Op || !isTensorConstructor(node.op) || node.insideTorch ||
            options.excludes(graph, node.owner))
            continue;
        const std::size_t first = takesTemplateTensor(node.op) ? 1 : 0; // only the size counts
        bool data = false, shape = false;
        for (std::size_t i = first; i < node.inputs.size(); ++i) {
            data = data || facts.dependsOnInputData[node.inputs[i]];
            shape = shape || facts.dependsOnInputShape[node.inputs[i]];
        }
        if (!data && !shape)
            continue;
        Finding f = opFinding("input_dependent_constructor", graph, node);
        f.message = "`" + node.op + "` in the forward of " + displayPath(f.module) + " (" +
                    graph.modules[node.owner].typeName + ") takes its arguments from " +
                    (data ? "an input's values" : "an input's shape");
        f.fix = "build the tensor once in `__init__` of " + graph.modules[node.owner].typeName +
                " (self.register_buffer(...), sized for the largest input) and slice it" +
                atSource(node.source) + ", or pass it in as a model input";
        findings.push_back(std::move(f));
    }
    return findings;
}

} // namespace torchprep
