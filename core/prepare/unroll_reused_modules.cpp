// unroll reused modules: every extra call of a module instance gets its own deep copy.
#include "prepare/rewrite_support_torch.h"
#include "prepare/unroll_reused_modules_torch.h"
#include "torchscript/graph_builder_torch.h"

#include <torch/csrc/jit/ir/ir.h>

#include <map>
#include <optional>
#include <set>

namespace torchprep {

namespace {

using torch::jit::Module;
using torch::jit::Node;
using torch::jit::Value;

Module follow(Module module, const std::vector<std::string> &chain)
{
    for (const std::string &name : chain)
        module = module.attr(name).toModule();
    return module;
}

} // namespace

PassLog unrollReusedModules(PassState &state, const FindingFilter &only)
{
    const CheckOptions &options = state.options();
    const AimetNames &aimet = state.names();
    // The modules functional_to_module added are each called once, and reuse inside a reused
    // container is the container's finding: the findings of the shared reading hold.
    const std::vector<Finding> &findings = state.reused();
    const PassContext &context = state.context();
    const ModelGraph &graph = context.graph();

    PassLog log;
    log.name = "unroll_reuse";
    std::set<Node *> done; // a call in a shared type's graph is unrolled once for all instances
    AttributeNames names;
    for (const Finding &finding : findings) {
        if (!only.wants(finding) || finding.manualFix)
            continue; // a loop or shared state: copies cannot fix it
        // Distinct call sites in execution order; the first keeps the original module.
        std::vector<NodeId> sites;
        std::set<Node *> seen;
        for (NodeId call : finding.nodes) {
            Node *node = context.node(call);
            if (node && seen.insert(node).second)
                sites.push_back(call);
        }
        for (std::size_t k = 1; k < sites.size(); ++k) {
            Node *call = context.node(sites[k]);
            if (!done.insert(call).second)
                continue;
            const auto chain = attributePath(call->input(0));
            if (!chain || chain->empty())
                continue; // a module passed in or returned: nothing to copy it from
            const Module &caller = context.module(graph.nodes[sites[k]].owner);
            const c10::ClassTypePtr type = caller.type();
            const std::vector<Module> instances = state.instancesOf(type);
            if (context.anyExcluded(instances, options))
                continue;
            const std::string planned = aimet.nameFor(caller, call);
            const std::string name = names.next(type, planned.empty() ? "module_" + chain->back() +
                                                                            "_" + std::to_string(k)
                                                                      : planned);
            bool copiedContainer = false;
            for (Module instance : instances) {
                Module copy = follow(instance, *chain).deepcopy();
                copiedContainer = copiedContainer || copy.children().size() > 0;
                instance.register_module(name, copy);
                log.changes.push_back({"unroll_reuse", context.childPath(instance, name),
                                       call->s(c10::attr::name), graph.nodes[sites[k]].source});
            }
            if (copiedContainer) // a copy shares its type: later sites there have one more instance
                state.forgetInstances();
            torch::jit::WithInsertPoint guard(call);
            Value *copy = call->owningGraph()->insertGetAttr(selfOf(call), name);
            copy->node()->setSourceRange(call->sourceRange());
            call->replaceInput(0, copy);
        }
    }
    return log;
}

} // namespace torchprep
