#include "validator.h"

#include "check_catalogue.h"
#include "checks/dynamic_control_flow.h"
#include "checks/input_dependent_constructor.h"
#include "checks/missing_module.h"
#include "checks/non_tensor_io.h"
#include "checks/reused_module.h"

#include <functional>

namespace torchprep {

namespace {

using CheckFunction = std::function<std::vector<Finding>(const ModelGraph &, const CheckOptions &)>;

const std::vector<std::pair<std::string, CheckFunction>> &checks()
{
    static const std::vector<std::pair<std::string, CheckFunction>> all = {
        {check_id::kReusedModule, checkReusedModule},
        {check_id::kMissingModule, checkMissingModule},
        {check_id::kNonTensorIo, checkNonTensorIo},
        {check_id::kDynamicControlFlow, checkDynamicControlFlow},
        {check_id::kInputDependentConstructor, checkInputDependentConstructor},
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

ValidationReport validateGraph(const ModelGraph &graph, const CheckOptions &options)
{
    options.requireExcludedModulesIn(graph);
    ValidationReport report;
    report.modelPath = graph.sourcePath;
    for (const auto &[name, run] : checks()) {
        std::vector<Finding> found = run(graph, options);
        report.checks.push_back({name, found.size()});
        for (Finding &f : found)
            report.findings.push_back(std::move(f));
    }
    return report;
}

} // namespace torchprep
