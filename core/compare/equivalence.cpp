#include "compare/equivalence.h"

#include "base/errors.h"
#include "compare/comparison.h"
#include "torchscript/model_run_torch.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace torchprep {

EquivalenceReport proveEquivalent(const TorchModel &original, const TorchModel &prepared,
                                  const InputSpec &spec, double tolerance)
{
    // The comparison engine at its strictest: on the CPU, every batch once, nothing timed.
    CompareOptions options;
    options.timed = false;
    options.device = "cpu";
    options.inputs = spec;
    options.tolerance = tolerance;
    options.nameA = "original";
    options.nameB = "prepared";
    scalarTypeNamed(spec.dtype); // an unknown dtype is an argument error before any run
    const ComparisonReport compared = compareModels(original, prepared, options);

    EquivalenceReport report;
    report.tolerance = tolerance;
    report.passed = compared.passed;
    if (!compared.comparable)
        report.mismatch = compared.verdict;
    else if (!compared.passed)
        report.reason = compared.verdict;
    bool onlyNoNumbers = compared.comparable && !compared.passed && !compared.outputs.empty();
    bool someNoNumbers = false;
    for (const OutputComparison &o : compared.outputs) {
        const bool noNumbers = givesNoNumbers(o.metrics);
        someNoNumbers = someNoNumbers || noNumbers;
        if (!noNumbers && !agreementOf(o.metrics, tolerance).agrees)
            onlyNoNumbers = false;
        OutputDifference d;
        d.index = o.index;
        d.shape = o.shape;
        d.maxAbsDiff = o.metrics.maxAbsDiff;
        d.meanAbsDiff = o.metrics.meanAbsDiff;
        d.cosine = o.metrics.cosine;
        d.nonFiniteA = o.metrics.nonFiniteA;
        d.nonFiniteB = o.metrics.nonFiniteB;
        d.nonFiniteMismatches = o.metrics.nonFiniteMismatches;
        report.outputs.push_back(d);
        report.maxAbsDiff = std::max(report.maxAbsDiff, d.maxAbsDiff);
        report.meanAbsDiff = std::max(report.meanAbsDiff, d.meanAbsDiff);
        report.cosine = std::min(report.cosine, d.cosine);
        report.nonFinite += std::max(d.nonFiniteA, d.nonFiniteB);
        report.nonFiniteMismatches += d.nonFiniteMismatches;
    }
    report.inputsGaveNoNumbers = onlyNoNumbers && someNoNumbers;
    return report;
}

} // namespace torchprep
