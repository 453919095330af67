#include "pt2/program_run_torch.h"

#include "base/errors.h"
#include "base/printable.h"
#include "io/archive_check.h"
#include "io/pickled_tensors.h"
#include "libtorch/dtypes_torch.h"
#include "libtorch/missing_aten_ops.h"

#include <ATen/ScalarOps.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/version.h>

#include <cstring>
#include <optional>

namespace torchprep {

namespace {

// A dtype as the export schema numbers it, through TorchPrep's one table of dtypes.
at::ScalarType exportScalarType(std::int64_t dtype)
{
    const auto type = scalarTypeOf(exportDtypeName(static_cast<int>(dtype)));
    if (!type)
        throw InputError("the program uses dtype " + std::to_string(dtype) +
                         " of torch.export's schema, which this libtorch cannot hold");
    return *type;
}

at::MemoryFormat memoryFormatOf(std::int64_t format)
{
    switch (format) {
    case 1:
        return at::MemoryFormat::Contiguous;
    case 2:
        return at::MemoryFormat::ChannelsLast;
    case 3:
        return at::MemoryFormat::ChannelsLast3d;
    default:
        return at::MemoryFormat::Preserve;
    }
}

// The tensor over a record's bytes that a weight's view describes, checked against them.
at::Tensor viewedTensor(const std::string &name, const std::string &record, at::ScalarType type,
                        std::int64_t offset, const std::vector<std::int64_t> &sizes,
                        const std::vector<std::int64_t> &strides, const std::string &bytes,
                        const std::string &what)
{
    const std::int64_t itemSize = static_cast<std::int64_t>(c10::elementSize(type));
    const std::int64_t available = static_cast<std::int64_t>(bytes.size()) / itemSize;
    if (sizes.size() != strides.size())
        throw InputError(what + ": weight '" + printable(name) + "' has " +
                         std::to_string(sizes.size()) + " sizes and " +
                         std::to_string(strides.size()) + " strides");
    __int128 last = offset; // the last element the view reaches (sizes may be crafted)
    bool empty = false;
    for (std::size_t d = 0; d < sizes.size(); ++d) {
        if (sizes[d] < 0 || strides[d] < 0 || offset < 0)
            throw InputError(what + ": weight '" + printable(name) +
                             "' has a symbolic or negative shape");
        empty = empty || sizes[d] == 0;
        last += static_cast<__int128>(sizes[d] - 1) * strides[d];
    }
    if (!empty && last >= available)
        throw InputError(what + ": weight '" + printable(name) + "' reaches element " +
                         (last > INT64_MAX ? std::string("past 2^63")
                                           : std::to_string(static_cast<std::int64_t>(last))) +
                         " of a record '" + printable(record) + "' holding " +
                         std::to_string(available) + " (a damaged or crafted file?)");
    if (empty)
        return at::empty(sizes, at::TensorOptions().dtype(type));
    at::Tensor storage = at::empty({available}, at::TensorOptions().dtype(type));
    std::memcpy(storage.data_ptr(), bytes.data(), static_cast<std::size_t>(available * itemSize));
    return storage.as_strided(sizes, strides, offset).clone();
}

at::ScalarType storageType(const std::string &storageClass, const std::string &what)
{
    static const std::map<std::string, at::ScalarType> types = {
        {"torch.FloatStorage", at::kFloat},
        {"torch.DoubleStorage", at::kDouble},
        {"torch.HalfStorage", at::kHalf},
        {"torch.BFloat16Storage", at::kBFloat16},
        {"torch.LongStorage", at::kLong},
        {"torch.IntStorage", at::kInt},
        {"torch.ShortStorage", at::kShort},
        {"torch.CharStorage", at::kChar},
        {"torch.ByteStorage", at::kByte},
        {"torch.BoolStorage", at::kBool},
        {"torch.ComplexFloatStorage", at::kComplexFloat},
        {"torch.ComplexDoubleStorage", at::kComplexDouble}};
    const auto it = types.find(storageClass);
    if (it == types.end())
        throw InputError(what + " holds a tensor of " + printable(storageClass) +
                         ", which TorchPrep does not run");
    return it->second;
}

// The weights and constants of the layout before torch 2.8: dicts of tensors torch.save wrote,
// each an archive stored inside the program's.
void readPickledWeights(const CheckedArchive &outer, const std::string &what,
                        std::map<std::string, at::Tensor> &byTarget)
{
    for (const char *member : {"serialized_state_dict.pt", "serialized_constants.pt"}) {
        if (!outer.contents().has(member))
            continue;
        const std::string named = what + "'s " + member;
        CheckedArchive inner(outer, member, named);
        if (!inner.contents().has("data.pkl"))
            continue;
        std::string problem;
        const std::vector<PickledTensor> tensors = pickledTensorDict(
            inner.read("data.pkl", std::uint64_t(1) << 30), "data",
            [](const std::string &) { return std::optional<std::uint64_t>(); }, &problem);
        if (!problem.empty())
            throw InputError(named + ": " + printable(problem) + " (a damaged or crafted file?)");
        for (const PickledTensor &t : tensors)
            byTarget[t.key] =
                viewedTensor(t.key, t.record, storageType(t.storageClass, named), t.offset, t.sizes,
                             t.strides, inner.read(t.record, std::uint64_t(1) << 40), named);
    }
}

class Interpreter
{
  public:
    Interpreter(const ExportedModel::Impl &model, std::map<std::string, at::Tensor> *values)
        : model_(model), values_(values)
    {
    }

    c10::IValue run(const std::vector<c10::IValue> &inputs)
    {
        const ExportedProgram &p = model_.program;
        const ExportedGraph &main = p.graphs.front();
        std::vector<c10::IValue> bound;
        std::size_t nextUser = 0;
        for (std::size_t i = 0; i < main.inputs.size(); ++i) {
            const ExportedSpec *spec = i < p.inputSpecs.size() ? &p.inputSpecs[i] : nullptr;
            if (!spec || spec->kind == "user_input") {
                if (nextUser >= inputs.size())
                    throw InputError("the program takes " + std::to_string(countUserInputs()) +
                                     " inputs, " + std::to_string(inputs.size()) + " given");
                bound.push_back(inputs[nextUser++]);
                continue;
            }
            const auto it = model_.state.find(main.inputs[i].name);
            if (it == model_.state.end())
                throw InputError(
                    "the program's " + spec->kind + " '" +
                    printable(spec->target.empty() ? main.inputs[i].name : spec->target) +
                    "' has no weight in the file");
            bound.push_back(it->second);
        }
        if (nextUser != inputs.size())
            throw InputError("the program takes " + std::to_string(countUserInputs()) +
                             " inputs, " + std::to_string(inputs.size()) + " given");
        const std::vector<c10::IValue> outputs = runGraph(main, bound, true);
        std::vector<c10::IValue> user;
        for (std::size_t i = 0; i < outputs.size(); ++i)
            if (i >= p.outputSpecs.size() || p.outputSpecs[i].kind == "user_output")
                user.push_back(outputs[i]);
        if (user.size() == 1)
            return user.front();
        return c10::ivalue::Tuple::create(std::move(user));
    }

  private:
    using Env = std::map<std::string, c10::IValue>;

    std::size_t countUserInputs() const
    {
        std::size_t n = 0;
        for (const ExportedSpec &s : model_.program.inputSpecs)
            n += s.kind == "user_input" ? 1 : 0;
        return n;
    }

    std::vector<c10::IValue> runGraph(const ExportedGraph &g, const std::vector<c10::IValue> &in,
                                      bool main)
    {
        Env env;
        for (std::size_t i = 0; i < g.inputs.size() && i < in.size(); ++i)
            if (!g.inputs[i].name.empty())
                env[g.inputs[i].name] = in[i];
        for (const ExportedNode &node : g.nodes)
            runNode(node, env);
        if (main && values_)
            for (const auto &[name, value] : env)
                if (value.isTensor())
                    (*values_)[name] = value.toTensor();
        std::vector<c10::IValue> out;
        for (const ExportedValueRef &ref : g.outputs)
            out.push_back(env.at(ref.name));
        return out;
    }

    const c10::IValue &lookup(const Env &env, const std::string &name) const
    {
        const auto it = env.find(name);
        if (it == env.end())
            throw InputError("the program reads '" + printable(name) + "' before it is made");
        return it->second;
    }

    c10::IValue item(const Env &env, const ExportedItem &i) const
    {
        if (i.none)
            return c10::IValue();
        if (!i.value.empty())
            return lookup(env, i.value);
        return c10::IValue(i.integer);
    }

    // An argument as the op takes it.
    c10::IValue argument(const Env &env, const ExportedArgument &a) const
    {
        const std::string &k = a.kind;
        auto ints = [&] {
            std::vector<std::int64_t> v;
            for (const ExportedItem &i : a.items)
                v.push_back(i.value.empty() ? i.integer : lookup(env, i.value).toInt());
            return c10::IValue(v);
        };
        if (k == "as_none")
            return c10::IValue();
        if (k == "as_tensor" || k == "as_sym_int" || k == "as_sym_bool" || k == "as_sym_float" ||
            k == "as_optional_tensor")
            return a.items.empty() ? c10::IValue() : item(env, a.items.front());
        if (k == "as_int")
            return c10::IValue(a.items.front().integer);
        if (k == "as_float")
            return c10::IValue(a.items.front().real);
        if (k == "as_bool")
            return c10::IValue(a.items.front().integer != 0);
        if (k == "as_string")
            return c10::IValue(a.text);
        if (k == "as_ints" || k == "as_sym_ints")
            return ints();
        if (k == "as_floats") {
            std::vector<double> v;
            for (const ExportedItem &i : a.items)
                v.push_back(i.real);
            return c10::IValue(v);
        }
        if (k == "as_bools") {
            c10::List<bool> v;
            for (const ExportedItem &i : a.items)
                v.push_back(i.integer != 0);
            return c10::IValue(v);
        }
        if (k == "as_tensors") {
            c10::List<at::Tensor> v;
            for (const ExportedItem &i : a.items)
                v.push_back(lookup(env, i.value).toTensor());
            return c10::IValue(v);
        }
        if (k == "as_optional_tensors") {
            c10::List<c10::optional<at::Tensor>> v;
            for (const ExportedItem &i : a.items)
                v.push_back(i.none ? c10::optional<at::Tensor>()
                                   : c10::optional<at::Tensor>(lookup(env, i.value).toTensor()));
            return c10::IValue(v);
        }
        if (k == "as_scalar_type")
            return c10::IValue(
                static_cast<std::int64_t>(exportScalarType(a.items.front().integer)));
        if (k == "as_memory_format")
            return c10::IValue(static_cast<std::int64_t>(memoryFormatOf(a.items.front().integer)));
        if (k == "as_layout")
            return c10::IValue(static_cast<std::int64_t>(at::kStrided));
        if (k == "as_device") // what export recorded is where it traced; run where asked
            return c10::IValue(model_.device);
        throw InputError("the program passes an argument as '" + printable(k) +
                         "', which TorchPrep does not run");
    }

    void bindResults(const ExportedNode &node, std::vector<c10::IValue> results, Env &env) const
    {
        for (std::size_t r = 0; r < node.results.size() && r < results.size(); ++r) {
            const ExportedArgument &slot = node.results[r];
            c10::IValue &value = results[r];
            if (slot.kind == "as_tensors" || slot.kind == "as_optional_tensors") {
                const c10::List<c10::IValue> list = value.toList();
                for (std::size_t i = 0; i < slot.items.size() && i < list.size(); ++i)
                    if (!slot.items[i].value.empty())
                        env[slot.items[i].value] = list.get(i);
            } else if (!slot.items.empty() && !slot.items.front().value.empty()) {
                env[slot.items.front().value] = value;
            }
        }
    }

    void runNode(const ExportedNode &node, Env &env)
    {
        const std::string &t = node.target;
        if (t == "torch.ops.higher_order.cond") {
            runCond(node, env);
            return;
        }
        if (t == "torch.ops.higher_order.while_loop") {
            runWhile(node, env);
            return;
        }
        for (const ExportedArgument &a : node.inputs)
            if (a.subgraph >= 0) { // a wrapper (set_grad_enabled, autocast): its body
                std::vector<c10::IValue> operands;
                for (const ExportedArgument &o : node.inputs)
                    if (o.subgraph < 0 && !o.values.empty())
                        for (const ExportedItem &i : o.items)
                            operands.push_back(item(env, i));
                bindOutputs(node, runGraph(graphOf(a), operands, false), env);
                return;
            }
        const std::string prefix = "torch.ops.";
        if (t.compare(0, prefix.size(), prefix) == 0) {
            runOp(node, env);
            return;
        }
        runPython(node, env);
    }

    const ExportedGraph &graphOf(const ExportedArgument &a) const
    {
        return model_.program.graphs.at(static_cast<std::size_t>(a.subgraph));
    }

    void bindOutputs(const ExportedNode &node, const std::vector<c10::IValue> &values, Env &env)
    {
        for (std::size_t i = 0; i < node.outputs.size() && i < values.size(); ++i)
            env[node.outputs[i].name] = values[i];
    }

    static bool truth(const c10::IValue &v)
    {
        if (v.isTensor())
            return v.toTensor().item<bool>();
        if (v.isBool())
            return v.toBool();
        return v.toInt() != 0;
    }

    void runCond(const ExportedNode &node, Env &env)
    {
        std::vector<const ExportedArgument *> graphs;
        std::vector<c10::IValue> operands;
        c10::IValue predicate;
        bool seenPredicate = false;
        for (const ExportedArgument &a : node.inputs) {
            if (a.subgraph >= 0) {
                graphs.push_back(&a);
            } else if (!seenPredicate) {
                predicate = argument(env, a);
                seenPredicate = true;
            } else {
                for (const ExportedItem &i : a.items)
                    operands.push_back(item(env, i));
            }
        }
        if (graphs.size() != 2)
            throw InputError("the program's torch.cond has " + std::to_string(graphs.size()) +
                             " branches");
        bindOutputs(node, runGraph(graphOf(*graphs[truth(predicate) ? 0 : 1]), operands, false),
                    env);
    }

    void runWhile(const ExportedNode &node, Env &env)
    {
        std::vector<const ExportedArgument *> graphs;
        std::vector<std::vector<c10::IValue>> lists;
        for (const ExportedArgument &a : node.inputs) {
            if (a.subgraph >= 0) {
                graphs.push_back(&a);
                continue;
            }
            lists.emplace_back();
            for (const ExportedItem &i : a.items)
                lists.back().push_back(item(env, i));
        }
        if (graphs.size() != 2 || lists.empty())
            throw InputError("the program's while_loop is not (cond, body, carried, extra)");
        std::vector<c10::IValue> carried = lists[0];
        const std::vector<c10::IValue> extra =
            lists.size() > 1 ? lists[1] : std::vector<c10::IValue>{};
        auto withExtra = [&] {
            std::vector<c10::IValue> all = carried;
            all.insert(all.end(), extra.begin(), extra.end());
            return all;
        };
        // A crafted loop could run for ever; no model of ours loops a million times.
        constexpr int kMaxIterations = 1000000;
        int iterations = 0;
        while (truth(runGraph(graphOf(*graphs[0]), withExtra(), false).at(0))) {
            if (++iterations > kMaxIterations)
                throw InputError("the program's while_loop runs more than " +
                                 std::to_string(kMaxIterations) + " times");
            carried = runGraph(graphOf(*graphs[1]), withExtra(), false);
        }
        bindOutputs(node, carried, env);
    }

    // Sizes export reads as ops of their own (1.13 has no aten::sym_size).
    bool runSizeQuery(const ExportedNode &node, Env &env)
    {
        const std::string &t = node.target;
        const bool size = t == "torch.ops.aten.sym_size.int",
                   stride = t == "torch.ops.aten.sym_stride.int";
        const bool numel = t == "torch.ops.aten.sym_numel.default";
        const bool offset = t == "torch.ops.aten.sym_storage_offset.default";
        if (!size && !stride && !numel && !offset)
            return false;
        if (node.inputs.empty() || node.inputs.front().items.empty())
            throw InputError("the program calls " + printable(t) + " without a tensor");
        const at::Tensor tensor = item(env, node.inputs.front().items.front()).toTensor();
        std::int64_t value = 0;
        if (numel) {
            value = tensor.numel();
        } else if (offset) {
            value = tensor.storage_offset();
        } else {
            if (node.inputs.size() < 2 || node.inputs[1].items.empty())
                throw InputError("the program calls " + printable(t) + " without a dimension");
            const std::int64_t dim = item(env, node.inputs[1].items.front()).toInt();
            if (dim < -tensor.dim() || dim >= tensor.dim())
                throw InputError("the program reads dimension " + std::to_string(dim) +
                                 " of a tensor of " + std::to_string(tensor.dim()));
            value = size ? tensor.size(dim) : tensor.stride(dim);
        }
        bindOutputs(node, {c10::IValue(value)}, env);
        return true;
    }

    void runOp(const ExportedNode &node, Env &env)
    {
        if (runSizeQuery(node, env))
            return;
        const std::string rest = node.target.substr(10); // past "torch.ops."
        const std::size_t dot = rest.find('.');
        const std::size_t last = rest.rfind('.');
        if (dot == std::string::npos || last == dot)
            throw InputError("the program calls '" + printable(node.target) +
                             "', which names no op");
        const std::string opName =
            rest.substr(0, dot) + "::" + rest.substr(dot + 1, last - dot - 1);
        const std::string overload = rest.substr(last + 1);
        const auto handle = c10::Dispatcher::singleton().findSchema(
            {opName, overload == "default" ? "" : overload});
        if (!handle)
            throw InputError("the program calls " + printable(opName) + "." + printable(overload) +
                             ", which this libtorch (" + TORCH_VERSION + ") does not have");
        const c10::FunctionSchema &schema = handle->schema();
        std::vector<c10::IValue> stack;
        for (const c10::Argument &param : schema.arguments()) {
            const ExportedArgument *given = nullptr;
            for (const ExportedArgument &a : node.inputs)
                if (a.name == param.name())
                    given = &a;
            if (!given) {
                if (!param.default_value())
                    throw InputError("the program calls " + opName + " without its argument '" +
                                     param.name() + "'");
                stack.push_back(*param.default_value());
                continue;
            }
            c10::IValue v = argument(env, *given);
            // A float parameter given a whole number (alpha=1): the op takes a double.
            c10::TypePtr type = param.type();
            if (type->kind() == c10::TypeKind::OptionalType)
                type = type->expectRef<c10::OptionalType>().getElementType();
            if (type->kind() == c10::TypeKind::FloatType && v.isInt())
                v = c10::IValue(static_cast<double>(v.toInt()));
            // A Python number where the op takes a tensor (`y * 4`): a wrapped number, as
            // Python's dispatcher makes it, which keeps the other operand's dtype.
            if (type->kind() == c10::TypeKind::TensorType &&
                (v.isInt() || v.isDouble() || v.isBool())) {
                at::Tensor wrapped = at::scalar_to_tensor(v.toScalar());
                wrapped.unsafeGetTensorImpl()->set_wrapped_number(true);
                v = c10::IValue(wrapped);
            }
            stack.push_back(std::move(v));
        }
        handle->callBoxed(&stack);
        bindResults(node, std::move(stack), env);
    }

    // Python arithmetic on sizes that export keeps as nodes (`_operator.mul`, `torch.sym_max`).
    void runPython(const ExportedNode &node, Env &env)
    {
        std::vector<c10::IValue> args;
        for (const ExportedArgument &a : node.inputs)
            args.push_back(argument(env, a));
        const std::string &t = node.target;
        auto num = [&](std::size_t i) {
            if (i >= args.size())
                throw InputError("the program calls " + printable(t) + " with too few arguments");
            const c10::IValue &v = args[i];
            return v.isTensor() ? v.toTensor().item<std::int64_t>()
                   : v.isBool() ? v.toBool()
                                : v.toInt();
        };
        std::int64_t r = 0;
        if (t == "_operator.getitem") {
            const c10::List<c10::IValue> list = args.at(0).toList();
            bindOutputs(node, {list.get(static_cast<std::size_t>(num(1)))}, env);
            return;
        } else if (t == "_operator.add") {
            r = num(0) + num(1);
        } else if (t == "_operator.sub") {
            r = num(0) - num(1);
        } else if (t == "_operator.mul") {
            r = num(0) * num(1);
        } else if (t == "_operator.floordiv") {
            const std::int64_t b = num(1);
            if (b == 0)
                throw InputError("the program divides a size by zero");
            const std::int64_t a = num(0);
            r = a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
        } else if (t == "_operator.mod") {
            const std::int64_t b = num(1);
            if (b == 0)
                throw InputError("the program divides a size by zero");
            r = ((num(0) % b) + b) % b;
        } else if (t == "_operator.neg") {
            r = -num(0);
        } else if (t == "torch.sym_max") {
            r = std::max(num(0), num(1));
        } else if (t == "torch.sym_min") {
            r = std::min(num(0), num(1));
        } else if (t == "_operator.eq" || t == "_operator.ne" || t == "_operator.lt" ||
                   t == "_operator.le" || t == "_operator.gt" || t == "_operator.ge") {
            const std::int64_t a = num(0), b = num(1);
            const bool v = t == "_operator.eq"   ? a == b
                           : t == "_operator.ne" ? a != b
                           : t == "_operator.lt" ? a < b
                           : t == "_operator.le" ? a <= b
                           : t == "_operator.gt" ? a > b
                                                 : a >= b;
            bindOutputs(node, {c10::IValue(v)}, env);
            return;
        } else {
            throw InputError("the program calls " + printable(t) +
                             ", which TorchPrep does not run");
        }
        bindOutputs(node, {c10::IValue(r)}, env);
    }

    const ExportedModel::Impl &model_;
    std::map<std::string, at::Tensor> *values_;
};

} // namespace

ExportedModel::ExportedModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExportedModel::~ExportedModel() = default;

const std::string &ExportedModel::path() const
{
    return impl_->path;
}

std::unique_ptr<ExportedModel> ExportedModel::load(const std::string &path,
                                                   const std::string &device)
{
    const std::string what = "'" + printable(path) + "'";
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    // One archive, checked once, for the program and its weights.
    const CheckedArchive archive(path, what);
    impl->program = readExportedProgram(archive, what);
    impl->device = at::Device(device);
    const ExportedProgram &p = impl->program;
    if (p.byteOrder != "little")
        throw InputError(what + " holds its weights in " + printable(p.byteOrder) +
                         "-endian byte order, which TorchPrep does not read");
    registerMissingAtenOps(); // torch 2.x's ops before the program calls them
    std::map<std::string, at::Tensor> byTarget;
    if (p.layout == "pt2") {
        for (const ExportedWeight &w : p.weights) {
            if (w.pickled)
                throw InputError(what + ": weight '" + printable(w.target) +
                                 "' is a pickled tensor subclass, which TorchPrep does not run");
            if (w.meta.layout != 7)
                throw InputError(what + ": weight '" + printable(w.target) +
                                 "' is not a strided tensor (sparse or mkldnn), which TorchPrep "
                                 "does not run");
            byTarget[w.target] = viewedTensor(w.target, w.record, exportScalarType(w.meta.dtype),
                                              w.meta.storageOffset, w.meta.sizes, w.meta.strides,
                                              archive.read(w.record, std::uint64_t(1) << 40), what);
        }
    } else {
        readPickledWeights(archive, what, byTarget);
    }
    for (auto &[name, tensor] : byTarget)
        tensor = tensor.to(impl->device);
    for (const ExportedSpec &spec : p.inputSpecs) {
        if (spec.kind == "user_input" || spec.name.empty())
            continue;
        const auto it = byTarget.find(spec.target);
        if (it != byTarget.end())
            impl->state[spec.name] = it->second;
    }
    return std::unique_ptr<ExportedModel>(new ExportedModel(std::move(impl)));
}

c10::IValue runProgram(const ExportedModel::Impl &model, const std::vector<c10::IValue> &inputs,
                       const std::string &what, std::map<std::string, at::Tensor> *values)
{
    try {
        return Interpreter(model, values).run(inputs);
    } catch (const InputError &e) {
        throw InputError("the " + what + " model rejects the inputs: " + e.what());
    } catch (const std::exception &e) {
        throw InputError("the " + what + " model rejects the inputs: " + firstLine(e.what()));
    }
}

} // namespace torchprep
