// Private to core .cpp files (includes torch): the ops PyTorch's ONNX exporter would see for a
// call that the model graph keeps as one node (a layer, or one of torch's functions). The
// exporter freezes the module, inlines every call and folds constants before it looks up each
// op's symbolic; this does the same to the callee alone, so the onnx_exportable check judges
// what really reaches the exporter (nn.Upsample's bicubic branch does not when mode='nearest').
#pragma once

#include <torch/script.h>

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace torchprep {

class ExporterOps
{
  public:
    // A layer's `method`, its non-tensor attributes folded in. Remembered per class and values.
    const std::vector<std::string> &ofCall(const torch::jit::Module &callee,
                                           const std::string &method);
    // One of torch's functions called with `fixed` arguments (nullopt where open).
    const std::vector<std::string> &
    ofFunction(torch::jit::Function &function,
               const std::vector<std::optional<c10::IValue>> &fixed);

  private:
    std::map<std::string, std::vector<std::string>> memo_;
    std::unordered_map<const torch::jit::Graph *, std::vector<std::string>> flat_; // traced code
    std::unordered_map<const torch::jit::Graph *, std::vector<std::string>>
        reads_; // attributes read
};

} // namespace torchprep
