#!/usr/bin/python3
"""Member-level fuzzing with a larger budget than the robustness test's: bytes changed inside one
member of real TorchScript archives, CRCs recomputed (tests/robustness/member_fuzz.py), each file
run through `torchprep validate`, `prepare` and `compare`. Prints the exit codes per command and
keeps every file that crashed or hung in OUT/kept.

usage: bench/fuzz_members.py [--build build] [--count 1000] [--seed 1] [--jobs 2] [--out DIR]
"""
import argparse
import collections
import os
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "robustness"))

import make_hostile  # noqa: E402  (the bases: scripted and traced models, torchvision's too)
import member_fuzz  # noqa: E402


def run(cli, args, timeout):
    try:
        done = subprocess.run([cli] + args, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang", b""
    if done.returncode < 0:
        return "signal %d" % -done.returncode, done.stderr
    if done.returncode == 2 and (done.stdout or done.stderr.count(b"\n") != 1):
        return "refused, not in one line", done.stderr
    return str(done.returncode), b""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--out", default=None, help="where the files go (default: a temp dir)")
    args = parser.parse_args()
    cli = os.path.abspath(os.path.join(args.build, "app", "torchprep"))
    out = args.out or tempfile.mkdtemp(prefix="torchprep-fuzz-")
    os.makedirs(os.path.join(out, "kept"), exist_ok=True)
    bases = make_hostile.fuzz_bases(out)
    rng = random.Random(args.seed)

    def one(i):
        base, shape = bases[i % len(bases)]
        data, mutation = member_fuzz.mutant(base, rng_for(i))
        path = os.path.join(out, "m%05d.pt" % i)
        with open(path, "wb") as f:
            f.write(data)
        results = []
        for command, extra in [("validate", ["--json"]),
                               ("prepare", ["-o", path + ".prepared.pt", "--input-shape", shape]),
                               ("compare", [path, "--input-shape", shape, "--runs", "1"])]:
            outcome, err = run(cli, [command, path] + extra, args.timeout)
            results.append((command, outcome, err))
        bad = [r for r in results if not r[1].isdigit()]
        if bad:
            shutil.copy(path, os.path.join(out, "kept"))
        for leftover in (path, path + ".prepared.pt"):
            if os.path.exists(leftover):
                os.remove(leftover)
        return os.path.basename(base), mutation, results

    seeds = [rng.randrange(1 << 62) for _ in range(args.count)]

    def rng_for(i):
        return random.Random(seeds[i])

    codes = collections.Counter()
    failures = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for base, mutation, results in pool.map(one, range(args.count)):
            for command, outcome, err in results:
                codes[(command, outcome)] += 1
                if not outcome.isdigit():
                    failures.append((base, mutation, command, outcome, err[-300:]))
    print("files: %d (%d runs), bases: %s" % (args.count, sum(codes.values()),
                                              ", ".join(os.path.basename(b) for b, _ in bases)))
    for (command, outcome), n in sorted(codes.items()):
        print("  %-8s exit %-28s %6d" % (command, outcome, n))
    for failure in failures:
        print("FAILED", *failure)
    print("kept:", os.path.join(out, "kept"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
