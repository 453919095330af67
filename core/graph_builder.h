// Building the model graph from a loaded TorchScript model.
#pragma once

#include "model_graph.h"

namespace torchprep {

class TorchModel;

// Walks forward from the top-level module, expanding every call into user code and keeping
// calls of standard torch.nn layers as single nodes. Scripted functionals
// (prim::CallFunction) are inlined, attributed to the line that called them. Traced and
// scripted models give the same shape of graph. Throws InputError when the model uses a
// construct the walk cannot follow.
ModelGraph buildModelGraph(const TorchModel &model);

} // namespace torchprep
