// torch.nn layers rebuilt from their constructors, so that tools which recognise nn.Conv2d,
// nn.Linear, nn.ReLU (AIMET's QuantSim) recognise them in the generated Python.
#include "export/python_source_torch.h"
#include "libtorch/dtypes_torch.h"
#include "torchscript/static_values_torch.h"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <map>
#include <set>

namespace torchprep {

namespace {

using torch::jit::Module;
using torch::jit::Node;
using torch::jit::Value;

struct NnClass
{
    std::vector<std::string> params;      // constructor keywords, in order; "x?" may be left out
    std::vector<std::string> fixedOpArgs; // op arguments the class itself fixes
};

const std::vector<std::string> kConv = {"in_channels", "out_channels", "kernel_size",
                                        "stride",      "padding",      "dilation",
                                        "groups",      "bias",         "padding_mode?"};
const std::vector<std::string> kConvT = {"in_channels", "out_channels", "kernel_size",
                                         "stride",      "padding",      "output_padding",
                                         "groups",      "bias",         "dilation"};
const std::vector<std::string> kBatchNorm = {"num_features", "eps", "momentum", "affine",
                                             "track_running_stats"};
const std::vector<std::string> kMaxPool = {"kernel_size", "stride",         "padding",
                                           "dilation",    "return_indices", "ceil_mode"};
const std::vector<std::string> kAvgPool = {
    "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override?"};

const std::map<std::string, NnClass> &nnClasses()
{
    static const std::map<std::string, NnClass> classes = {
        {"Conv1d", {kConv, {"transposed", "output_padding"}}},
        {"Conv2d", {kConv, {"transposed", "output_padding"}}},
        {"Conv3d", {kConv, {"transposed", "output_padding"}}},
        {"ConvTranspose1d", {kConvT, {"transposed"}}},
        {"ConvTranspose2d", {kConvT, {"transposed"}}},
        {"ConvTranspose3d", {kConvT, {"transposed"}}},
        {"Linear", {{"in_features", "out_features", "bias"}, {}}},
        {"BatchNorm1d", {kBatchNorm, {}}},
        {"BatchNorm2d", {kBatchNorm, {}}},
        {"BatchNorm3d", {kBatchNorm, {}}},
        {"LayerNorm", {{"normalized_shape", "eps", "elementwise_affine"}, {}}},
        {"GroupNorm", {{"num_groups", "num_channels", "eps", "affine"}, {}}},
        {"ReLU", {{"inplace"}, {}}},
        {"ReLU6", {{"inplace"}, {"min_val", "max_val"}}},
        {"Hardtanh", {{"min_val", "max_val", "inplace"}, {}}},
        {"LeakyReLU", {{"negative_slope", "inplace"}, {}}},
        {"ELU", {{"alpha", "inplace"}, {}}},
        {"GELU", {{"approximate?"}, {}}},
        {"SiLU", {{"inplace"}, {}}},
        {"Hardswish", {{"inplace"}, {}}},
        {"Hardsigmoid", {{"inplace"}, {}}},
        {"Mish", {{"inplace"}, {}}},
        {"Sigmoid", {{}, {}}},
        {"Tanh", {{}, {}}},
        {"Hardshrink", {{"lambd"}, {}}},
        {"Softplus", {{"beta", "threshold"}, {}}},
        {"Softmax", {{"dim"}, {}}},
        {"LogSoftmax", {{"dim"}, {}}},
        {"MaxPool1d", {kMaxPool, {}}},
        {"MaxPool2d", {kMaxPool, {}}},
        {"MaxPool3d", {kMaxPool, {}}},
        {"AvgPool1d", {{"kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"}, {}}},
        {"AvgPool2d", {kAvgPool, {}}},
        {"AvgPool3d", {kAvgPool, {}}},
        {"AdaptiveAvgPool1d", {{"output_size"}, {}}},
        {"AdaptiveAvgPool2d", {{"output_size"}, {}}},
        {"AdaptiveAvgPool3d", {{"output_size"}, {}}},
        {"AdaptiveMaxPool2d", {{"output_size", "return_indices"}, {}}},
        {"Dropout", {{"p", "inplace"}, {}}},
        {"Dropout1d", {{"p", "inplace"}, {}}},
        {"Dropout2d", {{"p", "inplace"}, {}}},
        {"Dropout3d", {{"p", "inplace"}, {}}},
        {"Identity", {{}, {}}},
        {"Flatten", {{"start_dim", "end_dim"}, {}}},
    };
    return classes;
}

// Arguments of an op that say how, not what: never part of a layer's constructor.
const std::set<std::string> &implementationArgs()
{
    static const std::set<std::string> names = {"cudnn_enabled", "cudnn_enable", "benchmark",
                                                "deterministic", "allow_tf32",   "_stacklevel",
                                                "training",      "train"};
    return names;
}

// The one op a traced leaf's forward runs, with its arguments by schema name.
struct MainOp
{
    std::string kind; // "aten::relu_", or a scripted function's name
    std::map<std::string, Value *> args;
    std::map<std::string, c10::IValue> defaults;
    std::set<std::string> optionalTensors; // Tensor? arguments: None means "no such tensor"
};

// The single computing node of `graph`'s top block (constants, attribute reads and list
// building aside) when there is exactly one and it returns the graph's output.
std::optional<MainOp> mainOpOf(torch::jit::Graph &graph, bool &none)
{
    std::vector<Node *> ops;
    for (Node *node : graph.nodes()) {
        const c10::Symbol k = node->kind();
        if (k == c10::prim::Constant || k == c10::prim::GetAttr || k == c10::prim::ListConstruct)
            continue;
        if (!node->blocks().empty())
            return std::nullopt;
        ops.push_back(node);
    }
    none = ops.empty();
    if (ops.size() != 1)
        return std::nullopt;
    Node *op = ops.front();
    if (graph.outputs().size() != 1 || graph.outputs()[0]->node() != op)
        return std::nullopt;
    MainOp main;
    const c10::FunctionSchema *schema = nullptr;
    std::size_t first = 0;
    if (op->kind() == c10::prim::CallFunction) {
        auto fn = op->input(0)->type()->cast<c10::FunctionType>();
        if (!fn)
            return std::nullopt;
        schema = &fn->function()->getSchema();
        main.kind = fn->function()->name();
        first = 1;
    } else {
        schema = op->maybeSchema();
        main.kind = op->kind().toUnqualString();
    }
    if (!schema || op->inputs().size() - first > schema->arguments().size())
        return std::nullopt;
    for (std::size_t i = first; i < op->inputs().size(); ++i) {
        const c10::Argument &arg = schema->arguments()[i - first];
        main.args[arg.name()] = op->inputs()[i];
        if (arg.default_value())
            main.defaults[arg.name()] = *arg.default_value();
        auto optional = arg.type()->cast<c10::OptionalType>();
        if (optional && optional->getElementType()->kind() == c10::TypeKind::TensorType)
            main.optionalTensors.insert(arg.name());
    }
    return main;
}

// Equal values; numbers by value, so a default of 1 matches a constant 1.0.
bool sameValue(const c10::IValue &a, const c10::IValue &b)
{
    if ((a.isInt() || a.isDouble()) && (b.isInt() || b.isDouble()))
        return (a.isInt() ? double(a.toInt()) : a.toDouble()) ==
               (b.isInt() ? double(b.toInt()) : b.toDouble());
    return a == b;
}

class ConstructorReader
{
  public:
    ConstructorReader(const Module &leaf, const std::optional<MainOp> &op) : leaf_(leaf), op_(op) {}

    // The value of constructor argument `name`, or nothing when it cannot be known.
    std::optional<c10::IValue> read(const std::string &name)
    {
        if (auto derived = fromTensors(name))
            return derived;
        if (name == "inplace" || name == "return_indices") {
            if (auto v = fromModule(name))
                return v;
            if (auto v = fromOp(name))
                return v;
            if (!op_)
                return std::nullopt;
            const std::string marker = name == "inplace" ? "_" : "with_indices";
            const std::string &kind = op_->kind;
            return c10::IValue(kind.size() >= marker.size() &&
                               kind.compare(kind.size() - marker.size(), marker.size(), marker) ==
                                   0);
        }
        if (auto v = fromModule(name))
            return v;
        return fromOp(name);
    }

    // Every argument of the op is a tensor, was read, is fixed by the class, or has its default.
    bool opFullyExplained(const std::set<std::string> &read, const NnClass &cls) const
    {
        if (!op_)
            return true;
        for (const auto &[name, value] : op_->args) {
            if (read.count(name) || implementationArgs().count(name) ||
                std::count(cls.fixedOpArgs.begin(), cls.fixedOpArgs.end(), name))
                continue;
            if (value->type()->kind() == c10::TypeKind::TensorType ||
                op_->optionalTensors.count(name))
                continue;
            auto fixed = staticValue(value);
            auto def = op_->defaults.find(name);
            if (!fixed || def == op_->defaults.end() || !sameValue(*fixed, def->second))
                return false;
        }
        return true;
    }

  private:
    std::optional<c10::IValue> tensor(const std::string &attr) const
    {
        if (!leaf_.hasattr(attr))
            return std::nullopt;
        c10::IValue v = leaf_.attr(attr);
        return v;
    }

    std::optional<c10::IValue> groups()
    {
        if (auto v = fromModule("groups"))
            return v;
        return fromOp("groups");
    }

    // Sizes and flags that the layer's tensors show: the same for traced and scripted.
    std::optional<c10::IValue> fromTensors(const std::string &name)
    {
        auto weight = tensor("weight");
        const bool hasWeight = weight && weight->isTensor();
        const std::string cls = leaf_.type()->name()->name();
        const bool transposed = cls.find("ConvTranspose") == 0;
        if (name == "bias" || name == "affine" || name == "elementwise_affine") {
            auto t = tensor(name == "bias" ? "bias" : "weight");
            return c10::IValue(t && t->isTensor());
        }
        if (name == "track_running_stats") {
            auto t = tensor("running_mean");
            return c10::IValue(t && t->isTensor());
        }
        if (!hasWeight)
            return std::nullopt;
        const at::Tensor w = weight->toTensor();
        if (name == "in_channels" || name == "out_channels") {
            auto g = groups();
            if (!g || !g->isInt())
                return std::nullopt;
            const bool first = (name == "out_channels") != transposed;
            return c10::IValue(first ? w.size(0) : w.size(1) * g->toInt());
        }
        if (name == "kernel_size" && w.dim() > 2)
            return c10::IValue(std::vector<int64_t>(w.sizes().begin() + 2, w.sizes().end()));
        if (name == "out_features" || name == "num_features" || name == "num_channels" ||
            name == "num_embeddings")
            return c10::IValue(w.size(0));
        if (name == "in_features" || name == "embedding_dim")
            return c10::IValue(w.size(1));
        return std::nullopt;
    }

    // Scripted layers keep their constructor's values as attributes or class constants.
    std::optional<c10::IValue> fromModule(const std::string &name) const
    {
        if (auto constant = leaf_.type()->findConstant(name))
            return *constant;
        if (leaf_.type()->hasAttribute(name) &&
            !leaf_.type()->getAttribute(name)->cast<c10::ClassType>())
            return leaf_.attr(name);
        return std::nullopt;
    }

    std::optional<c10::IValue> fromOp(const std::string &name)
    {
        if (!op_)
            return std::nullopt;
        auto it = op_->args.find(name);
        if (it == op_->args.end())
            return std::nullopt;
        return staticValue(it->second);
    }

    const Module &leaf_;
    const std::optional<MainOp> &op_;
};

// Constructor values as written in a call: sizes as tuples, like torch.nn prints them.
std::string argumentLiteral(const c10::IValue &value)
{
    if (value.isIntList()) {
        std::vector<c10::IValue> items;
        for (int64_t i : value.toIntVector())
            items.emplace_back(i);
        return pythonLiteral(c10::ivalue::Tuple::create(std::move(items)));
    }
    return pythonLiteral(value);
}

// `, dtype=torch.float64` when the layer's tensors are not torch's default float32.
std::string dtypeArgument(const Module &leaf)
{
    for (const auto &param : leaf.named_parameters(/*recurse=*/false)) {
        const at::ScalarType type = param.value.scalar_type();
        const std::optional<std::string> name = dtypeNameOf(type);
        return type == at::kFloat || !at::isFloatingType(type) || !name ? ""
                                                                        : ", dtype=torch." + *name;
    }
    return "";
}

} // namespace

std::optional<std::string> nnConstructorCall(const Module &leaf, const std::string &className)
{
    auto cls = nnClasses().find(className);
    if (cls == nnClasses().end())
        return std::nullopt;
    // A traced layer that was never called (swin reads attn.qkv.weight itself) has no forward:
    // only what its tensors and attributes say can rebuild it.
    bool empty = false;
    std::optional<MainOp> op;
    if (leaf.type()->findMethod("forward"))
        op = mainOpOf(*torch::jit::toGraphFunction(leaf.get_method("forward").function()).graph(),
                      empty);
    // A forward that is neither one op nor nothing is scripted: trust the attributes then,
    // but only when the class keeps them (scripted torch.nn layers do).
    const bool scripted = !op && !empty;
    if (empty && !cls->second.params.empty())
        return std::nullopt;

    ConstructorReader reader(leaf, op);
    std::string call = "nn." + className + "(";
    bool first = true;
    std::set<std::string> read;
    for (std::string param : cls->second.params) {
        const bool optional = param.back() == '?';
        if (optional)
            param.pop_back();
        std::optional<c10::IValue> value = reader.read(param);
        if (!value) {
            if (optional)
                continue;
            return std::nullopt;
        }
        read.insert(param);
        call += (first ? "" : ", ") + param + "=" + argumentLiteral(*value);
        first = false;
    }
    if (!scripted && !reader.opFullyExplained(read, cls->second))
        return std::nullopt;
    return call + dtypeArgument(leaf) + ")";
}

} // namespace torchprep
