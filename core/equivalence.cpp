#include "equivalence.h"

#include "errors.h"
#include "compare/comparison_torch.h"
#include "model_run_torch.h"
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

std::vector<at::Tensor> run(const TorchModel &model, const std::vector<c10::IValue> &inputs,
                            const std::string &what)
{
    torch::jit::Module module = model.impl().module;
    return flattenTensors(runForward(module, inputs, what));
}

} // namespace

EquivalenceReport proveEquivalent(const TorchModel &original, const TorchModel &prepared,
                                  const InputSpec &spec, double tolerance)
{
    torch::NoGradGuard noGrad;
    // Run the graphs as written: the executor's optimizing first run is what the proof does not
    // need, and it takes a minute on a model with ten thousand module calls.
    torch::jit::GraphOptimizerEnabledGuard plainInterpreter(false);
    scalarTypeNamed(spec.dtype); // an unknown dtype is an argument error before any run
    EquivalenceReport report;
    report.tolerance = tolerance;
    for (int batch = 0; batch < spec.batches; ++batch) {
        const std::vector<c10::IValue> inputs = randomInputs(spec, batch);
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
            const DifferenceMetrics m = measureDifference(a[i], b[i]);
            OutputDifference d;
            d.index = i;
            d.shape = a[i].sizes().vec();
            d.maxAbsDiff = m.maxAbsDiff;
            d.meanAbsDiff = m.meanAbsDiff;
            d.cosine = m.cosine;
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
