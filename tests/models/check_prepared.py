#!/usr/bin/python3
"""Python's side of the equivalence proof: loads an original and a prepared TorchScript file
with torch.jit.load, runs both on the same random inputs, and prints one JSON object:
{"max_abs_diff": x, "modules": {"layer1.0.module_add": "Add", ...}, "several_ops": [...],
"parameter_inputs": [...], "projections": {...}} (modules: original_name of every module the
preparer added, named module_* or linear_Q/K/V; the two lists: added modules whose forward
computes more than one data op, and calls of added modules that pass a parameter or buffer in;
both empty when the preparer kept its promises; projections: for every attention given
linear_Q/K/V, whether their weights and biases stacked are the original's packed
in_proj_weight/in_proj_bias (or its q/k/v_proj_weight), and whether the packed ones are gone).

With --emitted FILE.py (what `prepare --emit-python` wrote) it also imports that file, builds
the model with load_model() and adds "emitted": {"max_abs_diff": x (against the prepared
file), "is_script": false, "training": false, "called_twice": [modules forward hooks saw called
more than once in one run], "classes": {"conv1": "nn.Conv2d", "module_add":
"Add", ...}} (every module's Python class by path, "nn." for torch.nn's own classes).

usage: check_prepared.py ORIGINAL.pt PREPARED.pt SHAPE [SHAPE...] [--emitted FILE.py]
       (SHAPE like 1,3,224,224)
"""
import importlib.util
import json
import re
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


NOT_DATA = {"prim::Constant", "prim::GetAttr", "prim::ListConstruct", "prim::TupleConstruct",
            "prim::TupleUnpack", "prim::ListUnpack", "prim::Return", "prim::Param"}


def nodes_of(block):
    for node in block.nodes():
        yield node
        for sub in node.blocks():
            yield from nodes_of(sub)


PROJECTION = re.compile(r"linear_[QKV](_[0-9]+)?$")


def added(name):
    last = name.split(".")[-1]
    return last.startswith("module_") or PROJECTION.match(last) is not None


def projections(original, prepared):
    """linear_Q/K/V against the original attention's packed weights, by module path."""
    before = dict(original.named_modules())
    result = {}
    for path, m in prepared.named_modules():
        children = dict(m.named_children())
        if "linear_Q" not in children:
            continue
        # an unrolled copy (`module_attn_1`) holds the rows of the module it copies (`attn`)
        parent, _, last = path.rpartition(".")
        copied = re.sub(r"^module_(.*)_[0-9]+$", r"\1", last)
        source = path if path in before else (parent + "." if parent else "") + copied
        if source not in before:
            continue
        old = before[source]
        parts = [children[f"linear_{r}"] for r in "QKV"]
        if hasattr(old, "in_proj_weight") and old.in_proj_weight is not None:
            weights = torch.equal(torch.cat([p.weight for p in parts]), old.in_proj_weight)
            bias = getattr(old, "in_proj_bias", None)
        else:
            weights = all(torch.equal(p.weight, getattr(old, f"{r.lower()}_proj_weight"))
                          for p, r in zip(parts, "QKV"))
            bias = getattr(old, "in_proj_bias", None)
        if bias is not None:
            weights = weights and torch.equal(torch.cat([p.bias for p in parts]), bias)
        packed = [n for n in ("in_proj_weight", "in_proj_bias", "q_proj_weight", "k_proj_weight",
                              "v_proj_weight") if hasattr(m, n) and getattr(m, n) is not None]
        result[path] = {"rows_match": bool(weights), "packed_left": packed}
    return result


def audit(prepared):
    """What the preparer promises of every module it adds: its forward computes one data op
    (copies of the user's own modules aside), and no call of one passes a parameter or buffer
    in. Returns the modules that break either promise."""
    several_ops, parameter_inputs = [], []
    for name, m in prepared.named_modules():
        if not hasattr(m, "forward") or not hasattr(m.forward, "graph"):
            continue
        graph = m.forward.graph
        kind = m._c._type().qualified_name()
        ours = ".torchprep.nn." in kind or ".torch.nn.modules." in kind  # copies of user code aside
        if added(name) and ours and not list(m.children()):
            ops = [n.kind() for n in nodes_of(graph) if n.kind() not in NOT_DATA]
            if len(ops) != 1:
                several_ops.append(f"{name}: {ops}")
        for node in nodes_of(graph):
            if node.kind() != "prim::CallMethod":
                continue
            callee = list(node.inputs())[0].node()
            if callee.kind() != "prim::GetAttr" or not callee.s("name").startswith("module_"):
                continue
            for value in list(node.inputs())[1:]:
                if value.node().kind() == "prim::GetAttr" and value.type().kind() == "TensorType":
                    parameter_inputs.append(f"{name}.{callee.s('name')} <- {value.node().s('name')}")
    return several_ops, parameter_inputs


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
    calls = {}  # forward hooks on the emitted model: AIMET's reuse check
    if emitted is not None:
        for name, m in emitted.named_modules():
            m.register_forward_hook(
                lambda mod, args, out, name=name: calls.__setitem__(name, calls.get(name, 0) + 1))
    with torch.no_grad():  # clones: in-place ops must not leak from one run into the next
        a = flatten(original(*[t.clone() for t in inputs]))
        b = flatten(prepared(*[t.clone() for t in inputs]))
        c = flatten(emitted(*[t.clone() for t in inputs])) if emitted is not None else None
    several_ops, parameter_inputs = audit(prepared)
    result = {"max_abs_diff": max_diff(a, b),
              "modules": {name: m.original_name for name, m in prepared.named_modules()
                          if added(name)},
              "several_ops": several_ops,
              "parameter_inputs": parameter_inputs,
              "projections": projections(original, prepared)}
    if emitted is not None:
        result["emitted"] = {
            "max_abs_diff": max_diff(b, c),
            "is_script": isinstance(emitted, torch.jit.ScriptModule),
            "training": emitted.training,
            "called_twice": sorted(n for n, k in calls.items() if k > 1),
            "classes": {name: ("nn." if type(m).__module__.startswith("torch.nn") else "")
                        + type(m).__name__ for name, m in emitted.named_modules()}}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
