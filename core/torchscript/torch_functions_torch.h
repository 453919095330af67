// Private to core .cpp files (includes torch): the functions a scripted model calls
// (prim::CallFunction), told apart by whose code they are, and what a call of one of torch's
// own functions computes.
#pragma once

#include <torch/script.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace torchprep {

enum class FunctionRole {
    User,           // the model's code (torchvision's functions too): looked into
    TorchComposite, // torch code that is layers' worth of ops (F.multi_head_attention_forward)
    TorchAtomic,    // one of torch's functions (F.relu, F.interpolate): one op, never looked into
};

// "torch.nn.functional.interpolate" for a scripted function's qualified name.
std::string pythonNameOf(const torch::jit::Function &function);

FunctionRole roleOf(const torch::jit::Function &function);

// The function a prim::CallFunction node calls, or nullptr.
torch::jit::Function *calledFunction(const torch::jit::Node *node);

// What the walk knows of one value before the run: a call's argument, or what it returns.
struct KnownValue
{
    std::optional<c10::IValue> value; // fixed before the run
    bool notNone = false;             // a tensor, never None, though its value is open
    bool floating = false;            // a floating-point tensor
};

// What a call of one of torch's functions computes for the facts known of its arguments.
struct TorchFunctionCall
{
    std::string op;
    // What it returns where the arguments fix it: F._canonical_mask(None, ...) is None, so the
    // attention's mask branches fold as a trace's did.
    std::vector<KnownValue> results;
};

// The op a call of one of torch's functions computes, as the checks name it: the aten op
// when the function runs one data op for these arguments ("aten::relu" for F.relu), else the
// function's Python name ("torch.nn.functional.interpolate", which runs one of three
// upsample ops by the input's rank); an exempt op ("aten::split") or "prim::CallFunction"
// when it computes no data. Answers are kept per function and fixed arguments.
class TorchFunctionOps
{
  public:
    const TorchFunctionCall &callOf(torch::jit::Function &function,
                                    const std::vector<KnownValue> &arguments);

  private:
    std::map<std::string, TorchFunctionCall> cache_;
};

// Fused fast-path kernels of torch's composite layers (aten::_transformer_encoder_layer_fwd,
// aten::_native_multi_head_attention): the analysis follows the composed path that
// torch.jit.trace records with gradients on, so a branch that calls one is not followed.
bool callsFusedKernel(const torch::jit::Block *block);

} // namespace torchprep
