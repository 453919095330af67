// What the model-graph walk knows before the model runs, and the branches it decides.
#include "torchscript/walk_values_torch.h"

#include "torchscript/static_values_torch.h"
#include "torchscript/torch_functions_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include <limits>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;

void collectAssignments(const Block *block,
                        std::set<std::pair<const c10::Type *, std::string>> &out)
{
    for (const Node *node : block->nodes()) {
        if (node->kind() == prim::SetAttr)
            out.insert({node->input(0)->type().get(), node->s(c10::attr::name)});
        for (const Block *sub : node->blocks())
            collectAssignments(sub, out);
    }
}

} // namespace

void alias(const Value *from, const WalkEnv &source, const Value *to, WalkEnv &target)
{
    // Copies first: `source` and `target` may be one env whose maps grow.
    if (auto v = source.values.find(from); v != source.values.end()) {
        const ValueId id = v->second;
        target.values[to] = id;
    }
    if (auto o = source.objects.find(from); o != source.objects.end()) {
        torch::jit::Module object = o->second;
        target.objects[to] = object;
    }
    if (auto f = source.fixed.find(from); f != source.fixed.end()) {
        c10::IValue value = f->second;
        target.fixed[to] = value;
    }
}

bool isModuleType(const c10::TypePtr &type)
{
    auto cls = type ? type->cast<c10::ClassType>() : nullptr;
    return cls && cls->is_module();
}

void WalkValues::scanAssignments(const c10::ClassType &type)
{
    for (const torch::jit::Function *method : type.methods())
        collectAssignments(torch::jit::toGraphFunction(*method).graph()->block(), assigned_);
}

void WalkValues::readAttribute(const Node *getAttr, const torch::jit::Module &owner,
                               WalkEnv &env) const
{
    const std::string name = getAttr->s(c10::attr::name);
    if (assigned_.count({getAttr->input(0)->type().get(), name}))
        return;
    const c10::TypePtr &type = getAttr->output()->type();
    if (isFixedValueType(type)) {
        env.fixed[getAttr->output()] = owner.attr(name);
    } else if (type->kind() == c10::TypeKind::ListType) {
        if (auto list = fixedListCopy(owner.attr(name)))
            env.fixed[getAttr->output()] = *list;
    } else if (type->kind() == c10::TypeKind::OptionalType) {
        c10::IValue value = owner.attr(name);
        if (value.isNone())
            env.fixed[getAttr->output()] = value;
    }
}

ValueId WalkValues::representative(ValueId id) const
{
    for (auto it = identical_.find(id); it != identical_.end(); it = identical_.find(id))
        id = it->second;
    return id;
}

void WalkValues::markFloating(const Value *value, const WalkEnv &env)
{
    if (auto id = env.values.find(value); id != env.values.end())
        floating_.insert(representative(id->second));
}

bool WalkValues::isFloating(const Value *value, const WalkEnv &env) const
{
    auto id = env.values.find(value);
    return id != env.values.end() && floating_.count(representative(id->second)) > 0;
}

bool WalkValues::isTensorValue(const Value *value, const WalkEnv &env) const
{
    if (value->type()->kind() == c10::TypeKind::TensorType)
        return true;
    auto id = env.values.find(value);
    return id != env.values.end() && graph_.values[id->second].type == "Tensor";
}

// Whether `a is b`, when the walk can tell: the same value, or None against a tensor.
std::optional<bool> WalkValues::identity(const Value *a, const Value *b, const WalkEnv &env) const
{
    auto va = env.values.find(a), vb = env.values.find(b);
    const bool bound = va != env.values.end() && vb != env.values.end();
    if (a == b || (bound && representative(va->second) == representative(vb->second)))
        return true;
    auto none = [&](const Value *v) {
        auto f = env.fixed.find(v);
        return f != env.fixed.end() && f->second.isNone();
    };
    if (none(a) && none(b))
        return true;
    if ((none(a) && isTensorValue(b, env)) || (none(b) && isTensorValue(a, env)))
        return false;
    // Two tensors the walk never saw become one (MHA's `query is key` for cross attention).
    if (bound && isTensorValue(a, env) && isTensorValue(b, env))
        return false;
    return std::nullopt;
}

void WalkValues::computeAhead(const Node *node, WalkEnv &env)
{
    const c10::Symbol kind = node->kind();
    if (kind == c10::aten::__is__ || kind == c10::aten::__isnot__) {
        if (auto same = identity(node->input(0), node->input(1), env))
            env.fixed[node->output()] = kind == c10::aten::__is__ ? *same : !*same;
        return;
    }
    if (kind == prim::unchecked_cast) {
        if (auto f = env.fixed.find(node->input(0)); f != env.fixed.end())
            env.fixed[node->output()] = f->second;
        // The cast is the object it casts (`mask` narrowed from Optional inside `if mask is not
        // None`).
        auto in = env.values.find(node->input(0)), out = env.values.find(node->output());
        if (in != env.values.end() && out != env.values.end() &&
            representative(in->second) != representative(out->second))
            identical_[representative(out->second)] = representative(in->second);
        return;
    }
    if (kind == prim::isinstance) {
        // The argument's type where the caller passed it: a Union parameter holds a Tensor.
        c10::TypePtr type = node->input()->type();
        if (auto t = env.types.find(node->input()); t != env.types.end())
            type = t->second;
        if (type->kind() == c10::TypeKind::UnionType ||
            type->kind() == c10::TypeKind::OptionalType || type->kind() == c10::TypeKind::AnyType)
            return;
        bool matches = false;
        for (const c10::TypePtr &candidate : node->tys(c10::attr::types))
            matches = matches || type->isSubtypeOf(*candidate);
        env.fixed[node->output()] = matches;
        return;
    }
    if (kind == prim::TupleUnpack) {
        seeThroughTuple(node, env);
        return;
    }
    if (kind == prim::Constant)
        return;
    if (followListEdits(node, env) || node->outputs().empty())
        return;
    std::vector<c10::IValue> inputs;
    inputs.reserve(node->inputs().size());
    for (const Value *in : node->inputs()) {
        auto f = env.fixed.find(in);
        if (f == env.fixed.end())
            return;
        inputs.push_back(f->second);
    }
    if (kind == prim::ListConstruct) {
        // A new list: fixed when its items are.
        auto type = node->output()->type()->cast<c10::ListType>();
        if (!type || !isFixedValueType(type->getElementType()))
            return;
        c10::impl::GenericList list(type->getElementType());
        for (const c10::IValue &item : inputs)
            list.push_back(item);
        env.fixed[node->output()] = c10::IValue(list);
        return;
    }
    if (kind == c10::aten::copy || kind == c10::aten::list) { // `shift_size.copy()`
        if (auto copy = fixedListCopy(inputs.front()))
            env.fixed[node->output()] = *copy;
        return;
    }
    if (auto results = evaluateAhead(node, inputs))
        for (std::size_t i = 0; i < results->size(); ++i)
            env.fixed[node->output(i)] = (*results)[i];
}

// Unpacking a tuple the walk saw built (a callee's `return residual, skip`): each result is
// the value put in, so a caller's `residual is not None` knows a tensor from None.
void WalkValues::seeThroughTuple(const Node *unpack, WalkEnv &env)
{
    if (auto f = env.fixed.find(unpack->input()); f != env.fixed.end() && f->second.isTuple()) {
        const auto &items = f->second.toTupleRef().elements();
        for (std::size_t i = 0; i < items.size() && i < unpack->outputs().size(); ++i)
            env.fixed[unpack->output(i)] = items[i];
    }
    auto tuple = env.values.find(unpack->input());
    if (tuple == env.values.end())
        return;
    const NodeId producer = graph_.values[tuple->second].producer;
    if (producer == kNoId || graph_.nodes[producer].op != "prim::TupleConstruct")
        return;
    const std::vector<ValueId> &items = graph_.nodes[producer].inputs;
    for (std::size_t i = 0; i < items.size() && i < unpack->outputs().size(); ++i) {
        auto out = env.values.find(unpack->output(i));
        if (out == env.values.end())
            continue;
        identical_[out->second] = representative(items[i]);
        if (graph_.values[items[i]].type == "Tensor")
            graph_.values[out->second].type = "Tensor";
    }
}

// An op that edits a fixed list in place (`shift_size[0] = 0`): when it leaves the list as it
// was (in any branch), the list stays fixed; else the walk no longer knows it. True when the
// node edits a fixed list.
bool WalkValues::followListEdits(const Node *node, WalkEnv &env)
{
    bool edits = false;
    for (std::size_t i = 0; i < node->inputs().size(); ++i) {
        auto list = env.fixed.find(node->input(i));
        if (list == env.fixed.end() || !list->second.isList() || !writesInput(node, i))
            continue;
        edits = true;
        const c10::IValue before = list->second;
        std::vector<c10::IValue> inputs;
        bool complete = true;
        for (const Value *in : node->inputs()) {
            auto f = env.fixed.find(in);
            complete = complete && f != env.fixed.end();
            inputs.push_back(complete ? (f->second.isList() ? *fixedListCopy(f->second) : f->second)
                                      : c10::IValue());
        }
        if (complete && runInPlace(node, inputs) && sameFixedValue(inputs[i], before))
            continue; // `shift_size[0] = 0` on a list whose item 0 is 0
        // Every value that is this list object is no longer known.
        for (auto it = env.fixed.begin(); it != env.fixed.end();)
            it = it->second.isSameIdentity(before) ? env.fixed.erase(it) : std::next(it);
    }
    return edits;
}

const Block *WalkValues::takenBlock(const Node *node, bool insideTorch, const WalkEnv &env)
{
    const Block *then = node->blocks()[0], *otherwise = node->blocks()[1];
    if (auto condition = fixedBool(node->input(0), env))
        return *condition ? then : otherwise;
    const bool thenRaises = blockRaises(then), elseRaises = blockRaises(otherwise);
    if (thenRaises != elseRaises)
        return thenRaises ? otherwise : then;
    if (insideTorch) {
        const bool thenFused = fusedBlock(then), elseFused = fusedBlock(otherwise);
        if (thenFused != elseFused)
            return thenFused ? otherwise : then;
    }
    return nullptr;
}

bool WalkValues::fusedBlock(const Block *block)
{
    auto it = fused_.find(block);
    if (it == fused_.end())
        it = fused_.emplace(block, callsFusedKernel(block)).first;
    return it->second;
}

void WalkValues::joinBranches(const Node *node, WalkEnv &env)
{
    const std::size_t count = node->outputs().size();
    auto rep = [&](const Value *v) -> ValueId {
        auto it = env.values.find(v);
        return it == env.values.end() ? kNoId : representative(it->second);
    };
    auto eachReturning = [&](auto &&test) {
        bool all = true;
        for (const Block *block : node->blocks())
            all = all && (blockRaises(block) || test(block));
        return all;
    };
    for (std::size_t i = 0; i < count; ++i) {
        // A result both branches fix to the same value is fixed.
        auto a = env.fixed.find(node->blocks()[0]->outputs()[i]);
        auto b = env.fixed.find(node->blocks()[1]->outputs()[i]);
        if (a != env.fixed.end() && b != env.fixed.end() && sameFixedValue(a->second, b->second))
            env.fixed[node->output(i)] = a->second;
        // An Optional result every branch sets to a tensor is a tensor (`mask is not None`).
        auto out = env.values.find(node->output(i));
        if (out != env.values.end() && graph_.values[out->second].type == "Optional[Tensor]" &&
            eachReturning(
                [&](const Block *block) { return isTensorValue(block->outputs()[i], env); }))
            graph_.values[out->second].type = "Tensor";
        const ValueId outRep = rep(node->output(i));
        // A result every branch passes through untouched is that object (torch's attention
        // threads `key_padding_mask` through each test of its fast path).
        const Block *returning =
            blockRaises(node->blocks()[0]) ? node->blocks()[1] : node->blocks()[0];
        const ValueId first = rep(returning->outputs()[i]);
        if (outRep != kNoId && first != kNoId && first != outRep &&
            eachReturning([&](const Block *block) { return rep(block->outputs()[i]) == first; })) {
            identical_[outRep] = first;
            continue;
        }
        if (outRep != kNoId &&
            eachReturning([&](const Block *block) { return isFloating(block->outputs()[i], env); }))
            floating_.insert(outRep);
        // Results one object in every branch stay one (`key = value = query.transpose(1, 0)`
        // in one branch, untouched in the other).
        for (std::size_t j = 0; j < i; ++j) {
            const bool same = eachReturning([&](const Block *block) {
                const ValueId x = rep(block->outputs()[i]), y = rep(block->outputs()[j]);
                return x != kNoId && x == y;
            });
            const ValueId oi = rep(node->output(i)), oj = rep(node->output(j));
            if (same && oi != kNoId && oj != kNoId && oi != oj) {
                identical_[oi] = oj;
                break;
            }
        }
    }
}

std::optional<int64_t> WalkValues::fixedInt(const Value *value, const WalkEnv &env)
{
    auto f = env.fixed.find(value);
    if (f == env.fixed.end() || !f->second.isInt())
        return std::nullopt;
    return f->second.toInt();
}

std::optional<bool> WalkValues::fixedBool(const Value *value, const WalkEnv &env)
{
    auto f = env.fixed.find(value);
    if (f == env.fixed.end() || !f->second.isBool())
        return std::nullopt;
    return f->second.toBool();
}

} // namespace torchprep
