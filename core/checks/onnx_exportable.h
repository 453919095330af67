#pragma once

#include "../finding.h"

#include <string>

namespace torchprep {

// The first guideline, checked without running anything: every op that would reach PyTorch's
// ONNX exporter (what the graph runs, and inside each layer and each of torch's functions what
// the exporter sees once attributes and fixed arguments are folded) has an ONNX symbolic at
// `options.onnxOpset`, and the few argument rules known to refuse an export hold. The table is
// torch's own registry (onnx_opsets.inc, generated). `torchprep export-onnx` runs the exporter
// itself: it also finds what only the exporter's passes refuse.
std::vector<Finding> checkOnnxExportable(const ModelGraph &graph, const CheckOptions &options);

// True when some opset or argument could make the exporter refuse `op`: a finding may name it.
bool onnxMayRefuse(const std::string &op);

// The torch release whose ONNX registry a table was generated from, and its highest opset: ""
// Debian's torch (the default), or a newer one by version ("2.14", as `--onnx-torch` takes it).
// Throws InputError for a version no table was generated from.
std::string onnxTableTorchVersion(const std::string &torch = "");
int onnxMaxOpset(const std::string &torch = "");
// "1.13 and 2.14": the exporters there are tables of.
std::string joinedOnnxExporters();
// The lowest opset the check judges at.
int onnxMinOpset();

} // namespace torchprep
