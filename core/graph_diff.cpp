#include "graph_diff.h"

#include <map>

namespace torchprep {

namespace {

// Plumbing every rewrite moves around (attribute reads, constants, tuples): not a change.
bool structural(const std::string &op)
{
    return op.rfind("prim::", 0) == 0 && op != "prim::If" && op != "prim::Loop";
}

using OpCounts = std::map<std::pair<std::string, std::string>, int>; // (module path, op) -> runs

OpCounts countOps(const ModelGraph &graph)
{
    OpCounts counts;
    for (const GraphNode &node : graph.nodes)
        if (node.kind == NodeKind::Op && !structural(node.op))
            ++counts[{graph.modules[node.owner].path, node.op}];
    return counts;
}

std::map<std::string, const ModuleInfo *> byPath(const ModelGraph &graph)
{
    std::map<std::string, const ModuleInfo *> paths;
    for (const ModuleInfo &m : graph.modules)
        paths[m.path] = &m;
    return paths;
}

} // namespace

GraphDiff diffModelGraphs(const ModelGraph &before, const ModelGraph &after)
{
    GraphDiff diff;
    const auto beforeModules = byPath(before);
    const auto afterModules = byPath(after);
    for (const ModuleInfo &m : after.modules) {
        auto old = beforeModules.find(m.path);
        if (old == beforeModules.end())
            diff.changes.push_back({"module_added", m.path, m.typeName, 1});
        else if (old->second->className != m.className)
            diff.changes.push_back({"class_changed", m.path, old->second->typeName + " -> " + m.typeName, 1});
    }
    for (const ModuleInfo &m : before.modules)
        if (!afterModules.count(m.path))
            diff.changes.push_back({"module_removed", m.path, m.typeName, 1});

    const OpCounts beforeOps = countOps(before);
    const OpCounts afterOps = countOps(after);
    for (const auto &[key, n] : beforeOps) {
        auto it = afterOps.find(key);
        const int now = it == afterOps.end() ? 0 : it->second;
        if (now < n)
            diff.changes.push_back({"op_removed", key.first, key.second, n - now});
    }
    for (const auto &[key, n] : afterOps) {
        auto it = beforeOps.find(key);
        const int was = it == beforeOps.end() ? 0 : it->second;
        if (n > was)
            diff.changes.push_back({"op_added", key.first, key.second, n - was});
    }
    for (const ModuleInfo &m : after.modules) {
        auto old = beforeModules.find(m.path);
        if (old != beforeModules.end() && old->second->calls.size() != m.calls.size())
            diff.changes.push_back({"calls_changed", m.path,
                                    std::to_string(old->second->calls.size()) + " calls -> " +
                                        std::to_string(m.calls.size()),
                                    1});
    }
    return diff;
}

} // namespace torchprep
