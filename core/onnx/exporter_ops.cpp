#include "exporter_ops_torch.h"

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
    std::vector<const Block *> blocks{graph->block()};
    while (!blocks.empty()) {
        const Block *block = blocks.back();
        blocks.pop_back();
        for (const Node *node : block->nodes()) {
            kinds.insert(node->kind().toQualString());
            for (const Block *inner : node->blocks())
                blocks.push_back(inner);
        }
    }
    return {kinds.begin(), kinds.end()};
}

} // namespace

const std::vector<std::string> &ExporterOps::ofCall(const torch::jit::Module &callee, const std::string &method)
{
    std::string key = callee.type()->repr_str() + "." + method;
    for (const auto &attribute : callee.named_attributes(/*recurse=*/false))
        key += "|" + attribute.name + "=" + keyText(attribute.value);
    auto found = memo_.find(key);
    if (found != memo_.end())
        return found->second;
    std::shared_ptr<Graph> graph = callee.get_method(method).graph()->copy();
    torch::jit::Inline(*graph);
    foldAttributes(*graph, callee);
    return memo_[key] = kindsAfterFolding(graph);
}

const std::vector<std::string> &ExporterOps::ofFunction(torch::jit::Function &function,
                                                        const std::vector<std::optional<c10::IValue>> &fixed)
{
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
