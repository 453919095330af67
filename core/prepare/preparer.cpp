// The preparer's pipeline: one table of steps (set-up, fix passes, finish), run in its order,
// each one logged.
#include "prepare/preparer.h"

#include "base/errors.h"
#include "base/printable.h"
#include "checks/check_catalogue.h"
#include "libtorch/type_registry.h"
#include "prepare/functional_to_module_torch.h"
#include "prepare/fused_fast_paths_torch.h"
#include "prepare/graph_caches_torch.h"
#include "prepare/inline_calls_torch.h"
#include "prepare/linear_to_layer_torch.h"
#include "prepare/own_types_torch.h"
#include "prepare/pass_state_torch.h"
#include "prepare/specialize_attention_torch.h"
#include "prepare/unroll_fixed_loops_torch.h"
#include "prepare/unroll_reused_modules_torch.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model_impl.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>

namespace torchprep {

namespace {

enum class StepKind {
    SetUp,  // makes every op a pass rewrites one node of one instance's code; same outputs
    Fix,    // rewrites what a check reports
    Finish, // runs after every run, whatever --only says
};

// What one run hands its steps: the module, and once the set-up is done, what the passes share.
struct PrepareRun
{
    torch::jit::Module &root;
    std::unique_ptr<PassState> state;
    FindingFilter only;
};

struct Step
{
    std::string id;
    StepKind kind;
    std::function<PassLog(PrepareRun &)> run;
};

// Own types, inlined helpers and unrolled fixed loops first, so that every op the passes
// rewrite is one node of one instance's code, run once; functionals before unrolling, so that a
// reused user module carries its new modules into every copy; the caches last.
const std::vector<Step> &steps()
{
    static const std::vector<Step> all = {
        {step_id::kOwnTypes, StepKind::SetUp,
         [](PrepareRun &r) { return giveInstancesOwnTypes(r.root); }},
        {step_id::kFusedFastPaths, StepKind::SetUp,
         [](PrepareRun &r) { return dropFusedFastPaths(r.root); }},
        {step_id::kSpecializeAttention, StepKind::SetUp,
         [](PrepareRun &r) { return specializeScriptedAttention(r.root); }},
        {step_id::kInlineCalls, StepKind::SetUp,
         [](PrepareRun &r) { return inlineUserCalls(r.root); }},
        {step_id::kUnrollFixedLoops, StepKind::SetUp,
         [](PrepareRun &r) { return unrollFixedLoops(r.root); }},
        {pass_id::kLinearToLayer, StepKind::Fix,
         [](PrepareRun &r) { return convertLinearToLayers(*r.state, r.only); }},
        {pass_id::kFunctionalToModule, StepKind::Fix,
         [](PrepareRun &r) { return convertFunctionalsToModules(*r.state, r.only); }},
        {pass_id::kUnrollReuse, StepKind::Fix,
         [](PrepareRun &r) { return unrollReusedModules(*r.state, r.only); }},
        {step_id::kClearGraphCaches, StepKind::Finish,
         [](PrepareRun &r) { return clearGraphCaches(r.root); }},
    };
    return all;
}

std::vector<std::string> stepIds(StepKind kind)
{
    std::vector<std::string> ids;
    for (const Step &step : steps())
        if (step.kind == kind)
            ids.push_back(step.id);
    return ids;
}

const char *kindName(StepKind kind)
{
    return kind == StepKind::SetUp ? "set-up" : kind == StepKind::Fix ? "fix" : "finish";
}

// "set-up: own_types, ...; fix: linear_to_layer, ...; finish: clear_graph_caches"
std::string stepList()
{
    std::string text;
    for (StepKind kind : {StepKind::SetUp, StepKind::Fix, StepKind::Finish}) {
        text += text.empty() ? "" : "; ";
        text += std::string(kindName(kind)) + ":";
        std::string sep = " ";
        for (const Step &step : steps())
            if (step.kind == kind) {
                text += sep + step.id;
                sep = ", ";
            }
    }
    return text;
}

// --only names exactly the steps that run, except that naming fix passes alone keeps the whole
// set-up (the passes need it); the finishing steps always run.
bool selected(const Step &step, const std::vector<std::string> &only)
{
    if (only.empty() || step.kind == StepKind::Finish)
        return true;
    auto named = [&](const std::string &id) {
        return std::find(only.begin(), only.end(), id) != only.end();
    };
    if (step.kind == StepKind::Fix)
        return named(step.id);
    const bool namesSetUp = std::any_of(steps().begin(), steps().end(), [&](const Step &s) {
        return s.kind == StepKind::SetUp && named(s.id);
    });
    return named(step.id) || !namesSetUp;
}

// --exclude and --exclude-class as the checks see them.
CheckOptions checkOptionsFor(const TorchModel &model, const PrepareOptions &options)
{
    CheckOptions check;
    check.allowedOps = options.allowedOps;
    check.excludedModules = options.excludedModules;
    check.excludedClasses = options.excludedClasses;
    check.onnxOpset = options.onnxOpset;
    if (!options.excludedClasses.empty() || !options.excludedModules.empty())
        check.requireExcludedModulesIn(buildModelGraph(model));
    return check;
}

// Test hook (tests/cli): TORCHPREP_TEST_BREAK_PASS=NAME makes pass NAME change every floating
// parameter, so the tests can show that a broken rewrite is caught and named.
void breakForTests(torch::jit::Module &module, const std::string &pass)
{
    const char *broken = std::getenv("TORCHPREP_TEST_BREAK_PASS");
    if (!broken || pass != broken)
        return;
    torch::NoGradGuard noGrad;
    for (at::Tensor p : module.parameters())
        if (p.is_floating_point())
            p.add_(0.5);
}

} // namespace

const std::vector<std::string> &preparePassNames()
{
    static const std::vector<std::string> names = stepIds(StepKind::Fix);
    return names;
}

const std::vector<std::string> &prepareSetUpNames()
{
    static const std::vector<std::string> names = stepIds(StepKind::SetUp);
    return names;
}

PrepareResult prepareModel(TorchModel &model, const PrepareOptions &options)
{
    for (const std::string &only : options.onlyPasses)
        if (std::none_of(steps().begin(), steps().end(),
                         [&](const Step &s) { return s.id == only; }))
            throw InputError("--only " + printable(only) + ": no such pass (" + stepList() + ")");
    const std::lock_guard<std::mutex> registering(typeRegistryMutex()); // passes define new classes
    PrepareResult result;
    result.checkOptions = checkOptionsFor(model, options);
    PrepareRun run{
        model.impl().module, nullptr, {{options.onlyFindings.begin(), options.onlyFindings.end()}}};
    for (const Step &step : steps()) {
        if (!selected(step, options.onlyPasses))
            continue;
        try {
            if (step.kind == StepKind::Fix &&
                !run.state) // the model as the set-up left it, read once
                run.state =
                    std::make_unique<PassState>(run.root, model.path(), result.checkOptions);
        } catch (const InputError &) {
            throw;
        } catch (const std::exception &e) {
            throw InputError("cannot prepare '" + model.path() +
                             "': " + interpreterErrorLine(e.what()));
        }
        try {
            PassLog log = step.run(run);
            breakForTests(run.root, step.id);
            (step.kind == StepKind::Fix ? result.passes : result.setUp).push_back(std::move(log));
        } catch (const InputError &) {
            throw;
        } catch (const std::exception &e) { // c10::Error and the interpreter's errors
            throw InputError(step.kind == StepKind::Fix
                                 ? "pass " + step.id + " cannot rewrite '" + model.path() +
                                       "': " + interpreterErrorLine(e.what())
                                 : "cannot prepare '" + model.path() + "' (" + step.id +
                                       "): " + interpreterErrorLine(e.what()));
        }
    }
    run.root.eval();
    return result;
}

} // namespace torchprep
