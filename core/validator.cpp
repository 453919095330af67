#include "validator.h"

#include "check_catalogue.h"
#include "checks/dynamic_control_flow.h"
#include "checks/input_dependent_constructor.h"
#include "checks/missing_module.h"
#include "checks/non_tensor_io.h"
#include "checks/onnx_exportable.h"
#include "checks/reused_module.h"

#include <functional>

namespace torchprep {

namespace {

using CheckFunction = std::function<std::vector<Finding>(const ModelGraph &, const CheckOptions &,
                                                          const ValueFacts &)>;

// The facts about values are computed once and shared by the checks that read them.
const std::vector<std::pair<std::string, CheckFunction>> &checks()
{
    static const std::vector<std::pair<std::string, CheckFunction>> all = {
        {check_id::kReusedModule, [](auto &g, auto &o, auto &) { return checkReusedModule(g, o); }},
        {check_id::kMissingModule, [](auto &g, auto &o, auto &f) { return checkMissingModule(g, o, f); }},
        {check_id::kNonTensorIo, [](auto &g, auto &o, auto &) { return checkNonTensorIo(g, o); }},
        {check_id::kDynamicControlFlow,
         [](auto &g, auto &o, auto &f) { return checkDynamicControlFlow(g, o, f); }},
        {check_id::kInputDependentConstructor,
         [](auto &g, auto &o, auto &f) { return checkInputDependentConstructor(g, o, f); }},
        {check_id::kOnnxExportable, [](auto &g, auto &o, auto &) { return checkOnnxExportable(g, o); }},
    };
    return all;
}

} // namespace

const std::vector<std::string> &checkNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto &check : checks())
            out.push_back(check.first);
        return out;
    }();
    return names;
}

bool ValidationReport::passed() const
{
    return warningCount() == findings.size();
}

std::size_t ValidationReport::warningCount() const
{
    std::size_t count = 0;
    for (const Finding &f : findings)
        count += f.severity == Severity::Warning ? 1 : 0;
    return count;
}

ValidationReport validateGraph(const ModelGraph &graph, const CheckOptions &options)
{
    options.requireExcludedModulesIn(graph);
    ValidationReport report;
    report.modelPath = graph.sourcePath;
    const ValueFacts facts = analyseValues(graph);
    for (const auto &[name, run] : checks()) {
        std::vector<Finding> found = run(graph, options, facts);
        CheckSummary summary{name, found.size(), 0};
        for (const Finding &f : found)
            summary.warnings += f.severity == Severity::Warning ? 1 : 0;
        report.checks.push_back(summary);
        for (Finding &f : found)
            report.findings.push_back(std::move(f));
    }
    return report;
}

} // namespace torchprep
