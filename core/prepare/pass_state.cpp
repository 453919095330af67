// What the passes of one run share: the model read once, read again when a pass makes it stale.
#include "prepare/pass_state_torch.h"

#include "checks/missing_module.h"
#include "checks/reused_module.h"

namespace torchprep {

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
    if (stale_ || !reused_) {
        reused_ = findReusedModules(context().graph(), options_, /*withHelpers=*/true);
    }
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

} // namespace torchprep
