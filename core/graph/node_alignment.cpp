#include "graph/node_alignment.h"

#include <deque>
#include <map>
#include <string>
#include <unordered_map>

namespace torchprep {

namespace {

using OpKey = std::pair<std::string, std::string>; // (path of the module running it, op)

std::map<OpKey, std::vector<NodeId>> opsByModule(const ModelGraph &graph)
{
    std::map<OpKey, std::vector<NodeId>> ops;
    for (const GraphNode &node : graph.nodes)
        if (node.kind == NodeKind::Op)
            ops[{graph.modules[node.owner].path, node.op}].push_back(node.id);
    return ops;
}

// Pairs two lists of like ops: same source line first (a rewrite keeps the others' lines),
// then whatever is left in execution order.
void alignOps(const ModelGraph &before, const ModelGraph &after, const std::vector<NodeId> &was,
              const std::vector<NodeId> &now, NodeAlignment &alignment)
{
    std::unordered_map<std::string, std::deque<NodeId>> bySource;
    for (NodeId n : now)
        if (after.nodes[n].source.known())
            bySource[after.nodes[n].source.str()].push_back(n);
    for (NodeId b : was) {
        if (!before.nodes[b].source.known())
            continue;
        const auto it = bySource.find(before.nodes[b].source.str());
        if (it != bySource.end() && !it->second.empty()) {
            alignment.pair(b, it->second.front());
            it->second.pop_front();
        }
    }
    std::size_t j = 0;
    for (NodeId b : was) {
        if (alignment.afterOf[b] != kNoId)
            continue;
        while (j < now.size() && alignment.beforeOf[now[j]] != kNoId)
            ++j;
        if (j == now.size())
            return;
        alignment.pair(b, now[j++]);
    }
}

} // namespace

void NodeAlignment::pair(NodeId before, NodeId after)
{
    if (afterOf[before] != kNoId)
        beforeOf[afterOf[before]] = kNoId;
    if (beforeOf[after] != kNoId)
        afterOf[beforeOf[after]] = kNoId;
    afterOf[before] = after;
    beforeOf[after] = before;
}

NodeAlignment alignNodes(const ModelGraph &before, const ModelGraph &after)
{
    NodeAlignment alignment;
    alignment.afterOf.assign(before.nodes.size(), kNoId);
    alignment.beforeOf.assign(after.nodes.size(), kNoId);

    std::unordered_map<std::string, const ModuleInfo *> afterModules;
    for (const ModuleInfo &m : after.modules)
        afterModules.emplace(m.path, &m);
    for (const ModuleInfo &m : before.modules) {
        const auto twin = afterModules.find(m.path);
        if (twin == afterModules.end())
            continue;
        for (std::size_t k = 0; k < m.calls.size() && k < twin->second->calls.size(); ++k)
            alignment.pair(m.calls[k], twin->second->calls[k]);
    }

    const auto opsBefore = opsByModule(before);
    const auto opsAfter = opsByModule(after);
    for (const auto &[key, was] : opsBefore) {
        const auto now = opsAfter.find(key);
        if (now != opsAfter.end())
            alignOps(before, after, was, now->second, alignment);
    }
    return alignment;
}

} // namespace torchprep
