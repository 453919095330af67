// The shapes a torch.export program records for every tensor it computes, laid on its model
// graph: what the Studio writes on edges, with no run and no inputs to describe.
#pragma once

#include "graph/model_graph.h"
#include "torchscript/value_shapes.h"

#include <string>

namespace torchprep {

// The shape and dtype of every value of `graph` (built from the program at `path`) whose size
// the program fixes; values with a symbolic size stay unknown. Throws InputError as
// readExportedProgram() does.
ValueShapes programValueShapes(const std::string &path, const ModelGraph &graph);

} // namespace torchprep
