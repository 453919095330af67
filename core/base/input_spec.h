// What a model's forward is fed when TorchPrep runs it (the proof, compare, the Studio's shapes):
// one description per input, or a file of real inputs saved with torch.save.
#pragma once

#include "base/dtype_names.h" // isKnownDtype: the names addInputArgument and --dtype accept

#include <cstdint>
#include <string>
#include <vector>

namespace torchprep {

using Shape = std::vector<std::int64_t>;

// Values drawn for one input: `low`..`high` inclusive when set; otherwise normal floats and
// integers 0..9.
struct ValueRange
{
    bool set = false;
    double low = 0;
    double high = 0;
};

struct InputSpec
{
    std::vector<Shape> shapes;       // one per forward input
    std::string dtype = "float32";   // for inputs without their own: float32 | float64 | float16
                                     // | bfloat16 | int64 | int32 | int16 | int8 | uint8 | bool
    std::vector<std::string> dtypes; // per input, "" for `dtype`; may be shorter than shapes
    std::vector<ValueRange> ranges;  // per input; may be shorter than shapes
    std::string inputsFile;          // torch.save(x) or torch.save((x, y)): one real batch
    int batches = 3;                 // independent random draws
    std::uint64_t seed = 0;

    const std::string &dtypeOf(std::size_t input) const;
    ValueRange rangeOf(std::size_t input) const;
};

// "1,3,224,224" -> {1, 3, 224, 224}; throws InputError naming the bad text.
Shape parseShape(const std::string &text);

// {1, 3, 224, 224} -> "[1,3,224,224]", as the reports print shapes.
std::string shapeText(const Shape &shape);

// Adds one --input-shape to `spec`: "SHAPE[:DTYPE][:LOW..HIGH]", e.g. "1,80,50",
// "1:int64", "1,16:int64:0..999" (token ids below 1000), "1,1,8,8:float32:0..1". Throws
// InputError naming the bad part.
void addInputArgument(InputSpec &spec, const std::string &text);

// "[1,16] int64 0..999" for input `input`, as reports print it.
std::string describeInput(const InputSpec &spec, std::size_t input);

} // namespace torchprep
