#include "graph/model_graph.h"

namespace torchprep {

namespace {

// Splits "A, B[C, D], E" at top-level commas.
std::vector<std::string> splitTopLevel(const std::string &list)
{
    std::vector<std::string> parts;
    int depth = 0;
    std::string current;
    for (char c : list) {
        if (c == '[' || c == '(')
            ++depth;
        if (c == ']' || c == ')')
            --depth;
        if (c == ',' && depth == 0) {
            parts.push_back(current);
            current.clear();
            continue;
        }
        if (!(c == ' ' && current.empty()))
            current += c;
    }
    if (!current.empty())
        parts.push_back(current);
    return parts;
}

} // namespace

bool isTensorOrTensorTuple(const std::string &type)
{
    if (type == "Tensor")
        return true;
    const std::string prefix = "Tuple[";
    if (type.compare(0, prefix.size(), prefix) != 0 || type.back() != ']')
        return false;
    const auto parts = splitTopLevel(type.substr(prefix.size(), type.size() - prefix.size() - 1));
    if (parts.empty())
        return false;
    for (const std::string &part : parts)
        if (!isTensorOrTensorTuple(part))
            return false;
    return true;
}

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
