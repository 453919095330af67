#!/usr/bin/python3
"""Writes the models bench_studio.py times the Studio on: torchvision resnet50 and densenet121
(traced, random weights) and a generated ~10k-op chain (the one bench_validate.py uses).

usage: bench/make_studio_models.py OUT_DIR
"""
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_validate import Chain  # noqa: E402  same generated model as the validate bench


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    image = torch.randn(1, 3, 224, 224)
    models = [
        ("resnet50", torchvision.models.resnet50().eval(), image),
        ("densenet121", torchvision.models.densenet121().eval(), image),
        ("chain-10k", Chain(3333).eval(), torch.randn(1, 8)),
    ]
    for name, model, example in models:
        path = os.path.join(out, name + ".pt")
        if not os.path.exists(path):
            with torch.no_grad():
                torch.jit.trace(model, example).save(path)
        print(path)


if __name__ == "__main__":
    main()
