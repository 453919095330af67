// The helper scripts exportOnnx runs, built into the binary from core/onnx/*.py.
#pragma once

namespace torchprep {

const char *onnxExportScript();  // export_onnx.py
const char *onnxRuntimeScript(); // run_onnxruntime.py

} // namespace torchprep
