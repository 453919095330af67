#!/usr/bin/env bash
# Installs what TorchPrep needs to build, test and make its example, from Debian's own packages:
# Debian 12 (bookworm: libtorch 1.13, Qt 6.4) or Debian 13 (trixie: libtorch 2.6, Qt 6.8), told
# by /etc/debian_version. The README's first command and CI's .ci/run both call this.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
release="$(cut -d. -f1 /etc/debian_version 2>/dev/null || true)"
case "$release" in
  12) by_release=(python3-torchtext) ;; # torchtext's models for the oracle; trixie has none
  13) by_release=() ;;
  *) echo "install-deps.sh: Debian 12 or 13 expected, /etc/debian_version says '$(cat /etc/debian_version 2>/dev/null)'" >&2
     exit 2 ;;
esac
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
  build-essential cmake ninja-build ccache \
  libtorch-dev qt6-base-dev libqcustomplot-dev libgraphviz-dev \
  python3 python3-venv python3-torch python3-torchvision python3-torchaudio \
  qt6-svg-dev pkgconf zlib1g-dev nlohmann-json3-dev \
  libopenblas0-pthread python3-onnx "${by_release[@]}"
