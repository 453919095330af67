#!/usr/bin/python3
"""Times `torchprep prepare` against an AIMET-style preparer (torch.fx.symbolic_trace, then a
graph rewrite that turns functionals into modules and unrolls reused modules, then recompile)
on the same models in one run, and prints a table.

usage: bench/bench_prepare.py [--build build] [--repeat 3]

torchprep's phases come from build/bench/prepare_phases in one process: the passes are the
rewriting that the fx column compares with; the proof runs both models once on one batch.
"""
import argparse
import copy
import json
import operator
import os
import statistics
import subprocess
import sys
import tempfile

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
from bench_validate import Chain, median_time  # noqa: E402

FUNCTIONALS = {F.relu, torch.relu, torch.cat, torch.flatten, torch.add, operator.add,
               operator.iadd, operator.mul, F.adaptive_avg_pool2d, F.softmax}


class Functional(nn.Module):
    """What AIMET's preparer substitutes for a stateless functional."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def aimet_style_prepare(model):
    traced = torch.fx.symbolic_trace(model)
    calls = {}
    for node in list(traced.graph.nodes):
        if node.op == "call_function" and node.target in FUNCTIONALS and node.target is not torch.flatten:
            name = "module_" + node.name
            traced.add_submodule(name, Functional(node.target))
            with traced.graph.inserting_before(node):
                new = traced.graph.call_module(name, node.args, node.kwargs)
            node.replace_all_uses_with(new)
            traced.graph.erase_node(node)
        elif node.op == "call_module":
            calls[node.target] = calls.get(node.target, 0) + 1
            if calls[node.target] > 1:
                name = "module_" + node.target.replace(".", "_") + "_" + str(calls[node.target] - 1)
                traced.add_submodule(name, copy.deepcopy(traced.get_submodule(node.target)))
                node.target = name
    traced.recompile()
    return traced


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    tool = os.path.join(args.build, "bench", "prepare_phases")
    models = [
        ("resnet50", torchvision.models.resnet50().eval(), (1, 3, 224, 224)),
        ("densenet121", torchvision.models.densenet121().eval(), (1, 3, 224, 224)),
        ("chain-2.5k", Chain(833).eval(), (1, 8)),
        ("chain-10k", Chain(3333).eval(), (1, 8)),
    ]
    print(f"medians of {args.repeat} runs\n")
    print("| model | changes | torchprep passes | fx.symbolic_trace | fx trace + rewrite (AIMET-style) "
          "| passes / fx trace | load | proof (1 batch) | save |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, shape in models:
            path = os.path.join(tmp, name + ".pt")
            with torch.no_grad():
                torch.jit.trace(model, torch.randn(shape)).save(path)
            fx_trace = median_time(lambda: torch.fx.symbolic_trace(model), args.repeat)
            fx_prepare = median_time(lambda: aimet_style_prepare(model), args.repeat)
            runs = [json.loads(subprocess.run([tool, path, os.path.join(tmp, "out.pt"),
                                               ",".join(map(str, shape))], check=True,
                                              capture_output=True, text=True).stdout)
                    for _ in range(args.repeat)]
            p = {k: statistics.median(r[k] for r in runs)
                 for k in ("load_ms", "passes_ms", "proof_ms", "save_ms")}
            print(f"| {name} | {runs[0]['changes']} | {p['passes_ms']:.0f} ms | {fx_trace * 1000:.0f} ms | "
                  f"{fx_prepare * 1000:.0f} ms | {p['passes_ms'] / (fx_trace * 1000):.2f} | "
                  f"{p['load_ms']:.0f} ms | {p['proof_ms']:.0f} ms | {p['save_ms']:.0f} ms |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
