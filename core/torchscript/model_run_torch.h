// Private to core .cpp files (includes torch): running a model on generated or given inputs,
// shared by the equivalence proof and the comparison engine.
#pragma once

#include "base/input_spec.h"

#include <torch/script.h>

#include <string>
#include <vector>

namespace torchprep {

// "float32" -> at::kFloat; throws InputError naming the accepted names.
at::ScalarType scalarTypeNamed(const std::string &dtype);

// Batch `batch` of `spec`: seeded (spec.seed + batch) random tensors, one per shape, normal
// for floating types and 0..9 for integer ones, on `device`.
std::vector<c10::IValue> randomInputs(const InputSpec &spec, int batch,
                                      const at::Device &device = at::kCPU);

// torch.save(tensor) or torch.save((t1, t2, ...)) from Python: one batch of inputs, checked like a
// model file first (regular file, bounded, no bombs, no deep nesting). Throws InputError.
std::vector<c10::IValue> loadInputsFile(const std::string &path,
                                        const at::Device &device = at::kCPU);

// What a model returned, saved by torch.save (a tensor, or tuples, lists and dicts of them): the
// reference `compare` holds a model to. Tensors flattened in order, as flattenTensors(). Throws
// InputError.
std::vector<at::Tensor> loadOutputsFile(const std::string &path,
                                        const at::Device &device = at::kCPU);

// Batch `batch` of `spec`: the inputs file when it names one, else randomInputs().
std::vector<c10::IValue> batchInputs(const InputSpec &spec, int batch,
                                     const at::Device &device = at::kCPU);

// Every tensor in a result, in order: tuples, lists and dict values flattened.
std::vector<at::Tensor> flattenTensors(const c10::IValue &value);

// Runs forward. Throws InputError "the <what> model rejects the inputs: <the model's reason>".
c10::IValue runForward(torch::jit::Module &module, const std::vector<c10::IValue> &inputs,
                       const std::string &what);

} // namespace torchprep
