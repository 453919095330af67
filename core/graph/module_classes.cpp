#include "graph/module_classes.h"

#include <unordered_set>

namespace torchprep {

namespace {

bool startsWith(const std::string &text, const std::string &prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

bool isContainerClass(const std::string &name)
{
    if (!startsWith(name, "torch.nn.modules.container."))
        return false;
    const std::string cls = shortClassName(name);
    return cls == "Sequential" || cls == "ModuleList" || cls == "ModuleDict";
}

} // namespace

std::string demangleClassName(const std::string &qualifiedName)
{
    std::string name = qualifiedName;
    const std::string prefix = "__torch__.";
    if (startsWith(name, prefix))
        name.erase(0, prefix.size());
    // Drop "___torch_mangle_N." segments that TorchScript adds to tell same-named types apart.
    const std::string mangle = "___torch_mangle_";
    for (auto pos = name.find(mangle); pos != std::string::npos; pos = name.find(mangle, pos)) {
        const auto dot = name.find('.', pos);
        name.erase(pos, dot == std::string::npos ? std::string::npos : dot - pos + 1);
    }
    return name;
}

bool isCompositeNnClass(const std::string &name)
{
    static const std::unordered_set<std::string> composites = {
        "torch.nn.modules.transformer.TransformerEncoderLayer",
        "torch.nn.modules.transformer.TransformerDecoderLayer",
        "torch.nn.modules.transformer.Transformer",
        "torch.nn.modules.transformer.TransformerEncoder",
        "torch.nn.modules.transformer.TransformerDecoder",
        "torch.nn.modules.activation.MultiheadAttention",
    };
    return composites.count(name) > 0;
}

bool isLeafModuleClass(const std::string &name)
{
    // Modules the preparer creates wrap one op each: leaves like the torch.nn layers.
    if (startsWith(name, "torchprep.nn."))
        return true;
    return isTorchNnLayer(name) && !isCompositeNnClass(name);
}

bool isTorchNnLayer(const std::string &name)
{
    return startsWith(name, "torch.nn.modules.") && !isContainerClass(name);
}

std::string shortClassName(const std::string &name)
{
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

} // namespace torchprep
