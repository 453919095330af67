#include "reused_module.h"

#include "fix_text.h"

namespace torchprep {

std::vector<Finding> checkReusedModule(const ModelGraph &graph, const CheckOptions &options)
{
    std::vector<Finding> findings;
    AttributeNamer namer(graph);
    for (const ModuleInfo &module : graph.modules) {
        if (module.id == 0 || module.calls.size() < 2 || options.excludes(graph, module.id))
            continue;
        // Children of a reused container are called once per container call: only the
        // container is reused. The model itself runs once.
        const ModuleInfo &parent = graph.modules[module.parent];
        const std::size_t parentCalls = parent.id == 0 ? 1 : parent.calls.size();
        if (module.calls.size() <= parentCalls)
            continue;

        Finding f;
        f.check = "reused_module";
        f.module = module.path;
        f.calls = static_cast<int>(module.calls.size());
        std::string sites;
        for (NodeId call : module.calls) {
            const SourceLocation &site = graph.nodes[call].source;
            f.callSites.push_back(site);
            f.nodes.push_back(call);
            sites += (sites.empty() ? "" : ", ") + (site.known() ? shortSource(site) : "?");
        }
        f.source = f.callSites[1];
        f.message = "`" + module.path + "` (" + module.typeName + ") is called " +
                    std::to_string(f.calls) + " times: " + sites;
        std::string added, uses;
        for (std::size_t k = 1; k < module.calls.size(); ++k) {
            const std::string name = namer.next(module.parent, module.name);
            added += (added.empty() ? "`self." : ", `self.") + name + " = copy.deepcopy(self." +
                     module.name + ")`";
            const SourceLocation &site = graph.nodes[module.calls[k]].source;
            uses += (uses.empty() ? "" : ", ") + std::string("`self.") + name + "`" +
                    atSource(site);
        }
        f.fix = "add " + added + " in `__init__` of " + parent.typeName + " and call " + uses +
                "; or run `torchprep prepare`";
        findings.push_back(std::move(f));
    }
    return findings;
}

} // namespace torchprep
