"""The torch that wrote a file, as the oracle of what TorchPrep did with it.

PYTHON check_torch2_file.py ORIGINAL.pt PREPARED.pt INPUTS.pt OUTPUTS.pt [PREPARED.py]
Loads PREPARED.pt with this torch's torch.jit.load, runs it on INPUTS.pt and prints one JSON
line: {"torch", "loads", "error", "max_abs_diff" (against OUTPUTS.pt, what ORIGINAL.pt returned
in this torch), "same_count", "added" (module paths PREPARED has and ORIGINAL lacks),
"removed", "modules" (every module path of PREPARED), and with PREPARED.py (prepare
--emit-python) "python_max_abs_diff" of its load_model() or "python_error"}.
"""
import json
import sys
import warnings

import torch

from make_torch2_models import flat_tensors  # beside this file

warnings.filterwarnings("ignore")


def main():
    original_path, prepared_path, inputs_path, outputs_path = sys.argv[1:5]
    result = {"torch": torch.__version__, "loads": False, "error": None}
    try:
        prepared = torch.jit.load(prepared_path)
        original = torch.jit.load(original_path)
        inputs = torch.load(inputs_path)
        expected = torch.load(outputs_path)
        with torch.no_grad():
            got = flat_tensors(prepared(*inputs))
    except Exception as error:
        result["error"] = str(error).strip().splitlines()[0][:300]
        print(json.dumps(result))
        return 1
    result["loads"] = True
    result["same_count"] = len(got) == len(expected)
    result["max_abs_diff"] = max((float((a.double() - b.double()).abs().max()) for a, b in zip(got, expected)
                                  if a.numel()), default=0.0) if result["same_count"] else None
    before = {name for name, _ in original.named_modules()}
    after = {name for name, _ in prepared.named_modules()}
    result["added"] = sorted(after - before)
    result["removed"] = sorted(before - after)
    result["modules"] = sorted(after)
    if len(sys.argv) > 5:  # the prepared model as Python source: torch 2.x builds and runs it too
        import importlib.util
        spec = importlib.util.spec_from_file_location("prepared_source", sys.argv[5])
        source = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(source)
            with torch.no_grad():
                again = flat_tensors(source.load_model()(*inputs))
            result["python_max_abs_diff"] = max(float((a.double() - b.double()).abs().max())
                                                for a, b in zip(again, expected) if a.numel())
        except Exception as error:
            result["python_error"] = str(error).strip().splitlines()[0][:300]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
