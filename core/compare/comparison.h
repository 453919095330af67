// The comparison engine: two models (TorchScript or torch.export) on the same inputs, output by
// output and, on request, layer by layer. Plain C++ results, ready for a report or a plot.
#pragma once

#include "base/input_spec.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace torchprep {

class TorchModel;
class ExportedModel;

// A model compare runs: a TorchScript file, or a torch.export program (.pt2) run node by node.
struct ComparableModel
{
    std::shared_ptr<const TorchModel> script;
    std::shared_ptr<const ExportedModel> program;

    // Whichever `path` holds, read onto `device` (resolveComparisonDevice()). Throws InputError.
    static ComparableModel load(const std::string &path, const std::string &device);
    // A TorchScript model the caller keeps alive.
    static ComparableModel of(const TorchModel &model);
};

struct CompareOptions
{
    // false: each batch runs once per model and nothing is timed (the proof in prepare).
    bool timed = true;
    std::string nameA = "first"; // how messages name the models: "the first model rejects ..."
    std::string nameB = "second";
    InputSpec
        inputs; // random inputs (shapes, dtypes, ranges, batches, seed) or a file of real ones
    std::string device = "auto"; // auto | cpu | cuda | cuda:N
    bool perLayer = false;
    double tolerance = 1e-5; // absolute, on every element
    int runs = 10;           // timed forwards per model, after warm-up
    int warmup = 2;
    int histogramBins = 50;
    // Told after each forward run: the runs done and the runs in all. Returning false stops the
    // comparison: compareModels() then throws InputError("the comparison was cancelled").
    std::function<bool(int done, int total)> progress;
};

// Element-wise differences B - A, ready for a bar plot: counts[i] fall in [edges[i], edges[i+1]).
struct Histogram
{
    std::vector<double> edges; // counts.size() + 1 values
    std::vector<std::int64_t> counts;
};

// How far B's tensor is from A's (A is the reference). NaN and Inf follow one rule: at the same
// position with the same sign (NaN and NaN, +Inf and +Inf) they agree; against a number or
// another non-finite value they differ and are counted in nonFiniteMismatches. The distances are
// measured over the positions where both are finite.
struct DifferenceMetrics
{
    double maxAbsDiff = 0;
    double meanAbsDiff = 0;
    double cosine = 1;
    double sqnrDb = 0;                    // 10 log10(|A|^2 / |B - A|^2); +infinity when B equals A
    std::int64_t elements = 0;            // in each tensor
    std::int64_t finiteElements = 0;      // positions where both are finite
    std::int64_t nonFiniteA = 0;          // NaN or Inf in A
    std::int64_t nonFiniteB = 0;          // NaN or Inf in B
    std::int64_t nonFiniteMismatches = 0; // positions where A and B disagree on NaN/Inf
};

// The one rule for "B computes what A computes" (the proof in prepare, the verdict of compare,
// each layer's divergence): no NaN/Inf disagreement and every finite element within `tolerance`.
// A non-empty tensor with no finite element in either model proves nothing: it never agrees.
// `reason` says why not, for a person ("3 elements are NaN or Inf in one model only").
// A non-empty tensor NaN or Inf everywhere, the same in both models: nothing to compare.
bool givesNoNumbers(const DifferenceMetrics &metrics);

struct Agreement
{
    bool agrees = true;
    std::string reason;
};
Agreement agreementOf(const DifferenceMetrics &metrics, double tolerance);

struct OutputComparison
{
    std::size_t index = 0; // position in the flattened outputs
    Shape shape;
    DifferenceMetrics metrics; // worst batch
    Histogram histogram;       // over every batch
};

struct LayerComparison
{
    std::string module;  // path in B (in A for a layer B lacks)
    std::string aModule; // its twin's path in A, "" when it has none
    int call = 0;        // which call of the module (0: first); reused modules have several
    std::string
        match; // "path" | "dataflow" (no twin by path: matched by position) | "new" | "removed"
    Shape shape;
    bool compared = false; // false for "new" / "removed" or differing shapes
    DifferenceMetrics metrics;
};

struct ModelTiming
{
    double medianMs = 0;
    double minMs = 0;
    int runs = 0;
};

struct ComparisonReport
{
    std::string device; // "cpu" | "cuda:0"
    bool passed = false;
    double tolerance = 0;
    std::vector<OutputComparison> outputs;
    ModelTiming timingA;
    ModelTiming timingB;
    std::vector<Shape> inputShapes;
    int batches = 0;
    std::vector<LayerComparison> layers; // --per-layer: in B's execution order
    std::string firstDivergence;         // first compared layer beyond tolerance, "" if none
    // Why the outputs do not agree, for a person; "" when they do. With `comparable` false the
    // models return different numbers or shapes of tensors and no metrics were measured.
    std::string verdict;
    bool comparable = true;
};

// Runs A and B on the same inputs on one device and compares every output; with perLayer,
// also every module call's output. Models run as written (the interpreter, no graph
// optimisation), each batch after seeding torch's generator the same way for both, so models
// that draw random numbers (dropout in training mode) draw the same ones. Outputs that differ in
// number or shape make the report not `comparable` (not passed, `verdict` says how). Throws
// InputError (one line) when the inputs cannot be made or read, a model rejects them, or the
// device is not there.
ComparisonReport compareModels(const TorchModel &a, const TorchModel &b,
                               const CompareOptions &options);
ComparisonReport compareModels(const ComparableModel &a, const ComparableModel &b,
                               const CompareOptions &options);

// A against the outputs another runtime returned (the torch that wrote the file), saved with
// torch.save in `outputsFile`, on the inputs they came from (options.inputs.inputsFile, which it
// requires). A runs as in compareModels; B has no timing and no layers. Throws as compareModels.
ComparisonReport compareWithOutputs(const TorchModel &a, const std::string &outputsFile,
                                    const CompareOptions &options);
ComparisonReport compareWithOutputs(const ComparableModel &a, const std::string &outputsFile,
                                    const CompareOptions &options);

// The device `--device NAME` means here ("auto" -> "cuda:0" or "cpu"); throws InputError as
// compareModels does for a device that is not there. Models loaded onto it
// (TorchModel::load(path, device)) are compared where they are, with no copy.
std::string resolveComparisonDevice(const std::string &name);

} // namespace torchprep
