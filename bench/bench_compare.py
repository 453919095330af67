#!/usr/bin/python3
"""Times `torchprep compare` against running the same two models plainly, in one process per
model pair (build/bench/compare_phases), and prints a table: the engine's overhead without
--per-layer (target <= 10%) and the cost of --per-layer. Each pair is a model and its prepared
copy (torchprep prepare), as a user compares them.

usage: bench/bench_compare.py [--build build] [--runs 10] [--device cpu|cuda]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch
import torchvision


def trace(name, factory, shape, out):
    path = os.path.join(out, name + ".pt")
    if not os.path.exists(path):
        model = factory().eval()
        torch.jit.trace(model, torch.randn(*shape), check_trace=False).save(path)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    cli = os.path.join(args.build, "app", "torchprep")
    phases = os.path.join(args.build, "bench", "compare_phases")
    out = tempfile.mkdtemp(prefix="torchprep-bench-compare-")
    models = [("resnet18", torchvision.models.resnet18, (1, 3, 224, 224)),
              ("resnet50", torchvision.models.resnet50, (1, 3, 224, 224)),
              ("mobilenet_v2", torchvision.models.mobilenet_v2, (1, 3, 224, 224))]
    print(f"| model | device | plain forwards (ms) | compare (ms) | overhead "
          f"| --per-layer (ms) | per-layer / compare | layers | forward A / B median (ms) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, factory, shape in models:
        original = trace(name, factory, shape, out)
        prepared = os.path.join(out, name + "_prepared.pt")
        subprocess.run([cli, "prepare", original, "-o", prepared, "--input-shape",
                        ",".join(map(str, shape)), "--batches", "1"], check=True,
                       stdout=subprocess.DEVNULL)
        result = subprocess.run([phases, original, prepared, ",".join(map(str, shape)),
                                 str(args.runs), args.device], check=True, capture_output=True, text=True)
        r = json.loads(result.stdout)
        overhead = r["compare_ms"] / r["plain_ms"] - 1
        print(f"| {name} | {r['device']} | {r['plain_ms']:.0f} | {r['compare_ms']:.0f} | "
              f"{overhead * 100:+.1f}% | {r['per_layer_ms']:.0f} | {r['per_layer_ms'] / r['compare_ms']:.2f}x "
              f"| {r['layers']} | {r['forward_a_ms']:.2f} / {r['forward_b_ms']:.2f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
