#pragma once

#include "checks/finding.h"
#include "graph/analyses.h"

#include <string>

namespace torchprep {

// The first guideline, checked without running anything: every op that would reach PyTorch's
// ONNX exporter (what the graph runs, and inside each layer and each of torch's functions what
// the exporter sees once attributes and fixed arguments are folded) has an ONNX symbolic at
// `options.onnxOpset`, and the few argument rules known to refuse an export hold. The table is
// torch's own registry (graph/onnx_opsets.h). `torchprep export-onnx` runs the exporter
// itself: it also finds what only the exporter's passes refuse.
std::vector<Finding> checkOnnxExportable(const ModelGraph &graph, const CheckOptions &options,
                                         GraphAnalyses &analyses);

} // namespace torchprep
