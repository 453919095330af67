"""Models for the ONNX tests (tests/cli/tst_cli_onnx.cpp): one whose op needs a later opset, one
refused for its arguments at early opsets, a small transformer, and the guideline models the
exporter takes as they are.

python3 make_onnx_models.py OUT_DIR
"""
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

from make_models import save


class LowerTriangle(nn.Module):
    """torch.tril: ONNX's Trilu arrived in opset 14."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 8)

    def forward(self, x):
        return torch.tril(self.proj(x))


class AlignedResize(nn.Module):
    """Bilinear resize with align_corners=True: refused below opset 11."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return F.interpolate(self.conv(x), scale_factor=2.0, mode="bilinear", align_corners=True)


def small_transformer():
    layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True)
    return nn.TransformerEncoder(layer, num_layers=2)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    save(torch.jit.trace(LowerTriangle().eval(), torch.randn(2, 8, 8)), os.path.join(out, "lower_triangle_traced.pt"))
    save(torch.jit.script(LowerTriangle().eval()), os.path.join(out, "lower_triangle_scripted.pt"))
    save(torch.jit.trace(AlignedResize().eval(), torch.randn(1, 3, 8, 8)), os.path.join(out, "aligned_resize_traced.pt"))
    save(torch.jit.trace(small_transformer().eval(), torch.randn(1, 5, 16), check_trace=False),
         os.path.join(out, "small_transformer_traced.pt"))


if __name__ == "__main__":
    main()
