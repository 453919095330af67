"""ONNX Runtime (the onnxruntime package from PyPI) on an exported model, run by torchprep.

python3 run_onnxruntime.py MANIFEST.json

MANIFEST: {"model", "inputs": [{"dtype", "shape", "file"}], "outdir"}. Inputs are raw
little-endian files, fed in order to the session's inputs (the exporter drops inputs the graph
does not use: those are skipped by position). Prints one JSON line, {"outputs": [{"name",
"dtype", "shape", "file"}], "version"} or {"error"}; exit 3 when this Python has no onnxruntime,
so torchprep can try the next Python.
"""
import json
import os
import sys


def first_line(text):
    return next((l.strip() for l in str(text).splitlines() if l.strip()), str(text).strip())


def main():
    try:
        import numpy
        import onnxruntime
    except Exception as error:  # ImportError, or a broken install that fails while importing
        print(json.dumps({"error": "onnxruntime cannot be imported: " + first_line(error)}))
        return 3
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    dtypes = {"float32": numpy.float32, "float64": numpy.float64, "int64": numpy.int64,
              "int32": numpy.int32, "int16": numpy.int16, "int8": numpy.int8, "uint8": numpy.uint8,
              "bool": numpy.bool_, "float16": numpy.float16}
    names = {numpy.dtype(v).name: k for k, v in dtypes.items()}
    try:
        session = onnxruntime.InferenceSession(manifest["model"], providers=["CPUExecutionProvider"])
        feeds = {}
        for position, arg in enumerate(session.get_inputs()):
            index = arg.name[len("input_"):] if arg.name.startswith("input_") else ""
            spec = manifest["inputs"][int(index) if index.isdigit() else position]
            data = numpy.fromfile(spec["file"], dtype=numpy.dtype(dtypes[spec["dtype"]]).newbyteorder("<"))
            feeds[arg.name] = data.reshape(spec["shape"])
        results = session.run(None, feeds)
    except Exception as error:  # the runtime's own refusal, whatever its class
        print(json.dumps({"error": first_line(error)}))
        return 1
    outputs = []
    for k, (arg, value) in enumerate(zip(session.get_outputs(), results)):
        value = numpy.ascontiguousarray(value)
        if value.dtype.name not in names:
            print(json.dumps({"error": "output %s has the type %s" % (arg.name, value.dtype.name)}))
            return 1
        path = os.path.join(manifest["outdir"], "output_%d.bin" % k)
        value.astype(value.dtype.newbyteorder("<")).tofile(path)
        outputs.append({"name": arg.name, "dtype": names[value.dtype.name], "shape": list(value.shape),
                        "file": path})
    print(json.dumps({"outputs": outputs, "version": onnxruntime.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
