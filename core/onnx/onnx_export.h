// A TorchScript model exported to ONNX by PyTorch's own exporter (torch.onnx, which lives in
// Python: run out of process), checked by ONNX's checker, and proven in ONNX Runtime against the
// TorchScript model's outputs on the same inputs.
#pragma once

#include "base/input_spec.h"
#include "compare/comparison.h"
#include "graph/model_graph.h"

#include <string>
#include <vector>

namespace torchprep {

class TorchModel;

struct OnnxExportOptions
{
    int opset = 17;
    InputSpec inputs;        // batch 0 is what the exporter traces with and the proof runs
    double tolerance = 1e-4; // ONNX Runtime's kernels round differently from libtorch's
    std::string python;      // the exporter's Python ("": onnxPython()); its torch exports
};

// An op the exporter refused, where the user wrote it.
struct OnnxRefusal
{
    std::string op; // "aten::stft"
    std::vector<SourceLocation> sources;
};

// ONNX Runtime against TorchScript on the same inputs.
struct OnnxProof
{
    bool ran = false;
    std::string runtime; // "onnxruntime 1.30.0"
    std::string note;    // why it did not run, when it did not
    bool passed = false;
    std::string verdict; // why not, when not
    std::vector<DifferenceMetrics> outputs;
    double maxAbsDiff = 0;
};

struct OnnxExportResult
{
    std::string exporter; // "torch 1.13.1 (TorchScript exporter) in /usr/bin/python3"
    bool exported = false;
    std::string error;                 // the exporter's or the checker's one line
    std::vector<OnnxRefusal> refusals; // the ops the error names, with the user's lines
    bool checked = false;              // ONNX's checker passed
    std::string checkerNote;           // why the checker did not run or what it said
    OnnxProof proof;
    bool written = false;
};

// Exports `model` to `output` (written atomically, only when exported and checked, and proven
// where a runtime is found). `graph`, when given, maps an op the exporter refuses to the user's
// source lines. Throws InputError (one line) when Python with torch is missing (naming the
// package that provides it), the inputs cannot be made, or `output` cannot be written.
OnnxExportResult exportOnnx(const TorchModel &model, const ModelGraph *graph,
                            const std::string &output, const OnnxExportOptions &options);

// The interpreter the exporter runs in: $TORCHPREP_PYTHON, /usr/bin/python3, python3 on PATH.
std::string onnxPython();

} // namespace torchprep
