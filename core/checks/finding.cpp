#include "checks/finding.h"

#include <algorithm>

#include "base/errors.h"

namespace torchprep {

void CheckOptions::requireExcludedModulesIn(const ModelGraph &graph) const
{
    for (const std::string &path : excludedModules)
        if (!graph.findModule(path))
            throw InputError("--exclude '" + path + "': the model has no module at that path");
    for (const std::string &cls : excludedClasses) {
        const bool found =
            std::any_of(graph.modules.begin(), graph.modules.end(), [&](const ModuleInfo &m) {
                return m.typeName == cls || m.className == cls;
            });
        if (!found)
            throw InputError("--exclude-class '" + cls +
                             "': no module of the model has that class");
    }
}

bool CheckOptions::excludes(const ModelGraph &graph, ModuleId module) const
{
    for (ModuleId m = module; m != kNoId; m = graph.modules[m].parent) {
        for (const std::string &path : excludedModules)
            if (graph.modules[m].path == path)
                return true;
        for (const std::string &cls : excludedClasses)
            if (graph.modules[m].typeName == cls || graph.modules[m].className == cls)
                return true;
    }
    return false;
}

Finding opFinding(const std::string &check, const ModelGraph &graph, const GraphNode &node)
{
    Finding f;
    f.check = check;
    f.module = graph.modules[node.owner].path;
    f.op = node.op;
    f.source = node.source;
    f.torchSource = node.torchSource;
    f.nodes.push_back(node.id);
    return f;
}

std::string severityName(Severity severity)
{
    return severity == Severity::Warning ? "warning" : "error";
}

std::string findingKey(const Finding &finding)
{
    return finding.check + "|" + finding.module + "|" + finding.op + "|" + finding.source.str();
}

std::string displayPath(const std::string &modulePath)
{
    return modulePath.empty() ? "the model" : modulePath;
}

} // namespace torchprep
