// Output taps for per-layer comparison, inserted into a clone of the model.
#include "base/errors.h"
#include "compare/comparison_torch.h"
#include "graph/module_classes.h"
#include "libtorch/type_registry.h"
#include "torchscript/model_run_torch.h"

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include <map>
#include <set>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;

const char *const kId = "__torchprep_tap_id";
const char *const kValues = "__torchprep_tap_values";
const char *const kIds = "__torchprep_tap_ids";

// The submodule calls in `block` and its nested blocks whose one result is a tensor.
void collectCalls(Block *block, Value *self, std::vector<Node *> &calls)
{
    for (Node *node : block->nodes()) {
        for (Block *nested : node->blocks())
            collectCalls(nested, self, calls);
        if (node->kind() != c10::prim::CallMethod || node->input(0) == self ||
            node->outputs().size() != 1 ||
            node->output()->type()->kind() != c10::TypeKind::TensorType)
            continue;
        auto callee = node->input(0)->type()->cast<c10::ClassType>();
        if (callee && callee->hasAttribute(kId))
            calls.push_back(node);
    }
}

// After each call: values.append(result.clone()); ids.append(callee.id). The clone keeps the
// value as the call returned it: a later in-place op (relu_) must not change it.
void insertTaps(torch::jit::Graph &graph)
{
    Value *self = graph.inputs().at(0);
    std::vector<Node *> calls;
    collectCalls(graph.block(), self, calls);
    for (Node *call : calls) {
        torch::jit::WithInsertPoint after(call->next());
        Value *copy = graph.insert(c10::aten::clone, {call->output()});
        graph.insert(c10::Symbol::fromQualString("aten::append"),
                     {graph.insertGetAttr(self, kValues), copy});
        graph.insert(c10::Symbol::fromQualString("aten::append"),
                     {graph.insertGetAttr(self, kIds), graph.insertGetAttr(call->input(0), kId)});
    }
}

} // namespace

TappedModel::TappedModel(const torch::jit::Module &model, const at::Device &device)
    : module_([&] { // new types: the original's graphs stay as they are
          const std::lock_guard<std::mutex> registering(typeRegistryMutex());
          return model.clone();
      }())
{
    module_.to(device);
    std::map<const c10::ClassType *, c10::ClassTypePtr> types;
    std::int64_t id = 0;
    for (const auto &item : module_.named_modules()) {
        torch::jit::Module m = item.value;
        paths_.push_back(item.name);
        classes_.push_back(shortClassName(demangleClassName(m.type()->name()->qualifiedName())));
        m.register_attribute(kId, c10::IntType::get(), id++);
        m.register_attribute(kValues, c10::ListType::ofTensors(), values_);
        m.register_attribute(kIds, c10::ListType::ofInts(), ids_);
        types[m.type().get()] = m.type();
    }
    for (const auto &[raw, type] : types)
        for (torch::jit::Function *method : type->methods())
            insertTaps(*torch::jit::toGraphFunction(*method).graph());
}

std::vector<LayerCall> TappedModel::run(const std::vector<c10::IValue> &inputs,
                                        std::vector<at::Tensor> &outputs, const std::string &what)
{
    torch::jit::GraphOptimizerEnabledGuard plainInterpreter(false);
    values_.clear();
    ids_.clear();
    runForward(module_, inputs, what);
    std::vector<LayerCall> calls;
    std::map<std::int64_t, int> callsSoFar;
    outputs.clear();
    for (std::size_t k = 0; k < values_.size() && k < ids_.size(); ++k) {
        const std::int64_t id = ids_.get(k);
        LayerCall call;
        call.module = paths_.at(static_cast<std::size_t>(id));
        call.className = classes_.at(static_cast<std::size_t>(id));
        call.call = callsSoFar[id]++;
        const at::Tensor value = values_.get(k);
        call.shape = value.sizes().vec();
        calls.push_back(std::move(call));
        outputs.push_back(value);
    }
    values_.clear(); // the model keeps no activations between runs
    ids_.clear();
    return calls;
}

} // namespace torchprep
