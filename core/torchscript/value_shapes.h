// The shape and dtype of every tensor the model graph shows, recorded from one forward run on
// described inputs: what the Studio writes on edges and in the properties panel.
#pragma once

#include "base/input_spec.h"
#include "graph/model_graph.h"

#include <string>
#include <vector>

namespace torchprep {

class TorchModel;

struct TensorShape
{
    bool known = false; // false: not a tensor, or not computed by the run (a branch not taken)
    Shape sizes;
    std::string dtype; // "float32", "int64", ... as --input-shape spells it
};

struct ValueShapes
{
    std::vector<TensorShape> values; // by ValueId of the graph they were recorded for
    std::size_t recorded = 0;        // how many values got a shape

    // The shape of `value`, or nullptr when none is known.
    const TensorShape *of(ValueId value) const;
};

// Runs `model` once on `inputs` (batch 0 of the seeded random inputs, or the inputs file) and
// records the shape and dtype of every tensor value of `graph`, which must be the graph built
// from `model`. The run is on a copy whose method graphs record each tensor as it is computed
// (TorchScript has no hooks); the model itself is never changed. Values inside a module that
// runs more than once get each call's own shapes; inside a loop, the first iteration's. Throws
// InputError (one line) when the inputs cannot be made or the model rejects them.
ValueShapes recordValueShapes(const TorchModel &model, const ModelGraph &graph,
                              const InputSpec &inputs);

// "1x64x112x112" for float32 tensors, "1x16 int64" for others, "scalar" for zero dimensions.
std::string tensorShapeText(const TensorShape &shape);

} // namespace torchprep
