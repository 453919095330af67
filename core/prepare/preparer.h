// The preparer: rewrites a loaded TorchScript model so that it follows the guidelines.
#pragma once

#include "../finding.h"

#include <string>
#include <vector>

namespace torchprep {

class TorchModel;

struct PrepareOptions
{
    std::vector<std::string> excludedModules; // subtrees left untouched (AIMET's modules_to_exclude)
    std::vector<std::string> excludedClasses; // "BasicBlock" or "torchvision.models.resnet.BasicBlock"
    std::vector<std::string> onlyPasses;      // empty: every pass
    std::vector<std::string> onlyFindings;    // findingKey()s to fix, one at a time; empty: all
    OpAllowList allowedOps;                   // ops the validator may leave as functionals
    int onnxOpset = 17;                       // the opset the re-validation judges ONNX export at
    bool setUpOnly = false;                   // the set-up alone, no pass (the proof's diagnosis)
};

// One change a pass made, told as the user knows their model.
struct PreparedChange
{
    std::string kind;   // "linear_to_layer" | "functional_to_module" | "unroll_reuse"
    std::string module; // path of the new module: "layer1.0.module_relu_1"
    std::string op;     // "aten::relu"; for an unrolled call, the method called ("forward1")
    SourceLocation source;
};

struct PassLog
{
    std::string name;
    std::vector<PreparedChange> changes;
};

struct PrepareResult
{
    std::vector<PassLog> passes;
    CheckOptions checkOptions; // exclusions resolved to module paths, for re-validating
};

// The passes, in the order the pipeline runs them.
const std::vector<std::string> &preparePassNames();

// Runs the pipeline on `model` in place and returns what each pass changed. Throws InputError
// for an unknown pass, module path or class name in `options`.
PrepareResult prepareModel(TorchModel &model, const PrepareOptions &options);

} // namespace torchprep
