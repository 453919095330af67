#!/usr/bin/python3
"""Times `torchprep validate` against torch.fx.symbolic_trace and torch.jit.trace on the same
models in the same run, and prints a table with ratios.

usage: bench/bench_validate.py [--build build] [--repeat 5]

torchprep is timed twice: as a whole `torchprep validate --json` process, and phase by phase
in one process (build/bench/validate_phases): libtorch's loading of the file, then building the
model graph and running the six checks, which is the analysis fx.symbolic_trace compares with.
fx and jit.trace run in this Python process on an already-built model.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class Chain(nn.Module):
    """A generated deep model: per block a Linear plus three functionals (relu, mul, add)."""

    def __init__(self, blocks):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(8, 8) for _ in range(blocks))

    def forward(self, x):
        for layer in self.layers:
            y = layer(x)
            x = F.relu(y) + x * 0.5
        return x


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_cli(cli, *args):
    subprocess.run([cli, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.manual_seed(0)
    models = [
        ("resnet50", torchvision.models.resnet50().eval(), torch.randn(1, 3, 224, 224)),
        ("densenet121", torchvision.models.densenet121().eval(), torch.randn(1, 3, 224, 224)),
        ("chain-2.5k", Chain(833).eval(), torch.randn(1, 8)),
        ("chain-5k", Chain(1666).eval(), torch.randn(1, 8)),
        ("chain-10k", Chain(3333).eval(), torch.randn(1, 8)),
    ]
    cli = os.path.join(args.build, "app", "torchprep")
    phases_tool = os.path.join(args.build, "bench", "validate_phases")
    startup = median_time(lambda: run_cli(cli, "--version"), args.repeat)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, example in models:
            path = os.path.join(tmp, name + ".pt")
            with torch.no_grad():
                jit_time = median_time(lambda: torch.jit.trace(model, example), max(1, args.repeat // 2))
                torch.jit.trace(model, example).save(path)
            fx_time = median_time(lambda: torch.fx.symbolic_trace(model), args.repeat)
            validate = median_time(lambda: run_cli(cli, "validate", path, "--json"), args.repeat)
            phases = json.loads(subprocess.run([phases_tool, path, str(args.repeat)], check=True,
                                               capture_output=True, text=True).stdout)
            rows.append((name, phases, validate, fx_time, jit_time))
    print(f"torchprep process startup (--version, libtorch loading): {startup * 1000:.0f} ms; "
          f"medians of {args.repeat} runs\n")
    print("| model | graph nodes (ops + calls) | load .pt | graph + checks | fx.symbolic_trace | "
          "(graph + checks) / fx | jit.trace | validate process | µs per node |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, p, validate, fx_time, jit_time in rows:
        analysis = (p["graph_ms"] + p["checks_ms"]) / 1000
        print(f"| {name} | {p['nodes']} | {p['load_ms']:.0f} ms | {analysis * 1000:.0f} ms | "
              f"{fx_time * 1000:.0f} ms | {analysis / fx_time:.2f} | {jit_time * 1000:.0f} ms | "
              f"{validate * 1000:.0f} ms | {analysis / p['nodes'] * 1e6:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
