// Building the model graph from a loaded TorchScript model.
#pragma once

#include "graph/model_graph.h"
#include "torchscript/source_detail.h"

namespace torchprep {

class TorchModel;

// Walks forward from the top-level module, expanding every call into user code and keeping
// calls of layers as single nodes, following only the code that can run (see model_graph.h).
// The model's scripted functions are inlined; a call of one of torch's functions is one node.
// Traced and scripted models give the same shape of graph. Throws InputError when the model
// uses a construct the walk cannot follow.
ModelGraph buildModelGraph(const TorchModel &model, SourceDetail detail = SourceDetail::All);

} // namespace torchprep
