#!/usr/bin/python3
"""Python's side of the equivalence proof: loads an original and a prepared TorchScript file
with torch.jit.load, runs both on the same random inputs, and prints one JSON object:
{"max_abs_diff": x, "modules": {"layer1.0.module_add": "Add", ...}} (modules: original_name of
every module named module_*).

With --emitted FILE.py (what `prepare --emit-python` wrote) it also imports that file, builds
the model with load_model() and adds "emitted": {"max_abs_diff": x (against the prepared
file), "is_script": false, "training": false, "classes": {"conv1": "nn.Conv2d", "module_add":
"Add", ...}} (every module's Python class by path, "nn." for torch.nn's own classes).

usage: check_prepared.py ORIGINAL.pt PREPARED.pt SHAPE [SHAPE...] [--emitted FILE.py]
       (SHAPE like 1,3,224,224)
"""
import importlib.util
import json
import sys

import torch


def flatten(value):
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in flatten(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in flatten(v)]
    return []


def max_diff(a, b):
    assert len(a) == len(b), "different numbers of outputs"
    diff = 0.0
    for x, y in zip(a, b):
        assert x.shape == y.shape, f"shapes differ: {x.shape} vs {y.shape}"
        if x.numel():
            diff = max(diff, (x.double() - y.double()).abs().max().item())
    return diff


def load_emitted(path):
    spec = importlib.util.spec_from_file_location("emitted_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_model()


def main():
    args = sys.argv[1:]
    emitted_path = None
    if "--emitted" in args:
        at = args.index("--emitted")
        emitted_path = args[at + 1]
        del args[at:at + 2]
    original = torch.jit.load(args[0]).eval()
    prepared = torch.jit.load(args[1]).eval()
    emitted = load_emitted(emitted_path) if emitted_path else None
    torch.manual_seed(1234)
    inputs = [torch.randn(*[int(d) for d in s.split(",")]) for s in args[2:]]
    with torch.no_grad():  # clones: in-place ops must not leak from one run into the next
        a = flatten(original(*[t.clone() for t in inputs]))
        b = flatten(prepared(*[t.clone() for t in inputs]))
        c = flatten(emitted(*[t.clone() for t in inputs])) if emitted is not None else None
    result = {"max_abs_diff": max_diff(a, b),
              "modules": {name: m.original_name for name, m in prepared.named_modules()
                          if name.split(".")[-1].startswith("module_")}}
    if emitted is not None:
        result["emitted"] = {
            "max_abs_diff": max_diff(b, c),
            "is_script": isinstance(emitted, torch.jit.ScriptModule),
            "training": emitted.training,
            "classes": {name: ("nn." if type(m).__module__.startswith("torch.nn") else "")
                        + type(m).__name__ for name, m in emitted.named_modules()}}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
