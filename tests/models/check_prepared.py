#!/usr/bin/python3
"""Python's side of the equivalence proof: loads an original and a prepared TorchScript file
with torch.jit.load, runs both on the same random inputs, and prints one JSON object:
{"max_abs_diff": x, "modules": {"layer1.0.module_add": "Add", ...}} (modules: original_name of
every module named module_*).

usage: check_prepared.py ORIGINAL.pt PREPARED.pt SHAPE [SHAPE...]   (SHAPE like 1,3,224,224)
"""
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


def main():
    original = torch.jit.load(sys.argv[1]).eval()
    prepared = torch.jit.load(sys.argv[2]).eval()
    torch.manual_seed(1234)
    inputs = [torch.randn(*[int(d) for d in s.split(",")]) for s in sys.argv[3:]]
    with torch.no_grad():
        a = flatten(original(*inputs))
        b = flatten(prepared(*inputs))
    assert len(a) == len(b), "different numbers of outputs"
    diff = max(((x.double() - y.double()).abs().max().item() for x, y in zip(a, b)), default=0.0)
    modules = {name: m.original_name for name, m in prepared.named_modules()
               if name.split(".")[-1].startswith("module_")}
    print(json.dumps({"max_abs_diff": diff, "modules": modules}))


if __name__ == "__main__":
    main()
