#include "checks/non_tensor_io.h"

#include "checks/fix_text.h"

#include <set>

namespace torchprep {

namespace {

std::string describe(const std::vector<SignatureEntry> &entries, bool withNames)
{
    std::string text;
    for (const SignatureEntry &e : entries) {
        if (isTensorOrTensorTuple(e.type))
            continue;
        text += (text.empty() ? "`" : ", `") + (withNames ? e.name + ": " : std::string()) +
                e.type + "`";
    }
    return text;
}

// torch.jit.trace records a module that returns its input unchanged (StochasticDepth in eval)
// as `-> NoneType` whose result nobody uses: the tracer's artefact, not the user's signature.
bool tracedIdentity(const ModelGraph &graph, const GraphNode &call)
{
    if (call.signatureOutputs.size() != 1 || call.signatureOutputs.front().type != "NoneType")
        return false;
    for (ValueId out : call.outputs)
        if (!graph.values[out].users.empty())
            return false;
    return true;
}

} // namespace

std::vector<Finding> checkNonTensorIo(const ModelGraph &graph, const CheckOptions &options,
                                      GraphAnalyses &)
{
    std::vector<Finding> findings;
    auto report = [&](const ModuleInfo &module, const std::vector<SignatureEntry> &inputs,
                      const std::vector<SignatureEntry> &outputs, const SourceLocation &where,
                      NodeId node) {
        const std::string takes = describe(inputs, true);
        const std::string returns = describe(outputs, false);
        if (takes.empty() && returns.empty())
            return;
        Finding f;
        f.check = "non_tensor_io";
        f.module = module.path;
        f.source = where;
        if (node != kNoId)
            f.nodes.push_back(node);
        f.message = "forward of " + displayPath(module.path) + " (" + module.typeName + ")";
        if (!takes.empty())
            f.message += " takes " + takes;
        if (!takes.empty() && !returns.empty())
            f.message += " and";
        if (!returns.empty())
            f.message += " returns " + returns;
        f.fix = "make forward of " + module.typeName +
                " take and return only tensors or tuples of tensors: pass dict or list entries as "
                "separate tensor arguments, return a tuple, and keep options as attributes set in "
                "`__init__`";
        findings.push_back(std::move(f));
    };

    if (!options.excludes(graph, 0))
        report(graph.root(), graph.signatureInputs, graph.signatureOutputs, graph.returnSource,
               kNoId);
    std::set<ModuleId> seen;
    for (const GraphNode &node : graph.nodes) {
        if (node.kind != NodeKind::ModuleCall || !node.expanded || seen.count(node.callee))
            continue;
        seen.insert(node.callee);
        // A composite torch.nn layer's signature is torch's, not the user's to change.
        if (graph.modules[node.callee].composite || node.insideTorch ||
            options.excludes(graph, node.callee))
            continue;
        std::vector<SignatureEntry> outputs = node.signatureOutputs;
        if (tracedIdentity(graph, node))
            outputs.clear();
        report(graph.modules[node.callee], node.signatureInputs, outputs, node.source, node.id);
    }
    return findings;
}

} // namespace torchprep
