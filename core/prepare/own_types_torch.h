// Set-up step `own_types` (prepare/preparer.cpp runs it before the fix passes; --only names it).
#pragma once

#include "prepare/pass_log.h"

#include <torch/script.h>

namespace torchprep {

// Every module instance of user code (and of torch's composite layers) whose class type
// another instance shares gets a copy of that type: new modules can then be named per
// instance, as AIMET names them, and their arguments read per instance.
// Logs each instance given its own type, by module path.
PassLog giveInstancesOwnTypes(torch::jit::Module &root);

} // namespace torchprep
