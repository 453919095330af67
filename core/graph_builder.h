// Building the model graph from a loaded TorchScript model.
#pragma once

#include "model_graph.h"

namespace torchprep {

class TorchModel;

// How many source lines the graph carries. Reading a traced op's line means reading its
// module's debug info, the build's largest cost; a traced layer call's line is read from the
// layer's own.
enum class SourceDetail
{
    All,       // every op and call (the Studio shows them)
    ForChecks, // what findings need: data ops, control flow, constructors, calls of modules
               // that run more than once (`validate`)
};

// Walks forward from the top-level module, expanding every call into user code and keeping
// calls of layers as single nodes, following only the code that can run (see model_graph.h).
// The model's scripted functions are inlined; a call of one of torch's functions is one node.
// Traced and scripted models give the same shape of graph. Throws InputError when the model
// uses a construct the walk cannot follow.
ModelGraph buildModelGraph(const TorchModel &model, SourceDetail detail = SourceDetail::All);

} // namespace torchprep
