#!/usr/bin/python3
"""Models of every kind the validator must judge right, and real ones at small sizes, each
saved traced and scripted where it can be, with the truth about it found in Python,
independently of TorchPrep:

- hooks: forward-call counts of every module, from forward hooks on the eager model;
- holds_nothing: modules with no parameter and no torch.nn layer inside (no reuse to report);
- ops: every torch function the model's own code calls, as (module, file, line, name), from a
  TorchFunctionMode during the same forward (the module is the innermost one running, the line
  the innermost frame outside torch: for an op inside a composite torch.nn layer, the user's
  call of it);
- fx: what torch.fx sees, where it can trace.

tests/core/tst_oracle.cpp compares the validator's findings with this truth. Random weights,
nothing downloads.

usage: make_oracle_models.py OUTDIR
"""
import importlib
import json
import os
import sys
import types
import warnings
from typing import List, Optional, Union

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# `if x.sum() > 0` (decided by an input's values); a loop as long as the batch.
from make_models import IfData, LoopReuse  # noqa: E402

warnings.filterwarnings("ignore")
torch.manual_seed(0)
IMAGE = (1, 3, 16, 16)


# ---- models of each kind ------------------------------------------------------------------

class Block(nn.Module):
    def __init__(self, residual):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)
        self.residual = residual

    def forward(self, x):
        if self.residual:
            return self.conv(x) + x
        return self.conv(x)


class StaticResidual(nn.Module):
    """One class, two instances: the residual add runs in `a` only; `b.conv` runs once."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 1)
        self.a = Block(True)
        self.b = Block(False)

    def forward(self, x):
        return self.b(self.a(self.stem(x)))


class LoopConst(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)

    def forward(self, x):
        for _ in range(3):
            x = self.lin(x)
        return x


class LoopAttr(nn.Module):
    """The trip count is an attribute; the loop of one iteration is no reuse."""

    def __init__(self):
        super().__init__()
        self.steps = 2
        self.lin = nn.Linear(8, 8)
        self.once = nn.Linear(8, 8)

    def forward(self, x):
        for _ in range(self.steps):
            x = self.lin(x)
        for _ in range(1):
            x = self.once(x)
        return x


class Codec(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Conv2d(3, 4, 1)
        self.dec = nn.Conv2d(4, 3, 1)

    def encode(self, x):
        return self.enc(x)

    def decode(self, x):
        return self.dec(x)

    def forward(self, x):
        return self.decode(self.encode(x))


class TwoMethods(nn.Module):
    """codec.encode then codec.decode: two methods of one instance, no reuse."""

    def __init__(self):
        super().__init__()
        self.codec = Codec()

    def forward(self, x):
        return self.codec.decode(self.codec.encode(x))


class Memory(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 8)
        self.state = torch.zeros(1, 8)

    def write(self, x):
        self.state = x
        return x

    def read(self, y):
        return self.proj(self.state) + y

    def forward(self, x):
        return self.read(self.write(x))


class SharedState(nn.Module):
    """memory.read runs twice and reads what memory.write stored: copies would not share it."""

    def __init__(self):
        super().__init__()
        self.memory = Memory()

    def forward(self, x):
        h = self.memory.write(x)
        return self.memory.read(self.memory.read(h))


class HelperTwice(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def _block(self, x):
        return self.conv(x)

    def forward(self, x):
        return self._block(self._block(x))


class Interpolate(nn.Module):
    def forward(self, x):
        y = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return F.interpolate(y, size=(20, 20), mode="bilinear", align_corners=False)


class Normalize(nn.Module):
    """F.normalize runs norm, clamp_min, expand_as and div: one call, one finding."""

    def forward(self, x):
        return F.normalize(F.normalize(x, dim=1), dim=2)


class Asserts(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        torch._assert(x.dim() == 4, "expected a batch of images")
        if x.shape[1] != 3:
            raise ValueError("expected 3 channels")
        return self.conv(x)


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x, mask: Optional[torch.Tensor] = None):
        y = self.conv(x)
        if mask is not None:
            y = y * mask
        return y


class OptionalArgs(nn.Module):
    """gate gets no mask (the multiply never runs), gate2 gets one."""

    def __init__(self):
        super().__init__()
        self.gate = Gate()
        self.gate2 = Gate()

    def forward(self, x):
        return self.gate2(self.gate(x), x)


class Join(nn.Module):
    def forward(self, x: Union[torch.Tensor, List[torch.Tensor]]) -> torch.Tensor:
        if torch.jit.isinstance(x, List[torch.Tensor]):
            return torch.cat(x, 1)
        assert isinstance(x, torch.Tensor)
        return x


class IsInstance(nn.Module):
    def __init__(self):
        super().__init__()
        self.join = Join()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        return self.join(self.conv(x))


class Flags(nn.Module):
    """densenet's memory_efficient and friends: static flags fold away."""

    def __init__(self):
        super().__init__()
        self.memory_efficient = False
        self.scale = 1.0
        self.mode = "plain"
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        if self.memory_efficient and x.requires_grad:
            x = torch.relu(x)
        if self.scale != 1.0:
            x = x * self.scale
        if self.mode == "fancy":
            x = torch.sigmoid(x)
        return self.conv(x)


class ShapeBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        if x.shape[-1] > 8:
            x = F.avg_pool2d(x, 2)
        return self.conv(x)


class MyConv3d(nn.Conv3d):
    def __init__(self, cin, cout):
        super().__init__(cin, cout, kernel_size=(1, 3, 3), padding=(0, 1, 1), bias=False)


class OwnLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(8, 16))
        self.bias = nn.Parameter(torch.randn(8))

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


class LayersByWhatTheyAre(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = MyConv3d(3, 4)
        self.conv2 = MyConv3d(4, 4)
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.head = OwnLinear()

    def forward(self, x):
        x = self.pool(self.conv2(self.conv1(x))).flatten(1)
        return self.head(torch.cat([x, x, x, x], 1))


class EncoderLayerUser(nn.Module):
    def __init__(self, **kwargs):
        super().__init__()
        self.embed = nn.Linear(8, 16)
        self.layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, **kwargs)

    def forward(self, x):
        return self.layer(self.embed(x))


class EncoderStack(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0)
        self.encoder = nn.TransformerEncoder(layer, 2)

    def forward(self, x):
        return self.encoder(x)


class DecoderLayerUser(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerDecoderLayer(16, 2, 32, dropout=0.0)

    def forward(self, x, memory):
        return self.layer(x, memory)


class TransformerUser(nn.Module):
    def __init__(self):
        super().__init__()
        self.transformer = nn.Transformer(16, 2, 1, 1, 32, dropout=0.0)

    def forward(self, src, tgt):
        return self.transformer(src, tgt)


class AttentionUser(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 2)

    def forward(self, x):
        out, _ = self.attn(x, x, x, need_weights=False)
        return out


class MaskedAttentionUser(nn.Module):
    """Batch first, keys and values of their own sizes, no bias, both masks, per-head weights."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 4, batch_first=True, kdim=8, vdim=12, bias=False)
        pad = torch.zeros(2, 7, dtype=torch.bool)
        pad[1, 5:] = True
        self.register_buffer("pad", pad)

    def forward(self, x, k, v, attn_mask):
        return self.attn(x, k, v, key_padding_mask=self.pad, attn_mask=attn_mask,
                         average_attn_weights=False)


class CrossAttentionUser(nn.Module):
    """Encoder-decoder attention: torch cuts the packed weight into q and kv blocks."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 2)

    def forward(self, x, memory):
        return self.attn(x, memory, memory)


class AttentionTwice(nn.Module):
    """One attention called twice: cross-attention with a padding mask, then self-attention."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 2)
        pad = torch.zeros(2, 4, dtype=torch.bool)
        pad[1, 3:] = True
        self.register_buffer("pad", pad)

    def forward(self, x, memory):
        a, _ = self.attn(x, memory, memory, key_padding_mask=self.pad)
        b, _ = self.attn(a, a, a)
        return b


SEQ = torch.randn(5, 2, 16)

# name -> (factory, example inputs, forms)
KINDS = {
    "static_residual": (StaticResidual, (torch.randn(IMAGE),), ("traced", "scripted")),
    "loop_const": (LoopConst, (torch.randn(2, 8),), ("traced", "scripted")),
    "loop_attr": (LoopAttr, (torch.randn(2, 8),), ("traced", "scripted")),
    "loop_shape": (LoopReuse, (torch.randn(3, 8),), ("traced", "scripted")),
    "two_methods": (TwoMethods, (torch.randn(IMAGE),), ("traced", "scripted")),
    "shared_state": (SharedState, (torch.randn(1, 8),), ("scripted",)),
    "helper_twice": (HelperTwice, (torch.randn(IMAGE),), ("traced", "scripted")),
    "interpolate": (Interpolate, (torch.randn(IMAGE),), ("traced", "scripted")),
    "normalize": (Normalize, (torch.randn(2, 3, 4),), ("traced", "scripted")),
    "asserts": (Asserts, (torch.randn(IMAGE),), ("traced", "scripted")),
    "optional_args": (OptionalArgs, (torch.randn(IMAGE),), ("traced", "scripted")),
    "isinstance": (IsInstance, (torch.randn(IMAGE),), ("traced", "scripted")),
    "flags": (Flags, (torch.randn(IMAGE),), ("traced", "scripted")),
    "shape_branch": (ShapeBranch, (torch.randn(IMAGE),), ("traced", "scripted")),
    "value_branch": (IfData, (torch.randn(IMAGE),), ("scripted",)),
    "layers_by_what_they_are": (LayersByWhatTheyAre, (torch.randn(1, 3, 2, 8, 8),),
                                ("traced", "scripted")),
    "encoder_layer": (EncoderLayerUser, (torch.randn(5, 2, 8),), ("traced", "scripted")),
    "encoder_layer_gelu_norm_first": (lambda: EncoderLayerUser(activation="gelu", norm_first=True),
                                      (torch.randn(5, 2, 8),), ("traced", "scripted")),
    # batch first: scripted, its fused inference fast path is live under no_grad
    "encoder_layer_batch_first": (lambda: EncoderLayerUser(batch_first=True),
                                  (torch.randn(2, 5, 8),), ("traced", "scripted")),
    "encoder_stack": (EncoderStack, (SEQ,), ("traced", "scripted")),
    "decoder_layer": (DecoderLayerUser, (SEQ, torch.randn(4, 2, 16)), ("traced", "scripted")),
    "transformer": (TransformerUser, (SEQ, torch.randn(4, 2, 16)), ("traced", "scripted")),
    "attention": (AttentionUser, (SEQ,), ("traced", "scripted")),
    "attention_masked": (MaskedAttentionUser,
                         (torch.randn(2, 5, 16), torch.randn(2, 7, 8), torch.randn(2, 7, 12),
                          torch.randn(5, 7)), ("traced", "scripted")),
    "attention_twice": (AttentionTwice, (SEQ, torch.randn(4, 2, 16)), ("traced", "scripted")),
    "attention_cross": (CrossAttentionUser, (SEQ, torch.randn(4, 2, 16)), ("traced", "scripted")),
}


# ---- real models at small sizes --------------------------------------------------------------

def torchvision_models():
    import torchvision
    from torchvision.models import video
    from torchvision.models.optical_flow import raft_small
    from torchvision.models.swin_transformer import SwinTransformer
    image = (torch.randn(1, 3, 64, 64),)
    return {
        "tv_mnasnet0_5": (lambda: torchvision.models.mnasnet0_5(), image),
        "tv_shufflenet_v2": (lambda: torchvision.models.shufflenet_v2_x0_5(), image),
        "tv_mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(width_mult=0.25), image),
        "tv_densenet": (lambda: torchvision.models.DenseNet(growth_rate=8, block_config=(2, 2),
                                                            num_init_features=8), image),
        "tv_inception_v3": (lambda: torchvision.models.inception_v3(
            transform_input=False, aux_logits=False, init_weights=False), (torch.randn(1, 3, 80, 80),)),
        "tv_r3d": (lambda: video.VideoResNet(video.resnet.BasicBlock,
                                             [video.resnet.Conv3DSimple] * 4, [1, 1, 1, 1],
                                             video.resnet.BasicStem, num_classes=10),
                   (torch.randn(1, 3, 2, 32, 32),)),
        # torchvision 0.21 wants feature maps of at least 16 (inputs of 128)
        "tv_raft_small": (lambda: raft_small(), (torch.randn(1, 3, 128, 128), torch.randn(1, 3, 128, 128))),
        "tv_vit": (lambda: torchvision.models.VisionTransformer(
            image_size=32, patch_size=16, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32),
                   (torch.randn(1, 3, 32, 32),)),
        "tv_swin": (lambda: SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[1, 1],
                                            num_heads=[2, 2], window_size=[4, 4],
                                            stochastic_depth_prob=0.0, num_classes=10),
                    (torch.randn(1, 3, 32, 32),)),
    }


def torchaudio_models():
    import torchaudio.models as ta
    lengths = torch.tensor([12])
    wav2vec2 = lambda: ta.wav2vec2_model(
        extractor_mode="group_norm", extractor_conv_layer_config=[(8, 10, 5), (8, 3, 2)],
        extractor_conv_bias=False, encoder_embed_dim=16, encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=4, encoder_pos_conv_groups=2, encoder_num_layers=2,
        encoder_num_heads=2, encoder_attention_dropout=0.0, encoder_ff_interm_features=32,
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=False,
        encoder_layer_drop=0.0, aux_num_out=None)
    tacotron2 = lambda: ta.Tacotron2(
        n_mels=8, n_symbol=20, symbol_embedding_dim=16, encoder_embedding_dim=16,
        encoder_n_convolution=1, encoder_kernel_size=3, decoder_rnn_dim=16, decoder_max_step=20,
        decoder_dropout=0.0, attention_rnn_dim=16, attention_hidden_dim=8,
        attention_location_n_filter=4, attention_location_kernel_size=3, attention_dropout=0.0,
        prenet_dim=8, postnet_n_convolution=1, postnet_kernel_size=3, postnet_embedding_dim=8)
    return {
        "ta_conformer": (lambda: ta.Conformer(input_dim=16, num_heads=2, ffn_dim=32, num_layers=2,
                                              depthwise_conv_kernel_size=3),
                         (torch.randn(1, 12, 16), lengths)),
        "ta_wav2vec2": (wav2vec2, (torch.randn(1, 400), torch.tensor([400]))),
        "ta_conv_tasnet": (lambda: ta.ConvTasNet(num_sources=2, enc_kernel_size=4, enc_num_feats=8,
                                                 msk_kernel_size=3, msk_num_feats=8,
                                                 msk_num_hidden_feats=16, msk_num_layers=2,
                                                 msk_num_stacks=1), (torch.randn(1, 1, 64),)),
        "ta_emformer": (lambda: ta.Emformer(input_dim=16, num_heads=2, ffn_dim=32, num_layers=2,
                                            segment_length=4, right_context_length=1),
                        (torch.randn(1, 9, 16), torch.tensor([9]))),
        "ta_tacotron2": (tacotron2, (torch.randint(0, 20, (1, 6)), torch.tensor([6]),
                                     torch.randn(1, 8, 5), torch.tensor([5]))),
    }


def torchtext_models():
    # torchtext's package __init__ fails on Debian: load its model modules without it.
    import importlib.util
    if importlib.util.find_spec("torchtext") is None:
        return {}  # Debian 13 has no python3-torchtext
    root = os.path.dirname(importlib.util.find_spec("torchtext").origin)
    for name in ("torchtext", "torchtext.models", "torchtext.models.roberta"):
        package = types.ModuleType(name)
        package.__path__ = [os.path.join(root, *name.split(".")[1:])]
        sys.modules.setdefault(name, package)
    roberta = importlib.import_module("torchtext.models.roberta.model")
    conf = roberta.RobertaEncoderConf(vocab_size=50, embedding_dim=16, ffn_dimension=32,
                                      padding_idx=1, max_seq_len=32, num_attention_heads=2,
                                      num_encoder_layers=2, dropout=0.0)
    return {"tt_roberta": (lambda: roberta.RobertaModel(conf), (torch.randint(2, 50, (2, 7)),))}


# ---- the truth, from the eager model --------------------------------------------------------

TORCH_DIR = os.path.dirname(torch.__file__) + os.sep


def is_torch_file(path):
    return path.startswith(TORCH_DIR)


CONSTRUCTORS = {"arange", "zeros", "ones", "full", "empty", "eye", "linspace", "tensor",
                "zeros_like", "ones_like", "full_like", "empty_like", "randn", "rand"}


def tensors_in(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from tensors_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from tensors_in(item)


class OpRecorder(TorchFunctionMode):
    """Every torch function the model's code calls: the module running (the innermost forward
    the hooks saw), the module whose method holds the code (`self` of that frame: another
    method of a submodule runs no hook), the line, the function's name, and whether any tensor
    it read carries data (not only tensors built from sizes: torch.ones(n, m) and what is
    computed from such alone)."""

    def __init__(self, running, paths):
        super().__init__()
        self.running = running
        self.paths = paths
        self.ops = []
        self.sized = {}  # id -> tensor built from sizes alone (kept alive: ids stay unique)

    def __torch_function__(self, func, types_, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", str(func))
        inputs = list(tensors_in(args)) + list(tensors_in(kwargs))
        data = any(id(t) not in self.sized for t in inputs)
        result = func(*args, **kwargs)
        if name in CONSTRUCTORS or not data:
            for t in tensors_in(result):
                self.sized[id(t)] = t
        frame = sys._getframe(1)
        while frame is not None and is_torch_file(frame.f_code.co_filename):
            frame = frame.f_back
        if frame is not None and self.running:
            owner = self.running[-1]
            for outer in (frame, frame.f_back, frame.f_back and frame.f_back.f_back):
                if outer is not None and id(outer.f_locals.get("self")) in self.paths:
                    owner = self.paths[id(outer.f_locals.get("self"))]
                    break
            self.ops.append([self.running[-1], owner, frame.f_code.co_filename, frame.f_lineno,
                             name, data])
        return result


def is_atomic_layer(module):
    composite = (nn.TransformerEncoderLayer, nn.TransformerDecoderLayer, nn.Transformer,
                 nn.TransformerEncoder, nn.TransformerDecoder, nn.MultiheadAttention)
    containers = (nn.Sequential, nn.ModuleList, nn.ModuleDict)
    cls = type(module)
    return (cls.__module__.startswith("torch.nn.modules") and not isinstance(module, composite)
            and not isinstance(module, containers))


def eager_truth(model, inputs):
    paths = {}
    for name, module in model.named_modules():
        paths.setdefault(id(module), name)
    counts = {}
    running = []
    handles = []
    for module in model.modules():
        path = paths[id(module)]

        def pre(m, args, path=path):
            counts[path] = counts.get(path, 0) + 1
            running.append(path)

        def post(m, args, out):
            running.pop()

        handles.append(module.register_forward_pre_hook(pre))
        handles.append(module.register_forward_hook(post))
    recorder = OpRecorder(running, paths)
    with recorder:  # gradients on: torch's composite layers take their composed path
        model(*inputs)
    for h in handles:
        h.remove()
    parents = {p: (p.rsplit(".", 1)[0] if "." in p else "") for p in paths.values() if p}
    leaves = [p for m, p in ((m, paths[id(m)]) for m in model.modules()) if is_atomic_layer(m)]
    # A module without children whose forward is one layer function is that layer.
    for module in model.modules():
        path = paths[id(module)]
        own = [op[4] for op in recorder.ops if op[0] == path]
        if path and not list(module.children()) and len(own) == 1 and own[0] in LAYER_FUNCTIONS:
            leaves.append(path)
    # Modules holding no parameter and no torch.nn layer: calling one twice shares nothing.
    holds_nothing = [paths[id(m)] for m in model.modules()
                     if paths[id(m)] and not any(True for _ in m.parameters())
                     and not any(is_atomic_layer(sub) for sub in m.modules())]
    return {"hooks": counts, "parents": parents, "atomic": sorted(set(leaves)), "ops": recorder.ops,
            "holds_nothing": holds_nothing}


LAYER_FUNCTIONS = {"linear", "conv1d", "conv2d", "conv3d", "batch_norm", "layer_norm", "group_norm",
                   "instance_norm", "embedding"}


FX_RENAMES = {"iadd": "add", "truediv": "div", "isub": "sub", "imul": "mul"}


def fx_truth(model):
    try:
        traced = torch.fx.symbolic_trace(model)
    except Exception as e:  # fx cannot follow control flow on proxies, among others
        return {"traceable": False, "error": type(e).__name__}
    calls = {}
    for node in traced.graph.nodes:
        if node.op == "call_module":
            calls[node.target] = calls.get(node.target, 0) + 1
    return {"traceable": True, "calls": calls}


def save_forms(name, model, inputs, forms, out):
    """Scripting first: it drops what tracing cannot follow (wav2vec2's weight norm)."""
    saved = []
    for form in forms:
        path = os.path.join(out, f"{name}_{form}.pt")
        try:
            if form == "traced":
                module = torch.jit.trace(model, inputs, check_trace=False)
            else:
                module = torch.jit.script(model)
            module.save(path)
            saved.append(form)
        except Exception as e:  # recorded: the test says which forms exist
            print(f"{name}: no {form} form: {type(e).__name__}: {str(e).splitlines()[0][:120]}")
    return saved


def make(name, factory, inputs, forms, out, truth):
    model = factory().eval()
    saved = save_forms(name, model, inputs, forms, out)
    entry = eager_truth(model, inputs)
    entry["forms"] = saved
    entry["fx"] = fx_truth(model)
    entry["torch"] = torch.__version__.split("+")[0]  # torch's own layers compose by release
    truth[name] = entry
    print("wrote", name, saved)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    truth = {}
    for name, (factory, inputs, forms) in KINDS.items():
        make(name, factory, inputs, forms, out, truth)
    for source in (torchvision_models, torchaudio_models, torchtext_models):
        try:
            models = source()
        except ImportError as e:  # packaging/install-deps.sh installs them; say so if not
            print(f"{source.__name__}: skipped, {e}")
            continue
        for name, (factory, inputs) in models.items():
            torch.manual_seed(0)
            make(name, factory, inputs, ("scripted", "traced"), out, truth)
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
