#include "finding.h"

namespace torchprep {

bool CheckOptions::excludes(const ModelGraph &graph, ModuleId module) const
{
    for (ModuleId m = module; m != kNoId; m = graph.modules[m].parent) {
        for (const std::string &path : excludedModules)
            if (graph.modules[m].path == path)
                return true;
    }
    return false;
}

std::string displayPath(const std::string &modulePath)
{
    return modulePath.empty() ? "the model" : modulePath;
}

} // namespace torchprep
