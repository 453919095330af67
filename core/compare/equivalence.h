// The equivalence proof: two models run on the same seeded inputs must give the same outputs.
#pragma once

#include "base/input_spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace torchprep {

class TorchModel;

struct OutputDifference
{
    std::size_t index = 0; // position in the flattened outputs
    Shape shape;
    double maxAbsDiff = 0;
    double meanAbsDiff = 0;
    double cosine = 1;
    std::int64_t nonFiniteA = 0; // NaN or Inf elements in the original's output (worst batch)
    std::int64_t nonFiniteB = 0; // ... in the prepared model's
    std::int64_t nonFiniteMismatches = 0;
};

struct EquivalenceReport
{
    bool passed = false;
    double tolerance = 0;
    double maxAbsDiff = 0;                 // worst over outputs and batches
    double meanAbsDiff = 0;                // worst over outputs and batches
    double cosine = 1;                     // lowest over outputs and batches
    std::vector<OutputDifference> outputs; // worst batch per output
    std::string mismatch;                  // why the outputs cannot be compared at all, else ""
    std::string reason;                    // why comparable outputs do not agree, else ""
    std::int64_t nonFinite = 0;            // NaN/Inf elements over outputs (worst batch each)
    std::int64_t nonFiniteMismatches = 0;  // positions where the models disagree on NaN/Inf
    // Not passed only because an output is NaN/Inf everywhere, the same in both models: the
    // inputs gave no numbers to compare, which says nothing against the prepared model.
    bool inputsGaveNoNumbers = false;
};

// Runs both models on the same inputs, batch by batch, and compares every output tensor
// (tuples, lists and dicts are flattened): the comparison engine (compare/comparison.h) at its
// strictest, on the CPU, nothing timed. Passes under the engine's one rule (agreementOf): NaN and
// Inf agree only where both models have them, finite elements within `tolerance`, and an output
// with no finite element never passes. Throws InputError with the model's own one-line reason
// when it rejects the inputs.
EquivalenceReport proveEquivalent(const TorchModel &original, const TorchModel &prepared,
                                  const InputSpec &inputs, double tolerance);

} // namespace torchprep
