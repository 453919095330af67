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
import importlib.util
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
# A symbolic's refusal at this opset or of an argument, not a failure of shape inference
# ("transpose for tensor of unknown rank"), which no op table predicts.
UNSUPPORTED = re.compile(r"Unsupported: ONNX export of (?:operator )?([A-Za-z_][A-Za-z0-9_]*)"
                         r"(?: in opset \d+|, align_corners)")
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
        # A symbolic's own refusal: "Unsupported: ONNX export of cumsum in opset 9".
        unsupported = UNSUPPORTED.search(text)
        if unsupported:
            name = unsupported.group(1)
            return {"result": "refused",
                    "op": "torch.nn.functional.interpolate" if name == "interpolate"
                    else "aten::" + name}
        return {"result": "failed", "error": f"{type(e).__name__}: {text[:200]}"}


# name -> the body of a forward on x, a (2, 4, 6, 6) input: one op as a user writes it.
OPS = {
    "cumsum": "return torch.cumsum(x, 1)",
    "chunk_unpacked": "a, b = x.chunk(2, dim=1)\n        return a * b",
    "chunk_indexed": "parts = x.chunk(2, dim=1)\n        return parts[0] + parts[1]",
    "split": "return torch.split(x, 2, 1)[0] * 2",
    "unbind": "return torch.unbind(x, 1)[0] * 2",
    "flip": "return torch.flip(x, [1])",
    "roll": "return torch.roll(x, 1, 1)",
    "gelu": "return F.gelu(x)",
    "silu": "return F.silu(x)",
    "mish": "return F.mish(x)",
    "hardswish": "return F.hardswish(x)",
    "hardsigmoid": "return F.hardsigmoid(x)",
    "layer_norm": "return F.layer_norm(x, [6])",
    "group_norm": "return F.group_norm(x, 2)",
    "instance_norm": "return F.instance_norm(x)",
    "log_softmax": "return F.log_softmax(x, 1)",
    "argmax": "return torch.argmax(x, 1)",
    "topk": "return torch.topk(x, 2, 1)[0]",
    "sort": "return torch.sort(x, 1)[0]",
    "clamp": "return torch.clamp(x, -1.0, 1.0)",
    "where": "return torch.where(x > 0, x, x * 2)",
    "masked_fill": "return x.masked_fill(x > 0, 0.0)",
    "pad_reflect": "return F.pad(x, [1, 1, 1, 1], mode='reflect')",
    "pad_replicate": "return F.pad(x, [1, 1, 1, 1], mode='replicate')",
    "upsample_nearest": "return F.interpolate(x, scale_factor=2.0, mode='nearest')",
    "upsample_bilinear_aligned":
        "return F.interpolate(x, scale_factor=2.0, mode='bilinear', align_corners=True)",
    "pixel_shuffle": "return F.pixel_shuffle(x, 2)",
    "einsum": "return torch.einsum('bchw,bcwk->bchk', x, x)",
    "std": "return torch.std(x, 1)",
    "norm": "return torch.norm(x, dim=1)",
    "erf": "return torch.erf(x)",
    "atan2": "return torch.atan2(x, x + 1)",
    "remainder": "return torch.remainder(x, 2.0)",
    "fmod": "return torch.fmod(x, 2.0)",
    "floor_divide": "return torch.floor_divide(x, 2.0)",
    "round": "return torch.round(x)",
    "logsumexp": "return torch.logsumexp(x, 1)",
    "amax": "return torch.amax(x, 1)",
    "prod": "return torch.prod(x, 1)",
    "repeat_interleave": "return torch.repeat_interleave(x, 2, dim=1)",
    "tril": "return torch.tril(x)",
    "nonzero": "return torch.nonzero(x > 0).float()",
}


def op_models(folder):
    """OPS as modules of a generated file (scripting reads their source), saved traced and
    scripted in `folder` as op_NAME_FORM.pt: (file, inputs) pairs."""
    source = ["import torch", "import torch.nn.functional as F", ""]
    for name, body in OPS.items():
        source += [f"class Op_{name}(torch.nn.Module):", "    def forward(self, x):",
                   f"        {body}", ""]
    generated = os.path.join(folder, "onnx_op_models.py")
    with open(generated, "w") as f:
        f.write("\n".join(source))
    spec = importlib.util.spec_from_file_location("onnx_op_models", generated)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    inputs = (torch.randn(2, 4, 6, 6),)
    saved = []
    for name in OPS:
        model = getattr(module, f"Op_{name}")().eval()
        for form in ("traced", "scripted"):
            path = os.path.join(folder, f"op_{name}_{form}.pt")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    saved_module = (torch.jit.trace(model, inputs) if form == "traced"
                                    else torch.jit.script(model))
                saved_module.save(path)
                saved.append((path, inputs))
            except Exception as e:  # noqa: BLE001  (recorded: the other form still counts)
                print(f"op_{name}_{form}: not saved: {type(e).__name__}")
    return saved


def main():
    folder = sys.argv[1]
    scratch = os.path.join(folder, "onnx_truth_scratch.onnx")
    truth = []
    # One op per model, at the opsets where first opsets lie.
    for path, inputs in op_models(folder):
        for opset in (9, 11, 13):
            entry = {"file": os.path.basename(path), "opset": opset}
            entry.update(export(path, inputs, opset, scratch))
            truth.append(entry)
            print(entry)
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
