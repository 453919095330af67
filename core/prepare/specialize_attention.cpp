// specialize attention: a scripted MultiheadAttention keeps torch's whole
// multi_head_attention_forward, a call with a branch for every way attention can be called. Called
// once, it is specialized to that call, as a trace would record it: torch's attention functions
// are inlined into its forward, the arguments the call fixes (None masks, need_weights=False,
// the same tensor as query, key and value) are put in, and the branches they decide go. What
// remains is one path of ops the passes can give modules, as they do a traced attention's.
#include "graph/module_classes.h"
#include "prepare/inline_calls_torch.h"
#include "prepare/rewrite_support_torch.h"
#include "prepare/specialize_attention_torch.h"
#include "torchscript/torch_functions_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::Value;

bool isAttention(const c10::ClassTypePtr &type)
{
    return type->name() && demangleClassName(type->name()->qualifiedName()) ==
                               "torch.nn.modules.activation.MultiheadAttention";
}

// Every call of a method of `type` in the model's code.
void collectCalls(Block *block, const c10::ClassType *type, std::vector<Node *> &calls)
{
    for (Node *node : block->nodes()) {
        if (node->kind() == c10::prim::CallMethod && node->input(0)->type().get() == type)
            calls.push_back(node);
        for (Block *sub : node->blocks())
            collectCalls(sub, type, calls);
    }
}

// A call of one of torch's attention functions (multi_head_attention_forward and the helpers
// it calls).
bool callsAttentionFunction(const Node *node)
{
    const torch::jit::Function *fn = calledFunction(node);
    return fn && fn->isGraphFunction() && roleOf(*fn) == FunctionRole::TorchComposite;
}

// True when `a` and `b` hold equal tensors by construction: one value, the same view op of
// equal values (`query.unsqueeze(1)` three times for an unbatched call), or outputs of one If
// that every branch gives equal values.
bool sameValue(const Value *a, const Value *b, int depth = 0);

// True when elements i and j of the tuple `tuple` are equal by construction.
bool sameElement(const Value *tuple, std::size_t i, std::size_t j, int depth)
{
    const Node *producer = tuple->node();
    if (producer->kind() == c10::prim::TupleConstruct)
        return sameValue(producer->input(i), producer->input(j), depth + 1);
    if (producer->kind() == c10::prim::If) {
        for (const Block *block : producer->blocks())
            if (!sameElement(block->outputs()[tuple->offset()], i, j, depth + 1))
                return false;
        return true;
    }
    return false;
}

bool sameValue(const Value *a, const Value *b, int depth)
{
    if (a == b)
        return true;
    if (depth > 16 || a->node()->kind() != b->node()->kind())
        return false;
    const Node *x = a->node();
    const Node *y = b->node();
    static const std::set<std::string> views = {"aten::unsqueeze",  "aten::transpose",
                                                "aten::view",       "aten::reshape",
                                                "aten::contiguous", "aten::squeeze"};
    if (x->kind() == c10::prim::TupleUnpack && x == y) // `q, k, v = ...` of one tuple
        return sameElement(x->input(0), a->offset(), b->offset(), depth + 1);
    if (x->kind() == c10::prim::If && x == y) {
        for (const Block *block : x->blocks())
            if (!sameValue(block->outputs()[a->offset()], block->outputs()[b->offset()], depth + 1))
                return false;
        return true;
    }
    if (x == y || a->offset() != b->offset() || !views.count(x->kind().toQualString()) ||
        x->inputs().size() != y->inputs().size())
        return false;
    for (std::size_t i = 0; i < x->inputs().size(); ++i) {
        if (sameValue(x->input(i), y->input(i), depth + 1))
            continue;
        auto u = staticValue(x->input(i));
        auto v = staticValue(y->input(i));
        if (!u || !v || !(*u == *v))
            return false;
    }
    return true;
}

// True for a read of one of the attention's tensors that holds one (`self.in_proj_weight`,
// typed Optional[Tensor]): `is None` of it is false.
bool holdsTensor(const Value *value, const torch::jit::Module &instance)
{
    const Node *read = value->node();
    if (read->kind() != c10::prim::GetAttr ||
        read->input(0) != value->owningGraph()->inputs().at(0))
        return false;
    return instance.attr(read->s(c10::attr::name)).isTensor();
}

// Folds the identity tests torch's attention makes: `query is key` (true where the call passed
// one tensor, else false: the tests only choose among ways of computing the same projections,
// so either answer computes what the original does), and `w is None` of a weight it holds.
void foldIdentity(Block *block, const torch::jit::Module &instance)
{
    for (Node *node : block->nodes()) {
        for (Block *sub : node->blocks())
            foldIdentity(sub, instance);
        const bool is = node->kind() == c10::aten::__is__;
        if (!is && node->kind() != c10::aten::__isnot__)
            continue;
        const Value *a = node->input(0);
        const Value *b = node->input(1);
        const bool tensors = a->type()->kind() == c10::TypeKind::TensorType &&
                             b->type()->kind() == c10::TypeKind::TensorType;
        std::optional<bool> same;
        if (sameValue(a, b))
            same = true;
        else if (tensors) // distinct values: the projections one at a time compute the same
            same = false;
        else if ((b->type()->kind() == c10::TypeKind::NoneType && holdsTensor(a, instance)) ||
                 (a->type()->kind() == c10::TypeKind::NoneType && holdsTensor(b, instance)))
            same = false;
        if (!same)
            continue;
        torch::jit::WithInsertPoint guard(node);
        node->output()->replaceAllUsesWith(
            node->owningGraph()->insertConstant(is ? *same : !*same));
    }
}

// `[a] + t.chunk(2)` unpacked (torch's encoder-decoder projections) becomes `a` and the chunks
// unpacked straight from chunk, as a trace records them.
void unpackChunksDirectly(Block *block)
{
    for (Node *node : block->nodes()) {
        for (Block *sub : node->blocks())
            unpackChunksDirectly(sub);
        if (node->kind() != c10::prim::ListUnpack)
            continue;
        const Node *join = node->input()->node();
        if (join->kind() != c10::aten::add || join->inputs().size() != 2 ||
            join->input(0)->node()->kind() != c10::prim::ListConstruct)
            continue;
        const Node *head = join->input(0)->node();
        const std::string tail = join->input(1)->node()->kind().toQualString();
        if (tail != "aten::chunk" && tail != "aten::unsafe_chunk")
            continue;
        const std::size_t first = head->inputs().size();
        if (node->outputs().size() <= first)
            continue;
        torch::jit::Graph &graph = *node->owningGraph();
        torch::jit::WithInsertPoint guard(node);
        Node *chunks = graph.insertNode(
            graph.createListUnpack(join->input(1), node->outputs().size() - first));
        for (std::size_t i = 0; i < node->outputs().size(); ++i) {
            Value *replacement = i < first ? head->input(i) : chunks->output(i - first);
            replacement->setType(node->output(i)->type());
            node->output(i)->replaceAllUsesWith(replacement);
        }
    }
}

// Puts in what `call` fixes: constant arguments, and one graph input for arguments that are one
// value (`self.attn(x, x, x)`), so that `query is key` reads `query is query`.
void putInArguments(Graph &graph, const Node *call)
{
    if (call->inputs().size() != graph.inputs().size())
        return;
    torch::jit::WithInsertPoint guard(graph.block()->nodes().front());
    for (std::size_t i = 1; i < call->inputs().size(); ++i) {
        const Value *argument = call->input(i);
        if (auto fixed = staticValue(argument)) {
            if (fixed->isNone() || fixed->isBool() || fixed->isInt() || fixed->isDouble())
                graph.inputs()[i]->replaceAllUsesWith(graph.insertConstant(*fixed));
            continue;
        }
        for (std::size_t j = 1; j < i; ++j)
            if (call->input(j) == argument) {
                graph.inputs()[i]->replaceAllUsesWith(graph.inputs()[j]);
                break;
            }
    }
}

// Puts in the attention's settings (embed_dim, num_heads, _qkv_same_embed_dim, a None bias_k,
// ...): attributes that are numbers, flags or None, fixed at construction. `training` stays a
// read: eval() and train() change it.
void putInSettings(Block *block, const Value *self, const torch::jit::Module &instance)
{
    for (Node *node : block->nodes()) {
        for (Block *sub : node->blocks())
            putInSettings(sub, self, instance);
        if (node->kind() != c10::prim::GetAttr || node->input(0) != self)
            continue;
        const std::string name = node->s(c10::attr::name);
        if (name == "training")
            continue;
        const c10::IValue value = instance.attr(name);
        if (!(value.isNone() || value.isBool() || value.isInt() || value.isDouble()))
            continue;
        torch::jit::WithInsertPoint guard(node);
        node->output()->replaceAllUsesWith(node->owningGraph()->insertConstant(value));
    }
}

} // namespace

PassLog specializeScriptedAttention(torch::jit::Module &root)
{
    PassLog log{step_id::kSpecializeAttention, {}};
    std::map<const c10::ClassType *, std::vector<torch::jit::NameModule>> attentions;
    std::vector<std::shared_ptr<Graph>> graphs;
    std::set<const c10::ClassType *> seen;
    for (const torch::jit::NameModule &named : root.named_modules()) {
        const c10::ClassTypePtr type = named.value.type();
        if (isAttention(type))
            attentions[type.get()].push_back(named);
        if (seen.insert(type.get()).second)
            for (torch::jit::Function *method : type->methods())
                if (method->isGraphFunction())
                    graphs.push_back(torch::jit::toGraphFunction(*method).graph());
    }
    for (auto &[type, instances] : attentions) {
        std::vector<Node *> calls;
        for (const auto &graph : graphs)
            collectCalls(graph->block(), type, calls);
        torch::jit::Function *forward = type->findMethod("forward");
        if (instances.size() != 1 || calls.size() != 1 || !forward || !forward->isGraphFunction() ||
            calls.front()->s(c10::attr::name) != "forward")
            continue; // called more than once: left as it is, its findings say so
        auto graph = torch::jit::toGraphFunction(*forward).graph();
        if (!inlineCalls(*graph, callsAttentionFunction))
            continue; // a traced attention: one path already
        putInArguments(*graph, calls.front());
        const torch::jit::Module &instance = instances.front().value;
        putInSettings(graph->block(), graph->inputs().at(0), instance);
        foldDecidedBranches(graph, [&](Block *block) { foldIdentity(block, instance); });
        unpackChunksDirectly(graph->block());
        torch::jit::EliminateDeadCode(graph);
        log.changes.push_back({log.name, instances.front().name, "forward", {}});
    }
    return log;
}

} // namespace torchprep
