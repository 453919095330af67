#!/usr/bin/python3
"""Makes the README's example: a small traced model with the problems the guidelines name
(a ReLU called twice, functional activations and a residual add).

usage: make_example.py OUT.pt
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.conv2(out)
        out = out + x  # residual add as a functional
        return self.relu(out)  # the same ReLU instance, called a second time


class ExampleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = Block(16)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        x = self.block(x)
        x = torch.flatten(self.pool(x), 1)
        return F.softmax(self.fc(x), dim=-1)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = ExampleNet().eval()
    torch.jit.trace(model, torch.randn(1, 3, 32, 32)).save(sys.argv[1])
