#include "checks/validator.h"

#include "checks/check_catalogue.h"
#include "checks/dynamic_control_flow.h"
#include "checks/input_dependent_constructor.h"
#include "checks/missing_module.h"
#include "checks/non_tensor_io.h"
#include "checks/onnx_exportable.h"
#include "checks/reused_module.h"

namespace torchprep {

namespace {

// A check reads the model graph and asks the analyses for facts, computed once per model.
using CheckFunction = std::vector<Finding> (*)(const ModelGraph &, const CheckOptions &,
                                               GraphAnalyses &);

// The registry: a new check is one file in checks/ and one row here, in the order they run.
const std::vector<std::pair<std::string, CheckFunction>> &checks()
{
    static const std::vector<std::pair<std::string, CheckFunction>> all = {
        {check_id::kReusedModule, checkReusedModule},
        {check_id::kMissingModule, checkMissingModule},
        {check_id::kNonTensorIo, checkNonTensorIo},
        {check_id::kDynamicControlFlow, checkDynamicControlFlow},
        {check_id::kInputDependentConstructor, checkInputDependentConstructor},
        {check_id::kOnnxExportable, checkOnnxExportable},
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
    report.format = graph.format;
    const bool exported = graph.format == ModelFormat::ExportedProgram;
    GraphAnalyses analyses(graph);
    for (const auto &[name, run] : checks()) {
        // Whether a .pt2 converts is the dynamo exporter's call, whose op table is not ours.
        if (exported && name == check_id::kOnnxExportable) {
            report.checks.push_back({name, 0, 0, false});
            continue;
        }
        std::vector<Finding> found = run(graph, options, analyses);
        // Nothing prepares a .pt2: every fix is made in the user's source.
        for (Finding &f : found)
            f.manualFix = f.manualFix || exported;
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
