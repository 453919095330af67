#include "module_classes.h"

namespace torchprep {

std::string demangleClassName(const std::string &qualifiedName)
{
    std::string name = qualifiedName;
    const std::string prefix = "__torch__.";
    if (name.compare(0, prefix.size(), prefix) == 0)
        name.erase(0, prefix.size());
    // Drop "___torch_mangle_N." segments that TorchScript adds to tell same-named types apart.
    const std::string mangle = "___torch_mangle_";
    for (auto pos = name.find(mangle); pos != std::string::npos; pos = name.find(mangle, pos)) {
        const auto dot = name.find('.', pos);
        name.erase(pos, dot == std::string::npos ? std::string::npos : dot - pos + 1);
    }
    return name;
}

bool isLeafModuleClass(const std::string &name)
{
    // Modules the preparer creates wrap one op each: leaves like the torch.nn layers.
    const std::string preparedPrefix = "torchprep.nn.";
    if (name.compare(0, preparedPrefix.size(), preparedPrefix) == 0)
        return true;
    const std::string nnPrefix = "torch.nn.modules.";
    if (name.compare(0, nnPrefix.size(), nnPrefix) != 0)
        return false;
    const std::string containerPrefix = "torch.nn.modules.container.";
    if (name.compare(0, containerPrefix.size(), containerPrefix) == 0) {
        const std::string cls = shortClassName(name);
        return cls != "Sequential" && cls != "ModuleList" && cls != "ModuleDict";
    }
    return true;
}

bool isTorchNnLayer(const std::string &name)
{
    return name.rfind("torch.nn.modules.", 0) == 0 && isLeafModuleClass(name);
}

std::string shortClassName(const std::string &name)
{
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

} // namespace torchprep
