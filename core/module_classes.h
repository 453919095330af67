// What a TorchScript class name says about a module.
#pragma once

#include <string>

namespace torchprep {

// "__torch__.torch.nn.modules.activation.___torch_mangle_4.ReLU" -> "torch.nn.modules.activation.ReLU"
std::string demangleClassName(const std::string &qualifiedName);

// Standard torch.nn layers are leaves: their internals are not user code. The containers
// (Sequential, ModuleList, ModuleDict) are not leaves: what they call is the user's choice.
// Modules the preparer creates (torchprep.nn.*) are leaves too.
bool isLeafModuleClass(const std::string &demangledClassName);

// A torch.nn layer (torch.nn.modules.*, not a container): "torch.nn.modules.conv.Conv2d".
bool isTorchNnLayer(const std::string &demangledClassName);

// Last dotted component: "torch.nn.modules.activation.ReLU" -> "ReLU".
std::string shortClassName(const std::string &demangledClassName);

} // namespace torchprep
