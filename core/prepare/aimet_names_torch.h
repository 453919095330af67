// Private to core/prepare (includes torch): the names AIMET gives the modules a preparer adds.
#pragma once

#include "checks/finding.h"
#include "prepare/rewrite_support_torch.h"

#include <map>
#include <string>
#include <utility>

namespace torchprep {

// torch.fx names every node of a model from one namespace in execution order (`add`,
// `add_1`, ... across the whole model; a layer call by its path, `layer1_0_relu_1` for the
// second call), and AIMET names the module standing for node N in scope `layer1.0`
// `module_<N less the scope's prefix>`. This replays that naming over the model graph: the
// layer calls and the ops missing_module reports, in execution order. Other fx nodes (shape
// arithmetic, views) are not replayed: a name they would have taken first is not skipped.
class AimetNames
{
  public:
    AimetNames() = default;
    // `missing`: missing_module's findings on the context's graph.
    AimetNames(const PassContext &context, const std::vector<Finding> &missing);

    // "module_add_1" for `node` in a method of `owner`; "" when the plan has no name for it.
    std::string nameFor(const torch::jit::Module &owner, const torch::jit::Node *node) const;

    // AIMET's base name for an op or a function ("upsample_nearest2d" called by F.interpolate:
    // "interpolate"; "_max_pool2d": "max_pool2d"; F.max_pool2d(return_indices=True) stays
    // "max_pool2d_with_indices", the function fx records).
    static std::string baseName(const std::string &op, const std::string &function);

  private:
    std::map<std::pair<const c10::ivalue::Object *, const torch::jit::Node *>, std::string> names_;
};

} // namespace torchprep
