#!/usr/bin/python3
"""The truth for the Studio's tensor shapes: runs an eager PyTorch model with a forward hook on
every module and prints, as JSON, each module path's output shape per call, in call order. With
OUT_DIR, also saves the model traced and scripted there (MODEL_traced.pt, MODEL_scripted.pt).

usage: tests/ui/eager_shapes.py MODEL SHAPE [OUT_DIR]     e.g. twice 1,3,16,16
MODEL: resnet18 (torchvision, random weights) or twice (a block called twice on two sizes).
"""
import json
import os
import sys

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.conv(x)) + x


class Twice(nn.Module):
    """One Block instance called on a 14x14 and then a 7x7 map: two calls, two sets of shapes."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3)
        self.block = Block()
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        x = self.block(self.stem(x))
        return self.block(self.pool(x))


def build(name):
    if name == "resnet18":
        import torchvision
        return torchvision.models.resnet18()
    if name == "twice":
        return Twice()
    raise SystemExit("unknown model " + name)


def main():
    name, shape = sys.argv[1], [int(d) for d in sys.argv[2].split(",")]
    torch.manual_seed(0)
    model = build(name).eval()
    example = torch.randn(*shape)
    shapes = {}

    def hook(path):
        def record(module, inputs, output):
            if isinstance(output, torch.Tensor):
                shapes.setdefault(path, []).append(list(output.shape))
        return record

    for path, module in model.named_modules():
        if path:
            module.register_forward_hook(hook(path))
    with torch.no_grad():
        model(example)
    if len(sys.argv) > 3:
        out = sys.argv[3]
        os.makedirs(out, exist_ok=True)
        plain = build(name).eval()
        plain.load_state_dict(model.state_dict())
        torch.jit.trace(plain, example).save(os.path.join(out, name + "_traced.pt"))
        torch.jit.script(plain).save(os.path.join(out, name + "_scripted.pt"))
    print(json.dumps(shapes))


if __name__ == "__main__":
    main()
