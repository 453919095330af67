#include "equivalence.h"

#include "errors.h"
#include "torch_model_impl.h"

#include <torch/csrc/jit/runtime/graph_executor.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace torchprep {

Shape parseShape(const std::string &text)
{
    Shape shape;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        char *end = nullptr;
        const long long dim = std::strtoll(part.c_str(), &end, 10);
        if (part.empty() || *end != '\0' || dim <= 0)
            throw InputError("--input-shape '" + text +
                             "': expected positive integers separated by commas, e.g. 1,3,224,224");
        shape.push_back(dim);
    }
    if (shape.empty())
        throw InputError("--input-shape '" + text + "' is empty");
    return shape;
}

namespace {

at::ScalarType scalarType(const std::string &dtype)
{
    if (dtype == "float32" || dtype == "float")
        return at::kFloat;
    if (dtype == "float64" || dtype == "double")
        return at::kDouble;
    if (dtype == "float16" || dtype == "half")
        return at::kHalf;
    if (dtype == "bfloat16")
        return at::kBFloat16;
    if (dtype == "int64" || dtype == "long")
        return at::kLong;
    if (dtype == "int32" || dtype == "int")
        return at::kInt;
    throw InputError("--dtype '" + dtype +
                     "': use float32, float64, float16, bfloat16, int64 or int32");
}

std::string shapeText(const Shape &shape)
{
    std::string text;
    for (auto d : shape)
        text += (text.empty() ? "" : ",") + std::to_string(d);
    return "[" + text + "]";
}

void flatten(const c10::IValue &value, std::vector<at::Tensor> &out)
{
    if (value.isTensor()) {
        out.push_back(value.toTensor());
    } else if (value.isTuple()) {
        for (const auto &e : value.toTupleRef().elements())
            flatten(e, out);
    } else if (value.isList()) {
        for (const auto &e : value.toListRef())
            flatten(e, out);
    } else if (value.isGenericDict()) {
        for (const auto &e : value.toGenericDict())
            flatten(e.value(), out);
    }
}

std::vector<at::Tensor> run(const TorchModel &model, const std::vector<c10::IValue> &inputs,
                            const std::string &what)
{
    try {
        torch::jit::Module module = model.impl().module;
        std::vector<at::Tensor> outputs;
        flatten(module.forward(inputs), outputs);
        return outputs;
    } catch (const c10::Error &e) {
        throw InputError("the " + what + " model rejects the inputs: " +
                         interpreterErrorLine(e.what_without_backtrace()));
    } catch (const std::exception &e) { // the interpreter's own errors
        throw InputError("the " + what + " model rejects the inputs: " +
                         interpreterErrorLine(e.what()));
    }
}

} // namespace

EquivalenceReport proveEquivalent(const TorchModel &original, const TorchModel &prepared,
                                  const InputSpec &spec, double tolerance)
{
    torch::NoGradGuard noGrad;
    // Run the graphs as written: the executor's optimizing first run is what the proof does not
    // need, and it takes a minute on a model with ten thousand module calls.
    torch::jit::GraphOptimizerEnabledGuard plainInterpreter(false);
    const at::ScalarType dtype = scalarType(spec.dtype);
    EquivalenceReport report;
    report.tolerance = tolerance;
    for (int batch = 0; batch < spec.batches; ++batch) {
        torch::manual_seed(spec.seed + static_cast<std::uint64_t>(batch));
        std::vector<c10::IValue> inputs;
        for (const Shape &shape : spec.shapes) {
            const auto options = at::TensorOptions().dtype(dtype);
            inputs.emplace_back(at::isFloatingType(dtype) ? torch::randn(shape, options)
                                                          : torch::randint(0, 10, shape, options));
        }
        const std::vector<at::Tensor> a = run(original, inputs, "original");
        const std::vector<at::Tensor> b = run(prepared, inputs, "prepared");
        if (a.size() != b.size()) {
            report.mismatch = "the models return " + std::to_string(a.size()) + " and " +
                              std::to_string(b.size()) + " tensors";
            return report;
        }
        report.outputs.resize(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (a[i].sizes() != b[i].sizes()) {
                report.mismatch = "output " + std::to_string(i) + " has shape " +
                                  shapeText(a[i].sizes().vec()) + " in one model and " +
                                  shapeText(b[i].sizes().vec()) + " in the other";
                return report;
            }
            const at::Tensor x = a[i].to(at::kDouble).flatten();
            const at::Tensor y = b[i].to(at::kDouble).flatten();
            OutputDifference d;
            d.index = i;
            d.shape = a[i].sizes().vec();
            if (x.numel() > 0) {
                const at::Tensor diff = (x - y).abs();
                d.maxAbsDiff = diff.max().item<double>();
                d.meanAbsDiff = diff.mean().item<double>();
                const double norms = x.norm().item<double>() * y.norm().item<double>();
                d.cosine = norms > 0 ? x.dot(y).item<double>() / norms
                                     : (d.maxAbsDiff == 0 ? 1.0 : 0.0);
            }
            OutputDifference &worst = report.outputs[i];
            if (batch == 0 || d.maxAbsDiff > worst.maxAbsDiff)
                worst = d;
            report.maxAbsDiff = std::max(report.maxAbsDiff, d.maxAbsDiff);
            report.meanAbsDiff = std::max(report.meanAbsDiff, d.meanAbsDiff);
            report.cosine = std::min(report.cosine, d.cosine);
        }
    }
    report.passed = report.maxAbsDiff <= tolerance;
    return report;
}

} // namespace torchprep
