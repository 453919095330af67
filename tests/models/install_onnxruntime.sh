#!/usr/bin/env bash
# ONNX Runtime for the ONNX tests: onnxruntime-node from the npm registry, without install
# scripts (the package ships its native library prebuilt). Reuses an install already there.
set -euo pipefail
dir="$1"
if [ -f "$dir/node_modules/onnxruntime-node/package.json" ]; then
  exit 0
fi
mkdir -p "$dir"
cd "$dir"
npm install --no-audit --no-fund --ignore-scripts onnxruntime-node >/dev/null
test -f node_modules/onnxruntime-node/package.json
