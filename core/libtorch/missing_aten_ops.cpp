// Kernels for aten ops newer than the linked libtorch, each the composite torch itself runs on
// the CPU when no fused kernel applies (torch's math reference), so outputs agree with the torch
// that wrote the file to float rounding.
#include "libtorch/missing_aten_ops.h"

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/library.h>
#include <torch/version.h>

#include <cmath>
#include <limits>
#include <memory>
#include <mutex>

namespace torchprep {

namespace {

// scaled_dot_product_attention (torch 2.0; `scale` 2.1, `enable_gqa` 2.5): softmax(q kᵀ · scale
// + mask) v, a row that every mask entry hides giving zeros (torch's _safe_softmax since 2.5).
at::Tensor scaledDotProductAttention(const at::Tensor &query, const at::Tensor &key,
                                     const at::Tensor &value,
                                     const c10::optional<at::Tensor> &attnMask, double dropoutP,
                                     bool isCausal, c10::optional<double> scale, bool enableGqa)
{
    TORCH_CHECK(!(isCausal && attnMask.has_value() && attnMask->defined()),
                "scaled_dot_product_attention: attn_mask and is_causal cannot both be set");
    // Half and bfloat16 are computed in float and rounded back, as torch's reference does.
    const at::ScalarType type = query.scalar_type();
    const bool upcast = type == at::kHalf || type == at::kBFloat16;
    const at::Tensor q = upcast ? query.to(at::kFloat) : query;
    at::Tensor k = upcast ? key.to(at::kFloat) : key;
    at::Tensor v = upcast ? value.to(at::kFloat) : value;
    if (enableGqa && query.dim() >= 3) {
        // Key and value heads each repeat up to the query's, when they divide it.
        for (at::Tensor *kv : {&k, &v}) {
            if (kv->dim() < 3 || kv->size(-3) == query.size(-3))
                continue;
            TORCH_CHECK(kv->size(-3) > 0 && query.size(-3) % kv->size(-3) == 0,
                        "scaled_dot_product_attention: query heads are not a multiple of key or "
                        "value heads");
            *kv = kv->repeat_interleave(query.size(-3) / kv->size(-3), -3);
        }
    }
    const double factor =
        scale.has_value() ? *scale : 1.0 / std::sqrt(static_cast<double>(query.size(-1)));
    // torch scales q and k by the root of the factor each, which keeps half precision in range.
    const double root = std::sqrt(factor);
    at::Tensor scores = at::matmul(q * root, k.transpose(-2, -1) * root);
    const double lowest = -std::numeric_limits<double>::infinity();
    if (isCausal) {
        const at::Tensor keep =
            at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).tril();
        scores = scores.masked_fill(keep.logical_not(), lowest);
    }
    if (attnMask.has_value() && attnMask->defined()) {
        if (attnMask->scalar_type() == at::kBool)
            scores = scores.masked_fill(attnMask->logical_not(), lowest);
        else
            scores = scores + attnMask->to(scores.scalar_type());
    }
    at::Tensor weights = at::softmax(scores, -1);
    const at::Tensor hidden = scores.eq(lowest).all(-1, /*keepdim=*/true);
    weights = weights.masked_fill(hidden, 0);
    if (dropoutP > 0.0)
        weights = at::dropout(weights, dropoutP, /*train=*/true);
    at::Tensor out = at::matmul(weights, v);
    out = upcast ? out.to(type) : out;
    // torch's CPU kernel lays its result out as the query is laid out (MHA's query is a view of
    // [length, batch * heads, dim]): a program exported by torch 2.6 views it so after a permute.
    if (out.sizes() == query.sizes()) {
        at::Tensor laidOut = at::empty_like(query, out.options());
        laidOut.copy_(out);
        return laidOut;
    }
    return out;
}

// rms_norm (torch 2.4, nn.RMSNorm): x / sqrt(mean(x², normalized dims) + eps) · weight, computed
// in float for half inputs; eps defaults to the machine epsilon of that type.
at::Tensor rmsNorm(const at::Tensor &input, at::IntArrayRef normalizedShape,
                   const c10::optional<at::Tensor> &weight, c10::optional<double> eps)
{
    const int64_t dims = static_cast<int64_t>(normalizedShape.size());
    TORCH_CHECK(dims <= input.dim(),
                "rms_norm: normalized_shape has more dimensions than the input");
    for (int64_t i = 0; i < dims; ++i)
        TORCH_CHECK(input.size(input.dim() - dims + i) == normalizedShape[i],
                    "rms_norm: the input's last dimensions are not normalized_shape");
    std::vector<int64_t> reduce;
    for (int64_t i = input.dim() - dims; i < input.dim(); ++i)
        reduce.push_back(i);
    const bool isDouble = input.scalar_type() == at::kDouble;
    const at::Tensor upcast = isDouble ? input : input.to(at::kFloat);
    const double epsilon = eps.has_value() ? *eps
                           : isDouble ? std::numeric_limits<double>::epsilon()
                                      : static_cast<double>(std::numeric_limits<float>::epsilon());
    const at::Tensor inverse = at::rsqrt(upcast.pow(2).mean(reduce, /*keepdim=*/true).add(epsilon));
    at::Tensor result = upcast.mul(inverse).type_as(input);
    if (weight.has_value() && weight->defined())
        result = result.mul(*weight);
    return result;
}

// _upsample_lanczos2d_aa.vec (torch 2.10s): F.interpolate(mode="lanczos"). Scripted files carry
// F.interpolate's every branch, so the op must resolve for them to load; running it is refused.
at::Tensor upsampleLanczos(const at::Tensor &input, at::OptionalIntArrayRef outputSize,
                           bool alignCorners, c10::optional<at::ArrayRef<double>> scaleFactors)
{
    TORCH_CHECK(false,
                "F.interpolate(mode='lanczos') runs aten::_upsample_lanczos2d_aa, which "
                "libtorch " TORCH_VERSION
                " lacks and TorchPrep does not compute: use mode='bicubic' or a newer libtorch");
    return input;
}

// The ops torch.export's core ATen IR (run_decompositions()) writes that 1.13 lacks.

// Batch norm in eval: torch returns the result and two empty statistics.
std::tuple<at::Tensor, at::Tensor, at::Tensor>
batchNormNoTraining(const at::Tensor &input, const c10::optional<at::Tensor> &weight,
                    const c10::optional<at::Tensor> &bias, const at::Tensor &runningMean,
                    const at::Tensor &runningVar, double momentum, double eps)
{
    const at::Tensor out =
        at::batch_norm(input, weight, bias, runningMean, runningVar, false, momentum, eps, false);
    return {out, at::empty({0}, input.options()), at::empty({0}, input.options())};
}

// Checks export inserts for what it assumed while tracing; the run's own ops check shapes.
void assertTensorMetadata(const at::Tensor &, at::OptionalIntArrayRef, at::OptionalIntArrayRef,
                          c10::optional<at::ScalarType>, c10::optional<at::Device>,
                          c10::optional<at::Layout>)
{
}

void assertScalar(const at::Scalar &condition, c10::string_view message)
{
    TORCH_CHECK(condition.toBool(), std::string(message));
}

void constrainRangeForSize(const at::Scalar &, c10::optional<int64_t>, c10::optional<int64_t>) {}

struct MissingOp
{
    const char *name;     // "aten::rms_norm"
    const char *overload; // "" for the default
    const char *schema;   // as the newest torch declares it (SymInt written int: 1.13 binds both)
    void (*define)(torch::Library &library, const char *schema);
};

const MissingOp kMissingOps[] = {
    {"aten::scaled_dot_product_attention", "",
     "scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, "
     "float dropout_p=0.0, bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> "
     "Tensor",
     [](torch::Library &library, const char *schema) {
         library.def(schema, &scaledDotProductAttention);
     }},
    {"aten::rms_norm", "",
     "rms_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, float? eps=None) -> "
     "Tensor",
     [](torch::Library &library, const char *schema) { library.def(schema, &rmsNorm); }},
    {"aten::_upsample_lanczos2d_aa", "vec",
     "_upsample_lanczos2d_aa.vec(Tensor input, int[]? output_size, bool align_corners, float[]? "
     "scale_factors) -> Tensor",
     [](torch::Library &library, const char *schema) { library.def(schema, &upsampleLanczos); }},
    {"aten::_native_batch_norm_legit_no_training", "",
     "_native_batch_norm_legit_no_training(Tensor input, Tensor? weight, Tensor? bias, Tensor "
     "running_mean, Tensor running_var, float momentum, float eps) -> (Tensor, Tensor, Tensor)",
     [](torch::Library &library, const char *schema) {
         library.def(schema, &batchNormNoTraining);
     }},
    {"aten::_assert_tensor_metadata", "",
     "_assert_tensor_metadata(Tensor a, int[]? size=None, int[]? stride=None, ScalarType? "
     "dtype=None, *, Device? device=None, Layout? layout=None) -> ()",
     [](torch::Library &library, const char *schema) {
         library.def(schema, &assertTensorMetadata);
     }},
    {"aten::_assert_scalar", "", "_assert_scalar(Scalar self, str assert_msg) -> ()",
     [](torch::Library &library, const char *schema) { library.def(schema, &assertScalar); }},
    {"aten::sym_constrain_range_for_size", "",
     "sym_constrain_range_for_size(Scalar size, *, int? min=None, int? max=None) -> ()",
     [](torch::Library &library, const char *schema) {
         library.def(schema, &constrainRangeForSize);
     }},
};

struct CensusEntry
{
    const char *op;
    const char *firstTorch; // the oldest torch of the census that has it
};

const CensusEntry kCensus[] = {
#include "libtorch/aten_op_census.inc"
};

std::mutex &registryMutex()
{
    static std::mutex mutex;
    return mutex;
}

std::vector<std::string> &registered()
{
    static std::vector<std::string> ops;
    return ops;
}

} // namespace

std::vector<std::string> registerMissingAtenOps()
{
    const std::lock_guard<std::mutex> lock(registryMutex());
    // Lives as long as the process: the dispatcher drops an op when its library goes.
    static std::unique_ptr<torch::Library> library;
    std::vector<std::string> added;
    for (const MissingOp &op : kMissingOps) {
        if (c10::Dispatcher::singleton().findSchema({op.name, op.overload}).has_value())
            continue; // the linked libtorch has it: defining it again would abort
        if (!library)
            library = std::make_unique<torch::Library>(torch::Library::FRAGMENT, "aten",
                                                       c10::nullopt, __FILE__, __LINE__);
        op.define(*library, op.schema);
        registered().push_back(op.name);
        added.push_back(op.name);
    }
    return added;
}

std::vector<std::string> registeredAtenOps()
{
    const std::lock_guard<std::mutex> lock(registryMutex());
    return registered();
}

std::string linkedTorchVersion()
{
    return TORCH_VERSION;
}

std::string torchVersionWithOp(const std::string &op)
{
    for (const CensusEntry &entry : kCensus)
        if (op == entry.op)
            return entry.firstTorch;
    return {};
}

} // namespace torchprep
