// The preparer: rewrites a loaded TorchScript model so that it follows the guidelines.
#pragma once

#include "checks/finding.h"
#include "prepare/pass_log.h"

#include <string>
#include <vector>

namespace torchprep {

class TorchModel;

struct PrepareOptions
{
    std::vector<std::string>
        excludedModules; // subtrees left untouched (AIMET's modules_to_exclude)
    std::vector<std::string>
        excludedClasses;                   // "BasicBlock" or "torchvision.models.resnet.BasicBlock"
    std::vector<std::string> onlyPasses;   // --only: step ids (prepareModel says which run)
    std::vector<std::string> onlyFindings; // findingKey()s to fix, one at a time; empty: all
    OpAllowList allowedOps;                // ops the validator may leave as functionals
    int onnxOpset = 17;                    // the opset the re-validation judges ONNX export at
};

struct PrepareResult
{
    std::vector<PassLog> setUp;  // what the set-up and finishing steps decided, in their order
    std::vector<PassLog> passes; // what the fix passes changed
    CheckOptions checkOptions;   // exclusions resolved to module paths, for re-validating
};

// The fix passes, and the set-up steps that run before them, in the order the pipeline runs them.
const std::vector<std::string> &preparePassNames();
const std::vector<std::string> &prepareSetUpNames();

// Runs the pipeline on `model` in place and returns what each step changed. With --only
// (`options.onlyPasses`) exactly the named steps run, except that naming fix passes alone keeps
// the whole set-up; the finishing steps always run. Throws InputError for an unknown step,
// module path or class name in `options`.
PrepareResult prepareModel(TorchModel &model, const PrepareOptions &options);

} // namespace torchprep
