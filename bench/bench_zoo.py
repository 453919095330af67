#!/usr/bin/python3
"""A zoo of 50 models validated three ways in the same run, per model:

- `torchprep validate ZOO -j N`: one process, libtorch started once;
- 50 processes of `torchprep validate MODEL.pt`, one per model, as a CI job without batch mode;
- the Python peer: `import torch` once, then `torch.jit.load` plus `torch.fx.symbolic_trace`
  of the eager model per model (where fx can trace it).

Target (issue 14): batch mode's cost per model at most 1/5 of one process per model.

usage: bench/bench_zoo.py [--build build] [--models 50] [--jobs 2]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class Block(nn.Module):
    def __init__(self, width, reuse):
        super().__init__()
        self.fc = nn.Linear(width, width)
        self.act = nn.ReLU()
        self.reuse = reuse

    def forward(self, x):
        y = self.act(self.fc(x))
        if self.reuse:
            y = self.act(y)  # the same ReLU twice: a reuse finding
        return F.relu(y) + x


def generated(i):
    """Chains of 5 to 60 blocks, every third one reusing its ReLU."""
    return nn.Sequential(*[Block(16, (i + k) % 3 == 0) for k in range(5 + i % 12 * 5)]), torch.randn(2, 16)


def torchvision_models():
    small = torch.randn(1, 3, 64, 64)
    return [
        ("resnet18", torchvision.models.resnet18(), small),
        ("mobilenet_v2", torchvision.models.mobilenet_v2(), small),
        ("squeezenet1_0", torchvision.models.squeezenet1_0(), small),
        ("shufflenet_v2_x0_5", torchvision.models.shufflenet_v2_x0_5(), small),
        ("mnasnet0_5", torchvision.models.mnasnet0_5(), small),
    ]


def make_zoo(folder, count):
    models = []
    for name, model, example in torchvision_models():
        models.append((name, model.eval(), example))
    for i in range(count - len(models)):
        model, example = generated(i)
        models.append(("chain_%02d" % i, model.eval(), example))
    for index, (name, model, example) in enumerate(models):
        path = os.path.join(folder, "%02d_%s.pt" % (index, name))
        if index % 2:
            torch.jit.script(model).save(path)
        else:
            torch.jit.trace(model, example).save(path)
    return [(os.path.join(folder, "%02d_%s.pt" % (i, m[0])), m[1]) for i, m in enumerate(models)]


def seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--models", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    cli = os.path.join(args.build, "app", "torchprep")
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as folder:
        zoo = make_zoo(folder, args.models)
        n = len(zoo)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        batch_1 = seconds(lambda: subprocess.run([cli, "validate", folder, "-j", "1"], **quiet))
        batch_j = seconds(lambda: subprocess.run([cli, "validate", folder, "-j", str(args.jobs)], **quiet))
        single = seconds(lambda: [subprocess.run([cli, "validate", path], **quiet) for path, _ in zoo])

        def python_peer():
            for path, model in zoo:
                torch.jit.load(path)
                try:
                    torch.fx.symbolic_trace(model)
                except Exception:  # fx cannot trace every model (shufflenet's Proxy iteration)
                    pass

        python = seconds(python_peer)

    rows = [
        ("torchprep validate ZOO -j 1 (one process)", batch_1),
        ("torchprep validate ZOO -j %d (one process)" % args.jobs, batch_j),
        ("torchprep validate MODEL.pt, one process per model", single),
        ("Python: import torch once; jit.load + fx.symbolic_trace per model", python),
    ]
    print("| %d models | total | per model | vs one process per model |" % n)
    print("|---|---:|---:|---:|")
    for label, total in rows:
        print("| %s | %.2f s | %.0f ms | %.2fx |" % (label, total, 1000 * total / n, total / single))
    print()
    target = batch_1 / single <= 0.2
    print("batch mode per model / one process per model: %.2f (target <= 0.20: %s)"
          % (batch_1 / single, "met" if target else "MISSED"))


if __name__ == "__main__":
    sys.exit(main())
