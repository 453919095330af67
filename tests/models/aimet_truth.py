#!/usr/bin/python3
"""AIMET's own verdicts on the catalogue's models (aimet_catalogue.py), an oracle independent of
TorchPrep: what AIMET's ModelValidator checks find, and which modules AIMET's model preparer adds.

Runs in a Python that has aimet-torch (2.x) installed; random weights (torch.manual_seed(0)), no
downloads. For every model of AIMET_CASES and PREPARER_CASES it records

  reused:   utils.get_reused_modules (what validate_for_reused_modules reports), module paths
  missing:  connectedgraph_utils.get_ops_with_missing_modules (what validate_for_missing_modules
            reports, with no layers excluded): [{"op", "type", "dotted_name", "parent"}]
  shape:    the example input's shape
  prepared: model_preparer.prepare_model's result's named_modules not in the original model,
            [[name, class name], ...] in named_modules order

Any of the three that raises is recorded as {"error": "..."} in its place.

usage: aimet_truth.py OUT.json [MODEL ...]
"""
import contextlib
import copy
import json
import logging
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from aimet_catalogue import AIMET_CASES, PREPARER_CASES  # noqa: E402


@contextlib.contextmanager
def quiet():
    """AIMET logs (and prints) a lot, at file-descriptor level too: send fds 1 and 2 away."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def error(exc):
    text = f"{type(exc).__name__}: {exc}".strip()
    return {"error": text.splitlines()[0][:300] if text else type(exc).__name__}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_path, wanted = sys.argv[1], sys.argv[2:]

    with quiet():
        from aimet_torch import utils as aimet_utils
        from aimet_torch.meta import connectedgraph_utils
        from aimet_torch.model_preparer import prepare_model
        from aimet_torch.common.utils import AimetLogger
    # AimetLogger re-applies its dictConfig on every get_area_logger: disable logging globally.
    logging.disable(logging.CRITICAL)
    AimetLogger.set_level_for_all_areas(logging.CRITICAL + 1)

    cases = dict(AIMET_CASES)
    cases.update(PREPARER_CASES)
    unknown = [name for name in wanted if name not in cases]
    if unknown:
        sys.exit(f"unknown models: {', '.join(unknown)}")

    truth = {}
    for name, (factory, shape) in cases.items():
        if wanted and name not in wanted:
            continue
        torch.manual_seed(0)
        model = factory().eval()
        example = torch.randn(*shape)
        entry = {"shape": list(shape)}
        with quiet():
            try:
                entry["reused"] = [path for path, _ in
                                   aimet_utils.get_reused_modules(copy.deepcopy(model), example)]
            except Exception as exc:  # noqa: BLE001  (the oracle records what AIMET does)
                entry["reused"] = error(exc)

            try:
                probe = copy.deepcopy(model)
                paths = {module: path for path, module in probe.named_modules()}
                ops = connectedgraph_utils.get_ops_with_missing_modules(probe, example)
                entry["missing"] = [{"op": op.name, "type": op.type,
                                     "dotted_name": getattr(op, "dotted_name", None),
                                     "parent": paths.get(op.residing_module)} for op in ops]
            except Exception as exc:  # noqa: BLE001
                entry["missing"] = error(exc)

            try:
                original = copy.deepcopy(model)
                before = {path for path, _ in original.named_modules()}
                prepared = prepare_model(original)
                entry["prepared"] = [[path, type(module).__name__]
                                     for path, module in prepared.named_modules()
                                     if path not in before]
            except Exception as exc:  # noqa: BLE001
                entry["prepared"] = error(exc)
        truth[name] = entry
        print(f"{name}: reused {len(entry['reused']) if isinstance(entry['reused'], list) else 'error'}"
              f", missing {len(entry['missing']) if isinstance(entry['missing'], list) else 'error'}"
              f", prepared {len(entry['prepared']) if isinstance(entry['prepared'], list) else 'error'}",
              flush=True)

    with open(out_path, "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
