// Computing ahead what a model fixes before it runs: constants, attributes, and pure ops on them.
#include "torchscript/static_values_torch.h"

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/operator.h>

namespace torchprep {

namespace {

bool isFixedScalarType(const c10::TypePtr &type)
{
    switch (type->kind()) {
    case c10::TypeKind::BoolType:
    case c10::TypeKind::IntType:
    case c10::TypeKind::FloatType:
    case c10::TypeKind::StringType:
    case c10::TypeKind::NoneType:
    case c10::TypeKind::DeviceObjType:
    case c10::TypeKind::NumberType:
        return true;
    default:
        return false;
    }
}

// Ops whose results depend on more than their inputs.
bool readsGlobalState(const torch::jit::Node *node)
{
    static const std::vector<std::string> names = {
        "aten::is_grad_enabled", "aten::is_autocast_enabled", "aten::is_autocast_cpu_enabled",
        "prim::requires_grad",   "aten::has_torch_function",  "prim::TimePoint",
    };
    const std::string kind = node->kind().toQualString();
    for (const std::string &name : names)
        if (kind == name)
            return true;
    return false;
}

} // namespace

bool isFixedValueType(const c10::TypePtr &type)
{
    if (!type)
        return false;
    if (isFixedScalarType(type))
        return true;
    if (auto tuple = type->cast<c10::TupleType>()) {
        for (const c10::TypePtr &element : tuple->elements())
            if (!isFixedValueType(element))
                return false;
        return true;
    }
    if (auto optional = type->cast<c10::OptionalType>())
        return isFixedValueType(optional->getElementType());
    return false;
}

bool sameFixedValue(const c10::IValue &a, const c10::IValue &b)
{
    if (a.isNone() || b.isNone())
        return a.isNone() && b.isNone();
    if (a.isBool() && b.isBool())
        return a.toBool() == b.toBool();
    if (a.isInt() && b.isInt())
        return a.toInt() == b.toInt();
    if (a.isDouble() && b.isDouble())
        return a.toDouble() == b.toDouble();
    if (a.isString() && b.isString())
        return a.toStringRef() == b.toStringRef();
    if (a.isList() && b.isList()) {
        const c10::List<c10::IValue> x = a.toList(), y = b.toList();
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!sameFixedValue(x.get(i), y.get(i)))
                return false;
        return true;
    }
    if (a.isTuple() && b.isTuple()) {
        const auto &x = a.toTupleRef().elements();
        const auto &y = b.toTupleRef().elements();
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!sameFixedValue(x[i], y[i]))
                return false;
        return true;
    }
    return false;
}

std::optional<std::vector<c10::IValue>> evaluateAhead(const torch::jit::Node *node,
                                                      const std::vector<c10::IValue> &inputs)
{
    if (node->hasSideEffects() || node->isNondeterministic() || !node->blocks().empty() ||
        readsGlobalState(node))
        return std::nullopt;
    for (const torch::jit::Value *out : node->outputs())
        if (!isFixedValueType(out->type()))
            return std::nullopt;
    if (node->kind() == c10::prim::TupleConstruct) {
        if (node->output()->type()->expectRef<c10::TupleType>().name())
            return std::nullopt; // named tuples need their type; not worth it here
        return std::vector<c10::IValue>{c10::ivalue::Tuple::create(inputs)};
    }
    if (node->kind() == c10::prim::TupleUnpack) {
        if (!inputs.front().isTuple() ||
            inputs.front().toTupleRef().elements().size() != node->outputs().size())
            return std::nullopt;
        const auto &elements = inputs.front().toTupleRef().elements();
        return std::vector<c10::IValue>(elements.begin(), elements.end());
    }
    const c10::FunctionSchema *schema = node->maybeSchema();
    if (!schema || schema->is_vararg())
        return std::nullopt;
    try {
        torch::jit::Stack stack(inputs.begin(), inputs.end());
        node->getOperation()(stack);
        if (stack.size() != node->outputs().size())
            return std::nullopt;
        return std::vector<c10::IValue>(stack.begin(), stack.end());
    } catch (...) {
        return std::nullopt; // the op refused these values: nothing is known
    }
}

std::optional<c10::IValue> fixedListCopy(const c10::IValue &value)
{
    if (!value.isList())
        return std::nullopt;
    const c10::List<c10::IValue> list = value.toList();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const c10::IValue item = list.get(i);
        if (!(item.isInt() || item.isDouble() || item.isBool() || item.isString() || item.isNone()))
            return std::nullopt;
    }
    return c10::IValue(list.copy());
}

bool writesInput(const torch::jit::Node *node, std::size_t index)
{
    const c10::FunctionSchema *schema = node->maybeSchema();
    if (!schema || index >= schema->arguments().size())
        return !schema; // an op without a schema may do anything
    const c10::AliasInfo *alias = schema->arguments()[index].alias_info();
    return alias && alias->isWrite();
}

bool runInPlace(const torch::jit::Node *node, std::vector<c10::IValue> &inputs)
{
    const c10::FunctionSchema *schema = node->maybeSchema();
    if (!schema || schema->is_vararg() || node->hasSideEffects())
        return false;
    try {
        torch::jit::Stack stack(inputs.begin(), inputs.end());
        node->getOperation()(stack);
        return true; // the list inputs share their storage with `inputs`
    } catch (...) {
        return false;
    }
}

bool blockRaises(const torch::jit::Block *block)
{
    for (const torch::jit::Node *node : block->nodes())
        if (node->kind() == c10::prim::RaiseException)
            return true;
    return false;
}

namespace {

// A list that something may append to (`pieces.append(y)` in a scripted loop) is not its
// initial value: every use must be an op whose schema promises not to write it.
bool mayBeMutated(const torch::jit::Value *list)
{
    for (const torch::jit::Use &use : list->uses()) {
        const c10::FunctionSchema *schema = use.user->maybeSchema();
        if (!schema || use.offset >= schema->arguments().size())
            return true;
        const c10::AliasInfo *alias = schema->arguments()[use.offset].alias_info();
        if (alias && alias->isWrite())
            return true;
    }
    return false;
}

} // namespace

std::optional<c10::IValue> staticValue(const torch::jit::Value *value)
{
    const torch::jit::Node *producer = value->node();
    if (producer->kind() == c10::prim::Constant)
        return torch::jit::toIValue(value);
    if (producer->kind() != c10::prim::ListConstruct || mayBeMutated(value))
        return std::nullopt;
    auto list = value->type()->cast<c10::ListType>();
    if (!list)
        return std::nullopt;
    c10::impl::GenericList items(list->getElementType());
    for (const torch::jit::Value *in : producer->inputs()) {
        auto item = staticValue(in);
        if (!item)
            return std::nullopt;
        items.push_back(*item);
    }
    return c10::IValue(items);
}

} // namespace torchprep
