"""torch.export programs (.pt2) as users of torch 2.x save them, with the truth they are held to.

Run by a torch 2.x Python (the torch2 venv, or Debian 13's own python3):
    python make_pt2_models.py OUT_DIR

For every model below: OUT_DIR/<name>.pt2 saved with torch.export.save in the layout this torch
writes, OUT_DIR/<name>_legacy.pt2 in the layout torch 2.6 and 2.7 wrote (a plain zip of
serialized_exported_program.json and torch.save pickles, as torch.export.save wrote it before
2.8; this torch's own loader reads both back, which is checked), and OUT_DIR/<name>_traced.pt, the
TorchScript trace of the same model. OUT_DIR/manifest.json holds, per model, what Python knows
without TorchPrep:
  "reused":  {module path: calls} for modules that forward hooks on the eager model see called
             more than once;
  "ops":     [[module path, aten op, line]] for every op of the ExportedProgram's graph, from
             torch.fx's node metadata (innermost nn_module_stack entry, last user frame);
  "missing": [[module path, op, line]] the functionals the model's source holds (written below,
             their lines found in this file by their marker comments; torchvision's from torch.fx);
             the op is the torch function's name where one call runs several ops (normalize);
  "dict_output", "cond": what the model's forward returns and whether it branches on data;
  "inputs", "outputs": the inputs (torch.save, a tuple) and what the program the file holds returns
             on them in this torch (torch.export.load(file).module()(*inputs), flattened to a
             tuple of tensors): the truth `compare` holds TorchPrep's run of the program to.
Random weights, nothing downloaded.
"""
import io
import json
import os
import sys
import warnings
import zipfile

import torch
import torch.nn as nn
import torch.nn.functional as F

from make_torch2_models import flat_tensors  # the same flattening as the TorchScript files'

warnings.filterwarnings("ignore")
HERE = os.path.abspath(__file__)


def line_of(marker):
    with open(HERE) as f:
        for number, text in enumerate(f, 1):
            if text.rstrip().endswith("# " + marker) and "line_of" not in text:
                return number
    raise KeyError(marker)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        y = self.relu(self.conv(x))  # block-first-relu
        y = self.relu(y)  # block-second-relu
        return F.relu(y) + x  # block-functional


class ReuseAndFunctionals(nn.Module):
    """A module called twice, functionals, a dict output."""

    def __init__(self):
        super().__init__()
        self.block = Block()
        self.fc = nn.Linear(3, 4)

    def forward(self, x):
        x = self.block(x)
        return self.fc(x.mean((2, 3))), {"features": x}  # root-mean


class Chain(nn.Module):
    """One block reused three times, F.normalize (several ops of one call)."""

    def __init__(self):
        super().__init__()
        self.step = nn.Sequential(nn.Linear(8, 8), nn.Tanh())

    def forward(self, x):
        x = self.step(x)  # chain-1
        x = self.step(x)  # chain-2
        x = self.step(x)  # chain-3
        return F.normalize(x, dim=-1)  # chain-normalize


class Branching(nn.Module):
    """torch.cond on the values of the input."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.act = nn.ReLU()

    def forward(self, x):
        def then(x):
            return self.act(self.lin(x))

        def otherwise(x):
            return self.act(x)

        return torch.cond(x.sum() > 0, then, otherwise, (x,))  # branch-cond


class Sized(nn.Module):
    """Exported with a dynamic batch: the program reads the batch size (sym_size) and computes
    with it."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.act = nn.GELU()

    def forward(self, x):
        y = self.act(self.fc(x))
        return y.reshape(x.shape[0], -1) * x.shape[1]  # sized-mul


class Encoder(nn.Module):
    """A model holding torch's transformer layer, as models do (exported whole, a torch.nn layer
    is inlined by torch 2.6 and its calls go unrecorded)."""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)

    def forward(self, x):
        return self.layer(x)


class Clean(nn.Module):
    """Every op a module, called once: nothing to report."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.act = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flat = nn.Flatten()

    def forward(self, x):
        return self.flat(self.pool(self.act(self.bn(self.conv(x)))))


def eager_calls(model, args):
    """How often forward hooks see each module called (the oracle of reuse)."""
    counts = {}
    handles = []
    for path, module in model.named_modules():
        if path:
            handles.append(module.register_forward_hook(
                lambda m, i, o, path=path: counts.__setitem__(path, counts.get(path, 0) + 1)))
    model(*args)
    for h in handles:
        h.remove()
    return counts  # run as traced, with gradients on: torch's fused fast paths stay off


def user_line(stack_trace):
    """The last frame of the user's code in a node's stack trace, as torch.fx keeps it."""
    line = None
    for text in (stack_trace or "").splitlines():
        text = text.strip()
        if text.startswith("File \"") and "-packages/torch/" not in text and "<eval_with_key>" not in text:
            line = int(text.split("line ")[1].split(",")[0])
    return line


def fx_ops(ep):
    """Each aten op of the program's graph with its module path and line, from torch.fx."""
    ops = []
    graphs = [m.graph for m in ep.graph_module.modules() if isinstance(m, torch.fx.GraphModule)]
    for node in (n for g in graphs for n in g.nodes):  # torch.cond's branches included
        if node.op != "call_function" or not hasattr(node.target, "_schema"):
            continue
        name = node.target._schema.name
        stack = node.meta.get("nn_module_stack") or {}
        path = list(stack.values())[-1][0] if stack else ""
        # torch 2.6 writes paths as L['self'].block.conv.
        if path.startswith("L['"):
            path = path.split("]", 1)[1].lstrip(".")
        ops.append([path, name, user_line(node.meta.get("stack_trace"))])
    return ops


def branches_keep_modules(ep):
    """Whether export recorded module calls in torch.cond's branches (2.6 does, 2.14 does not)."""
    branches = [m for name, m in ep.graph_module.named_modules()
                if name and isinstance(m, torch.fx.GraphModule)]
    return any(node.meta.get("nn_module_stack") for m in branches for node in m.graph.nodes
               if node.op == "call_function")


def recorded_paths(ep):
    """Every module path some op's nn_module_stack names, in every graph of the program."""
    paths = set()
    for m in ep.graph_module.modules():
        if not isinstance(m, torch.fx.GraphModule):
            continue
        for node in m.graph.nodes:
            for path, _ in (node.meta.get("nn_module_stack") or {}).values():
                if path.startswith("L['"):
                    path = path.split("]", 1)[1].lstrip(".")
                paths.add(path)
    return paths


def save_legacy(ep, path):
    """The layout torch.export.save wrote before 2.8 (torch 2.6's torch/export/__init__.py)."""
    from torch._export.serde.schema import SCHEMA_VERSION
    from torch._export.serde.serialize import serialize

    artifact = serialize(ep)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("serialized_exported_program.json", artifact.exported_program)
        z.writestr("serialized_state_dict.pt", artifact.state_dict)
        z.writestr("serialized_constants.pt", artifact.constants)
        z.writestr("serialized_example_inputs.pt", artifact.example_inputs)
        z.writestr("version", ".".join(map(str, SCHEMA_VERSION)))


def models():
    import torchvision

    torch.manual_seed(0)
    here = os.path.basename(HERE)
    yield ("reuse_functionals", ReuseAndFunctionals(), (torch.randn(1, 3, 8, 8),), {
        "missing": [["block", "aten::relu", line_of("block-functional")],
                    ["block", "aten::add", line_of("block-functional")],
                    ["", "aten::mean", line_of("root-mean")]],
        "dict_output": True, "cond": False, "file": here})
    yield ("chain", Chain(), (torch.randn(2, 8),), {
        "missing": [["", "normalize", line_of("chain-normalize")]],
        "dict_output": False, "cond": False, "file": here})
    # export inlines `self.act` in torch.cond's branches: both relus read as functionals there.
    yield ("branching", Branching(), (torch.randn(2, 4),), {
        "missing": [["", "aten::relu", line_of("branch-cond")]] * 2,
        "dict_output": False, "cond": True, "file": here})
    yield ("sized", Sized(), (torch.randn(3, 4, 8),), {
        "missing": [["", "aten::mul", line_of("sized-mul")]],
        "dict_output": False, "cond": False, "file": here,
        "dynamic_shapes": ({0: torch.export.Dim("batch", min=2, max=64)},),
        "run_inputs": (torch.randn(5, 4, 8),)})  # another batch than the example's
    # torch's own composite layer: its ops are torch's code, found at the line calling it.
    yield ("encoder_layer", Encoder(), (torch.randn(2, 5, 16),), {
        "missing": None, "dict_output": False, "cond": False, "file": here})
    yield ("clean", Clean(), (torch.randn(1, 3, 8, 8),), {
        "missing": [], "dict_output": False, "cond": False, "file": here})
    resnet = torchvision.models.resnet18(num_classes=10)
    yield ("resnet18", resnet, (torch.randn(1, 3, 32, 32),), {
        # BasicBlock's `out += identity`, one per block.
        "missing": [[f"layer{i}.{j}", "aten::add", None] for i in range(1, 5) for j in range(2)],
        "dict_output": False, "cond": False, "file": "resnet.py"})


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    manifest = {"torch": torch.__version__, "models": []}
    for name, model, args, truth in models():
        model.eval()
        ep = torch.export.export(model, args, dynamic_shapes=truth.pop("dynamic_shapes", None))
        run_inputs = truth.pop("run_inputs", args)
        inputs = os.path.join(out, name + ".inputs.pt")
        torch.save(run_inputs, inputs)
        forms = {"": ep}
        if name == "resnet18":
            forms["_decomposed"] = ep.run_decompositions()
        for suffix, program in forms.items():
            path = os.path.join(out, name + suffix + ".pt2")
            torch.export.save(program, path)
            legacy = os.path.join(out, name + suffix + "_legacy.pt2")
            save_legacy(program, legacy)
            for written in (path, legacy):  # this torch reads back what was written
                torch.export.load(written)
            with torch.no_grad():
                returned = torch.export.load(path).module()(*run_inputs)
            outputs = os.path.join(out, name + suffix + ".outputs.pt")
            torch.save(tuple(t.detach() for t in flat_tensors(returned)), outputs)
            entry = dict(truth)
            ops = fx_ops(program)
            # Lines not marked here (torchvision's) are torch.fx's, for the op in that module.
            if truth["missing"] is not None:  # None: torch's own layer, held to its trace
                entry["missing"] = [[m, op, line if line is not None else next(
                    o[2] for o in ops if o[0] == m and o[1].rstrip("_") == op)]
                    for m, op, line in truth["missing"]]
            # torch 2.6 inlines the layers inside torch's composite ones (the transformer
            # layer's linear1, norm1, ...) without recording their calls: the findings then
            # differ from the trace's, which records them; torch.fx says which.
            calls = {} if truth["cond"] else eager_calls(model, args)
            entry["inner_calls_recorded"] = set(calls) <= recorded_paths(program)
            if truth["cond"] and branches_keep_modules(program):
                entry["missing"] = []  # torch 2.6 keeps `self.act` a module call in the branches
            entry.update({"name": name + suffix, "files": [path, legacy],
                          "inputs": inputs, "outputs": outputs,
                          # torch.cond runs its branches through dynamo even eagerly, where
                          # hooks cannot count: the branching model calls each module once.
                          "reused": {} if truth["cond"] else
                          {p: n for p, n in calls.items() if n > 1},
                          "ops": ops})
            if not truth["cond"]:
                traced = os.path.join(out, name + suffix + "_traced.pt")
                torch.jit.trace(model, args, strict=False, check_trace=False).save(traced)
                entry["traced"] = traced
            manifest["models"].append(entry)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
