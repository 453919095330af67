"""PyTorch's own ONNX exporter, run by torchprep out of process (the exporter lives in Python).

python3 export_onnx.py MODEL.pt INPUTS.pt OUT.onnx OPSET

INPUTS.pt is a tuple of tensors torchprep wrote (torch.load reads it). Prints one JSON object on
stdout: {"exported": bool, "error": str|null, "ops": [...ops the error names...],
"checked": bool, "checker": str|null, "inputs": [...], "outputs": [...]}; exit code 0 when
the model was exported, 1 when the exporter or the checker refused it, 3 when torch is missing.
"""
import inspect
import json
import os
import re
import sys


def first_line(text):
    """The reason, without the exporter's boilerplate and its dump of the graph value."""
    line = next((l.strip() for l in str(text).splitlines() if l.strip()), str(text).strip())
    for tail in (" [Caused by", " Please feel free to request support"):
        if tail in line:
            line = line[: line.index(tail)]
    return line.strip()


def ops_named(text):
    """The ops an exporter error names: 'aten::stft', or 'stft' in 'export of operator stft'.
    None where the error is about shapes the exporter lost ("transpose for tensor of unknown
    rank"): that op exports, given shapes."""
    if "unknown rank" in text or "unknown shape" in text:
        return []
    found = re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*::[A-Za-z_][A-Za-z0-9_.]*)", text)
    found += ["aten::" + m for m in re.findall(r"export of (?:operator )?([A-Za-z_][A-Za-z0-9_]*)", text)]
    seen = []
    for op in found:
        op = op.split(".")[0]
        namespace = op.split("::")[0]
        # ops live in lower-case namespaces; "Conv2d::conv" is a scope, prim/onnx are the exporter's
        if namespace != namespace.lower() or namespace in ("prim", "onnx", "torch"):
            continue
        if op not in seen:
            seen.append(op)
    return seen


def emit(result):
    RESULT.write(json.dumps(result) + "\n")
    RESULT.flush()


def main():
    model_path, inputs_path, out_path, opset = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    result = {"exported": False, "error": None, "ops": [], "checked": False, "checker": None, "torch": None,
              "opset_error": None}
    try:
        import torch
    except ImportError:
        result["error"] = "Python has no torch"
        emit(result)
        return 3
    try:  # torchvision registers its ops' symbolics (nms, roi_align) when imported
        import torchvision  # noqa: F401
    except ImportError:
        pass
    result["torch"] = torch.__version__.split("+")[0]
    constants = getattr(torch.onnx, "_constants", None)
    max_opset = getattr(constants, "ONNX_TORCHSCRIPT_EXPORTER_MAX_OPSET", getattr(constants, "ONNX_MAX_OPSET", None))
    if max_opset is not None and opset > max_opset:
        result["opset_error"] = "torch %s exports opsets up to %d" % (result["torch"], max_opset)
        emit(result)
        return 2
    model = torch.jit.load(model_path, map_location="cpu")
    inputs = torch.load(inputs_path)
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    names = ["input_%d" % i for i in range(len(inputs))]
    try:
        # A TorchScript file goes to the TorchScript exporter, which torch 2.9 and later no longer
        # pick by default.
        keywords = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
        torch.onnx.export(model, inputs, out_path, opset_version=opset, input_names=names,
                          do_constant_folding=True, **keywords)
    except Exception as error:  # the exporter's own refusal, whatever its class
        text = str(error)
        result["error"] = first_line(text)
        result["ops"] = ops_named(first_line(text))
        emit(result)
        return 1
    result["exported"] = True
    try:
        import onnx
    except ImportError:
        result["checker"] = "the onnx module is missing (Debian: python3-onnx): the ONNX checker did not run"
        emit(result)
        return 0
    try:
        onnx.checker.check_model(onnx.load(out_path), full_check=True)
        result["checked"] = True
    except Exception as error:
        result["checker"] = first_line(error)
        emit(result)
        return 1
    graph = onnx.load(out_path).graph
    result["inputs"] = [i.name for i in graph.input]
    result["outputs"] = [o.name for o in graph.output]
    emit(result)
    return 0


if __name__ == "__main__":
    # The result is the only thing on stdout: what torch prints there itself (torch 2.x's "Torch
    # IR graph at exception", from C++ too) goes to stderr.
    RESULT = os.fdopen(os.dup(1), "w")
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.exit(main())
