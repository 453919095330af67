#include "graph/graph_diff.h"

#include "graph/op_catalogue.h"

#include <algorithm>
#include <map>
#include <unordered_map>

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

using ModulesByPath = std::unordered_map<std::string, const ModuleInfo *>;

ModulesByPath byPath(const ModelGraph &graph)
{
    ModulesByPath paths;
    for (const ModuleInfo &m : graph.modules)
        paths[m.path] = &m;
    return paths;
}

std::vector<GraphChange> rawChanges(const ModelGraph &before, const ModelGraph &after)
{
    std::vector<GraphChange> changes;
    const auto beforeModules = byPath(before);
    const auto afterModules = byPath(after);
    for (const ModuleInfo &m : after.modules) {
        auto old = beforeModules.find(m.path);
        if (old == beforeModules.end())
            changes.push_back({"module_added", m.path, m.typeName, 1});
        else if (old->second->className != m.className)
            changes.push_back(
                {"class_changed", m.path, old->second->typeName + " -> " + m.typeName, 1});
    }
    for (const ModuleInfo &m : before.modules)
        if (!afterModules.count(m.path))
            changes.push_back({"module_removed", m.path, m.typeName, 1});

    const OpCounts beforeOps = countOps(before);
    const OpCounts afterOps = countOps(after);
    for (const auto &[key, n] : beforeOps) {
        auto it = afterOps.find(key);
        const int now = it == afterOps.end() ? 0 : it->second;
        if (now < n)
            changes.push_back({"op_removed", key.first, key.second, n - now});
    }
    for (const auto &[key, n] : afterOps) {
        auto it = beforeOps.find(key);
        const int was = it == beforeOps.end() ? 0 : it->second;
        if (n > was)
            changes.push_back({"op_added", key.first, key.second, n - was});
    }
    for (const ModuleInfo &m : after.modules) {
        auto old = beforeModules.find(m.path);
        if (old != beforeModules.end() && old->second->calls.size() != m.calls.size())
            changes.push_back({"calls_changed", m.path,
                               std::to_string(old->second->calls.size()) + " calls -> " +
                                   std::to_string(m.calls.size()),
                               1});
    }
    return changes;
}

// The nodes inside each expanded call's body, at any depth, in execution order.
class Bodies
{
  public:
    explicit Bodies(const ModelGraph &graph) : direct_(graph.nodes.size())
    {
        for (const GraphNode &node : graph.nodes)
            if (node.parentCall != kNoId)
                direct_[node.parentCall].push_back(node.id);
    }

    std::vector<NodeId> of(NodeId call) const
    {
        std::vector<NodeId> body;
        std::vector<NodeId> todo{call};
        while (!todo.empty()) {
            const NodeId next = todo.back();
            todo.pop_back();
            for (NodeId n : direct_[next]) {
                body.push_back(n);
                todo.push_back(n);
            }
        }
        std::sort(body.begin(), body.end()); // node ids run in execution order
        return body;
    }

  private:
    std::vector<std::vector<NodeId>> direct_;
};

// How sure a pairing is: the same source line, the preparer's naming, or only the class.
enum class Evidence {
    Source,
    Name,
    Class,
};

// Pairs the raw differences into entries, strongest evidence first. Reads `alignment`'s
// unpaired nodes and pairs what it explains.
class EntryBuilder
{
  public:
    EntryBuilder(const ModelGraph &before, const ModelGraph &after, NodeAlignment &alignment)
        : before_(before), after_(after), alignment_(alignment), beforePaths_(byPath(before)),
          afterPaths_(byPath(after)), beforeBodies_(before), afterBodies_(after),
          coveredBefore_(before.nodes.size(), 0), coveredAfter_(after.nodes.size(), 0)
    {
        // Calls of modules `before` lacks: what a rewrite or an unrolled reuse may have made.
        for (const GraphNode &call : after.nodes) {
            if (call.kind != NodeKind::ModuleCall || pairedAfter(call.id) ||
                !newInAfter(call.callee))
                continue;
            const ModuleInfo &m = after.modules[call.callee];
            if (m.leaf)
                newLayerCalls_[ownerPath(after, call.id)].push_back(call.id);
            newCalls_[{parentPath(after, m), m.className}].push_back(call.id);
        }
    }

    std::vector<DiffEntry> run()
    {
        for (Evidence evidence : {Evidence::Source, Evidence::Name, Evidence::Class}) {
            pairRewrites(evidence);
            pairUnrolledCalls(evidence);
        }
        collectModules();
        collectOps(before_, alignment_.afterOf, coveredBefore_, DiffKind::OpRemoved);
        collectOps(after_, alignment_.beforeOf, coveredAfter_, DiffKind::OpAdded);
        sortByExecution();
        return std::move(entries_);
    }

  private:
    bool newInAfter(ModuleId m) const { return !beforePaths_.count(after_.modules[m].path); }
    bool pairedBefore(NodeId n) const { return alignment_.afterOf[n] != kNoId; }
    bool pairedAfter(NodeId n) const { return alignment_.beforeOf[n] != kNoId; }
    static const std::string &ownerPath(const ModelGraph &graph, NodeId n)
    {
        return graph.modules[graph.nodes[n].owner].path;
    }
    static std::string parentPath(const ModelGraph &graph, const ModuleInfo &m)
    {
        return m.parent == kNoId ? std::string() : graph.modules[m.parent].path;
    }
    static bool isStructural(const ModelGraph &graph, NodeId n)
    {
        return graph.nodes[n].kind == NodeKind::Op && structural(graph.nodes[n].op);
    }
    static bool sameSource(const GraphNode &a, const GraphNode &b)
    {
        return a.source.known() && a.source.str() == b.source.str();
    }
    // The preparer's names: "module_add", "module_add_3" for the stem "add".
    static bool namedAfter(const std::string &name, const std::string &stem)
    {
        const std::string prefix = "module_" + stem;
        if (name.compare(0, prefix.size(), prefix) != 0)
            return false;
        if (name.size() == prefix.size())
            return true;
        return name.size() > prefix.size() + 1 && name[prefix.size()] == '_' &&
               std::all_of(name.begin() + prefix.size() + 1, name.end(),
                           [](char c) { return c >= '0' && c <= '9'; });
    }
    static std::string displayPath(const std::string &path)
    {
        return path.empty() ? "the model" : path;
    }

    // An op that vanished, and a call of a new layer from the same module that took its place.
    void pairRewrites(Evidence evidence)
    {
        if (evidence == Evidence::Class)
            return; // an op has no class to go by
        for (const GraphNode &op : before_.nodes) {
            if (op.kind != NodeKind::Op || structural(op.op) || pairedBefore(op.id))
                continue;
            const auto candidates = newLayerCalls_.find(ownerPath(before_, op.id));
            if (candidates == newLayerCalls_.end())
                continue;
            for (NodeId call : candidates->second) {
                if (pairedAfter(call))
                    continue;
                const ModuleInfo &layer = after_.modules[after_.nodes[call].callee];
                const bool match = evidence == Evidence::Source
                                       ? sameSource(op, after_.nodes[call])
                                       : namedAfter(layer.name, baseOpName(op.op));
                if (!match)
                    continue;
                alignment_.pair(op.id, call);
                entries_.push_back({DiffKind::OpRewritten,
                                    layer.path,
                                    op.op + " -> " + layer.typeName,
                                    op.source,
                                    {op.id},
                                    {call}});
                break;
            }
        }
    }

    // A call of a reused module that vanished, and a new module of the same class beside it.
    void pairUnrolledCalls(Evidence evidence)
    {
        for (const ModuleInfo &reused : before_.modules) {
            const auto now = afterPaths_.find(reused.path);
            if (now == afterPaths_.end() || now->second->calls.size() >= reused.calls.size())
                continue;
            const auto candidates = newCalls_.find({parentPath(before_, reused), reused.className});
            if (candidates == newCalls_.end())
                continue;
            for (std::size_t k = 0; k < reused.calls.size(); ++k) {
                const NodeId lost = reused.calls[k];
                if (pairedBefore(lost))
                    continue;
                for (NodeId copy : candidates->second) {
                    const ModuleInfo &own = after_.modules[after_.nodes[copy].callee];
                    if (pairedAfter(copy) ||
                        (evidence == Evidence::Source &&
                         !sameSource(before_.nodes[lost], after_.nodes[copy])) ||
                        (evidence == Evidence::Name && !namedAfter(own.name, reused.name)))
                        continue;
                    alignment_.pair(lost, copy);
                    DiffEntry entry{DiffKind::ReuseUnrolled,
                                    own.path,
                                    "call " + std::to_string(k + 1) + " of " +
                                        displayPath(reused.path) + " -> a copy of its own (" +
                                        reused.typeName + ")",
                                    before_.nodes[lost].source,
                                    {lost},
                                    {copy}};
                    pairBodies(lost, copy, entry);
                    entries_.push_back(std::move(entry));
                    break;
                }
            }
        }
    }

    // A copied module runs what the original ran: pair the two bodies node by node.
    void pairBodies(NodeId lost, NodeId copy, DiffEntry &entry)
    {
        const std::vector<NodeId> was = beforeBodies_.of(lost);
        const std::vector<NodeId> now = afterBodies_.of(copy);
        for (std::size_t i = 0; i < was.size() && i < now.size(); ++i) {
            const GraphNode &a = before_.nodes[was[i]];
            const GraphNode &b = after_.nodes[now[i]];
            if (a.kind == b.kind && a.op == b.op && !pairedBefore(a.id) && !pairedAfter(b.id))
                alignment_.pair(a.id, b.id);
        }
        for (NodeId n : was)
            if (!isStructural(before_, n))
                entry.beforeNodes.push_back(n);
        for (NodeId n : now)
            if (!isStructural(after_, n))
                entry.afterNodes.push_back(n);
    }

    // Whole modules added, removed, re-classed or called a different number of times.
    void collectModules()
    {
        for (const ModuleInfo &m : after_.modules) {
            const auto old = beforePaths_.find(m.path);
            if (old == beforePaths_.end()) {
                DiffEntry entry{DiffKind::ModuleAdded, m.path, m.typeName + " added", {}, {}, {}};
                addUnpairedCalls(after_, m.calls, entry.afterNodes);
                if (!entry.afterNodes.empty() || m.calls.empty())
                    entries_.push_back(std::move(entry));
            } else if (old->second->className != m.className) {
                entries_.push_back({DiffKind::ClassChanged,
                                    m.path,
                                    old->second->typeName + " -> " + m.typeName,
                                    {},
                                    old->second->calls,
                                    m.calls});
            } else if (old->second->calls.size() != m.calls.size()) {
                DiffEntry entry{DiffKind::CallsChanged,
                                m.path,
                                std::to_string(old->second->calls.size()) + " calls -> " +
                                    std::to_string(m.calls.size()),
                                {},
                                {},
                                {}};
                addUnpairedCalls(before_, old->second->calls, entry.beforeNodes);
                addUnpairedCalls(after_, m.calls, entry.afterNodes);
                if (!entry.beforeNodes.empty() || !entry.afterNodes.empty())
                    entries_.push_back(std::move(entry));
            }
        }
        for (const ModuleInfo &m : before_.modules) {
            if (afterPaths_.count(m.path))
                continue;
            DiffEntry entry{DiffKind::ModuleRemoved, m.path, m.typeName + " removed", {}, {}, {}};
            addUnpairedCalls(before_, m.calls, entry.beforeNodes);
            if (!entry.beforeNodes.empty() || m.calls.empty())
                entries_.push_back(std::move(entry));
        }
    }

    // The calls (with their bodies) that nothing paired, unless an enclosing call's entry
    // already holds them.
    void addUnpairedCalls(const ModelGraph &graph, const std::vector<NodeId> &calls,
                          std::vector<NodeId> &nodes)
    {
        const bool before = &graph == &before_;
        const std::vector<NodeId> &twins = before ? alignment_.afterOf : alignment_.beforeOf;
        std::vector<char> &covered = before ? coveredBefore_ : coveredAfter_;
        for (NodeId call : calls) {
            if (twins[call] != kNoId || covered[call])
                continue;
            nodes.push_back(call);
            covered[call] = 1;
            for (NodeId n : (before ? beforeBodies_ : afterBodies_).of(call))
                if (!isStructural(graph, n)) {
                    nodes.push_back(n);
                    covered[n] = 1;
                }
        }
    }

    // Ops that vanished or appeared with nothing to explain them: one entry per module and op.
    void collectOps(const ModelGraph &graph, const std::vector<NodeId> &twins,
                    const std::vector<char> &covered, DiffKind kind)
    {
        std::map<std::pair<std::string, std::string>, std::size_t> index; // (module, op) -> entry
        for (const GraphNode &node : graph.nodes) {
            if (node.kind != NodeKind::Op || structural(node.op) || twins[node.id] != kNoId ||
                covered[node.id])
                continue;
            const std::pair<std::string, std::string> key{graph.modules[node.owner].path, node.op};
            auto it = index.find(key);
            if (it == index.end()) {
                it = index.emplace(key, entries_.size()).first;
                entries_.push_back({kind, key.first, node.op, node.source, {}, {}});
            }
            (kind == DiffKind::OpRemoved ? entries_[it->second].beforeNodes
                                         : entries_[it->second].afterNodes)
                .push_back(node.id);
        }
    }

    // In `after`'s execution order; what `after` lacks goes where its paired neighbour went.
    void sortByExecution()
    {
        auto position = [this](const DiffEntry &e) -> double {
            if (!e.afterNodes.empty())
                return e.afterNodes.front();
            if (e.beforeNodes.empty())
                return static_cast<double>(after_.nodes.size());
            for (NodeId n = e.beforeNodes.front(); n >= 0; --n)
                if (pairedBefore(n))
                    return alignment_.afterOf[n] + 0.5;
            return -0.5;
        };
        std::vector<std::pair<double, std::size_t>> order;
        for (std::size_t i = 0; i < entries_.size(); ++i)
            order.emplace_back(position(entries_[i]), i);
        std::stable_sort(order.begin(), order.end(),
                         [](const auto &a, const auto &b) { return a.first < b.first; });
        std::vector<DiffEntry> sorted;
        for (const auto &[pos, i] : order)
            sorted.push_back(std::move(entries_[i]));
        entries_ = std::move(sorted);
    }

    const ModelGraph &before_;
    const ModelGraph &after_;
    NodeAlignment &alignment_;
    const ModulesByPath beforePaths_;
    const ModulesByPath afterPaths_;
    const Bodies beforeBodies_;
    const Bodies afterBodies_;
    std::map<std::string, std::vector<NodeId>> newLayerCalls_; // by owner path
    std::map<std::pair<std::string, std::string>, std::vector<NodeId>>
        newCalls_;                    // by (parent path, class)
    std::vector<char> coveredBefore_; // nodes already in a whole module's entry
    std::vector<char> coveredAfter_;
    std::vector<DiffEntry> entries_;
};

} // namespace

GraphDiff diffModelGraphs(const ModelGraph &before, const ModelGraph &after)
{
    GraphDiff diff;
    diff.changes = rawChanges(before, after);
    diff.alignment = alignNodes(before, after);
    if (!diff.changes.empty())
        diff.entries = EntryBuilder(before, after, diff.alignment).run();
    return diff;
}

const char *diffKindName(DiffKind kind)
{
    switch (kind) {
    case DiffKind::OpRewritten:
        return "rewritten";
    case DiffKind::ReuseUnrolled:
        return "unrolled";
    case DiffKind::ModuleAdded:
        return "added";
    case DiffKind::ModuleRemoved:
        return "removed";
    case DiffKind::ClassChanged:
        return "class changed";
    case DiffKind::CallsChanged:
        return "calls changed";
    case DiffKind::OpAdded:
        return "op added";
    case DiffKind::OpRemoved:
        return "op removed";
    }
    return "";
}

} // namespace torchprep
