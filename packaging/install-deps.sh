#!/usr/bin/env bash
# Installs what TorchPrep needs to build, test and make its example, from Debian bookworm's
# packages only. The README's first command and CI's .ci/run both call this.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
  build-essential cmake ninja-build ccache \
  libtorch-dev qt6-base-dev libqcustomplot-dev libgraphviz-dev \
  python3 python3-torch python3-torchvision python3-torchaudio python3-torchtext \
  qt6-svg-dev pkgconf zlib1g-dev \
  libopenblas0-pthread python3-onnx
# The ONNX tests run ONNX Runtime with node (onnxruntime-node from npm); these machines have
# node 20 with npm already, Debian's own only where there is none.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  $SUDO apt-get install -y --no-install-recommends nodejs npm
fi
