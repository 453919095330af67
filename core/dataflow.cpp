#include "dataflow.h"

#include "op_catalogue.h"

namespace torchprep {

bool isControlInput(const GraphNode &node, std::size_t index)
{
    if (node.op == "prim::If")
        return index == 0;
    if (node.op == "prim::Loop")
        return index < 2;
    return false;
}

namespace {

// Walking backwards, marks every op node whose results are all used, and used only by nodes
// that `absorbs(user, value)` or that are marked themselves.
template <typename Absorbs>
std::vector<bool> markFeedingOnly(const ModelGraph &graph, const Absorbs &absorbs)
{
    std::vector<bool> marked(graph.nodes.size(), false);
    for (auto it = graph.nodes.rbegin(); it != graph.nodes.rend(); ++it) {
        const GraphNode &node = *it;
        if (node.kind != NodeKind::Op || node.outputs.empty() || node.op == "prim::If" ||
            node.op == "prim::Loop")
            continue;
        bool only = true;
        for (ValueId out : node.outputs) {
            const GraphValue &value = graph.values[out];
            only = only && !value.users.empty();
            for (NodeId user : value.users)
                only = only && (marked[user] || absorbs(graph.nodes[user], out));
        }
        marked[node.id] = only;
    }
    return marked;
}

} // namespace

ValueFacts analyseValues(const ModelGraph &graph)
{
    const std::size_t n = graph.values.size();
    ValueFacts facts;
    facts.dependsOnInputData.assign(n, false);
    facts.dependsOnInputShape.assign(n, false);
    facts.shapeOnly.assign(n, false);
    for (const GraphValue &v : graph.values) {
        if (v.origin == ValueOrigin::Input)
            facts.dependsOnInputData[v.id] = true;
        if (v.origin == ValueOrigin::Constant)
            facts.shapeOnly[v.id] = true;
    }
    // Loops feed block results back into the loop node: iterate to a fixed point.
    for (bool changed = true; changed;) {
        changed = false;
        for (const GraphNode &node : graph.nodes) {
            bool data = false, shape = false, allShape = !node.inputs.empty();
            const std::size_t first =
                node.kind == NodeKind::Op && takesTemplateTensor(node.op) ? 1 : 0;
            for (std::size_t i = 0; i < node.inputs.size(); ++i) {
                const ValueId in = node.inputs[i];
                if (i < first) {
                    shape = shape || facts.dependsOnInputData[in] || facts.dependsOnInputShape[in];
                    continue;
                }
                data = data || facts.dependsOnInputData[in];
                shape = shape || facts.dependsOnInputShape[in];
                allShape = allShape && facts.shapeOnly[in];
            }
            const bool query = node.kind == NodeKind::Op && isShapeQuery(node.op);
            if (query) {
                shape = shape || data;
                data = false;
            }
            if (node.kind == NodeKind::Op && isTypeQuery(node.op))
                data = shape = false; // `mask is None` decides nothing about values
            const bool control = node.op == "prim::If" || node.op == "prim::Loop";
            const bool isShape =
                node.kind == NodeKind::Op && !control && (query || allShape);
            for (ValueId out : node.outputs) {
                if (graph.values[out].producer != node.id)
                    continue; // an expanded call's results are produced inside it
                if (graph.values[out].origin != ValueOrigin::Computed)
                    continue;
                if (data && !facts.dependsOnInputData[out]) {
                    facts.dependsOnInputData[out] = true;
                    changed = true;
                }
                if (shape && !facts.dependsOnInputShape[out]) {
                    facts.dependsOnInputShape[out] = true;
                    changed = true;
                }
                if (isShape && !facts.shapeOnly[out]) {
                    facts.shapeOnly[out] = true;
                    changed = true;
                }
            }
        }
    }
    // A node whose results are used only to steer control flow, or only become numbers.
    facts.feedsOnlyControl = markFeedingOnly(graph, [&](const GraphNode &user, ValueId value) {
        for (std::size_t i = 0; i < user.inputs.size(); ++i)
            if (user.inputs[i] == value && isControlInput(user, i))
                return true;
        return false;
    });
    facts.feedsOnlyScalars = markFeedingOnly(graph, [](const GraphNode &user, ValueId) {
        return isScalarConversion(user.op);
    });
    return facts;
}

} // namespace torchprep
