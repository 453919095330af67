#include "checks/reused_module.h"

#include "checks/fix_text.h"
#include "graph/call_counts.h"

#include <algorithm>
#include <set>

namespace torchprep {

namespace {

// The calls of one method of one module instance: what can be reused.
struct MethodCalls
{
    std::string method; // "forward" for every forwardN of a traced model
    std::vector<NodeId> calls;
};

std::vector<MethodCalls> callsByMethod(const ModelGraph &graph, const ModuleInfo &module)
{
    std::vector<MethodCalls> out;
    for (NodeId call : module.calls) {
        const std::string family = methodFamily(graph.nodes[call].op);
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const MethodCalls &m) { return m.method == family; });
        if (it == out.end())
            it = out.insert(out.end(), MethodCalls{family, {}});
        it->calls.push_back(call);
    }
    return out;
}

// A reused child of a reused parent runs once per parent call: the parent's finding covers it.
bool coveredByParent(const ModelGraph &graph, const ModuleInfo &module, const MethodCalls &method,
                     const std::set<ModuleId> &repeated)
{
    if (module.parent == kNoId || !repeated.count(module.parent))
        return false;
    const std::vector<NodeId> &parentCalls = graph.modules[module.parent].calls;
    for (NodeId call : method.calls) {
        const bool inside = std::any_of(parentCalls.begin(), parentCalls.end(),
                                        [&](NodeId p) { return isInsideCall(graph, call, p); });
        if (!inside)
            return false;
    }
    for (NodeId parentCall : parentCalls)
        if (countRuns(graph, method.calls, parentCall).repeated())
            return false;
    return true;
}

// Attributes that `root` or a module below it assigns at run time: state copies would split.
std::vector<std::string> stateIn(const ModelGraph &graph, ModuleId root)
{
    std::vector<std::string> state;
    for (const ModuleInfo &m : graph.modules)
        if (graph.isWithin(m.id, root))
            for (const std::string &name : m.assignedAttributes)
                state.push_back((m.path.empty() ? "self" : m.path) + "." + name);
    return state;
}

std::string listed(const std::vector<std::string> &items)
{
    std::string text;
    for (const std::string &item : items)
        text += (text.empty() ? "`" : ", `") + item + "`";
    return text;
}

class ReuseReporter
{
  public:
    ReuseReporter(const ModelGraph &graph, AttributeNamer &namer) : graph_(graph), namer_(namer) {}

    Finding report(const ModuleInfo &module, const MethodCalls &method, const RunCount &runs)
    {
        const ModuleInfo &parent = graph_.modules[module.parent];
        Finding f;
        f.check = "reused_module";
        f.module = module.path;
        f.method = method.method;
        f.calls = runs.inUnboundedLoop ? Finding::kCallsInLoop : static_cast<int>(runs.times);
        std::string sites;
        std::vector<NodeId> loops; // the outermost loop around each looped call, in order
        for (NodeId call : method.calls) {
            const SourceLocation &site = graph_.nodes[call].source;
            f.callSites.push_back(site);
            f.nodes.push_back(call);
            sites += (sites.empty() ? "" : ", ") + (site.known() ? shortSource(site) : "?") +
                     loopText(call, loops);
        }
        f.source = f.callSites.size() > 1 ? f.callSites[1] : f.callSites.front();
        const std::string who =
            "`" + module.path + "` (" + module.typeName + ")" +
            (method.method == "forward" ? "" : ", method `" + method.method + "`,");
        f.message =
            runs.inUnboundedLoop
                ? who + " is called in a loop whose trip count is known only at run time: " + sites
                : who + " is called " + std::to_string(runs.times) + " times: " + sites;

        const std::vector<std::string> state = stateIn(graph_, module.id);
        if (!state.empty()) {
            f.manualFix = true;
            f.fix = "`" + module.path + "` keeps state between calls in " + listed(state) +
                    ": copies would not share it, so give each call its own module by hand where "
                    "the state allows (or move the state into tensors passed between calls)";
        } else if (!loops.empty() && everyLoopUnrolled(method.calls)) {
            const GraphNode &loop = graph_.nodes[loops.front()];
            f.fix = "give each iteration of the loop" + atSource(loop.source) +
                    " its own module: `torchprep prepare` unrolls a loop of a fixed count (" +
                    std::to_string(loop.tripCount) + " here) and calls a copy of `" + module.path +
                    "` in each iteration, as a trace does; by hand, `self." + module.name +
                    "s = nn.ModuleList(copy.deepcopy(self." + module.name +
                    ") for _ in range(n))` in `__init__` of " + parent.typeName +
                    ", called as `self." + module.name + "s[i]` in iteration i";
        } else if (!loops.empty()) {
            f.manualFix = true;
            f.fix = "unroll the loop" + atSource(graph_.nodes[loops.front()].source) +
                    " by hand: one module per iteration (e.g. `self." + module.name +
                    "s = nn.ModuleList(copy.deepcopy(self." + module.name +
                    ") for _ in range(n))` in `__init__` of " + parent.typeName +
                    ", called as `self." + module.name +
                    "s[i]` in iteration i), or keep the loop if it is meant to share "
                    "the weights";
        } else {
            f.fix = copyFix(module, method);
        }
        return f;
    }

  private:
    // Every loop around `calls` is one prepare unrolls (a fixed count, not too long).
    bool everyLoopUnrolled(const std::vector<NodeId> &calls) const
    {
        for (NodeId call : calls)
            for (NodeId loop : enclosingLoops(graph_, call))
                if (!unrolledByPreparer(graph_, loop))
                    return false;
        return true;
    }

    // " (in a loop of 3 at model.py:12)" for a call inside loops; "" otherwise.
    std::string loopText(NodeId call, std::vector<NodeId> &outermost)
    {
        const std::vector<NodeId> loops = enclosingLoops(graph_, call);
        if (loops.empty())
            return {};
        outermost.push_back(loops.back());
        const GraphNode &loop = graph_.nodes[loops.front()];
        const std::string size = loop.tripCount >= 0 ? " of " + std::to_string(loop.tripCount) : "";
        return " (in a loop" + size + atSource(loop.source) + ")";
    }

    std::string copyFix(const ModuleInfo &module, const MethodCalls &method)
    {
        const ModuleInfo &parent = graph_.modules[module.parent];
        std::string added, uses;
        for (std::size_t k = 1; k < method.calls.size(); ++k) {
            const std::string name = namer_.next(module.parent, module.name);
            added += (added.empty() ? "`self." : ", `self.") + name + " = copy.deepcopy(self." +
                     module.name + ")`";
            const SourceLocation &site = graph_.nodes[method.calls[k]].source;
            uses +=
                (uses.empty() ? "" : ", ") + std::string("`self.") + name + "`" + atSource(site);
        }
        return "add " + added + " in `__init__` of " + parent.typeName + " and call " + uses +
               orRunPrepare(graph_);
    }

    const ModelGraph &graph_;
    AttributeNamer &namer_;
};

// A module holding no layer and no parameter, itself no layer: calling it twice shares nothing
// a quantizer keeps (forward hooks on layers, AIMET's check, never see it).
bool holdsNothingShared(const ModelGraph &graph, const ModuleInfo &module)
{
    if (module.leaf || module.parameterCount > 0)
        return false;
    for (const ModuleInfo &m : graph.modules)
        if (m.leaf && graph.isWithin(m.id, module.id))
            return false;
    return true;
}

} // namespace

std::vector<Finding> checkReusedModule(const ModelGraph &graph, const CheckOptions &options,
                                       GraphAnalyses &)
{
    return findReusedModules(graph, options, false);
}

std::vector<Finding> findReusedModules(const ModelGraph &graph, const CheckOptions &options,
                                       bool withHelpers)
{
    std::vector<Finding> findings;
    AttributeNamer namer(graph);
    ReuseReporter reporter(graph, namer);
    std::set<ModuleId> repeated; // reported, or running once per run of a repeated parent
    // Module ids are in named_modules() order: a parent comes before its children.
    for (const ModuleInfo &module : graph.modules) {
        if (module.id == 0 || module.calls.size() < 1 || options.excludes(graph, module.id))
            continue;
        for (const MethodCalls &method : callsByMethod(graph, module)) {
            const RunCount runs = countRuns(graph, method.calls);
            if (!runs.repeated())
                continue;
            const bool covered = coveredByParent(graph, module, method, repeated);
            repeated.insert(module.id);
            if (!covered && (withHelpers || !holdsNothingShared(graph, module)))
                findings.push_back(reporter.report(module, method, runs));
        }
    }
    return findings;
}

} // namespace torchprep
