// Private to core .cpp files (includes torch): the model graph together with the TorchScript
// objects it was built from, for the passes that rewrite the module.
#pragma once

#include "graph/model_graph.h"
#include "torchscript/graph_builder.h"

#include <torch/script.h>

#include <string>
#include <vector>

namespace torchprep {

struct GraphOrigins
{
    // By NodeId: the node of a module's real method graph that the graph node stands for (a
    // scripted function call for what was inlined from it); nullptr when there is none.
    std::vector<torch::jit::Node *> nodes;
    std::vector<torch::jit::Module> modules; // by ModuleId
};

ModelGraph buildModelGraph(const torch::jit::Module &root, const std::string &path,
                           GraphOrigins *origins, SourceDetail detail = SourceDetail::All);

} // namespace torchprep
