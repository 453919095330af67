"""AIMET's own preparer test cases (aimet_torch's test_model_preparer), rebuilt as models of our
own from the catalogue's summary, and the cases the preparer's promises add: layers made from
parameters, helpers called twice, functions inlined per call. make_models.py saves each one
traced and scripted.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Relu6Alternating(nn.Module):
    def forward(self, x):
        x = F.relu6(x)
        x = F.relu(x)
        x = F.relu6(x)
        return F.relu(x)


class EluAlpha(nn.Module):
    def forward(self, x):
        return F.elu(x, alpha=0.2)


class HardshrinkLambd(nn.Module):
    def forward(self, x):
        return F.hardshrink(x, lambd=0.2)


class InplaceResidual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        out = self.conv(x)
        out += x
        return out


class Conv2dForms(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(8, 3, 3, 3))
        self.bias = nn.Parameter(torch.randn(8))
        self.depthwise = nn.Parameter(torch.randn(3, 1, 3, 3))

    def forward(self, x):
        a = F.conv2d(x, self.weight)
        b = F.conv2d(x, self.weight, self.bias, stride=1, padding=1)
        c = F.conv2d(x, self.weight, None, 2, 1)
        d = F.conv2d(x, self.weight, self.bias, padding=(1, 1), dilation=2)
        e = F.conv2d(x, self.depthwise, groups=3, padding=1)
        return a, b, c, d, e


class CatForms(nn.Module):
    def forward(self, x):
        return torch.cat((x, x)), torch.cat([x, x], 1), torch.cat([x, x], dim=2)


class TwoConvArithmetic(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3)
        self.conv2 = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        a = self.conv1(x)
        b = self.conv2(x)
        return torch.sub(a, b), a * b, a / b, torch.matmul(a, b)


class MeanForms(nn.Module):
    def forward(self, x):
        return (x.mean(), x.mean(1), x.mean([2, 3]), torch.mean(x, dim=1, keepdim=True),
                x.mean(dim=(1, 2)), torch.mean(x, 2), x.mean(-1, True))


class AddScalar(nn.Module):
    def forward(self, x):
        return torch.add(x, 5)


class Interpolate(nn.Module):
    def forward(self, x):
        y = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return F.interpolate(y, size=(x.size(2) * 3, x.size(3) * 3), mode="bilinear",
                             align_corners=False)


class ConvTwice(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return self.conv(self.conv(x))


class ConstantsFirst(nn.Module):
    def forward(self, x):
        return 2 * x, 6 + x, 7.1 - x


class MaxPoolIndices(nn.Module):
    def forward(self, x):
        return F.max_pool2d(x, 2, return_indices=True)


class MatmulForms(nn.Module):
    def forward(self, x):
        m = x[0]
        return torch.baddbmm(x, x, x), torch.addmm(m, m, m), torch.bmm(x, x), x.bmm(x)


class CumsumDtype(nn.Module):
    def forward(self, x):
        return torch.cumsum(x, dim=1, dtype=torch.float64)


class DynamicLinear(nn.Module):
    """F.relu, then F.linear whose weight is an activation: two ops, a DynamicLinear."""

    def forward(self, x):
        return F.linear(F.relu(x), x)


class ReuseThenFunctional(nn.Module):
    """self.relu three times, then x.relu(): relu, module_relu_1, _2 (copies), _3 (the functional)."""

    def __init__(self):
        super().__init__()
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.relu(self.relu(x))).relu()


class StaticControlFlow(nn.Module):
    """A branch an attribute decides: only the branch that runs gets modules."""

    def __init__(self):
        super().__init__()
        self.use_relu = True

    def forward(self, x):
        if self.use_relu:
            x = F.relu(x)
        else:
            x = F.gelu(x)
        return x


class DynamicConv(nn.Module):
    """A depthwise F.conv2d whose weight is computed in forward: AIMET's DynamicConv2d."""

    def __init__(self):
        super().__init__()
        self.kernel = nn.Parameter(torch.randn(3, 1, 3, 3))

    def forward(self, x):
        return F.conv2d(x, torch.sigmoid(self.kernel), None, 2, 1, 1, 3)


class Square(nn.Module):
    """A childless module whose forward is one op: AIMET's connected graph takes it as a layer."""

    def forward(self, x):
        return x * x


class SquareLeaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.square = Square()

    def forward(self, x):
        return self.square(self.conv(x))


# name -> (factory, example input shape)
IMAGE = (1, 3, 16, 16)
AIMET_CASES = {
    "aimet_relu6_alternating": (Relu6Alternating, IMAGE),
    "aimet_elu_alpha": (EluAlpha, IMAGE),
    "aimet_hardshrink_lambd": (HardshrinkLambd, IMAGE),
    "aimet_inplace_residual": (InplaceResidual, IMAGE),
    "aimet_conv2d_forms": (Conv2dForms, IMAGE),
    "aimet_cat_forms": (CatForms, IMAGE),
    "aimet_two_conv_arithmetic": (TwoConvArithmetic, IMAGE),
    "aimet_mean_forms": (MeanForms, IMAGE),
    "aimet_add_scalar": (AddScalar, IMAGE),
    "aimet_interpolate": (Interpolate, IMAGE),
    "aimet_conv_twice": (ConvTwice, IMAGE),
    "aimet_constants_first": (ConstantsFirst, IMAGE),
    "aimet_max_pool_indices": (MaxPoolIndices, IMAGE),
    "aimet_matmul_forms": (MatmulForms, (2, 4, 4)),
    "aimet_cumsum_dtype": (CumsumDtype, IMAGE),
    "aimet_dynamic_linear": (DynamicLinear, (4, 8)),
    "aimet_reuse_then_functional": (ReuseThenFunctional, IMAGE),
    "aimet_static_control_flow": (StaticControlFlow, IMAGE),
    "aimet_square_leaf": (SquareLeaf, IMAGE),
    "aimet_dynamic_conv": (DynamicConv, IMAGE),
}


# ---- the preparer's own promises ---------------------------------------------------------------

class LayersFromParameters(nn.Module):
    """swin's F.linear(x, self.qkv.weight, self.qkv.bias) on a Linear never called (a call of
    qkv), an F.conv2d on a called conv's weights with other arguments (a Conv2d of its own), and
    a depthwise F.conv2d on the owner's parameters with arguments read from attributes."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(3, 6)
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.depthwise = nn.Parameter(torch.randn(6, 1, 3, 3))
        self.depthwise_bias = nn.Parameter(torch.randn(6))
        self.stride = 2
        self.padding = 1
        self.groups = 6

    def forward(self, x):
        y = self.conv(x)
        z = F.conv2d(x, self.conv.weight, self.conv.bias, stride=2, padding=1)
        d = F.conv2d(y, self.depthwise, self.depthwise_bias, stride=self.stride,
                     padding=self.padding, groups=self.groups)
        q = F.linear(x.permute(0, 2, 3, 1), self.qkv.weight, self.qkv.bias)
        return z, d, q


class SameConv3d(nn.Conv3d):
    """A Conv3d subclass that pads first: its conv becomes a Conv3d layer on its weights."""

    def forward(self, x):
        return F.conv3d(F.pad(x, [1, 1, 1, 1, 1, 1]), self.weight, self.bias, self.stride, 0,
                        self.dilation, self.groups)


class Conv3dSubclass(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = SameConv3d(3, 4, 3)

    def forward(self, x):
        return self.conv(x.unsqueeze(2).expand(-1, -1, 4, -1, -1))


class HelperTwice(nn.Module):
    """A helper method called twice: each call gets its own conv and its own Add."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def _block(self, x):
        return self.conv(x) + x

    def forward(self, x):
        return self._block(self._block(x))


def attention(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    q = F.linear(x, weight, bias)
    return torch.matmul(F.softmax(torch.matmul(q, q.transpose(-1, -2)), -1), q)


class FunctionTwice(nn.Module):
    """A function of the model's own, swin's way (weights passed in), called twice: every op
    of every call gets its module, the weights' own layers are called."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(8, 8)
        self.proj = nn.Linear(8, 8)

    def forward(self, x):
        return attention(attention(x, self.qkv.weight, self.qkv.bias), self.proj.weight,
                         self.proj.bias)


class FixedLoop(nn.Module):
    """A layer called in a loop of a constant count: prepare unrolls it as a trace does."""

    def __init__(self):
        super().__init__()
        self.step = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        for _ in range(3):
            x = self.step(x) + x
        return x


class AttrLoop(nn.Module):
    """The loop's count is an attribute: fixed when the model is prepared."""

    def __init__(self):
        super().__init__()
        self.step = nn.Conv2d(4, 4, 3, padding=1)
        self.iters = 2

    def forward(self, x):
        for _ in range(self.iters):
            x = self.step(x) * 0.5 + x
        return x


class RuntimeLoop(nn.Module):
    """The loop's count is the batch size: known only at run time, a manual fix."""

    def __init__(self):
        super().__init__()
        self.step = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        for _ in range(x.size(0)):
            x = self.step(x) + x
        return x


PREPARER_CASES = {
    "layers_from_parameters": (LayersFromParameters, (1, 3, 8, 8)),
    "conv3d_subclass": (Conv3dSubclass, (1, 3, 8, 8)),
    "helper_twice": (HelperTwice, IMAGE),
    "function_twice": (FunctionTwice, (2, 4, 8)),
    "fixed_loop": (FixedLoop, (1, 4, 8, 8)),
    "attr_loop": (AttrLoop, (1, 4, 8, 8)),
    "runtime_loop": (RuntimeLoop, (1, 4, 8, 8)),
}
