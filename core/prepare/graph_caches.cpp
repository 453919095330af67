// clear_graph_caches: the model runs the graphs the passes left, not copies cached before.
#include "prepare/graph_caches_torch.h"

#include <torch/csrc/jit/api/function_impl.h>

namespace torchprep {

PassLog clearGraphCaches(torch::jit::Module &root)
{
    for (const torch::jit::Module &module : root.modules())
        for (torch::jit::Function *fn : module.type()->methods())
            if (fn->isGraphFunction())
                torch::jit::toGraphFunction(*fn).clear_optimized_graphs();
    for (torch::jit::Function *fn : root._ivalue()->compilation_unit()->get_functions())
        if (fn->isGraphFunction())
            torch::jit::toGraphFunction(*fn).clear_optimized_graphs();
    return {step_id::kClearGraphCaches, {}};
}

} // namespace torchprep
