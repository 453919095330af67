// unroll fixed loops: a loop of a fixed number of iterations becomes that many copies of its
// body, so that a module called in it is called once per copy, as in a trace.
#include "prepare/unroll_fixed_loops_torch.h"

#include "graph/call_counts.h"
#include "graph/module_classes.h"
#include "torchscript/static_values_torch.h"

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>

#include <set>
#include <unordered_map>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;

// Attributes some method of the module's type assigns (`self.n = ...`): not fixed.
std::set<std::string> assignedAttributes(const torch::jit::Module &module)
{
    std::set<std::string> names;
    std::vector<const Block *> blocks;
    for (torch::jit::Function *method : module.type()->methods())
        if (method->isGraphFunction())
            blocks.push_back(torch::jit::toGraphFunction(*method).graph()->block());
    while (!blocks.empty()) {
        const Block *block = blocks.back();
        blocks.pop_back();
        for (const Node *node : block->nodes()) {
            if (node->kind() == c10::prim::SetAttr)
                names.insert(node->s(c10::attr::name));
            for (const Block *sub : node->blocks())
                blocks.push_back(sub);
        }
    }
    return names;
}

// The value `value` has before the run: constants, the instance's attributes, and what
// evaluateAhead computes from such (`__range_length(0, self.n, 1)`); nothing otherwise.
class FixedValues
{
  public:
    explicit FixedValues(const torch::jit::Module &module)
        : self_(module._ivalue()), assigned_(assignedAttributes(module))
    {
    }

    std::optional<c10::IValue> of(const Value *value, const Value *self, int depth = 0)
    {
        if (depth > 16)
            return std::nullopt;
        if (value == self)
            return c10::IValue(self_);
        const Node *node = value->node();
        if (auto constant = torch::jit::toIValue(value))
            return constant;
        if (node->kind() == c10::prim::GetAttr) {
            const std::string name = node->s(c10::attr::name);
            if (node->input(0) == self && assigned_.count(name))
                return std::nullopt;
            const auto owner = of(node->input(0), self, depth + 1);
            if (!owner || !owner->isObject())
                return std::nullopt;
            const auto object = owner->toObject();
            if (!object->type()->hasAttribute(name))
                return std::nullopt;
            const c10::IValue attribute = object->getAttr(name);
            if (!attribute.isObject() && !isFixedValueType(attribute.type()))
                return std::nullopt;
            return attribute;
        }
        if (!node->blocks().empty() || node->outputs().size() != 1)
            return std::nullopt;
        std::vector<c10::IValue> inputs;
        for (const Value *in : node->inputs()) {
            auto known = of(in, self, depth + 1);
            if (!known)
                return std::nullopt;
            inputs.push_back(*known);
        }
        auto results = evaluateAhead(node, inputs);
        if (!results || results->size() != 1 || !isFixedValueType((*results)[0].type()))
            return std::nullopt;
        return (*results)[0];
    }

  private:
    c10::intrusive_ptr<c10::ivalue::Object> self_;
    std::set<std::string> assigned_;
};

// A `for` loop: it starts and goes on unconditionally, and only its trip count stops it.
bool isForLoop(const Node *loop)
{
    const auto start = torch::jit::toIValue(loop->input(1));
    const auto again = torch::jit::toIValue(loop->blocks()[0]->outputs()[0]);
    return start && start->isBool() && start->toBool() && again && again->isBool() &&
           again->toBool();
}

// Replaces `loop` by `trips` copies of its body: the counter is the constant i, each copy
// reads what the one before it carried.
void unrollLoop(Node *loop, int64_t trips)
{
    torch::jit::Graph *graph = loop->owningGraph();
    Block *body = loop->blocks()[0];
    std::vector<Value *> carried(loop->inputs().begin() + 2, loop->inputs().end());
    torch::jit::WithInsertPoint guard(loop);
    for (int64_t i = 0; i < trips; ++i) {
        std::unordered_map<Value *, Value *> env;
        env[body->inputs()[0]] = graph->insertConstant(i);
        for (std::size_t k = 0; k < carried.size(); ++k)
            env[body->inputs()[k + 1]] = carried[k];
        auto mapped = [&](Value *v) {
            const auto it = env.find(v);
            return it == env.end() ? v : it->second;
        };
        for (Node *node : body->nodes()) {
            Node *copy = graph->insertNode(graph->createClone(node, mapped));
            copy->setSourceRange(node->sourceRange());
            for (std::size_t o = 0; o < node->outputs().size(); ++o) {
                copy->output(o)->copyMetadata(node->output(o));
                env[node->output(o)] = copy->output(o);
            }
        }
        for (std::size_t k = 0; k < carried.size(); ++k)
            carried[k] = mapped(body->outputs()[k + 1]);
    }
    for (std::size_t k = 0; k < carried.size(); ++k)
        loop->output(k)->replaceAllUsesWith(carried[k]);
    loop->destroy();
}

void collectLoops(Block *block, std::vector<Node *> &loops)
{
    for (Node *node : block->nodes()) {
        if (node->kind() == c10::prim::Loop)
            loops.push_back(node);
        for (Block *sub : node->blocks())
            collectLoops(sub, loops);
    }
}

// Unrolls the fixed loops of `module`'s forward, outer ones first (an inner loop is copied
// with its body and unrolled in the next round).
void unrollIn(torch::jit::Module &module, const std::string &path, PassLog &log)
{
    torch::jit::Function *forward = module.type()->findMethod("forward");
    if (!forward || !forward->isGraphFunction())
        return;
    auto graph = torch::jit::toGraphFunction(*forward).graph();
    const Value *self = graph->inputs().at(0);
    FixedValues fixed(module);
    bool changed = false;
    for (int unrolls = 0; unrolls < 256; ++unrolls) { // nested fixed loops of a sane model
        std::vector<Node *> loops;
        collectLoops(graph->block(), loops);
        bool unrolled = false;
        for (Node *loop : loops) {
            if (!isForLoop(loop))
                continue;
            const auto trips = fixed.of(loop->input(0), self);
            if (!trips || !trips->isInt() || trips->toInt() < 0 ||
                trips->toInt() > kMaxUnrolledIterations)
                continue;
            log.changes.push_back(
                {log.name, path, "loop of " + std::to_string(trips->toInt()), {}});
            unrollLoop(loop, trips->toInt());
            unrolled = changed = true;
            break; // the loop list is stale: collect again
        }
        if (!unrolled)
            break;
    }
    if (changed)
        torch::jit::EliminateDeadCode(graph);
}

} // namespace

PassLog unrollFixedLoops(torch::jit::Module &root)
{
    PassLog log{step_id::kUnrollFixedLoops, {}};
    for (const torch::jit::NameModule &named : root.named_modules()) {
        torch::jit::Module module = named.value;
        if (!isLeafModuleClass(demangleClassName(module.type()->name()->qualifiedName())))
            unrollIn(module, named.name, log);
    }
    return log;
}

} // namespace torchprep
