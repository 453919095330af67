// Times the phases of `torchprep prepare` inside one process: loading, the rewriting passes,
// one batch of the equivalence proof, and the atomic save. Prints one JSON line.
#include "compare/equivalence.h"
#include "prepare/preparer.h"
#include "torchscript/torch_model.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace torchprep;
using Clock = std::chrono::steady_clock;

static double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: prepare_phases MODEL.pt OUT.pt SHAPE\n");
        return 2;
    }
    auto t0 = Clock::now();
    const auto original = TorchModel::load(argv[1]);
    const auto prepared = TorchModel::load(argv[1]);
    const double load = msSince(t0) / 2;
    t0 = Clock::now();
    const PrepareResult result = prepareModel(*prepared, {});
    const double passes = msSince(t0);
    InputSpec spec;
    spec.shapes = {parseShape(argv[3])};
    spec.batches = 1;
    t0 = Clock::now();
    const EquivalenceReport proof = proveEquivalent(*original, *prepared, spec, 1e-5);
    const double prove = msSince(t0);
    t0 = Clock::now();
    prepared->saveAtomically(argv[2]);
    const double save = msSince(t0);
    std::size_t changes = 0;
    for (const PassLog &pass : result.passes)
        changes += pass.changes.size();
    std::printf("{\"load_ms\": %.2f, \"passes_ms\": %.2f, \"proof_ms\": %.2f, \"save_ms\": %.2f, "
                "\"changes\": %zu, \"proven\": %s}\n",
                load, passes, prove, save, changes, proof.passed ? "true" : "false");
    return 0;
}
