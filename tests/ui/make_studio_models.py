#!/usr/bin/python3
"""Models only the Studio's tests need, made at test time with random weights (nothing
downloads): densenet121 (a wide, dense graph whose first view must show its input) and
mobilenet_v3_small (unrelated to resnet18 but for its output shape: a comparison of the two pairs
almost no layer).

usage: tests/ui/make_studio_models.py OUT_DIR
"""
import os
import sys

import torch
import torchvision


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    image = torch.randn(1, 3, 224, 224)
    for name, model in [("densenet121", torchvision.models.densenet121()),
                        ("mobilenet_v3_small", torchvision.models.mobilenet_v3_small())]:
        path = os.path.join(out, name + "_traced.pt")
        with torch.no_grad():
            torch.jit.trace(model.eval(), image).save(path)
        print("wrote", path)


if __name__ == "__main__":
    sys.exit(main())
