// inline calls: the model's own functions and helper methods are inlined at every call site,
// so each op they run gets a module of its own, per call.
#include "prepare/inline_calls_torch.h"
#include "torchscript/torch_functions_torch.h"

#include "graph/module_classes.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/inliner.h>

#include <functional>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Node;

// A call that is code of the model's own: a function that is not one of torch's atomic ones,
// or another method of the module itself (`self._block(x)`).
bool inlinable(const Node *node)
{
    if (node->kind() == c10::prim::CallFunction) {
        const torch::jit::Function *fn = calledFunction(node);
        return fn && fn->isGraphFunction() && roleOf(*fn) == FunctionRole::User;
    }
    if (node->kind() == c10::prim::CallMethod)
        return node->input(0) == node->owningGraph()->inputs().at(0);
    return false;
}

void collect(Block *block, const std::function<bool(const Node *)> &which,
             std::vector<Node *> &calls)
{
    for (Node *node : block->nodes()) {
        if (which(node))
            calls.push_back(node);
        for (Block *sub : node->blocks())
            collect(sub, which, calls);
    }
}

torch::jit::GraphFunction *callee(Node *call)
{
    if (call->kind() == c10::prim::CallFunction)
        return &torch::jit::toGraphFunction(*calledFunction(call));
    auto type = call->input(0)->type()->expect<c10::ClassType>();
    torch::jit::Function *method = type->findMethod(call->s(c10::attr::name));
    return method && method->isGraphFunction() ? &torch::jit::toGraphFunction(*method) : nullptr;
}

} // namespace

bool inlineCalls(torch::jit::Graph &graph, const std::function<bool(const Node *)> &which)
{
    bool changed = false;
    for (int round = 0; round < 16; ++round) { // as deep as calls nest (the user's helpers)
        std::vector<Node *> calls;
        collect(graph.block(), which, calls);
        if (calls.empty())
            break;
        for (Node *call : calls) {
            torch::jit::GraphFunction *fn = callee(call);
            if (!fn)
                continue;
            if (call->kind() == c10::prim::CallFunction)
                call->removeInput(0); // the function's graph takes the arguments alone
            torch::jit::inlineCallTo(call, fn, fn->graph().get());
            changed = true;
        }
    }
    return changed;
}

bool inlineModelCalls(torch::jit::Module &module)
{
    bool changed = false;
    for (torch::jit::Function *method : module.type()->methods()) {
        if (method->name() != "forward")
            continue;
        auto graph = torch::jit::toGraphFunction(*method).graph();
        if (inlineCalls(*graph, inlinable)) {
            // Branches on the constant flags a function was called with (swin's
            // `if logit_scale is not None:`) go, so what runs reads the attributes directly.
            torch::jit::ConstantPropagationImmutableTypes(graph);
            changed = true;
        }
    }
    return changed;
}

PassLog inlineUserCalls(torch::jit::Module &root)
{
    PassLog log{step_id::kInlineCalls, {}};
    for (const torch::jit::NameModule &named : root.named_modules()) {
        torch::jit::Module module = named.value;
        if (!isLeafModuleClass(demangleClassName(module.type()->name()->qualifiedName())) &&
            inlineModelCalls(module))
            log.changes.push_back({log.name, named.name, "forward", {}});
    }
    return log;
}

} // namespace torchprep
