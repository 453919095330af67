// How an ONNX export reads: JSON for pipelines, text for a terminal. `prepare --onnx` nests the
// same JSON under "onnx".
#pragma once

#include "onnx/onnx_export.h"

#include <string>

namespace torchprep {

class JsonWriter;

// {"input", "output", "opset", "exported", "error", "refused_ops": [{"op", "sources"}],
//  "checked", "checker", "proof": {"ran", "runtime", "note", "passed", "verdict", "max_abs_diff"}}
void writeOnnxJson(JsonWriter &json, const std::string &input, const std::string &output,
                   const OnnxExportOptions &options, const OnnxExportResult &result);
std::string onnxJson(const std::string &input, const std::string &output,
                     const OnnxExportOptions &options, const OnnxExportResult &result);

std::string onnxText(const std::string &output, const OnnxExportOptions &options,
                     const OnnxExportResult &result);

} // namespace torchprep
