// Fix pass `unroll_reuse` (prepare/preparer.cpp runs it after the set-up; --only names it).
#pragma once

#include "prepare/pass_state_torch.h"

#include <torch/script.h>

namespace torchprep {

// Every call of a reused module after the first calls its own deep copy (own weights, same
// values) registered beside it under AIMET's name (`module_<name>_<k>`); a reused container is
// copied whole. Afterwards no module instance is called twice, except in excluded subtrees.
PassLog unrollReusedModules(PassState &state, const FindingFilter &only);

} // namespace torchprep
