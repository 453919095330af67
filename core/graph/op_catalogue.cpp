#include "graph/op_catalogue.h"

#include <cctype>
#include <unordered_map>
#include <unordered_set>

namespace torchprep {

std::string baseOpName(const std::string &kind)
{
    // "aten::relu", or a torch function's Python name: "torch.nn.functional.interpolate".
    const auto colons = kind.rfind("::");
    const auto dot = kind.rfind('.');
    std::string name = colons != std::string::npos ? kind.substr(colons + 2)
                       : dot != std::string::npos  ? kind.substr(dot + 1)
                                                   : kind;
    const auto first = name.find_first_not_of('_');
    if (first == std::string::npos)
        return name;
    const auto last = name.find_last_not_of('_');
    return name.substr(first, last - first + 1);
}

bool isExemptOp(const std::string &kind)
{
    // prim:: nodes are bookkeeping (constants, lists, tuples, attribute reads); the checks
    // look at prim::If / prim::Loop separately.
    if (kind.compare(0, 6, "prim::") == 0)
        return true;
    static const std::unordered_set<std::string> exempt = {
        // shape queries and scalar conversions
        "size",
        "sym_size",
        "dim",
        "numel",
        "len",
        "NumToTensor",
        "Int",
        "Float",
        "Bool",
        "IntImplicit",
        "FloatImplicit",
        "ScalarImplicit",
        "item",
        "tensor_split",
        // views and layout
        "view",
        "view_as",
        "reshape",
        "reshape_as",
        "flatten",
        "unflatten",
        "permute",
        "transpose",
        "t",
        "squeeze",
        "unsqueeze",
        "slice",
        "select",
        "narrow",
        "expand",
        "expand_as",
        "contiguous",
        "clone",
        "copy",
        "to",
        "cpu",
        "cuda",
        "type_as",
        "detach",
        "index",
        "index_select",
        "split",
        "split_with_sizes",
        "chunk",
        "unbind",
        "movedim",
        "alias",
        "unsafe_split",
        "unsafe_chunk",
        "lift_fresh",
        // comparisons AIMET exempts, and Python-level bookkeeping in scripted code
        "eq",
        "ne",
        "is",
        "isnot",
        "getitem",
        "list",
        "append",
        "format",
        "warn",
        "values",
        "keys",
        "items",
        "dict",
        "str",
        "Identity",
        "DictConstruct",
        "has_torch_function",
        "is_scripting",
        "_set_item",
        "set_item",
        "device",
        "dtype",
        "is_floating_point",
    };
    return exempt.count(baseOpName(kind)) > 0;
}

bool isTensorConstructor(const std::string &kind)
{
    static const std::unordered_set<std::string> constructors = {
        "arange",
        "zeros",
        "ones",
        "full",
        "empty",
        "empty_strided",
        "linspace",
        "logspace",
        "randn",
        "rand",
        "randint",
        "randperm",
        "normal",
        "eye",
        "tensor",
        "scalar_tensor",
        "as_tensor",
        "new_zeros",
        "new_ones",
        "new_full",
        "new_empty",
        "new_tensor",
        // Sized like a template tensor, none of whose values they read (F._canonical_mask's
        // zeros_like before its masked_fill_).
        "zeros_like",
        "ones_like",
        "full_like",
        "empty_like",
        "rand_like",
        "randn_like",
        "randint_like",
    };
    return kind.compare(0, 6, "aten::") == 0 && constructors.count(baseOpName(kind)) > 0;
}

bool takesTemplateTensor(const std::string &kind)
{
    const std::string base = baseOpName(kind);
    return isTensorConstructor(kind) &&
           (base.compare(0, 4, "new_") == 0 ||
            (base.size() > 5 && base.compare(base.size() - 5, 5, "_like") == 0));
}

bool isShapeQuery(const std::string &kind)
{
    static const std::unordered_set<std::string> queries = {
        "size",       "sym_size",  "dim",           "numel",       "len",
        "dtype",      "device",    "is_cuda",       "layout",      "is_floating_point",
        "is_complex", "is_nested", "requires_grad", "is_quantized"};
    return queries.count(baseOpName(kind)) > 0;
}

bool editsListInPlace(const std::string &kind)
{
    static const std::unordered_set<std::string> edits = {"aten::append", "aten::insert",
                                                          "aten::extend", "aten::_set_item"};
    return edits.count(kind) > 0;
}

bool isScalarConversion(const std::string &kind)
{
    static const std::unordered_set<std::string> conversions = {
        "aten::item",           "aten::Int",         "aten::Float",        "aten::Bool",
        "aten::ScalarImplicit", "aten::IntImplicit", "aten::FloatImplicit"};
    return conversions.count(kind) > 0;
}

bool isTypeQuery(const std::string &kind)
{
    static const std::unordered_set<std::string> queries = {"aten::__is__", "aten::__isnot__",
                                                            "prim::isinstance"};
    return queries.count(kind) > 0;
}

namespace {

struct NnTwin
{
    const char *cls;
    const char *file; // torch/nn/modules/<file>.py
    bool weighted;    // the twin owns weights the functional takes as arguments
};

const std::unordered_map<std::string, NnTwin> &nnTwins()
{
    static const std::unordered_map<std::string, NnTwin> twins = {
        {"relu", {"ReLU", "activation", false}},
        {"relu6", {"ReLU6", "activation", false}},
        {"hardtanh", {"Hardtanh", "activation", false}},
        {"elu", {"ELU", "activation", false}},
        {"selu", {"SELU", "activation", false}},
        {"celu", {"CELU", "activation", false}},
        {"leaky_relu", {"LeakyReLU", "activation", false}},
        {"prelu", {"PReLU", "activation", true}},
        {"rrelu", {"RReLU", "activation", false}},
        {"glu", {"GLU", "activation", false}},
        {"gelu", {"GELU", "activation", false}},
        {"log_sigmoid", {"LogSigmoid", "activation", false}},
        {"hardshrink", {"Hardshrink", "activation", false}},
        {"tanhshrink", {"Tanhshrink", "activation", false}},
        {"softsign", {"Softsign", "activation", false}},
        {"softplus", {"Softplus", "activation", false}},
        {"softmax", {"Softmax", "activation", false}},
        {"softmin", {"Softmin", "activation", false}},
        {"softshrink", {"Softshrink", "activation", false}},
        {"log_softmax", {"LogSoftmax", "activation", false}},
        {"tanh", {"Tanh", "activation", false}},
        {"sigmoid", {"Sigmoid", "activation", false}},
        {"hardsigmoid", {"Hardsigmoid", "activation", false}},
        {"silu", {"SiLU", "activation", false}},
        {"hardswish", {"Hardswish", "activation", false}},
        {"mish", {"Mish", "activation", false}},
        {"threshold", {"Threshold", "activation", false}},
        {"linear", {"Linear", "linear", true}},
        {"conv1d", {"Conv1d", "conv", true}},
        {"conv2d", {"Conv2d", "conv", true}},
        {"conv3d", {"Conv3d", "conv", true}},
        {"max_pool1d", {"MaxPool1d", "pooling", false}},
        {"max_pool2d", {"MaxPool2d", "pooling", false}},
        {"max_pool3d", {"MaxPool3d", "pooling", false}},
        {"avg_pool1d", {"AvgPool1d", "pooling", false}},
        {"avg_pool2d", {"AvgPool2d", "pooling", false}},
        {"avg_pool3d", {"AvgPool3d", "pooling", false}},
        {"adaptive_avg_pool1d", {"AdaptiveAvgPool1d", "pooling", false}},
        {"adaptive_avg_pool2d", {"AdaptiveAvgPool2d", "pooling", false}},
        {"adaptive_max_pool2d", {"AdaptiveMaxPool2d", "pooling", false}},
        {"pixel_shuffle", {"PixelShuffle", "pixelshuffle", false}},
        {"dropout", {"Dropout", "dropout", false}},
        {"layer_norm", {"LayerNorm", "normalization", true}},
        {"group_norm", {"GroupNorm", "normalization", true}},
        {"embedding", {"Embedding", "sparse", true}},
        {"rms_norm", {"RMSNorm", "normalization", true}},
        {"channel_shuffle", {"ChannelShuffle", "channelshuffle", false}},
    };
    return twins;
}

} // namespace

std::string nnModuleFor(const std::string &kind)
{
    auto it = nnTwins().find(baseOpName(kind));
    return it == nnTwins().end() ? std::string() : std::string("torch.nn.") + it->second.cls;
}

std::string statelessNnClassFor(const std::string &kind)
{
    auto it = nnTwins().find(baseOpName(kind));
    if (it == nnTwins().end() || it->second.weighted)
        return {};
    return std::string("torch.nn.modules.") + it->second.file + "." + it->second.cls;
}

std::string wrapperClassName(const std::string &base)
{
    // AIMET's custom module catalogue (aimet_torch.elementwise_ops), so configs and scripts
    // written for AIMET find the same classes.
    static const std::unordered_map<std::string, std::string> known = {
        {"add", "Add"},
        {"sub", "Subtract"},
        {"rsub", "Subtract"},
        {"mul", "Multiply"},
        {"div", "Divide"},
        {"floor_divide", "FloorDivide"},
        {"cat", "Concat"},
        {"matmul", "MatMul"},
        {"bmm", "Bmm"},
        {"baddbmm", "Baddbmm"},
        {"addmm", "Addmm"},
        {"constant_pad_nd", "Pad"},
        {"pad", "Pad"},
        {"mean", "Mean"},
        {"sum", "Sum"},
        {"prod", "Prod"},
        {"cumsum", "CumSum"},
        {"pow", "Pow"},
        {"exp", "Exponential"},
        {"sqrt", "Sqrt"},
        {"rsqrt", "RSqrt"},
        {"square", "Square"},
        {"where", "Where"},
        {"masked_fill", "MaskedFill"},
        {"norm", "Norm"},
        {"normalize", "Normalize"},
        {"gather", "Gather"},
        {"topk", "TopK"},
        {"batch_norm", "BatchNorm"},
        {"group_norm", "GroupNorm"},
        {"interpolate", "Interpolate"},
        {"upsample_nearest1d", "Interpolate"},
        {"upsample_nearest2d", "Interpolate"},
        {"upsample_nearest3d", "Interpolate"},
        {"upsample_linear1d", "Interpolate"},
        {"upsample_bilinear2d", "Interpolate"},
        {"upsample_bicubic2d", "Interpolate"},
        {"upsample_trilinear3d", "Interpolate"},
        {"max_pool2d_with_indices", "MaxPool2d"},
        {"linear", "DynamicLinear"},
        {"conv1d", "DynamicConv1d"},
        {"conv2d", "DynamicConv2d"},
        {"conv3d", "DynamicConv3d"},
    };
    if (auto it = known.find(base); it != known.end())
        return it->second;
    std::string name;
    bool upper = true;
    for (char c : base) {
        if (c == '_') {
            upper = true;
            continue;
        }
        name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return name.empty() ? "Op" : name;
}

} // namespace torchprep
