#include "op_catalogue.h"

#include <unordered_map>
#include <unordered_set>

namespace torchprep {

std::string baseOpName(const std::string &kind)
{
    const auto colons = kind.rfind("::");
    std::string name = colons == std::string::npos ? kind : kind.substr(colons + 2);
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
        "size", "sym_size", "dim", "numel", "len", "NumToTensor", "Int", "Float", "Bool",
        "IntImplicit", "FloatImplicit", "ScalarImplicit", "item", "tensor_split",
        // views and layout
        "view", "view_as", "reshape", "reshape_as", "flatten", "unflatten", "permute",
        "transpose", "t", "squeeze", "unsqueeze", "slice", "select", "narrow", "expand",
        "expand_as", "contiguous", "clone", "copy", "to", "type_as", "detach", "index",
        "index_select", "split", "split_with_sizes", "chunk", "unbind", "movedim", "alias",
        "unsafe_split", "unsafe_chunk", "lift_fresh",
        // comparisons AIMET exempts, and Python-level bookkeeping in scripted code
        "eq", "ne", "is", "isnot", "getitem", "list", "append", "format", "warn", "values",
        "keys", "items", "dict", "str", "Identity", "DictConstruct", "has_torch_function",
        "is_scripting", "_set_item", "set_item", "device", "dtype", "is_floating_point",
    };
    return exempt.count(baseOpName(kind)) > 0;
}

bool isTensorConstructor(const std::string &kind)
{
    static const std::unordered_set<std::string> constructors = {
        "arange", "zeros", "ones", "full", "empty", "empty_strided", "linspace", "logspace",
        "randn", "rand", "randint", "randperm", "normal", "eye", "tensor", "scalar_tensor",
        "as_tensor", "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor",
    };
    return kind.compare(0, 6, "aten::") == 0 && constructors.count(baseOpName(kind)) > 0;
}

bool takesTemplateTensor(const std::string &kind)
{
    return isTensorConstructor(kind) && baseOpName(kind).compare(0, 4, "new_") == 0;
}

bool isShapeQuery(const std::string &kind)
{
    static const std::unordered_set<std::string> queries = {"size", "sym_size", "dim", "numel",
                                                             "len"};
    return queries.count(baseOpName(kind)) > 0;
}

std::string nnModuleFor(const std::string &kind)
{
    static const std::unordered_map<std::string, std::string> twins = {
        {"relu", "ReLU"}, {"relu6", "ReLU6"}, {"hardtanh", "Hardtanh"}, {"elu", "ELU"},
        {"selu", "SELU"}, {"celu", "CELU"}, {"leaky_relu", "LeakyReLU"}, {"prelu", "PReLU"},
        {"rrelu", "RReLU"}, {"glu", "GLU"}, {"gelu", "GELU"}, {"log_sigmoid", "LogSigmoid"},
        {"hardshrink", "Hardshrink"}, {"tanhshrink", "Tanhshrink"}, {"softsign", "Softsign"},
        {"softplus", "Softplus"}, {"softmax", "Softmax"}, {"softshrink", "Softshrink"},
        {"log_softmax", "LogSoftmax"}, {"tanh", "Tanh"}, {"sigmoid", "Sigmoid"},
        {"hardsigmoid", "Hardsigmoid"}, {"silu", "SiLU"}, {"hardswish", "Hardswish"},
        {"mish", "Mish"}, {"linear", "Linear"}, {"conv1d", "Conv1d"}, {"conv2d", "Conv2d"},
        {"conv3d", "Conv3d"}, {"max_pool1d", "MaxPool1d"}, {"max_pool2d", "MaxPool2d"},
        {"max_pool3d", "MaxPool3d"}, {"avg_pool1d", "AvgPool1d"}, {"avg_pool2d", "AvgPool2d"},
        {"avg_pool3d", "AvgPool3d"}, {"adaptive_avg_pool1d", "AdaptiveAvgPool1d"},
        {"adaptive_avg_pool2d", "AdaptiveAvgPool2d"}, {"adaptive_max_pool2d", "AdaptiveMaxPool2d"},
        {"pixel_shuffle", "PixelShuffle"}, {"upsample_nearest2d", "Upsample"},
        {"upsample_bilinear2d", "Upsample"}, {"dropout", "Dropout"}, {"layer_norm", "LayerNorm"},
        {"group_norm", "GroupNorm"}, {"embedding", "Embedding"}, {"threshold", "Threshold"},
        {"channel_shuffle", "ChannelShuffle"},
    };
    auto it = twins.find(baseOpName(kind));
    return it == twins.end() ? std::string() : "torch.nn." + it->second;
}

} // namespace torchprep
