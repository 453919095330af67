// Times `torchprep compare` against running the same two models plainly in the same process:
// the plain run loads both and does the same forwards (warm-up + runs, each model) with nothing
// else; the engine adds input generation, metrics and histograms; --per-layer adds the tapped
// runs. Prints one JSON line.
#include "compare/comparison.h"
#include "torchscript/torch_model.h"

#include <torch/script.h>

#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace torchprep;
using Clock = std::chrono::steady_clock;

static double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        std::fprintf(stderr, "usage: compare_phases A.pt B.pt SHAPE RUNS [DEVICE]\n");
        return 2;
    }
    const std::string device = argc > 5 ? argv[5] : "cpu";
    const int runs = std::atoi(argv[4]);
    const auto a = TorchModel::load(argv[1]);
    const auto b = TorchModel::load(argv[2]);

    CompareOptions options;
    options.inputs.shapes = {parseShape(argv[3])};
    options.inputs.batches = 3;
    options.runs = runs;
    options.device = device;

    // Plain: the same number of forwards of each model on one input, nothing measured.
    // "auto" as the engine resolves it.
    const at::Device where(device != "auto"              ? device
                           : torch::cuda::is_available() ? "cuda:0"
                                                         : "cpu");
    torch::jit::Module ma = torch::jit::load(argv[1], where);
    torch::jit::Module mb = torch::jit::load(argv[2], where);
    ma.eval();
    mb.eval();
    auto plainRun = [&] {
        torch::NoGradGuard noGrad;
        const auto t0 = Clock::now();
        const at::Tensor x = torch::randn(options.inputs.shapes.front()).to(where);
        for (int r = 0; r < options.warmup + runs; ++r) {
            ma.forward({x});
            mb.forward({x});
        }
        if (where.is_cuda()) // kernels run asynchronously: count them all, as the engine does
            torch::cuda::synchronize(where.index());
        return msSince(t0);
    };
    // Alternated and repeated, best of each: caches warmed by one must not favour the other.
    double plain = 1e300, engine = 1e300;
    ComparisonReport report;
    for (int round = 0; round < 2; ++round) {
        plain = std::min(plain, plainRun());
        const auto t0 = Clock::now();
        report = compareModels(*a, *b, options);
        engine = std::min(engine, msSince(t0));
    }

    options.perLayer = true;
    const auto t0 = Clock::now();
    const ComparisonReport layered = compareModels(*a, *b, options);
    const double perLayer = msSince(t0);

    std::printf(
        "{\"device\": \"%s\", \"plain_ms\": %.1f, \"compare_ms\": %.1f, "
        "\"per_layer_ms\": %.1f, \"forward_a_ms\": %.2f, \"forward_b_ms\": %.2f, \"layers\": %zu, "
        "\"passed\": %s}\n",
        report.device.c_str(), plain, engine, perLayer, report.timingA.medianMs,
        report.timingB.medianMs, layered.layers.size(), report.passed ? "true" : "false");
    return 0;
}
