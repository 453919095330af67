"""Models whose inputs need describing, or whose ops live in a library: for prepare's inputs
description, the seeded proof and custom operator libraries (tests/cli/tst_cli_inputs.cpp).

python3 make_input_models.py OUT_DIR
"""
import os
import sys

import torch
import torch.nn.functional as F
import torchvision
from torch import nn

from make_models import save


class LengthsMasked(nn.Module):
    """Float features plus int64 lengths, as a conformer takes them: lengths must be <= frames."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 4)

    def forward(self, features: torch.Tensor, lengths: torch.Tensor):
        frames = features.shape[1]
        mask = torch.arange(frames).unsqueeze(0) < lengths.unsqueeze(1)
        if bool((lengths > frames).any()):
            raise ValueError("lengths beyond the frames")
        out = self.proj(features) * mask.unsqueeze(-1)
        return out, lengths


class TokenIds(nn.Module):
    """Token ids must be below the vocabulary size."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 8)
        self.head = nn.Linear(8, 2)

    def forward(self, ids: torch.Tensor):
        return self.head(self.embed(ids))


class DropoutAlwaysOn(nn.Module):
    """Tacotron2's prenet: dropout in training mode even in eval (fresh noise every call)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 8)
        self.fc2 = nn.Linear(8, 8)

    def forward(self, x):
        x = F.dropout(F.relu(self.fc1(x)), p=0.5, training=True)
        return F.dropout(F.relu(self.fc2(x)), p=0.5, training=True)


class BoxesAndRois(nn.Module):
    """Calls torchvision's operators (torchvision::nms, torchvision::roi_align)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x, boxes, scores):
        y = self.conv(x)
        keep = torchvision.ops.nms(boxes, scores, 0.5)
        pooled = torchvision.ops.roi_align(y, [boxes[keep]], output_size=2)
        return torch.relu(pooled)


# An operator library no machine here has: registered from Python only while the model is made.
_LIBRARY = torch.library.Library("acme_ops", "DEF")
_LIBRARY.define("scale(Tensor x) -> Tensor")
_LIBRARY.impl("scale", lambda x: x * 2, "CPU")


class AcmeOp(nn.Module):
    """Calls acme_ops::scale, whose library no one can load."""

    def forward(self, x):
        return torch.ops.acme_ops.scale(x)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    features, lengths = torch.randn(2, 6, 8), torch.tensor([6, 3])
    save(torch.jit.script(LengthsMasked().eval()), os.path.join(out, "lengths_masked_scripted.pt"))
    save(torch.jit.trace(TokenIds().eval(), torch.randint(0, 100, (1, 5))), os.path.join(out, "token_ids_traced.pt"))
    save(torch.jit.script(DropoutAlwaysOn().eval()), os.path.join(out, "dropout_always_on_scripted.pt"))
    save(torch.jit.trace(DropoutAlwaysOn().eval(), torch.randn(2, 8), check_trace=False),
         os.path.join(out, "dropout_always_on_traced.pt"))
    save(torch.jit.script(BoxesAndRois().eval()), os.path.join(out, "boxes_and_rois_scripted.pt"))
    detector = torchvision.models.detection.ssdlite320_mobilenet_v3_large(
        weights=None, weights_backbone=None, num_classes=3).eval()
    save(torch.jit.script(detector), os.path.join(out, "ssdlite320_scripted.pt"))
    save(torch.jit.script(AcmeOp()), os.path.join(out, "acme_op_scripted.pt"))
    torch.save((features, lengths), os.path.join(out, "lengths_masked_inputs.pt"))


if __name__ == "__main__":
    main()
