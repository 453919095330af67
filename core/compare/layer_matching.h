// Pairs the module calls of two models so their outputs can be compared layer by layer,
// including modules one side added, renamed or unrolled (the preparer's module_relu_1).
#pragma once

#include "base/input_spec.h"

#include <string>
#include <vector>

namespace torchprep {

// One call of a module whose output was recorded, in execution (completion) order.
struct LayerCall
{
    std::string module;    // path: "layer1.0.relu"
    std::string className; // "ReLU"
    int call = 0;          // 0 for its first call, 1 for the second, ...
    Shape shape;           // of its output
};

struct LayerPair
{
    int a = -1;      // index into A's calls, -1 when B's call has no twin
    int b = -1;      // index into B's calls, -1 when A's call has no twin
    std::string how; // "path" | "dataflow" | "new" | "removed"
};

// First by path and call number. Then each of B's unpaired calls takes an unpaired call of A
// with the same output shape from between the same two path-paired neighbours, preferring the
// same class, then the same base name (module_relu_1 ~ relu); the rest are "new" (B only) or
// "removed" (A only). Pairs come in B's order; an unpaired A call right after the pair that
// precedes it in A.
std::vector<LayerPair> matchLayers(const std::vector<LayerCall> &a,
                                   const std::vector<LayerCall> &b);

} // namespace torchprep
