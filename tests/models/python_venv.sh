#!/usr/bin/env bash
# A Python venv for the tests, made once and kept outside the clone, keyed by what it holds, so
# CI on the same machine reuses it:
#   python_venv.sh LINK PYTHON PACKAGE==VERSION...
# makes $TORCHPREP_VENV_CACHE (default ~/.cache/torchprep/venvs)/<python version>-<packages>
# with PYTHON's venv module, installs the pinned packages into it, and points the symlink LINK
# (in the build tree) at it. A venv left half-made by an interrupted run is made again.
set -euo pipefail
link="$1"; python="$2"; shift 2
version="$("$python" -c 'import sys; print("py%d.%d.%d" % sys.version_info[:3])')"
# The base interpreter's path is part of the key: Debian's and pyenv's 3.11.x never share a venv.
base="$(readlink -f "$(command -v "$python")" | md5sum | cut -c1-8)"
key="$version-$base-$(printf '%s-' "$@" | tr -c 'A-Za-z0-9.=_-' '_' | sed 's/==/-/g; s/-$//')"
cache="${TORCHPREP_VENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/torchprep/venvs}"
venv="$cache/$key"
mkdir -p "$cache"
exec 9>"$venv.lock"
flock 9 # two builds on one machine make it once
# A venv whose base interpreter went away is made again.
if [ ! -f "$venv/.complete" ] || ! "$venv/bin/python" -c '' 2>/dev/null; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  touch "$venv/.complete"
fi
mkdir -p "$(dirname "$link")"
ln -sfn "$venv" "$link"
"$link/bin/python" -c 'import sys; print(sys.prefix)'
