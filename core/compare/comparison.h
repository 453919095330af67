// The comparison engine: two TorchScript models on the same inputs, output by output and,
// on request, layer by layer. Plain C++ results, ready for a report or a plot.
#pragma once

#include "../equivalence.h"

#include <cstdint>
#include <string>
#include <vector>

namespace torchprep {

class TorchModel;

struct CompareOptions
{
    InputSpec inputs;       // random inputs (shapes, dtype, batches, seed) unless inputsFile
    std::string inputsFile; // torch.save(tensor or tuple of tensors): one batch
    std::string device = "auto"; // auto | cpu | cuda | cuda:N
    bool perLayer = false;
    double tolerance = 1e-5; // absolute, on every element
    int runs = 10;           // timed forwards per model, after warm-up
    int warmup = 2;
    int histogramBins = 50;
};

// Element-wise differences B - A, ready for a bar plot: counts[i] fall in [edges[i], edges[i+1]).
struct Histogram
{
    std::vector<double> edges; // counts.size() + 1 values
    std::vector<std::int64_t> counts;
};

// How far B's tensor is from A's (A is the reference).
struct DifferenceMetrics
{
    double maxAbsDiff = 0;
    double meanAbsDiff = 0;
    double cosine = 1;
    double sqnrDb = 0; // 10 log10(|A|^2 / |B - A|^2); +infinity when B equals A
};

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
    std::string match;   // "path" | "dataflow" (no twin by path: matched by position) | "new" | "removed"
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
};

// Runs A and B on the same inputs on one device and compares every output; with perLayer,
// also every module call's output. Throws InputError (one line) when the inputs cannot be made
// or read, a model rejects them, the device is not there, or the two models' outputs differ in
// number or shape.
ComparisonReport compareModels(const TorchModel &a, const TorchModel &b, const CompareOptions &options);

} // namespace torchprep
