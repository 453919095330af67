// Private to core/compare (includes torch): the engine's parts.
#pragma once

#include "compare/comparison.h"
#include "compare/layer_matching.h"

#include <torch/script.h>

#include <string>
#include <vector>

namespace torchprep {

// How far `other` is from `reference` (same shape), computed in double precision, NaN and Inf
// as DifferenceMetrics says.
DifferenceMetrics measureDifference(const at::Tensor &reference, const at::Tensor &other);

// Where both (flat, same shape) tensors hold finite values.
at::Tensor bothFinite(const at::Tensor &x, const at::Tensor &y);

// A copy of a model whose every submodule call (with a tensor result) records a copy of that
// result as it runs: TorchScript has no forward hooks, so the copy's method graphs append to a
// list the model shares. The model itself is left as it is.
class TappedModel
{
  public:
    TappedModel(const torch::jit::Module &model, const at::Device &device);

    // Runs forward on `inputs`; returns the calls in completion order and their outputs in
    // `outputs` (same order). Throws InputError when the model rejects the inputs.
    std::vector<LayerCall> run(const std::vector<c10::IValue> &inputs,
                               std::vector<at::Tensor> &outputs, const std::string &what);

  private:
    torch::jit::Module module_;
    c10::List<at::Tensor> values_;
    c10::List<int64_t> ids_;
    std::vector<std::string> paths_;
    std::vector<std::string> classes_;
};

} // namespace torchprep
