#include "graph_search.h"

#include "graph/visible_graph.h"

namespace torchprep {

std::vector<NodeId> searchGraph(const ModelGraph &graph, const QString &text)
{
    std::vector<NodeId> matches;
    const QString needle = text.trimmed();
    if (needle.isEmpty())
        return matches;
    auto has = [&](const std::string &hay) {
        return QString::fromStdString(hay).contains(needle, Qt::CaseInsensitive);
    };
    for (const GraphNode &node : graph.nodes) {
        if (isPlumbing(node))
            continue;
        bool hit = false;
        if (node.kind == NodeKind::ModuleCall) {
            const ModuleInfo &m = graph.modules[node.callee];
            hit = has(m.path) || has(m.className);
        } else {
            hit = has(node.op);
        }
        if (hit)
            matches.push_back(node.id);
    }
    return matches;
}

} // namespace torchprep
