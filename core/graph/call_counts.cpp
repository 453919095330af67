#include "graph/call_counts.h"

#include <map>

namespace torchprep {

namespace {

struct Step
{
    NodeId control;
    int block;
};

// The control nodes around `node` out to `within`, outermost first.
std::vector<Step> controlPath(const ModelGraph &graph, NodeId node, NodeId within)
{
    std::vector<Step> path;
    NodeId current = node;
    while (current != kNoId && current != within) {
        const GraphNode &n = graph.nodes[current];
        if (n.parentControl != kNoId) {
            path.push_back({n.parentControl, n.blockIndex});
            current = n.parentControl;
        } else {
            current = n.parentCall;
        }
    }
    return {path.rbegin(), path.rend()};
}

RunCount combine(RunCount a, const RunCount &b)
{
    a.times += b.times;
    a.inUnboundedLoop = a.inUnboundedLoop || b.inUnboundedLoop;
    return a;
}

// Runs of the calls whose paths share the first `depth` steps.
RunCount countFrom(const ModelGraph &graph, const std::vector<std::vector<Step>> &paths,
                   const std::vector<std::size_t> &members, std::size_t depth)
{
    RunCount total;
    std::map<NodeId, std::map<int, std::vector<std::size_t>>> nested; // control -> block -> calls
    for (std::size_t m : members) {
        if (paths[m].size() == depth)
            total.times += 1;
        else
            nested[paths[m][depth].control][paths[m][depth].block].push_back(m);
    }
    for (const auto &[control, blocks] : nested) {
        const GraphNode &node = graph.nodes[control];
        if (node.op == "prim::Loop") {
            RunCount body = countFrom(graph, paths, blocks.begin()->second, depth + 1);
            if (node.tripCount < 0) {
                body.inUnboundedLoop = body.inUnboundedLoop || body.times > 0;
            } else {
                body.times *= node.tripCount;
            }
            total = combine(total, body);
            continue;
        }
        // An `if`: one branch runs.
        RunCount larger;
        for (const auto &[block, inside] : blocks) {
            const RunCount branch = countFrom(graph, paths, inside, depth + 1);
            if (branch.times > larger.times || (branch.inUnboundedLoop && !larger.inUnboundedLoop))
                larger = branch;
        }
        total = combine(total, larger);
    }
    return total;
}

} // namespace

bool isInsideCall(const ModelGraph &graph, NodeId node, NodeId call)
{
    for (NodeId n = graph.nodes[node].parentCall; n != kNoId; n = graph.nodes[n].parentCall)
        if (n == call)
            return true;
    return false;
}

RunCount countRuns(const ModelGraph &graph, const std::vector<NodeId> &calls, NodeId within)
{
    std::vector<std::vector<Step>> paths;
    std::vector<std::size_t> members;
    for (NodeId call : calls) {
        if (within != kNoId && !isInsideCall(graph, call, within))
            continue;
        members.push_back(paths.size());
        paths.push_back(controlPath(graph, call, within));
    }
    return countFrom(graph, paths, members, 0);
}

std::vector<NodeId> enclosingLoops(const ModelGraph &graph, NodeId node, NodeId within)
{
    std::vector<NodeId> loops;
    const std::vector<Step> path = controlPath(graph, node, within);
    for (auto it = path.rbegin(); it != path.rend(); ++it)
        if (graph.nodes[it->control].op == "prim::Loop")
            loops.push_back(it->control);
    return loops;
}

std::string methodFamily(const std::string &method)
{
    const std::string forward = "forward";
    if (method.size() > forward.size() && method.compare(0, forward.size(), forward) == 0 &&
        method.find_first_not_of("0123456789", forward.size()) == std::string::npos)
        return forward;
    return method;
}

bool unrolledByPreparer(const ModelGraph &graph, NodeId loop)
{
    const int trips = graph.nodes[loop].tripCount;
    return trips >= 0 && trips <= kMaxUnrolledIterations;
}

} // namespace torchprep
