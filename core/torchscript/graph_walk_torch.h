// Private to core .cpp files (includes torch): what the model-graph builder carries while it
// walks one method body, shared by the walk, the values it computes ahead and the source lines
// it reads.
#pragma once

#include "graph/model_graph.h"
#include "torchscript/method_view_torch.h"

#include <torch/script.h>

#include <string>
#include <unordered_map>

namespace torchprep {

// What the walk knows inside one method body.
struct WalkEnv
{
    std::unordered_map<const torch::jit::Value *, ValueId> values;
    std::unordered_map<const torch::jit::Value *, torch::jit::Module> objects;
    std::unordered_map<const torch::jit::Value *, c10::IValue> fixed; // known before the run
    std::unordered_map<const torch::jit::Value *, c10::TypePtr>
        types;                   // parameters: the argument's type
    SourceLocation recentSource; // the last user line in this body, for lines torch hides
    std::string callKey;         // traced: the torch function call the last op belonged to
    NodeId callLead = kNoId;
};

// Where in the model the walk is.
struct WalkContext
{
    ModuleId owner = kNoId;
    NodeId parentCall = kNoId;
    NodeId parentControl = kNoId;
    int blockIndex = -1;
    int depth = 0;
    const MethodView *method = nullptr;
    bool insideTorch = false; // in a composite torch.nn layer's code
    SourceLocation userSite;  // insideTorch: the user's call of the outermost composite
};

// `to` stands for `from` (a folded branch's result, a call's argument): its graph value, its
// module object and its fixed value.
void alias(const torch::jit::Value *from, const WalkEnv &source, const torch::jit::Value *to,
           WalkEnv &target);

bool isModuleType(const c10::TypePtr &type);

} // namespace torchprep
