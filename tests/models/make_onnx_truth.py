#!/usr/bin/python3
"""The truth for the onnx_exportable check: PyTorch's own exporter run on the oracle's saved
TorchScript files (what a user exports), at opsets 11 and 17.

usage: make_onnx_truth.py ORACLE_MODELS_DIR

Writes onnx_truth.json there: one entry per file and opset, {"file", "opset", "result"} with
result "ok", "refused" (the exporter names an op it has no symbolic for, in "op") or "failed"
(the exporter broke for another reason: "error"; the static check claims nothing about these).
The large convolutional nets are left out: they export, and cost most of the time.
"""
import contextlib
import io
import json
import os
import re
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import make_oracle_models as oracle  # noqa: E402

SKIP = {"tv_mnasnet0_5", "tv_shufflenet_v2", "tv_mobilenet_v2", "tv_inception_v3", "tv_densenet"}
REFUSED = re.compile(r"Exporting the operator '?([A-Za-z_]+::[A-Za-z0-9_]+)'? to ONNX opset version")


def models():
    found = {name: inputs for name, (_, inputs, _) in oracle.KINDS.items()}
    for source in (oracle.torchvision_models, oracle.torchaudio_models, oracle.torchtext_models):
        try:
            found.update({name: inputs for name, (_, inputs) in source().items()})
        except ImportError as e:
            print(f"{source.__name__}: skipped, {e}")
    return found


def export(path, inputs, opset, scratch):
    module = torch.jit.load(path)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            torch.onnx.export(module, inputs, scratch, opset_version=opset)
        return {"result": "ok"}
    except Exception as e:  # the exporter's own errors, whatever their class
        text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        refused = REFUSED.search(text)
        if refused:
            return {"result": "refused", "op": refused.group(1)}
        return {"result": "failed", "error": f"{type(e).__name__}: {text[:200]}"}


def main():
    folder = sys.argv[1]
    scratch = os.path.join(folder, "onnx_truth_scratch.onnx")
    truth = []
    for name, inputs in models().items():
        if name in SKIP:
            continue
        for form in ("traced", "scripted"):
            path = os.path.join(folder, f"{name}_{form}.pt")
            if not os.path.exists(path):
                continue
            for opset in (11, 17):
                entry = {"file": os.path.basename(path), "opset": opset}
                entry.update(export(path, inputs, opset, scratch))
                truth.append(entry)
                print(entry)
    if os.path.exists(scratch):
        os.remove(scratch)
    with open(os.path.join(folder, "onnx_truth.json"), "w") as f:
        json.dump(truth, f, indent=1)


if __name__ == "__main__":
    main()
