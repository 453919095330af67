#!/usr/bin/python3
"""Times TorchPrep Studio, offscreen, on resnet50, densenet121 and a generated ~10k-op chain:
time until the module tree and the findings are shown (load + graph + checks), until the graph
is painted (+ layout + paint), to open one module from the collapsed view (goals: resnet50 painted
within 1 s, one module within 200 ms), and frame times while panning
and zooming, at the opening view and with every module expanded; then Fix All until its
Before / After view is shown, the diff's own cost on the GUI thread, and frames there (a pan
or zoom moves both views). Prints two Markdown tables.

usage: bench/bench_studio.py [--build build]
Needs `cmake --build BUILD --target bench_studio_frames` first.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--models", default=None, help="folder to keep the generated models in")
    args = parser.parse_args()
    tool = os.path.join(args.build, "bench", "bench_studio_frames")
    folder = args.models or tempfile.mkdtemp()
    paths = subprocess.run([sys.executable, os.path.join(HERE, "make_studio_models.py"), folder],
                           check=True, capture_output=True, text=True).stdout.split()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    print("| model | boxes at open | tree + findings shown | graph painted | open one module "
          "| pan frame (mean / p95) | zoom frame (mean / p95) "
          "| fitted: pan / zoom p95 | expand all: boxes, time | fitted all: pan / zoom p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = []
    for path in paths:
        out = subprocess.run([tool, path], check=True, capture_output=True, text=True, env=env).stdout
        r = json.loads(out.strip().splitlines()[-1])
        name = os.path.splitext(os.path.basename(path))[0]
        results.append((name, r))
        one = "no module" if r.get("expand_one_ms") is None else f"{r['expand_one_ms']:.0f} ms"
        print(f"| {name} | {r['boxes']} | {r['open_ms']:.0f} ms | {r['first_paint_ms']:.0f} ms "
              f"(layout {r['layout_ms']:.0f}) | {one} | "
              f"{r['start']['pan']['mean']:.1f} / {r['start']['pan']['p95']:.1f} ms | "
              f"{r['start']['zoom']['mean']:.1f} / {r['start']['zoom']['p95']:.1f} ms | "
              f"{r['fit']['pan']['p95']:.1f} / {r['fit']['zoom']['p95']:.1f} ms | "
              f"{r['all_boxes']}, {r['expand_all_ms']:.0f} ms | "
              f"{r['all_fit']['pan']['p95']:.1f} / {r['all_fit']['zoom']['p95']:.1f} ms |")
        sys.stdout.flush()
    print()
    print("| model | Fix All: changes | fixed (prepare + check) | before/after shown | diff on the GUI thread "
          "| boxes (both views) | pan / zoom frame p95 (move, follow, paint both) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results:
        d = r["fix_all"]
        if d is None:
            print(f"| {name} | no findings | | | | | |")
            continue
        print(f"| {name} | {d['changes']} | {d['fix_ms']:.0f} ms | {d['shown_ms']:.0f} ms | {d['diff_ms']:.1f} ms "
              f"| {d['boxes']} | {d['frames']['pan']['p95']:.1f} / {d['frames']['zoom']['p95']:.1f} ms |")


if __name__ == "__main__":
    sys.exit(main())
