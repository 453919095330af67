// fused fast paths: a scripted torch.nn composite layer (TransformerEncoderLayer,
// MultiheadAttention, TransformerEncoder, ...) keeps torch's inference fast path, a branch that
// runs one fused kernel (`aten::_transformer_encoder_layer_fwd`) when grad is off and the layer
// is in eval mode. That branch would run past every module the preparer gives the layer, so a
// quantizer would see modules that never run. The preparer decides each such branch for the
// composed path, which computes the same (the proof checks it), and drops what only it read.
#include "graph/module_classes.h"
#include "prepare/fused_fast_paths_torch.h"
#include "prepare/rewrite_support_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include <unordered_set>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Node;

bool isFusedKernel(const Node *node)
{
    static const std::unordered_set<std::string> kernels = {
        "aten::_transformer_encoder_layer_fwd", "aten::_native_multi_head_attention",
        "aten::_transformer_decoder_only_layer_fwd",
        "aten::_native_decoder_only_multi_head_attention", "aten::_nested_tensor_from_mask"};
    return kernels.count(node->kind().toQualString()) > 0;
}

bool runsFusedKernel(const Block *block)
{
    for (const Node *node : block->nodes()) {
        if (isFusedKernel(node))
            return true;
        for (const Block *sub : node->blocks())
            if (runsFusedKernel(sub))
                return true;
    }
    return false;
}

// Decides every prim::If one of whose two blocks runs a fused kernel for the other block, and
// answers `x.is_nested` with false: nested tensors run only on the fused path (outside it torch
// raises), so the checks and messages about them go too, and with them the reads of the
// weights the fused kernel took.
bool decideFastPaths(Block *block)
{
    bool changed = false;
    for (Node *node : block->nodes()) {
        if (std::string(node->kind().toQualString()) == "prim::is_nested") {
            torch::jit::WithInsertPoint guard(node);
            node->output()->replaceAllUsesWith(node->owningGraph()->insertConstant(false));
            changed = true;
            continue;
        }
        if (node->kind() == c10::prim::If && node->blocks().size() == 2) {
            const bool inThen = runsFusedKernel(node->blocks()[0]);
            const bool inElse = runsFusedKernel(node->blocks()[1]);
            if (inThen != inElse) {
                torch::jit::WithInsertPoint guard(node);
                node->replaceInput(0, node->owningGraph()->insertConstant(!inThen));
                changed = true;
                continue;
            }
        }
        for (Block *sub : node->blocks())
            changed = decideFastPaths(sub) || changed;
    }
    return changed;
}

} // namespace

PassLog dropFusedFastPaths(torch::jit::Module &root)
{
    PassLog log{step_id::kFusedFastPaths, {}};
    std::unordered_set<const c10::ClassType *> done;
    for (const torch::jit::NameModule &named : root.named_modules()) {
        const torch::jit::Module &module = named.value;
        if (!done.insert(module.type().get()).second ||
            !isCompositeNnClass(demangleClassName(module.type()->name()->qualifiedName())))
            continue;
        for (torch::jit::Function *method : module.type()->methods()) {
            if (!method->isGraphFunction())
                continue;
            auto graph = torch::jit::toGraphFunction(*method).graph();
            if (decideFastPaths(graph->block())) {
                foldDecidedBranches(graph); // the decided branches go, and the checks they leave
                log.changes.push_back({log.name, named.name, method->name(), {}});
            }
        }
    }
    return log;
}

} // namespace torchprep
