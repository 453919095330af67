// Private to core .cpp files (includes torch): running a torch.export program through libtorch's
// dispatcher, node by node, as torch's own interpreter does.
#pragma once

#include "pt2/exported_model.h"
#include "pt2/exported_program.h"

#include <torch/script.h>

#include <map>
#include <string>
#include <vector>

namespace torchprep {

struct ExportedModel::Impl
{
    std::string path;
    ExportedProgram program;
    at::Device device = at::kCPU;
    std::map<std::string, at::Tensor> state; // graph input name -> parameter, buffer, constant
};

// Runs the program on the user inputs, in order; returns its user outputs (one tensor, or a
// tuple). `values`, when given, receives every tensor the main graph computed, by name (for
// per-layer comparison). Throws InputError "the <what> model rejects the inputs: <reason>".
c10::IValue runProgram(const ExportedModel::Impl &model, const std::vector<c10::IValue> &inputs,
                       const std::string &what,
                       std::map<std::string, at::Tensor> *values = nullptr);

} // namespace torchprep
