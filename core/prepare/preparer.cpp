// The preparer's pipeline: fixed order, each pass logged.
#include "preparer.h"

#include "../check_catalogue.h"
#include "../checks/missing_module.h"
#include "../checks/reused_module.h"
#include "../errors.h"
#include "../graph_builder.h"
#include "../module_classes.h"
#include "../torch_model_impl.h"
#include "../type_registry.h"
#include "passes_torch.h"

#include <torch/csrc/jit/api/function_impl.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>

namespace torchprep {

namespace {

using PassFunction = std::function<PassLog(PassState &, const FindingFilter &)>;

// Functionals first: a reused user module then carries its new modules into every copy.
const std::vector<std::pair<std::string, PassFunction>> &passes()
{
    static const std::vector<std::pair<std::string, PassFunction>> all = {
        {pass_id::kLinearToLayer, convertLinearToLayers},
        {pass_id::kFunctionalToModule, convertFunctionalsToModules},
        {pass_id::kUnrollReuse, unrollReusedModules},
    };
    return all;
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

// Own types and inlined helpers first, so that every op the passes rewrite is one node of
// one instance's code.
void setUp(torch::jit::Module &root)
{
    giveInstancesOwnTypes(root);
    dropFusedFastPaths(root);
    specializeScriptedAttention(root);
    for (torch::jit::Module module : root.modules())
        if (!isLeafModuleClass(demangleClassName(module.type()->name()->qualifiedName())))
            inlineModelCalls(module);
}

// Drops the optimized copies libtorch caches per function once anything inlines or runs it: a
// caller inlines its callees' cached copies, so without this the rewritten model could still run
// code as it was before the passes (seen: an attention inside an encoder layer).
void forgetOptimizedGraphs(torch::jit::Module &root)
{
    for (const torch::jit::Module &module : root.modules())
        for (torch::jit::Function *fn : module.type()->methods())
            if (fn->isGraphFunction())
                torch::jit::toGraphFunction(*fn).clear_optimized_graphs();
    for (torch::jit::Function *fn : root._ivalue()->compilation_unit()->get_functions())
        if (fn->isGraphFunction())
            torch::jit::toGraphFunction(*fn).clear_optimized_graphs();
}

} // namespace

PassState::PassState(torch::jit::Module &root, const std::string &path, const CheckOptions &options)
    : root_(root), path_(path), options_(options)
{
    names_ = AimetNames(context(), missing());
}

const PassContext &PassState::context()
{
    if (stale_ || !context_)
        reread();
    return *context_;
}

const std::vector<Finding> &PassState::missing()
{
    if (stale_ || !missing_)
        missing_ = checkMissingModule(context().graph(), options_);
    return *missing_;
}

const std::vector<Finding> &PassState::reused()
{
    if (stale_ || !reused_)
        reused_ = checkReusedModule(context().graph(), options_);
    return *reused_;
}

const std::vector<torch::jit::Module> &PassState::instancesOf(const c10::ClassTypePtr &type)
{
    if (instances_.empty()) {
        std::set<const c10::ivalue::Object *> seen;
        for (const torch::jit::Module &m : root_.modules())
            if (seen.insert(m._ivalue().get()).second)
                instances_[m.type().get()].push_back(m);
    }
    static const std::vector<torch::jit::Module> none;
    auto it = instances_.find(type.get());
    return it == instances_.end() ? none : it->second;
}

void PassState::reread()
{
    stale_ = false;
    context_ = std::make_unique<PassContext>(root_, path_);
    missing_.reset();
    reused_.reset();
    replaced_.clear();
    instances_.clear();
}

const std::vector<std::string> &preparePassNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto &pass : passes())
            out.push_back(pass.first);
        return out;
    }();
    return names;
}

PrepareResult prepareModel(TorchModel &model, const PrepareOptions &options)
{
    for (const std::string &only : options.onlyPasses) {
        const auto &names = preparePassNames();
        if (std::find(names.begin(), names.end(), only) == names.end())
            throw InputError("--only '" + only + "': no such pass (passes: linear_to_layer, "
                             "functional_to_module, unroll_reuse)");
    }
    const std::lock_guard<std::mutex> registering(typeRegistryMutex()); // passes define new classes
    PrepareResult result;
    result.checkOptions = checkOptionsFor(model, options);
    const CheckOptions &check = result.checkOptions;
    const FindingFilter only{{options.onlyFindings.begin(), options.onlyFindings.end()}};
    std::unique_ptr<PassState> state;
    try {
        setUp(model.impl().module);
        state = std::make_unique<PassState>(model.impl().module, model.path(), check);
    } catch (const InputError &) {
        throw;
    } catch (const std::exception &e) {
        throw InputError("cannot prepare '" + model.path() + "': " + interpreterErrorLine(e.what()));
    }
    for (const auto &[name, run] : passes()) {
        if (options.setUpOnly)
            break;
        if (!options.onlyPasses.empty() &&
            std::find(options.onlyPasses.begin(), options.onlyPasses.end(), name) ==
                options.onlyPasses.end())
            continue;
        try {
            result.passes.push_back(run(*state, only));
            breakForTests(model.impl().module, name);
        } catch (const InputError &) {
            throw;
        } catch (const std::exception &e) { // c10::Error and the interpreter's errors
            throw InputError("pass " + name + " cannot rewrite '" + model.path() +
                             "': " + interpreterErrorLine(e.what()));
        }
    }
    forgetOptimizedGraphs(model.impl().module);
    model.impl().module.eval();
    return result;
}

} // namespace torchprep
