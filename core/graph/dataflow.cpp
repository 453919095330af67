#include "graph/dataflow.h"

#include "graph/op_catalogue.h"

#include <algorithm>

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

// In-place ops, list edits and other effects are never dead, nor what they read.
bool hasEffect(const GraphNode &node)
{
    const std::string &op = node.op;
    const bool inPlace =
        op.size() > 2 && op.back() == '_' && op.compare(op.size() - 2, 2, "__") != 0;
    return node.kind != NodeKind::Op || inPlace || editsListInPlace(op) || op == "prim::If" ||
           op == "prim::Loop" || op == "prim::SetAttr" || op == "prim::RaiseException";
}

// Walking backwards: the values something that matters reads (an effect, a module call, the
// model's output), seeing through tuples packed and unpacked (a callee's `return a, b` whose
// `b` the caller drops). The ops none of whose results is read are dead.
std::vector<bool> markDead(const ModelGraph &graph)
{
    std::vector<bool> live(graph.values.size(), false);
    for (ValueId out : graph.outputs)
        live[out] = true;
    // What effects read, control nodes included (their block results come after them).
    for (const GraphNode &node : graph.nodes)
        if (hasEffect(node))
            for (ValueId in : node.inputs)
                live[in] = true;
    // Element `index` of `tuple` is read: the tuple whole, or that element once unpacked.
    auto elementRead = [&](ValueId tuple, std::size_t index) {
        if (live[tuple])
            return true;
        for (NodeId user : graph.values[tuple].users) {
            const GraphNode &u = graph.nodes[user];
            if (u.op == "prim::TupleUnpack" && index < u.outputs.size() && live[u.outputs[index]])
                return true;
        }
        return false;
    };
    std::vector<bool> dead(graph.nodes.size(), false);
    for (auto it = graph.nodes.rbegin(); it != graph.nodes.rend(); ++it) {
        const GraphNode &node = *it;
        if (hasEffect(node)) {
            for (ValueId in : node.inputs)
                live[in] = true;
            continue;
        }
        if (node.op == "prim::TupleUnpack" && !node.inputs.empty()) {
            // A tuple built here is read element by element (below); any other whole.
            const NodeId builder = graph.values[node.inputs[0]].producer;
            const bool built =
                builder != kNoId && graph.nodes[builder].op == "prim::TupleConstruct";
            bool read = false;
            for (ValueId out : node.outputs)
                read = read || live[out];
            dead[node.id] = !read;
            if (read && !built)
                live[node.inputs[0]] = true;
            continue;
        }
        if (node.op == "prim::TupleConstruct" && node.outputs.size() == 1) {
            bool any = false;
            for (std::size_t i = 0; i < node.inputs.size(); ++i)
                if (elementRead(node.outputs[0], i))
                    any = live[node.inputs[i]] = true;
            dead[node.id] = !any;
            continue;
        }
        bool read = node.outputs.empty();
        for (ValueId out : node.outputs)
            read = read || live[out] || graph.values[out].producer != node.id;
        dead[node.id] = !read;
        if (read)
            for (ValueId in : node.inputs)
                live[in] = true;
    }
    return dead;
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
    // A list built empty and appended to holds what was appended: the items count as inputs
    // of the node that made the list.
    std::vector<std::vector<ValueId>> appended(n);
    for (const GraphNode &node : graph.nodes)
        if (node.kind == NodeKind::Op && editsListInPlace(node.op) && !node.inputs.empty())
            appended[node.inputs.front()].insert(appended[node.inputs.front()].end(),
                                                 node.inputs.begin() + 1, node.inputs.end());
    // A loop's block parameters (the counter, then the carried values) are values the loop
    // makes besides its results, in the order the walk made them.
    std::vector<std::vector<ValueId>> loopParameters(graph.nodes.size());
    for (const GraphValue &v : graph.values) {
        if (v.producer == kNoId || graph.nodes[v.producer].op != "prim::Loop")
            continue;
        const std::vector<ValueId> &outs = graph.nodes[v.producer].outputs;
        if (std::find(outs.begin(), outs.end(), v.id) == outs.end())
            loopParameters[v.producer].push_back(v.id);
    }
    auto mark = [&](ValueId out, bool data, bool shape, bool isShape) {
        bool changed = false;
        if (data && !facts.dependsOnInputData[out])
            changed = facts.dependsOnInputData[out] = true;
        if (shape && !facts.dependsOnInputShape[out])
            changed = facts.dependsOnInputShape[out] = true;
        if (isShape && !facts.shapeOnly[out])
            changed = facts.shapeOnly[out] = true;
        return changed;
    };
    // The counter takes after the trip count; a carried value after its initial value and
    // what the body carries on.
    auto markLoopParameters = [&](const GraphNode &loop) {
        bool changed = false;
        const std::vector<ValueId> &params = loopParameters[loop.id];
        const std::size_t carried = loop.outputs.size();
        for (std::size_t p = 0; p < params.size(); ++p) {
            std::vector<ValueId> from;
            if (p == 0 && !loop.inputs.empty())
                from.push_back(loop.inputs[0]);
            if (p > 0 && 1 + p < loop.inputs.size())
                from.push_back(loop.inputs[1 + p]);
            if (p > 0 && 2 + carried + p < loop.inputs.size())
                from.push_back(loop.inputs[2 + carried + p]);
            bool data = false, shape = false, allShape = !from.empty();
            for (ValueId in : from) {
                data = data || facts.dependsOnInputData[in];
                shape = shape || facts.dependsOnInputShape[in];
                allShape = allShape && facts.shapeOnly[in];
            }
            changed = mark(params[p], data, shape, allShape) || changed;
        }
        return changed;
    };
    // Loops feed block results back into the loop node: iterate to a fixed point.
    for (bool changed = true; changed;) {
        changed = false;
        for (const GraphNode &node : graph.nodes) {
            if (node.op == "prim::Loop")
                changed = markLoopParameters(node) || changed;
            std::vector<ValueId> grown;
            for (ValueId out : node.outputs)
                if (!appended[out].empty()) {
                    if (grown.empty())
                        grown = node.inputs;
                    grown.insert(grown.end(), appended[out].begin(), appended[out].end());
                }
            const std::vector<ValueId> &inputs = grown.empty() ? node.inputs : grown;
            bool data = false, shape = false, allShape = !inputs.empty();
            const std::size_t first =
                node.kind == NodeKind::Op && takesTemplateTensor(node.op) ? 1 : 0;
            for (std::size_t i = 0; i < inputs.size(); ++i) {
                const ValueId in = inputs[i];
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
            // An `if` or loop whose condition and results are all shapes gives shapes.
            const bool isShape = node.kind == NodeKind::Op && (query || allShape);
            for (ValueId out : node.outputs) {
                if (graph.values[out].producer != node.id)
                    continue; // an expanded call's results are produced inside it
                if (graph.values[out].origin != ValueOrigin::Computed)
                    continue;
                changed = mark(out, data, shape, isShape) || changed;
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
    facts.feedsOnlyScalars = markFeedingOnly(
        graph, [](const GraphNode &user, ValueId) { return isScalarConversion(user.op); });
    facts.feedsNothing = markDead(graph);
    return facts;
}

} // namespace torchprep
