// What a TorchScript class name says about a module.
#pragma once

#include <string>

namespace torchprep {

// "__torch__.torch.nn.modules.activation.___torch_mangle_4.ReLU" ->
// "torch.nn.modules.activation.ReLU"
std::string demangleClassName(const std::string &qualifiedName);

// Atomic torch.nn layers are leaves: their internals are not user code (conv, linear, norms,
// activations, pooling, dropout, embedding, upsample, RNN/LSTM/GRU and their cells). Not
// leaves: the containers (Sequential, ModuleList, ModuleDict), whose calls are the user's
// choice, and the composite layers (isCompositeNnClass), which carry functionals inside.
// Modules the preparer creates (torchprep.nn.*) are leaves too.
bool isLeafModuleClass(const std::string &demangledClassName);

// torch.nn layers built from other layers and functionals (TransformerEncoderLayer,
// TransformerDecoderLayer, Transformer, TransformerEncoder, TransformerDecoder,
// MultiheadAttention): looked into like user code, though their code is torch's.
bool isCompositeNnClass(const std::string &demangledClassName);

// A torch.nn layer (torch.nn.modules.*, not a container), composite or atomic:
// "torch.nn.modules.conv.Conv2d".
bool isTorchNnLayer(const std::string &demangledClassName);

// Last dotted component: "torch.nn.modules.activation.ReLU" -> "ReLU".
std::string shortClassName(const std::string &demangledClassName);

} // namespace torchprep
