#include "checks/fix_text.h"

namespace torchprep {

std::string shortSource(const SourceLocation &source)
{
    if (!source.known())
        return {};
    const auto slash = source.file.find_last_of('/');
    const std::string file =
        slash == std::string::npos ? source.file : source.file.substr(slash + 1);
    return file + ":" + std::to_string(source.line);
}

std::string atSource(const SourceLocation &source)
{
    return source.known() ? " at " + shortSource(source) : std::string();
}

std::string orRunPrepare(const ModelGraph &graph)
{
    return graph.format == ModelFormat::TorchScript ? "; or run `torchprep prepare`" : "";
}

std::string AttributeNamer::next(ModuleId owner, const std::string &base)
{
    std::set<std::string> &taken = taken_[owner];
    if (taken.empty() && owner != kNoId) {
        taken.insert("");
        for (ModuleId child : graph_.modules[owner].children)
            taken.insert(graph_.modules[child].name);
    }
    std::string name = base;
    int &k = nextSuffix_[{owner, base}];
    while (taken.count(name))
        name = base + "_" + std::to_string(++k);
    taken.insert(name);
    return name;
}

} // namespace torchprep
