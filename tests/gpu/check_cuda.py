#!/usr/bin/env python3
"""The CUDA path of `torchprep compare`, checked as a user on a GPU machine runs it.

Debian's libtorch is CPU-only, so CI never reaches this code; run it where a GPU and a CUDA build
of torch are present, against a CLI built with that torch (docs/development.md, "Building"):

    cmake -S . -B build-cuda -G Ninja -DTORCHPREP_GUI=OFF \
        -DTorch_DIR=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')/Torch
    cmake --build build-cuda --target torchprep
    python3 tests/gpu/check_cuda.py --build build-cuda

Each check prints PASS or FAIL with what it saw; the exit code is the number of failures
(2 when there is no CUDA device, so nothing could be checked).
"""
import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import make_models  # noqa: E402  (the test models' classes, made the way users make theirs)

SHAPE = "1,3,64,64"
failures = []


def check(name, ok, seen):
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {seen}")
    sys.stdout.flush()
    if not ok:
        failures.append(name)


def run(cli, *args):
    result = subprocess.run([cli, *args], capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr.strip()


def compare(cli, a, b, *extra):
    code, out, err = run(cli, "compare", a, b, *extra, "--json")
    return code, (json.loads(out) if out.strip() else None), err


def make(out):
    torch.manual_seed(0)
    x = torch.randn(1, 3, 64, 64)
    paths = {}
    resnet18 = torchvision.models.resnet18().eval()
    paths["resnet18"] = os.path.join(out, "resnet18_traced.pt")
    torch.jit.trace(resnet18, x).save(paths["resnet18"])
    paths["resnet18_scripted"] = os.path.join(out, "resnet18_scripted.pt")
    torch.jit.script(resnet18).save(paths["resnet18_scripted"])
    perturbed = copy.deepcopy(resnet18)
    with torch.no_grad():
        perturbed.layer3[0].conv1.weight.add_(1e-3)
    paths["perturbed"] = os.path.join(out, "resnet18_perturbed_traced.pt")
    torch.jit.trace(perturbed, x).save(paths["perturbed"])
    paths["if_data"] = os.path.join(out, "if_data_scripted.pt")
    torch.jit.script(make_models.IfData().eval()).save(paths["if_data"])
    paths["inputs"] = os.path.join(out, "inputs.pt")
    torch.save(torch.randn(2, 3, 64, 64), paths["inputs"])  # a CPU tensor, as users save them
    return paths


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build-cuda")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to check here")
        return 2
    cli = os.path.join(args.build, "app", "torchprep")
    out = tempfile.mkdtemp(prefix="torchprep-gpu-")
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}")
    m = make(out)

    code, r, err = compare(cli, m["resnet18"], m["resnet18"], "--input-shape", SHAPE, "--device", "cuda")
    check("identical models on cuda agree exactly",
          code == 0 and r["device"] == "cuda:0" and r["outputs"][0]["max_abs_diff"] == 0.0,
          f"exit {code}, device {r and r['device']}, max|diff| {r and r['outputs'][0]['max_abs_diff']} {err}")
    check("timings are measured on the GPU", code == 0 and r["timing_ms"]["a"] > 0,
          f"a {r and r['timing_ms']['a']:.3f} ms, b {r and r['timing_ms']['b']:.3f} ms")

    code, r, err = compare(cli, m["resnet18"], m["resnet18"], "--input-shape", SHAPE, "--runs", "2")
    check("--device auto picks the GPU", code == 0 and r["device"] == "cuda:0", f"device {r and r['device']} {err}")

    code, r, err = compare(cli, m["resnet18"], m["perturbed"], "--input-shape", SHAPE, "--device", "cuda",
                           "--per-layer", "--runs", "1")
    check("a perturbed conv is the first divergence on cuda",
          code == 1 and r["first_divergence"] == "layer3.0.conv1",
          f"exit {code}, first_divergence {r and r['first_divergence']} {err}")

    prepared = os.path.join(out, "resnet18_prepared.pt")
    code, _, err = run(cli, "prepare", m["resnet18"], "-o", prepared, "--input-shape", SHAPE)
    check("prepare works with the CUDA build of libtorch", code == 0 and os.path.exists(prepared),
          f"exit {code} {err}")
    code, r, err = compare(cli, m["resnet18"], prepared, "--input-shape", SHAPE, "--device", "cuda",
                           "--per-layer", "--runs", "1")
    matches = {}
    for layer in (r or {}).get("layers", []):
        matches[layer["match"]] = matches.get(layer["match"], 0) + 1
    check("prepared resnet18 matches its original layer by layer on cuda",
          code == 0 and matches.get("dataflow") == 8 and matches.get("new") == 8
          and not r["first_divergence"],
          f"exit {code}, matches {matches}, max|diff| {r and r['outputs'][0]['max_abs_diff']} {err}")
    # Moved to the GPU, a model must still be found equal to itself when scripted (CallFunction,
    # control flow).
    code, r, err = compare(cli, m["resnet18_scripted"], m["resnet18"], "--input-shape", SHAPE,
                           "--device", "cuda", "--runs", "1")
    check("scripted and traced resnet18 agree on cuda", code == 0,
          f"exit {code}, max|diff| {r and r['outputs'][0]['max_abs_diff']} {err}")
    code, r, err = compare(cli, m["if_data"], m["if_data"], "--input-shape", "1,3,32,32", "--device", "cuda",
                           "--per-layer", "--runs", "1")
    check("data-dependent control flow runs on cuda", code == 0 and r["device"] == "cuda:0",
          f"exit {code} {err}")

    code, r, err = compare(cli, m["resnet18"], prepared, "--inputs", m["inputs"], "--device", "cuda",
                           "--runs", "1")
    check("inputs saved on the CPU are moved to the GPU",
          code == 0 and r["inputs"] and r["outputs"][0]["shape"] == [2, 1000],
          f"exit {code}, shape {r and r['outputs'][0]['shape']} {err}")

    code, _, err = run(cli, "compare", m["resnet18"], m["resnet18"], "--input-shape", SHAPE,
                       "--device", "cuda:%d" % torch.cuda.device_count())
    check("a GPU that is not there is exit 2 with one line", code == 2 and "\n" not in err and err,
          f"exit {code}: {err}")
    code, _, err = run(cli, "compare", m["resnet18"], m["resnet18"], "--input-shape", "1,5,64,64",
                       "--device", "cuda")
    check("shapes the model rejects on cuda are exit 2 with one line", code == 2 and "\n" not in err and err,
          f"exit {code}: {err[:160]}")

    print(f"{len(failures)} failure(s)" + (": " + ", ".join(failures) if failures else ""))
    return len(failures)


if __name__ == "__main__":
    sys.exit(main())
