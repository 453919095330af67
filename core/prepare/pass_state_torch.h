// Private to core/prepare (includes torch): what the passes of one run share.
#pragma once

#include "checks/finding.h"
#include "prepare/aimet_names_torch.h"
#include "prepare/pass_log.h"

#include <torch/script.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace torchprep {

// The findings a pass may fix: all of them, or (fixing one at a time) those with these keys.
struct FindingFilter
{
    std::set<std::string> keys; // findingKey()s; empty: every finding
    bool wants(const Finding &finding) const
    {
        return keys.empty() || keys.count(findingKey(finding)) > 0;
    }
};

// What the passes of one run share, read once after set-up (the model graph, the findings,
// AIMET's names): a pass records the nodes it replaced, whose findings are then done, and marks
// the reading stale when it changes which modules run; the next pass then reads the model again.
class PassState
{
  public:
    PassState(torch::jit::Module &root, const std::string &path, const CheckOptions &options);

    torch::jit::Module &root() { return root_; }
    const CheckOptions &options() const { return options_; }
    const AimetNames &names() const { return names_; }
    const PassContext &context();
    const std::vector<Finding> &missing(); // missing_module's findings on context()
    const std::vector<Finding> &reused();  // reused_module's

    // instancesOfType() from one walk of the model; forgetInstances() after adding copies.
    const std::vector<torch::jit::Module> &instancesOf(const c10::ClassTypePtr &type);
    void forgetInstances() { instances_.clear(); }

    void replaced(const torch::jit::Node *node) { replaced_.insert(node); }
    bool isReplaced(const torch::jit::Node *node) const { return replaced_.count(node) > 0; }
    void markStale() { stale_ = true; }

  private:
    void reread();

    torch::jit::Module &root_;
    std::string path_;
    const CheckOptions &options_;
    std::unique_ptr<PassContext> context_;
    std::optional<std::vector<Finding>> missing_, reused_;
    AimetNames names_;
    std::set<const torch::jit::Node *> replaced_;
    std::map<const c10::ClassType *, std::vector<torch::jit::Module>> instances_;
    bool stale_ = false;
};

} // namespace torchprep
