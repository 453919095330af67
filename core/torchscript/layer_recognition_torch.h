// Private to core .cpp files (includes torch): recognising a layer by what it does, not by
// its class name.
#pragma once

#include "graph/model_graph.h"

#include <torch/script.h>

#include <functional>
#include <string>
#include <unordered_map>

namespace torchprep {

// A module without submodules whose forward runs one data op is that op's layer, as AIMET's
// connected graph takes it: torchvision's Conv3DSimple (a subclass of nn.Conv3d with its own
// __init__), a user's `F.linear(x, self.weight, self.bias)` module, a `Square` (x * x).
// Answers are kept per module type.
class LayerRecognition
{
  public:
    // `walk` builds the model graph of a module's forward (the graph builder's own walk).
    using Walk = std::function<ModelGraph(const torch::jit::Module &)>;
    explicit LayerRecognition(Walk walk) : walk_(std::move(walk)) {}

    bool isLayer(const torch::jit::Module &module, const std::string &className);

  private:
    Walk walk_;
    std::unordered_map<const c10::Type *, bool> known_;
};

} // namespace torchprep
