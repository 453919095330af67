// Private to core .cpp files: the torch side of TorchModel. Never include from a header
// that Qt code can see (Qt's `slots` macro breaks ATen headers).
#pragma once

#include "torchscript/torch_model.h"

#include <torch/script.h>

namespace torchprep {

struct TorchModel::Impl
{
    std::string path;
    torch::jit::Module module;
};

} // namespace torchprep
