// Private to core/prepare (includes torch): the preparer's passes, one file each. Every pass
// rebuilds the model graph, asks the validator's check what to fix, and rewrites the module
// in place; it returns one change per module instance it created.
#pragma once

#include "../finding.h"
#include "aimet_names_torch.h"
#include "preparer.h"

#include <torch/script.h>

#include <set>
#include <string>

namespace torchprep {

// The findings a pass may fix: all of them, or (fixing one at a time) those with these keys.
struct FindingFilter
{
    std::set<std::string> keys; // findingKey()s; empty: every finding
    bool wants(const Finding &finding) const { return keys.empty() || keys.count(findingKey(finding)) > 0; }
};

// Setup the pipeline runs before its passes; the model computes what it computed.
//
// Every module instance of user code (and of torch's composite layers) whose class type
// another instance shares gets a copy of that type: new modules can then be named per
// instance, as AIMET names them, and their arguments read per instance.
void giveInstancesOwnTypes(torch::jit::Module &root);
// Inlines, in `module`'s forward, every call of the model's own scripted functions and of
// the module's other methods (`self._block(x)`), at each call site: each op they run can then
// get its own module per call. Returns true if the forward changed.
bool inlineModelCalls(torch::jit::Module &module);

// Every F.linear / F.conv1d-3d (traced: aten::_convolution, not transposed) whose weight and
// bias are attributes of the owning module and whose other arguments are constants becomes a
// torch.nn.Linear / ConvNd submodule (`module_linear`, `module_conv2d`) holding those tensors,
// stride, padding, dilation and groups kept; the owner's attribute goes when nothing else reads
// it. A weight computed at run time is left to convertFunctionalsToModules.
PassLog convertLinearToLayers(torch::jit::Module &root, const std::string &path,
                              const CheckOptions &options,
                              const FindingFilter &only, const AimetNames &names);

// Every op that missing_module reports becomes a call of a new submodule registered on the
// module that owns the op (`module_<op>`, on every instance of that module's type), whose
// forward computes the op with the same arguments: constants kept inside, the rest passed in.
// A scripted functional (F.elu(x, 0.2)) is moved whole. Ops with a weightless torch.nn twin
// become modules of that class; others a torchprep.nn wrapper. Excluded subtrees stay as
// they are.
PassLog convertFunctionalsToModules(torch::jit::Module &root, const std::string &path,
                                    const CheckOptions &options,
                              const FindingFilter &only, const AimetNames &names);

// Every call of a reused module after the first calls its own deep copy (own weights, same
// values) registered beside it as `module_<name>_<k>`; a reused container is copied whole.
// Afterwards no module instance is called twice, except in excluded subtrees.
PassLog unrollReusedModules(torch::jit::Module &root, const std::string &path,
                            const CheckOptions &options,
                              const FindingFilter &only, const AimetNames &names);

} // namespace torchprep
