// The model graph of a program saved by torch.export: the same graph a TorchScript file gives,
// so the same checks and views read it.
//
// What it guarantees: every call of a module that export recorded (each `nn_module_stack`
// key, repeated calls included) is one call node; calls of layers are single nodes holding the
// aten ops they ran (`exportedOps`), calls of user code are expanded with their ops inside;
// `torch.cond` and `while_loop` are `prim::If` / `prim::Loop` nodes with their branches as
// blocks; each node's source is the innermost frame of the user's own code in its stack trace,
// and inside a composite torch.nn layer the innermost frame of torch's.
#pragma once

#include "graph/model_graph.h"
#include "pt2/exported_program.h"

#include <string>

namespace torchprep {

ModelGraph buildProgramGraph(const ExportedProgram &program, const std::string &sourcePath);

} // namespace torchprep
