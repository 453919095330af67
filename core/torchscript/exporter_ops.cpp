#include "torchscript/exporter_ops_torch.h"

#include "graph/onnx_opsets.h"
#include "torchscript/torch_functions_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>

#include <set>
#include <sstream>
#include <unordered_map>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::Value;

// Visits every node of `graph`, in every block at any depth.
template <typename Visit> void forEachNode(const Graph &graph, Visit visit)
{
    std::vector<const Block *> blocks{graph.block()};
    while (!blocks.empty()) {
        const Block *block = blocks.back();
        blocks.pop_back();
        for (const Node *node : block->nodes()) {
            visit(node);
            for (const Block *inner : node->blocks())
                blocks.push_back(inner);
        }
    }
}

// A value the exporter would see as a constant once the module is frozen: scalars, strings,
// None and lists of them. Tensors stay (parameters become initializers), objects are followed.
bool foldable(const c10::IValue &value)
{
    if (value.isNone() || value.isBool() || value.isInt() || value.isDouble() || value.isString())
        return true;
    if (value.isIntList() || value.isDoubleList() || value.isBoolList())
        return true;
    return false;
}

std::string keyText(const c10::IValue &value)
{
    std::ostringstream out;
    if (foldable(value))
        out << value;
    else
        out << value.tagKind();
    return out.str();
}

// Replaces reads of the module's non-tensor attributes with their values, as freezing does.
void foldAttributes(Graph &graph, const torch::jit::Module &self)
{
    std::unordered_map<const Value *, c10::IValue> objects{{graph.inputs()[0], self._ivalue()}};
    std::vector<Block *> blocks{graph.block()};
    while (!blocks.empty()) {
        Block *block = blocks.back();
        blocks.pop_back();
        for (Node *node : block->nodes()) {
            for (Block *inner : node->blocks())
                blocks.push_back(inner);
            if (node->kind() != c10::prim::GetAttr)
                continue;
            auto owner = objects.find(node->input());
            if (owner == objects.end() || !owner->second.isObject())
                continue;
            const auto object = owner->second.toObject();
            const std::string name = node->s(c10::attr::name);
            if (!object->type()->hasAttribute(name))
                continue;
            const c10::IValue value = object->getAttr(name);
            if (value.isObject()) {
                objects[node->output()] = value;
            } else if (foldable(value)) {
                torch::jit::WithInsertPoint here(node);
                if (auto constant = torch::jit::tryInsertConstant(graph, value))
                    node->output()->replaceAllUsesWith(*constant);
            }
        }
    }
}

std::vector<std::string> kindsAfterFolding(std::shared_ptr<Graph> graph)
{
    // Only ops on immutable values run: branches fold, no tensor a file describes is made.
    torch::jit::ConstantPropagationImmutableTypes(graph);
    torch::jit::EliminateDeadCode(graph);
    std::set<std::string> kinds;
    forEachNode(*graph, [&](const Node *node) { kinds.insert(node->kind().toQualString()); });
    return {kinds.begin(), kinds.end()};
}

} // namespace

// The attributes of `self` a method reads, anywhere in its code.
std::vector<std::string> attributesRead(const Graph &graph)
{
    std::set<std::string> names;
    const Value *self = graph.inputs()[0];
    forEachNode(graph, [&](const Node *node) {
        if (node->kind() == c10::prim::GetAttr && node->input() == self)
            names.insert(node->s(c10::attr::name));
    });
    return {names.begin(), names.end()};
}

// A graph with nothing to fold or inline (what a trace records): its ops are what the exporter
// sees.
bool flat(const Graph &graph)
{
    for (const Node *node : graph.nodes())
        if (!node->blocks().empty() || node->kind() == c10::prim::CallMethod ||
            node->kind() == c10::prim::CallFunction)
            return false;
    return true;
}

// Every op `graph` can reach, in any branch and in every function or method it calls.
void reachableKinds(const Graph &graph, std::set<std::string> &kinds, std::set<const Graph *> &seen)
{
    if (!seen.insert(&graph).second || seen.size() > 256)
        return;
    forEachNode(graph, [&](const Node *node) {
        kinds.insert(node->kind().toQualString());
        const torch::jit::Function *callee = nullptr;
        if (node->kind() == c10::prim::CallFunction)
            callee = calledFunction(node);
        else if (node->kind() == c10::prim::CallMethod)
            if (auto type = node->input(0)->type()->cast<c10::ClassType>())
                callee = type->findMethod(node->s(c10::attr::name));
        if (callee && callee->isGraphFunction())
            reachableKinds(*torch::jit::toGraphFunction(*callee).graph(), kinds, seen);
    });
}

// Nothing `graph` can reach could be refused at any opset the check judges: no need to fold.
std::optional<std::vector<std::string>> harmless(const Graph &graph)
{
    std::set<std::string> kinds;
    std::set<const Graph *> seen;
    reachableKinds(graph, kinds, seen);
    for (const std::string &kind : kinds)
        if (onnxMayRefuse(kind))
            return std::nullopt;
    return std::vector<std::string>(kinds.begin(), kinds.end());
}

const std::vector<std::string> &ExporterOps::ofCall(const torch::jit::Module &callee,
                                                    const std::string &method)
{
    const std::shared_ptr<Graph> original = callee.get_method(method).graph();
    if (auto known = flat_.find(original.get()); known != flat_.end())
        return known->second;
    if (auto all = harmless(*original))
        return flat_[original.get()] = std::move(*all);
    if (flat(*original)) {
        std::set<std::string> kinds;
        for (const Node *node : original->nodes())
            kinds.insert(node->kind().toQualString());
        return flat_[original.get()] = std::vector<std::string>(kinds.begin(), kinds.end());
    }
    // Code to fold: the same code with the same values of the attributes it reads folds the
    // same way (instances of one class share their code; their sizes rarely matter).
    std::ostringstream key;
    key << original.get();
    const auto object = callee._ivalue();
    auto reads = reads_.find(original.get());
    if (reads == reads_.end())
        reads = reads_.emplace(original.get(), attributesRead(*original)).first;
    for (const std::string &name : reads->second) {
        if (!object->type()->hasAttribute(name))
            continue;
        const c10::IValue value = object->getAttr(name);
        if (value.isObject()) { // a submodule's attributes decide too: every value counts
            for (std::size_t i = 0; i < object->slots().size(); ++i)
                if (!object->getSlot(i).isTensor())
                    key << '|' << keyText(object->getSlot(i));
            break;
        }
        if (!value.isTensor())
            key << '|' << name << '=' << keyText(value);
    }
    auto found = memo_.find(key.str());
    if (found != memo_.end())
        return found->second;
    std::shared_ptr<Graph> graph = original->copy();
    torch::jit::Inline(*graph);
    foldAttributes(*graph, callee);
    return memo_[key.str()] = kindsAfterFolding(graph);
}

const std::vector<std::string> &
ExporterOps::ofFunction(torch::jit::Function &function,
                        const std::vector<std::optional<c10::IValue>> &fixed)
{
    const std::shared_ptr<Graph> original = torch::jit::toGraphFunction(function).graph();
    if (auto known = flat_.find(original.get()); known != flat_.end())
        return known->second;
    if (auto all = harmless(*original))
        return flat_[original.get()] = std::move(*all);
    std::string key = function.qualname().qualifiedName();
    for (const auto &value : fixed)
        key += "|" + (value ? keyText(*value) : std::string("?"));
    auto found = memo_.find(key);
    if (found != memo_.end())
        return found->second;
    std::shared_ptr<Graph> graph = torch::jit::toGraphFunction(function).graph()->copy();
    torch::jit::Inline(*graph);
    for (std::size_t i = 0; i < fixed.size() && i < graph->inputs().size(); ++i) {
        if (!fixed[i] || !foldable(*fixed[i]))
            continue;
        torch::jit::WithInsertPoint start(graph->block()->nodes().front());
        if (auto constant = torch::jit::tryInsertConstant(*graph, *fixed[i]))
            graph->inputs()[i]->replaceAllUsesWith(*constant);
    }
    return memo_[key] = kindsAfterFolding(graph);
}

} // namespace torchprep
