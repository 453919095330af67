#include "model_graph.h"

namespace torchprep {

const ModuleInfo *ModelGraph::findModule(const std::string &path) const
{
    for (const ModuleInfo &module : modules)
        if (module.path == path)
            return &module;
    return nullptr;
}

bool ModelGraph::isWithin(ModuleId module, ModuleId ancestor) const
{
    for (ModuleId m = module; m != kNoId; m = modules[m].parent)
        if (m == ancestor)
            return true;
    return false;
}

std::size_t ModelGraph::opCount() const
{
    std::size_t count = 0;
    for (const GraphNode &node : nodes)
        count += node.kind == NodeKind::Op ? 1 : 0;
    return count;
}

} // namespace torchprep
