// Scripted function calls: whose code they are, and what one of torch's functions computes.
#include "torchscript/torch_functions_torch.h"

#include "graph/module_classes.h"
#include "graph/op_catalogue.h"
#include "torchscript/source_trace.h"
#include "torchscript/static_values_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;

constexpr int kMaxDepth = 8; // torch's functions call a few helpers deep, never more

bool hasTensorOutput(const Node *node)
{
    for (const Value *out : node->outputs())
        if (out->type()->isSubtypeOf(*c10::TensorType::get()) ||
            out->type()->annotation_str().find("Tensor") != std::string::npos)
            return true;
    return false;
}

// Walks a function's graph as the given arguments decide it, collecting the aten ops that
// may run: data ops apart from exempt ones.
class OpCollector
{
  public:
    std::vector<std::string> dataOps;
    std::vector<std::string> exemptOps;
    std::vector<KnownValue> results; // what it returns, as far as the arguments fix it

    void run(torch::jit::Function &function, const std::vector<KnownValue> &arguments, int depth)
    {
        const std::shared_ptr<torch::jit::Graph> graph =
            torch::jit::toGraphFunction(function).graph();
        auto inputs = graph->inputs();
        for (std::size_t i = 0; i < inputs.size() && i < arguments.size(); ++i)
            learn(inputs[i], arguments[i]);
        walk(graph->block(), depth);
        for (const Value *out : graph->outputs())
            results.push_back(factOf(out));
    }

  private:
    void walk(const Block *block, int depth)
    {
        for (const Node *node : block->nodes())
            visit(node, depth);
    }

    void visit(const Node *node, int depth)
    {
        const c10::Symbol kind = node->kind();
        if (kind == c10::prim::Constant) {
            if (auto value = torch::jit::toIValue(node->output()))
                known_[node->output()] = *value;
            return;
        }
        if (kind == c10::prim::If) {
            const Block *taken = nullptr;
            auto condition = known_.find(node->input(0));
            if (condition != known_.end() && condition->second.isBool())
                taken = node->blocks()[condition->second.toBool() ? 0 : 1];
            else if (blockRaises(node->blocks()[0]) != blockRaises(node->blocks()[1]))
                taken = node->blocks()[blockRaises(node->blocks()[0]) ? 1 : 0];
            if (!taken) {
                walk(node->blocks()[0], depth);
                walk(node->blocks()[1], depth);
                // A tensor (or a floating one) whichever branch runs stays one after the `if`.
                for (std::size_t i = 0; i < node->outputs().size(); ++i) {
                    const KnownValue a = factOf(node->blocks()[0]->outputs()[i]);
                    const KnownValue b = factOf(node->blocks()[1]->outputs()[i]);
                    KnownValue joined;
                    joined.notNone = a.notNone && b.notNone;
                    joined.floating = a.floating && b.floating;
                    learn(node->output(i), joined);
                }
                return;
            }
            walk(taken, depth);
            for (std::size_t i = 0; i < node->outputs().size(); ++i)
                forward(taken->outputs()[i], node->output(i));
            return;
        }
        if (kind == c10::prim::Loop) {
            walk(node->blocks()[0], depth);
            return;
        }
        if (kind == c10::prim::CallFunction) {
            torch::jit::Function *callee = calledFunction(node);
            if (!callee || depth >= kMaxDepth)
                return;
            std::vector<KnownValue> facts;
            for (std::size_t i = 1; i < node->inputs().size(); ++i)
                facts.push_back(factOf(node->input(i)));
            OpCollector inner;
            inner.run(*callee, facts, depth + 1);
            append(dataOps, inner.dataOps);
            append(exemptOps, inner.exemptOps);
            for (std::size_t i = 0; i < node->outputs().size() && i < inner.results.size(); ++i)
                learn(node->output(i), inner.results[i]);
            return;
        }
        if (kind == c10::aten::__is__ || kind == c10::aten::__isnot__) {
            if (auto same = identity(node->input(0), node->input(1)))
                known_[node->output()] = kind == c10::aten::__is__ ? *same : !*same;
            return;
        }
        if (kind == c10::aten::is_floating_point && floating_.count(node->input(0))) {
            known_[node->output()] = true;
            return;
        }
        if (kind == c10::prim::unchecked_cast) {
            forward(node->input(0), node->output());
            return;
        }
        std::vector<c10::IValue> inputs;
        for (const Value *in : node->inputs()) {
            auto it = known_.find(in);
            if (it == known_.end())
                break;
            inputs.push_back(it->second);
        }
        if (inputs.size() == node->inputs().size()) {
            if (auto results = evaluateAhead(node, inputs)) {
                for (std::size_t i = 0; i < results->size(); ++i)
                    known_[node->output(i)] = (*results)[i];
                return;
            }
        }
        const std::string op = kind.toQualString();
        if (op.compare(0, 6, "aten::") != 0 || !hasTensorOutput(node))
            return;
        if (isExemptOp(op) || isTensorConstructor(op))
            append(exemptOps, {op});
        else
            append(dataOps, {op});
    }

    KnownValue factOf(const Value *value) const
    {
        KnownValue fact;
        if (auto it = known_.find(value); it != known_.end())
            fact.value = it->second;
        fact.notNone =
            notNone_.count(value) > 0 || value->type()->kind() == c10::TypeKind::TensorType;
        fact.floating = floating_.count(value) > 0;
        return fact;
    }

    void learn(const Value *value, const KnownValue &fact)
    {
        if (fact.value)
            known_[value] = *fact.value;
        if (fact.notNone)
            notNone_.insert(value);
        if (fact.floating)
            floating_.insert(value);
    }

    // Whether `a is b`, when the walk can tell.
    std::optional<bool> identity(const Value *a, const Value *b) const
    {
        if (a == b)
            return true;
        const KnownValue x = factOf(a), y = factOf(b);
        const bool xNone = x.value && x.value->isNone(), yNone = y.value && y.value->isNone();
        if (xNone && yNone)
            return true;
        if ((xNone && y.notNone) || (yNone && x.notNone))
            return false;
        return std::nullopt;
    }

    void forward(const Value *from, const Value *to) { learn(to, factOf(from)); }

    static void append(std::vector<std::string> &to, const std::vector<std::string> &from)
    {
        for (const std::string &op : from)
            if (std::find(to.begin(), to.end(), op) == to.end())
                to.push_back(op);
    }

    std::unordered_map<const Value *, c10::IValue> known_;
    std::unordered_set<const Value *> notNone_;
    std::unordered_set<const Value *> floating_;
};

std::string fingerprint(const std::vector<KnownValue> &arguments)
{
    std::ostringstream key;
    for (const KnownValue &fact : arguments) {
        if (fact.value)
            key << "|v" << fact.value->tagKind() << ":" << *fact.value;
        else
            key << (fact.floating ? "|f" : fact.notNone ? "|t" : "|?");
    }
    return key.str();
}

} // namespace

std::string pythonNameOf(const torch::jit::Function &function)
{
    return demangleClassName(function.qualname().qualifiedName());
}

FunctionRole roleOf(const torch::jit::Function &function)
{
    const std::string name = pythonNameOf(function);
    if (name.compare(0, 6, "torch.") != 0)
        return FunctionRole::User;
    return isCompositeTorchFunction(name) ? FunctionRole::TorchComposite
                                          : FunctionRole::TorchAtomic;
}

torch::jit::Function *calledFunction(const Node *node)
{
    if (node->kind() != c10::prim::CallFunction)
        return nullptr;
    auto type = node->input(0)->type()->cast<c10::FunctionType>();
    return type ? type->function() : nullptr;
}

const TorchFunctionCall &TorchFunctionOps::callOf(torch::jit::Function &function,
                                                  const std::vector<KnownValue> &arguments)
{
    const std::string key = function.qualname().qualifiedName() + fingerprint(arguments);
    if (auto cached = cache_.find(key); cached != cache_.end())
        return cached->second;
    OpCollector collector;
    collector.run(function, arguments, 0);
    TorchFunctionCall call;
    if (collector.dataOps.size() == 1)
        call.op = collector.dataOps.front();
    else if (collector.dataOps.size() > 1)
        call.op = pythonNameOf(function);
    else if (!collector.exemptOps.empty())
        call.op = collector.exemptOps.front();
    else
        call.op = "prim::CallFunction";
    call.results = std::move(collector.results);
    // The mask it returns has the query's dtype, and attention runs only on floating queries.
    if (pythonNameOf(function) == "torch.nn.functional._canonical_mask")
        for (KnownValue &result : call.results)
            result.floating = true;
    return cache_.emplace(key, std::move(call)).first->second;
}

bool callsFusedKernel(const Block *block)
{
    static const std::unordered_set<std::string> fused = {
        "aten::_transformer_encoder_layer_fwd",
        "aten::_native_multi_head_attention",
        "aten::_transformer_decoder_only_layer_fwd",
        "aten::_native_decoder_only_multi_head_attention",
        "aten::_nested_tensor_from_mask",
    };
    for (const Node *node : block->nodes()) {
        if (fused.count(node->kind().toQualString()))
            return true;
        for (const Block *sub : node->blocks())
            if (callsFusedKernel(sub))
                return true;
    }
    return false;
}

} // namespace torchprep
