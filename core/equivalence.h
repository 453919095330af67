// The equivalence proof: two models run on the same seeded inputs must give the same outputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace torchprep {

class TorchModel;

using Shape = std::vector<std::int64_t>;

// "1,3,224,224" -> {1, 3, 224, 224}; throws InputError naming the bad text.
Shape parseShape(const std::string &text);

// {1, 3, 224, 224} -> "[1,3,224,224]", as the reports print shapes.
std::string shapeText(const Shape &shape);

struct InputSpec
{
    std::vector<Shape> shapes;     // one per forward input
    std::string dtype = "float32"; // float32 | float64 | float16 | bfloat16 | int64 | int32
    int batches = 3;               // independent random draws
    std::uint64_t seed = 0;
};

struct OutputDifference
{
    std::size_t index = 0; // position in the flattened outputs
    Shape shape;
    double maxAbsDiff = 0;
    double meanAbsDiff = 0;
    double cosine = 1;
};

struct EquivalenceReport
{
    bool passed = false;
    double tolerance = 0;
    double maxAbsDiff = 0;  // worst over outputs and batches
    double meanAbsDiff = 0; // worst over outputs and batches
    double cosine = 1;      // lowest over outputs and batches
    std::vector<OutputDifference> outputs; // worst batch per output
    std::string mismatch; // why the outputs cannot be compared at all, else ""
};

// Runs both models on the same inputs, batch by batch, and compares every output tensor
// (tuples, lists and dicts are flattened). Passes when every element differs by at most
// `tolerance`. Throws InputError with the model's own one-line reason when it rejects the inputs.
EquivalenceReport proveEquivalent(const TorchModel &original, const TorchModel &prepared,
                                  const InputSpec &inputs, double tolerance);

} // namespace torchprep
