"""TorchScript files as users of torch 2.x save them, made at test time by that torch.

Run by a torch 2.x Python (the venv the test set-up makes, or any other):
    python make_torch2_models.py OUT_DIR [--census]

For every model below, traced and scripted where torch can: OUT_DIR/<name>_<mode>.pt saved with
torch.jit.save, the fixed inputs OUT_DIR/<name>.inputs.pt and what the model returns on them
OUT_DIR/<name>_<mode>.outputs.pt (torch.save, a tuple of tensors: the truth TorchPrep's compare
is held to), and OUT_DIR/manifest.json: {"torch", "models": [{"name", "mode", "file", "inputs",
"outputs", "ops"}], "failed": [{"name", "mode", "reason"}]}, where "ops" are the aten ops of the
file's graphs with their schemas (what the census reads). --census adds larger models (video,
segmentation, detection) that only the census needs. Random weights, nothing downloaded.
"""
import json
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")  # TorchScript's deprecation warnings, tracer warnings


class SdpaBlock(nn.Module):
    """Attention written with F.scaled_dot_product_attention, as HF-style encoders do."""

    def __init__(self, dim=16, heads=2, kv_heads=2, causal=False, scale=None, mask=None, gqa=False):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, dim // heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, self.head_dim * kv_heads)
        self.v = nn.Linear(dim, self.head_dim * kv_heads)
        self.out = nn.Linear(dim, dim)
        self.causal, self.scale, self.gqa = causal, scale, gqa
        self.register_buffer("mask", mask if mask is not None else torch.zeros(0), persistent=True)
        self.has_mask = mask is not None

    def forward(self, x):
        b, n, _ = x.shape
        q = self.q(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        k = self.k(x).view(b, n, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v(x).view(b, n, self.kv_heads, self.head_dim).transpose(1, 2)
        mask = self.mask if self.has_mask else None
        if self.gqa:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=self.causal, scale=self.scale,
                                               enable_gqa=True)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=self.causal, scale=self.scale)
        return self.out(y.transpose(1, 2).reshape(b, n, -1))


class MaskedSdpa(nn.Module):
    """A float mask that is a model input (padding as a tokenizer gives it)."""

    def __init__(self):
        super().__init__()
        self.block = SdpaBlock()

    def forward(self, x, mask):
        b, n, _ = x.shape
        blk = self.block
        q = blk.q(x).view(b, n, blk.heads, blk.head_dim).transpose(1, 2)
        k = blk.k(x).view(b, n, blk.heads, blk.head_dim).transpose(1, 2)
        v = blk.v(x).view(b, n, blk.heads, blk.head_dim).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return blk.out(y.transpose(1, 2).reshape(b, n, -1))


class MhaNoWeights(nn.Module):
    """nn.MultiheadAttention called with need_weights=False: torch 2.x runs SDPA inside."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        self.norm = nn.LayerNorm(16)

    def forward(self, x):
        y, _ = self.attn(x, x, x, need_weights=False)
        return self.norm(y)


class EncoderLayerCalled(nn.Module):
    """A TransformerEncoderLayer the model calls without masks: torch's code sees them None."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(8, 16)
        self.layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)

    def forward(self, x):
        return self.layer(self.embed(x))


class MhaPadding(nn.Module):
    """Attention with a bool padding mask the model holds: torch makes it a float mask once."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        pad = torch.zeros(2, 6, dtype=torch.bool)
        pad[1, 4:] = True
        self.register_buffer("pad", pad)

    def forward(self, x):
        y, _ = self.attn(x, x, x, key_padding_mask=self.pad, need_weights=False)
        return y


class RmsMlp(nn.Module):
    """nn.RMSNorm (torch 2.4) between linear layers, as Llama-style blocks have it."""

    def __init__(self):
        super().__init__()
        self.norm = nn.RMSNorm(16, eps=1e-6)
        self.fc1 = nn.Linear(16, 32)
        self.act = nn.SiLU()
        self.fc2 = nn.Linear(32, 16)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(self.norm(x))))


class RmsFunctional(nn.Module):
    """F.rms_norm on a weight of the model's own: a functional the checks must name."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(16) + 0.5)
        self.fc = nn.Linear(16, 16)

    def forward(self, x):
        return self.fc(F.rms_norm(x, (16,), self.weight, 1e-5))


def seq_input(batch=2, n=6, dim=16):
    return (torch.randn(batch, n, dim),)


def padding_mask():
    mask = torch.zeros(2, 1, 6, 6)
    mask[1, :, :, 4:] = float("-inf")
    return mask


def small_models():
    """(name, factory, inputs): the op forms the census found, at test sizes."""
    bool_mask = torch.ones(6, 6, dtype=torch.bool).tril()
    return [
        ("sdpa_plain", lambda: SdpaBlock(), seq_input),
        ("sdpa_causal", lambda: SdpaBlock(causal=True), seq_input),
        ("sdpa_scale", lambda: SdpaBlock(scale=0.3), seq_input),
        ("sdpa_bool_mask", lambda: SdpaBlock(mask=bool_mask), seq_input),
        ("sdpa_gqa", lambda: SdpaBlock(heads=4, kv_heads=2, gqa=True), seq_input),
        ("sdpa_input_mask", lambda: MaskedSdpa(), lambda: (torch.randn(2, 6, 16), padding_mask())),
        ("mha_no_weights", lambda: MhaNoWeights(), seq_input),
        ("encoder_layer", lambda: nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True), seq_input),
        ("encoder_layer_called", lambda: EncoderLayerCalled(), lambda: seq_input(dim=8)),
        ("mha_padding", lambda: MhaPadding(), seq_input),
        ("rms_norm_module", lambda: RmsMlp(), seq_input),
        ("rms_norm_functional", lambda: RmsFunctional(), seq_input),
    ]


def torchvision_models(census):
    try:
        import torchvision
        from torchvision.models import resnet18
        from torchvision.models.maxvit import MaxVit
        from torchvision.models.swin_transformer import SwinTransformer
        from torchvision.models.vision_transformer import VisionTransformer
    except Exception:  # no torchvision beside this torch
        return []
    image = lambda size=32: (torch.randn(1, 3, size, size),)

    def vit():  # torchvision zeroes the head: an output of zeros would prove nothing
        model = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
                                  num_classes=10)
        nn.init.normal_(model.heads.head.weight)
        return model

    models = [
        ("resnet18", lambda: resnet18(num_classes=10), image),
        ("vit", vit, image),
        ("swin", lambda: SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 2],
                                         window_size=[4, 4], stochastic_depth_prob=0.0, num_classes=10), image),
        ("maxvit", lambda: MaxVit(input_size=(32, 32), stem_channels=8, partition_size=2, block_channels=[16, 32],
                                  block_layers=[1, 1], head_dim=8, stochastic_depth_prob=0.0, num_classes=10),
         image),
    ]
    if census:
        from torchvision.models.detection import ssdlite320_mobilenet_v3_large
        from torchvision.models.segmentation import lraspp_mobilenet_v3_large
        from torchvision.models.video import r3d_18
        models += [
            ("r3d_18", lambda: r3d_18(num_classes=10), lambda: (torch.randn(1, 3, 4, 32, 32),)),
            ("lraspp", lambda: lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=3),
             lambda: (torch.randn(1, 3, 64, 64),)),
            ("ssdlite", lambda: ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=3),
             lambda: ([torch.rand(3, 64, 64)],)),
        ]
    return models


class HfOutputs(nn.Module):
    """A transformers model returning its first output: the tensor users trace for."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids):
        return self.model(ids)[0]


def huggingface_models():
    """transformers' own encoder and decoder at tiny sizes (the census installs transformers)."""
    try:
        from transformers import BertConfig, BertModel, LlamaConfig, LlamaModel
    except Exception:
        return []
    ids = lambda: (torch.randint(0, 100, (1, 8)),)

    def bert():
        config = BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                            intermediate_size=64, attn_implementation="sdpa", return_dict=False)
        return HfOutputs(BertModel(config))

    def llama():
        config = LlamaConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                             num_key_value_heads=2, intermediate_size=64, attn_implementation="sdpa",
                             return_dict=False, use_cache=False)
        return HfOutputs(LlamaModel(config))

    return [("hf_bert", bert, ids), ("hf_llama", llama, ids)]


def timm_models():
    try:
        import timm
    except Exception:
        return []
    image = lambda: (torch.randn(1, 3, 32, 32),)
    return [
        ("timm_vit", lambda: timm.create_model("vit_tiny_patch16_224", pretrained=False, img_size=32, patch_size=8,
                                               num_classes=10), image),
        ("timm_convnext", lambda: timm.create_model("convnext_atto", pretrained=False, num_classes=10), image),
    ]


def flat_tensors(value):
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for item in value for t in flat_tensors(item)]
    if isinstance(value, dict):
        return [t for key in value for t in flat_tensors(value[key])]
    return []


def graph_ops(module):
    """aten ops of every method graph (callees inlined), with the schema each resolved to."""
    ops = {}
    graphs = [module.inlined_graph]
    for sub in module.modules():
        for name in getattr(sub, "_method_names", lambda: [])():
            try:
                graphs.append(getattr(sub, name).graph)
            except Exception:
                pass

    def walk(block):
        for node in block.nodes():
            if node.kind().startswith("aten::"):
                try:
                    schema = str(node.schema())
                except Exception:
                    schema = "(no schema)"
                ops.setdefault(node.kind(), set()).add(schema)
            for sub in node.blocks():
                walk(sub)

    for graph in graphs:
        walk(graph)
    return {op: sorted(schemas) for op, schemas in sorted(ops.items())}


def main():
    out = sys.argv[1]
    census = "--census" in sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    manifest = {"torch": torch.__version__.split("+")[0], "models": [], "failed": []}
    models = small_models() + torchvision_models(census)
    if census:
        models += huggingface_models() + timm_models()
    for name, factory, make_inputs in models:
        torch.manual_seed(0)
        model = factory().eval()
        inputs = make_inputs()
        inputs_file = os.path.join(out, name + ".inputs.pt")
        torch.save(inputs, inputs_file)
        for mode in ("traced", "scripted"):
            path = os.path.join(out, "%s_%s.pt" % (name, mode))
            try:
                # Traced with gradients on, as users trace: under no_grad torch's attention takes
                # its fused inference kernel and the file records that instead.
                if mode == "traced":
                    saved = torch.jit.trace(model, inputs, check_trace=False, strict=False)
                else:
                    saved = torch.jit.script(model)
                torch.jit.save(saved, path)
                loaded = torch.jit.load(path)
                with torch.no_grad():
                    outputs = tuple(t.detach() for t in flat_tensors(loaded(*inputs)))
            except Exception as error:  # the census says which forms torch itself cannot make
                manifest["failed"].append({"name": name, "mode": mode,
                                           "reason": str(error).strip().splitlines()[0][:200]})
                continue
            outputs_file = os.path.join(out, "%s_%s.outputs.pt" % (name, mode))
            torch.save(outputs, outputs_file)
            manifest["models"].append({"name": name, "mode": mode, "file": path, "inputs": inputs_file,
                                       "outputs": outputs_file, "ops": graph_ops(loaded)})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("%d files by torch %s, %d forms torch could not make" % (len(manifest["models"]), manifest["torch"],
                                                                 len(manifest["failed"])))


if __name__ == "__main__":
    main()
