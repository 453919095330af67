#!/usr/bin/python3
"""Generates the test models the way users make theirs: Python classes, torch.jit.trace and
torch.jit.script, saved with .save(). Also writes what torch.fx (an independent tracer) sees in
each model, as an oracle for the C++ validator, and the bad inputs the CLI must refuse.

usage: make_models.py OUTDIR
"""
import copy
import json
import os
import sys
import zipfile
from typing import Dict, List

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F

from aimet_catalogue import AIMET_CASES, PREPARER_CASES

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "robustness"))
import member_fuzz  # noqa: E402  (debug pickles read and written as torch writes them)

torch.manual_seed(0)


class ReusedRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 8, 3)

    def forward(self, x):
        x = self.relu1(self.conv1(x))
        x = self.conv2(x)
        return self.relu1(x)


class FunctionalLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(4, 8))
        self.bias = nn.Parameter(torch.randn(4))

    def forward(self, x):
        x = F.relu(x)
        return F.linear(x, self.weight, self.bias)


class ThreeRelus(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = torch.relu(x)
        return x.relu()


class ElementwiseAdd(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3)
        self.conv2 = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv1(x) + self.conv2(x)


class DictIO(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, inputs: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        return {"features": self.conv(inputs["image"])}


class IfFlag(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.relu = nn.ReLU()

    def forward(self, x, flag: bool):
        x = self.conv(x)
        if flag:
            x = self.relu(x)
        return x


class IfData(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.conv(x)
        if x.sum() > 0:
            x = self.relu(x)
        return x


class ShapeBranch(nn.Module):
    """Only a branch on the input's shape: a warning, and validation passes."""

    def __init__(self):
        super().__init__()
        self.pool = nn.AvgPool2d(2)
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        if x.shape[-1] > 8:
            x = self.pool(x)
        return self.conv(x)


class LoopReuse(nn.Module):
    """A module called once per row of the input: reuse in a loop only a hand can unroll."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)

    def forward(self, x):
        y = x[0]
        for _ in range(x.size(0)):
            y = self.lin(y)
        return y


class Lookup(nn.Module):
    """RAFT's CorrBlock in small: no layer, no parameter, a method called once per use."""

    def lookup(self, x):
        return x * 2.0 + 1.0

    def forward(self, x):
        return self.lookup(x)


class StatelessHelper(nn.Module):
    """A helper holding nothing called twice: its ops are findings, the helper is no reuse."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.table = Lookup()

    def forward(self, x):
        y = self.table.lookup(self.conv(x))
        return self.table.lookup(y)


class ArangeShape(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        x = self.conv(x)
        positions = torch.arange(x.shape[-1])
        return x + positions


class CustomAct(nn.Module):
    def forward(self, x):
        return x * F.softplus(x).sigmoid()


class ExcludedCustom(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.custom = CustomAct()

    def forward(self, x):
        x = F.relu(self.conv(x))
        y = self.custom(x)
        return x + y


class SquareAndProduct(nn.Module):
    """x * x and a * b look alike op by op but take one and two arguments."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3)
        self.conv2 = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        a = self.conv1(x)
        b = self.conv2(x)
        return a * a, a * b


class RandomOutput(nn.Module):
    """Adds fresh noise on every call: no two runs agree, so no equivalence proof can pass."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        y = self.conv(x)
        return y + torch.randn_like(y)


def scaled(x: torch.Tensor, k: float) -> torch.Tensor:
    return x * k


class ControlFlow(nn.Module):
    """What --emit-python must write as Python: a loop carrying values, a data-dependent
    while and if, a list built with append, a helper function and a tuple output."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.steps = 3
        self.register_buffer("offset", torch.linspace(-1, 1, 4).view(1, 4, 1, 1))

    def forward(self, x):
        y = self.conv(x)
        pieces: List[torch.Tensor] = []
        for _ in range(self.steps):
            y = scaled(y, 0.5) + self.offset
            pieces.append(y)
        total = torch.stack(pieces).sum(0)
        n = 0
        while n < 2 and bool(total.mean() < 100.0):
            total = total - 1.0
            n += 1
        if bool(total.mean() > 0):
            total = torch.relu(total)
        else:
            total = torch.sigmoid(total)
        return total, pieces[-1]


class TensorConstant(nn.Module):
    """Traced, torch.linspace becomes a tensor constant inside the graph."""

    def forward(self, x):
        return x * torch.linspace(0, 1, 16)


def clean_model():
    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())


IMAGE = (1, 3, 16, 16)

# name -> (factory, example inputs, trace?, script?)
SEEDS = {
    "clean": (clean_model, (torch.randn(IMAGE),), True, True),
    "reused_relu": (ReusedRelu, (torch.randn(IMAGE),), True, True),
    "functional_linear": (FunctionalLinear, (torch.randn(2, 8),), True, True),
    "three_relus": (ThreeRelus, (torch.randn(IMAGE),), True, True),
    "elementwise_add": (ElementwiseAdd, (torch.randn(IMAGE),), True, True),
    "dict_io": (DictIO, ({"image": torch.randn(IMAGE)},), True, True),
    "if_flag": (IfFlag, (torch.randn(IMAGE), True), False, True),
    "if_data": (IfData, (torch.randn(IMAGE),), False, True),
    "arange_shape": (ArangeShape, (torch.randn(IMAGE),), True, True),
    "shape_branch": (ShapeBranch, (torch.randn(IMAGE),), False, True),
    "loop_reuse": (LoopReuse, (torch.randn(3, 8),), False, True),
    "stateless_helper": (StatelessHelper, (torch.randn(IMAGE),), True, True),
    "excluded_custom": (ExcludedCustom, (torch.randn(IMAGE),), True, True),
    "square_and_product": (SquareAndProduct, (torch.randn(IMAGE),), True, True),
    "random_output": (RandomOutput, (torch.randn(IMAGE),), True, False),
}

# What fx shows as ops outside modules; names normalised like the C++ catalogue's base names.
FX_RENAMES = {"iadd": "add", "truediv": "div", "isub": "sub", "imul": "mul", "floordiv": "floor_divide"}
FX_NOT_DATA = {"getattr", "getitem", "size", "dim", "flatten", "view", "reshape", "permute",
               "transpose", "contiguous", "unsqueeze", "squeeze", "arange", "zeros", "ones"}


def fx_oracle(model):
    """Ops outside modules and module call counts as torch.fx sees them, or None."""
    try:
        traced = torch.fx.symbolic_trace(model)
    except Exception as e:  # fx cannot follow control flow on proxies, among others
        return {"traceable": False, "error": type(e).__name__}
    ops, calls = [], {}
    for node in traced.graph.nodes:
        if node.op == "call_module":
            calls[node.target] = calls.get(node.target, 0) + 1
        elif node.op in ("call_function", "call_method"):
            name = node.target if isinstance(node.target, str) else node.target.__name__
            name = FX_RENAMES.get(name.strip("_"), name.strip("_"))
            if name not in FX_NOT_DATA:
                ops.append(name)
    return {"traceable": True, "ops": sorted(ops),
            "reused": {k: v for k, v in sorted(calls.items()) if v > 1}}


def save(module, path):
    module.save(path)
    print("wrote", path)


def make_seeds(out):
    oracle = {}
    for name, (factory, inputs, trace, script) in SEEDS.items():
        model = factory().eval()
        if trace:
            # The trace re-check reruns the model: random_output never agrees with itself.
            traced = torch.jit.trace(model, inputs, strict=False,
                                     check_trace=name != "random_output")
            save(traced, os.path.join(out, name + "_traced.pt"))
        if script:
            save(torch.jit.script(model), os.path.join(out, name + "_scripted.pt"))
        oracle[name] = fx_oracle(model)
    for name, (factory, shape) in {**AIMET_CASES, **PREPARER_CASES}.items():
        model = factory().eval()
        save(torch.jit.trace(model, torch.randn(shape)), os.path.join(out, name + "_traced.pt"))
        save(torch.jit.script(model), os.path.join(out, name + "_scripted.pt"))
    return oracle


class ReusedReluHandFixed(nn.Module):
    """reused_relu as its author fixes it by hand: a ReLU of its own for the second call."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 8, 3)
        self.relu2 = nn.ReLU()

    def forward(self, x):
        x = self.relu1(self.conv1(x))
        x = self.conv2(x)
        return self.relu2(x)


# The same class, edited: both files name it ReusedRelu, as they would after a hand edit.
ReusedReluHandFixed.__name__ = ReusedReluHandFixed.__qualname__ = "ReusedRelu"


def make_hand_edited(out):
    """reused_relu_traced.pt and its hand-fixed version, same weights: a diff of two files."""
    fixed = ReusedReluHandFixed().eval()
    fixed.load_state_dict(torch.jit.load(os.path.join(out, "reused_relu_traced.pt")).state_dict())
    save(torch.jit.trace(fixed, torch.randn(IMAGE)), os.path.join(out, "reused_relu_hand_fixed_traced.pt"))


def make_python_export_models(out):
    save(torch.jit.script(ControlFlow().eval()), os.path.join(out, "control_flow_scripted.pt"))
    save(torch.jit.trace(TensorConstant().eval(), torch.randn(IMAGE)),
         os.path.join(out, "tensor_constant_traced.pt"))


def make_torchvision(out, oracle):
    import torchvision
    model = torchvision.models.resnet18().eval()
    example = torch.randn(1, 3, 224, 224)
    save(torch.jit.trace(model, example), os.path.join(out, "resnet18_traced.pt"))
    save(torch.jit.script(model), os.path.join(out, "resnet18_scripted.pt"))
    oracle["resnet18"] = fx_oracle(model)
    # The same weights but one conv's: `compare --per-layer` must name layer3.0.conv1 first.
    perturbed = copy.deepcopy(model)
    with torch.no_grad():
        perturbed.layer3[0].conv1.weight.add_(1e-3)
    save(torch.jit.trace(perturbed, example), os.path.join(out, "resnet18_perturbed_traced.pt"))
    # Their shape arithmetic must not count as findings (torch.fx of torch 2.x lists it as ops).
    shufflenet = torchvision.models.shufflenet_v2_x0_5().eval()
    save(torch.jit.trace(shufflenet, example), os.path.join(out, "shufflenet_v2_x0_5_traced.pt"))
    oracle["shufflenet_v2_x0_5"] = fx_oracle(shufflenet)
    vit = torchvision.models.VisionTransformer(image_size=32, patch_size=16, num_layers=2,
                                               num_heads=2, hidden_dim=16, mlp_dim=32).eval()
    # check_trace=False: the trace re-check trips over torch._assert on the image size.
    save(torch.jit.trace(vit, torch.randn(1, 3, 32, 32), check_trace=False),
         os.path.join(out, "vit_tiny_traced.pt"))
    oracle["vit_tiny"] = fx_oracle(vit)


def make_bad_inputs(out):
    model = ReusedRelu().eval()
    torch.save(model.state_dict(), os.path.join(out, "bad_state_dict.pt"))
    torch.save(model.state_dict(), os.path.join(out, "bad_legacy_pickle.pt"),
               _use_new_zipfile_serialization=False)
    open(os.path.join(out, "bad_empty.pt"), "wb").close()
    with open(os.path.join(out, "bad_text.pt"), "w") as f:
        f.write("this is not a model\n")
    good = open(os.path.join(out, "reused_relu_traced.pt"), "rb").read()
    with open(os.path.join(out, "bad_truncated.pt"), "wb") as f:
        f.write(good[: len(good) // 2])
    corrupt = bytearray(good)
    for i in range(200, len(corrupt) - 200, 97):  # flip bytes inside the archive's records
        corrupt[i] ^= 0x5A
    with open(os.path.join(out, "bad_corrupt.pt"), "wb") as f:
        f.write(bytes(corrupt))
    os.makedirs(os.path.join(out, "bad_directory.pt"), exist_ok=True)
    write_bad_debug_info(os.path.join(out, "reused_relu_traced.pt"),
                         os.path.join(out, "bad_debug_info.pt"))


def write_bad_debug_info(good, bad):
    """`good` with one source range in a debug pickle pointing past its string table, CRCs
    recomputed: libtorch reads it lazily and out of bounds."""
    with zipfile.ZipFile(good) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    for k, (info, data) in enumerate(members):
        if info.filename.endswith(".debug_pkl"):
            table, records = member_fuzz.read_debug_pickle(data)
            if records:
                offset, (source, start, end), tag = records[0]
                text = member_fuzz.IntList(list(source[0]) + [0, len(table) + 7])
                records[0] = (offset, ((text,) + source[1:], start, end), tag)
                members[k] = (info, member_fuzz.write_debug_pickle(table, records))
                break
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_STORED) as z:
        for info, data in members:
            z.writestr(info, data)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    oracle = make_seeds(out)
    make_python_export_models(out)
    make_hand_edited(out)
    make_torchvision(out, oracle)
    make_bad_inputs(out)
    with open(os.path.join(out, "fx_oracle.json"), "w") as f:
        json.dump(oracle, f, indent=1, sort_keys=True)
    # torch's own layers compose by release (its attention: one SDPA op from torch 2 on).
    with open(os.path.join(out, "made_by.json"), "w") as f:
        json.dump({"torch": torch.__version__.split("+")[0]}, f)


if __name__ == "__main__":
    main()
