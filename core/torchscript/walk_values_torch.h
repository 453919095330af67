// Private to core .cpp files (includes torch): the values the model-graph walk knows before
// the model runs (constants, attributes no method assigns, call arguments and pure ops on
// them) and the branches they decide.
#pragma once

#include "torchscript/graph_walk_torch.h"

#include <torch/script.h>

#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace torchprep {

class WalkValues
{
  public:
    explicit WalkValues(ModelGraph &graph) : graph_(graph) {}

    // Notes the attributes the methods of `type` assign at run time: never fixed.
    void scanAssignments(const c10::ClassType &type);

    // Fixes the value a prim::GetAttr reads from `owner` when no method assigns it:
    // `self.residual`, `self.training`, a list `self.shift_size`, an optional that is None.
    void readAttribute(const torch::jit::Node *getAttr, const torch::jit::Module &owner,
                       WalkEnv &env) const;

    // Records what the node's results are when the walk can compute them ahead: pure ops on
    // fixed inputs, `x is None`, `q is k`, isinstance on an argument's type, lists edited in
    // place.
    void computeAhead(const torch::jit::Node *node, WalkEnv &env);

    // The block of an `if` that runs, when the walk can tell: a fixed condition, an assert
    // (the other block raises), or inside a composite layer its fused fast path (not
    // followed). Nothing when both may run.
    const torch::jit::Block *takenBlock(const torch::jit::Node *ifNode, bool insideTorch,
                                        const WalkEnv &env);

    // After both blocks of an `if` were walked: results fixed, one object or a tensor in
    // every branch that returns are so after it.
    void joinBranches(const torch::jit::Node *ifNode, WalkEnv &env);

    // Floating-point tensors the walk knows of by what made them (a mask F._canonical_mask
    // returned), so torch's code that asks `is_floating_point` again folds as it ran.
    void markFloating(const torch::jit::Value *value, const WalkEnv &env);
    bool isFloating(const torch::jit::Value *value, const WalkEnv &env) const;

    static std::optional<int64_t> fixedInt(const torch::jit::Value *value, const WalkEnv &env);
    static std::optional<bool> fixedBool(const torch::jit::Value *value, const WalkEnv &env);

  private:
    ValueId representative(ValueId id) const;
    std::optional<bool> identity(const torch::jit::Value *a, const torch::jit::Value *b,
                                 const WalkEnv &env) const;
    bool isTensorValue(const torch::jit::Value *value, const WalkEnv &env) const;
    bool followListEdits(const torch::jit::Node *node, WalkEnv &env);
    void seeThroughTuple(const torch::jit::Node *unpack, WalkEnv &env);
    bool fusedBlock(const torch::jit::Block *block);

    ModelGraph &graph_;
    std::set<std::pair<const c10::Type *, std::string>> assigned_; // attributes set at run time
    std::unordered_map<const torch::jit::Block *, bool> fused_;
    std::unordered_map<ValueId, ValueId> identical_; // a value -> the one it is the same object as
    std::set<ValueId> floating_;                     // representatives
};

} // namespace torchprep
