// Fix pass `functional_to_module` (prepare/preparer.cpp runs it after the set-up; --only names it).
#pragma once

#include "prepare/pass_state_torch.h"

#include <torch/script.h>

namespace torchprep {

// Every op that missing_module reports becomes a call of a new submodule registered on the
// module that owns it (AIMET's name, on every instance of that module's type), whose forward
// computes that one op: constants kept inside (and as attributes by the schema's names), the
// owner's tensors it reads held by the new module, the rest passed in. A scripted functional
// (F.elu(x, 0.2)) is moved whole. Ops with a weightless torch.nn twin become modules of that
// class; others a torchprep.nn module named as AIMET's catalogue names it. Excluded subtrees,
// calls of code and linear/conv on parameters stay as they are.
PassLog convertFunctionalsToModules(PassState &state, const FindingFilter &only);

} // namespace torchprep
