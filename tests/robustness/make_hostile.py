"""Hostile and malformed inputs for tests/robustness/tst_robustness.cpp, made at test time.

python3 make_hostile.py OUT_DIR writes the files into OUT_DIR and OUT_DIR/manifest.json, one entry
per file: {"file", "kind", "expect"} where expect is "refused" (exit 2, one line), "any" (fuzzed:
any verdict, but never a crash) or "loads". Everything comes from a fixed seed: the same files on
every run.
"""
import json
import os
import random
import struct
import sys
import threading
import zipfile
import zlib

import torch

import member_fuzz

SEED = 20261129


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        y = self.relu(self.conv(x))
        return self.relu(y) + 1


class Leaf(torch.nn.Module):
    # Two ops: user code whose findings carry its hostile name (one op would make it a layer).
    def forward(self, x):
        return torch.relu(x) + 1.0


# Names that are code when spliced into Python between quotes, or that break lines and quotes.
HOSTILE_NAMES = [
    "a'[:1]+str(getattr(__import__('os'),'system')('touch CANARY'))[:0]+'",
    'b"+str(getattr(__import__("os"),"system")("touch CANARY"))+"',
    "c\\'); getattr(__import__('os'),'system')('touch CANARY'); ('",
    "d\nimport os; getattr(os,'system')('touch CANARY')\n#",
    "e\u2028\u00e9\u4e2d\U0001f600",
    "__mangled",
    "import",
]


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in members:
            z.writestr(name, data)


def members_of(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def replace_member(members, suffix, data):
    return [(n, data if n.endswith(suffix) else d) for n, d in members]


def deep_pickles(out, base):
    """Pickles nested far deeper than any model, in three shapes libtorch's unpickler accepts."""
    members = members_of(base)
    n = 1_000_000
    shapes = {
        "deep_tuple1": b"\x80\x02)" + b"\x85" * n + b".",
        "deep_marked_tuples": b"\x80\x02" + b"(" * n + b")" + b"t" * n + b".",
        "deep_lists": b"\x80\x02]" + b"(]" * n + b"e" * n + b".",
    }
    entries = []
    for name, pickle in shapes.items():
        path = os.path.join(out, name + ".pt")
        write_zip(path, replace_member(members, "constants.pkl", pickle))
        entries.append({"file": path, "kind": "deep_pickle", "expect": "refused"})
    return entries


def untyped_class_attributes(out, base):
    """Class bodies with an untyped assignment (`__patameters__ = []`, one flipped byte from
    `__parameters__`): libtorch 1.13 crashes importing them; they must be refused first."""
    members = members_of(base)
    code = next(n for n, _ in members if n.endswith("code/__torch__.py"))
    text = dict(members)[code].decode()
    entries = []
    lines = {"flipped_name": None, "number": "  foo = 3", "list": "  foo = [1]", "call": "  foo = torch.zeros(3)"}
    for name, line in lines.items():
        if line is None:
            new = text.replace("__parameters__", "__patameters__", 1)
        else:
            first, rest = text.split("\n", 1)
            new = first + "\n" + line + "\n" + rest
        path = os.path.join(out, f"untyped_class_attribute_{name}.pt")
        write_zip(path, replace_member(members, "code/__torch__.py", new.encode()))
        entries.append({"file": path, "kind": "untyped_class_attribute", "expect": "refused"})
    return entries


def malformed_pickles(out, base):
    """data.pkl one byte from the real one, in ways libtorch's unpickler does not survive: a
    dict given an odd number of items, a mark where NEWOBJ takes its class."""
    members = members_of(base)
    pickle = dict(members)[next(n for n, _ in members if n.endswith("/data.pkl"))]
    cases = {"odd_setitems": pickle.replace(b"weightq", b"weightu", 1),
             "mark_before_newobj": pickle.replace(b")\x81", b"(\x81", 1)}
    entries = []
    for name, data in cases.items():
        assert data != pickle, name
        path = os.path.join(out, f"malformed_pickle_{name}.pt")
        write_zip(path, replace_member(members, "/data.pkl", data))
        entries.append({"file": path, "kind": "malformed_pickle", "expect": "refused"})
    return entries


def debug_pickle_of(members):
    """The first debug pickle with records: its name, string table and records."""
    for name, data in members:
        if name.endswith(".debug_pkl"):
            table, records = member_fuzz.read_debug_pickle(data)
            if records:
                return name, table, records
    raise RuntimeError("no debug pickle with records")


def with_source(record, source=None, start=None, end=None):
    offset, (old_source, old_start, old_end), tag = record
    return (offset, (old_source if source is None else source,
                     old_start if start is None else start,
                     old_end if end is None else end), tag)


def damaged_debug_info(out, scripted):
    """Debug pickles as torch writes them but for one number or one shape, each a way libtorch
    (1.13 to 2.x) reads out of bounds, or scans hundreds of MiB, when it reads source ranges
    lazily."""
    members = members_of(scripted)
    name, table, records = debug_pickle_of(members)
    # The record with the most source text (the first is often the empty one torch writes);
    # lists of at least two (libtorch's unpickler has no APPEND, Python's writes one for one).
    index, first = max(enumerate(records), key=lambda r: sum(len(table[i]) for i in r[1][1][0][0]))
    text, filename, line = first[1][0]
    length = sum(len(table[i]) for i in text)
    assert length > 0
    IntList = member_fuzz.IntList

    def source(text=text, filename=filename, line=line):
        return (IntList(text), filename, line)

    cases = {
        "text_index_past_table": (table, with_source(first, source(text + [0, len(table) + 7]))),
        "file_index_past_table": (table, with_source(first, source(filename=len(table)))),
        "negative_text_index": (table, with_source(first, source([0, -1]))),
        "range_past_text": (table, with_source(first, start=length + 1000, end=length + 1001)),
        "range_backwards": (table, with_source(first, start=2, end=1)),
        "negative_line": (table, with_source(first, source(line=-5))),
        "record_of_one_field": (table, (first[0],)),
        "source_of_two_fields": (table, with_source(first, (IntList(text), filename))),
        "text_not_an_int_list": (table, with_source(first, ([0, 0], filename, line))),
        # One MiB referred to 300 times: 300 MiB of source text for libtorch to scan.
        "huge_source": (table + ("#" * (1 << 20),), with_source(first, source([len(table)] * 300))),
    }
    entries = []
    for case, (new_table, record) in cases.items():
        data = member_fuzz.write_debug_pickle(new_table,
                                              records[:index] + [record] + records[index + 1:])
        path = os.path.join(out, "debug_info_%s.pt" % case)
        write_zip(path, replace_member(members, name, data))
        entries.append({"file": path, "kind": "damaged_debug_info", "expect": "refused"})
    # The pickle as a whole: no records at all; a global torch never writes there.
    for case, kind, data in [("empty_tuple", "damaged_debug_info", b"\x80\x02)."),
                             ("foreign_global", "debug_info_global", b"\x80\x02cos\nsystem\nq\x00.")]:
        path = os.path.join(out, "debug_info_%s.pt" % case)
        write_zip(path, replace_member(members, name, data))
        entries.append({"file": path, "kind": kind, "expect": "refused"})
    # Control: the same pickle written back untouched by Python's pickler loads.
    path = os.path.join(out, "debug_info_rewritten.pt")
    write_zip(path, replace_member(members, name, member_fuzz.write_debug_pickle(table, records)))
    entries.append({"file": path, "kind": "rewritten_debug_info", "expect": "loads"})
    return entries


def member_fuzzed(out, bases, count):
    """Bytes changed inside one member, CRCs recomputed (tests/robustness/member_fuzz.py)."""
    rng = random.Random(SEED + 1)
    entries = []
    for i in range(count):
        base, shape = bases[i % len(bases)]
        data, mutation = member_fuzz.mutant(base, rng)
        path = os.path.join(out, "member_fuzz_%03d.pt" % i)
        with open(path, "wb") as f:
            f.write(data)
        entries.append({"file": path, "kind": "member_fuzzed", "expect": "any",
                        "input_shape": shape, "mutation": mutation})
    return entries


def damaged_tensors(out, base):
    """data.pkl with one number of its first tensor changed, as libtorch's unpickler takes it
    unchecked: the storage's element count past its record, or the tensor's first size past
    its storage. Running the model would read outside its memory."""
    import pickletools

    members = members_of(base)
    name = next(n for n, _ in members if n.endswith("/data.pkl"))
    pickle = dict(members)[name]
    ops = list(pickletools.genops(pickle))
    persid = next(i for i, (op, _, _) in enumerate(ops) if op.name == "BINPERSID")
    numel = next(ops[i] for i in range(persid, 0, -1) if ops[i][0].name.startswith("BININT"))
    first_size = next(op for op in ops[persid + 3:] if op[0].name.startswith("BININT"))
    entries = []
    for case, kind, (op, _, pos) in [("storage_past_record", "damaged_storage", numel),
                                     ("tensor_past_storage", "damaged_tensor", first_size)]:
        width = {"BININT1": 1, "BININT2": 2, "BININT": 4}[op.name]
        data = bytearray(pickle)
        data[pos + 1:pos + 1 + width] = b"\xff" * (width - 1) + b"\x7f" if width == 4 else b"\xff" * width
        path = os.path.join(out, "%s.pt" % case)
        write_zip(path, replace_member(members, "/data.pkl", bytes(data)))
        entries.append({"file": path, "kind": kind, "expect": "refused"})
    return entries


def raw_zip64(path, name, compressed, declared, method=8):
    """A one-member zip written by hand, with zip64 sizes, so declared sizes can lie."""
    crc = 0
    name_bytes = name.encode()
    extra_local = struct.pack("<HHQQ", 1, 16, declared, len(compressed))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, method, 0, 0, crc, 0xFFFFFFFF,
                        0xFFFFFFFF, len(name_bytes), len(extra_local)) + name_bytes + extra_local
    extra_central = struct.pack("<HHQQQ", 1, 24, declared, len(compressed), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, method, 0, 0, crc,
                          0xFFFFFFFF, 0xFFFFFFFF, len(name_bytes), len(extra_central), 0, 0, 0, 0,
                          0xFFFFFFFF) + name_bytes + extra_central
    cd_offset = len(local) + len(compressed)
    zip64_end = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1, 1, len(central), cd_offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, cd_offset + len(central), 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    with open(path, "wb") as f:
        f.write(local + compressed + central + zip64_end + locator + end)


def zeros_deflated(mebibytes):
    """Raw deflate of `mebibytes` MiB of zeros, built from one flushed MiB repeated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = c.compress(b"\0" * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return chunk * mebibytes + c.flush()


def bombs(out):
    entries = []
    stream = zeros_deflated(4096)  # 4 GiB of zeros in about 4 MB
    honest = os.path.join(out, "bomb_declared_4gib.pt")
    raw_zip64(honest, "bomb/constants.pkl", stream, 4 << 30)
    entries.append({"file": honest, "kind": "deflate_bomb", "expect": "refused"})
    liar = os.path.join(out, "bomb_declares_1kib.pt")
    raw_zip64(liar, "bomb/constants.pkl", stream, 1024)
    entries.append({"file": liar, "kind": "deflate_bomb", "expect": "refused"})
    return entries


def fuzzed(out, bases, count):
    rng = random.Random(SEED)
    entries = []
    for i in range(count):
        base = bases[i % len(bases)]
        data = bytearray(open(base, "rb").read())
        kind = rng.choice(["flip", "truncate", "zero", "splice", "flip_many"])
        if kind == "flip":
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif kind == "flip_many":
            for _ in range(rng.randint(20, 200)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "truncate":
            data = data[: rng.randrange(1, len(data))]
        elif kind == "zero":
            start = rng.randrange(len(data))
            length = rng.randint(1, 512)
            data[start:start + length] = bytes(min(length, len(data) - start))
        else:
            start = rng.randrange(len(data))
            piece = data[rng.randrange(len(data)):][: rng.randint(1, 256)]
            data[start:start] = piece
        path = os.path.join(out, "fuzz_%03d_%s.pt" % (i, kind))
        with open(path, "wb") as f:
            f.write(bytes(data))
        entries.append({"file": path, "kind": "fuzzed", "expect": "any"})
    return entries


def hostile_names(out):
    entries = []
    for i, name in enumerate(HOSTILE_NAMES):
        model = Wrapper(name).eval()
        path = os.path.join(out, "name_%d.pt" % i)
        torch.jit.trace(model, torch.randn(2, 3)).save(path)
        entries.append({"file": path, "kind": "hostile_name", "expect": "loads", "name": name})
    # A module name whose bytes are not UTF-8 (no Python str can say it: patched into the archive).
    path = os.path.join(out, "name_not_utf8.pt")
    torch.jit.trace(Wrapper("mod XQ"), torch.randn(2, 3)).save(path)
    members = [(n, d.replace(b"mod XQ", b"mod \xa5\xa5")) for n, d in members_of(path)]
    write_zip(path, members)
    entries.append({"file": path, "kind": "not_utf8_name", "expect": "loads"})
    return entries


class Wrapper(torch.nn.Module):
    def __init__(self, name):
        super().__init__()
        self.inner_name = name
        self.add_module(name, Leaf())

    def forward(self, x):
        return getattr(self, self.inner_name)(x) * 2


class NanOut(torch.nn.Module):
    def forward(self, x):
        return x * float("nan")


class LogOut(torch.nn.Module):
    def forward(self, x):
        return torch.log(x) * 2


def nan_models(out):
    entries = []
    for name, model in [("nan_everywhere", NanOut()), ("nan_some", LogOut())]:
        path = os.path.join(out, name + ".pt")
        torch.jit.trace(model, torch.randn(8)).save(path)
        entries.append({"file": path, "kind": "nan", "expect": "loads"})
    return entries


class Chain(torch.nn.Module):
    """20,000 adds in one graph: libtorch's interpreter compiles it ~40,000 frames deep."""

    def forward(self, x):
        for _ in range(20000):
            x = x + 1
        return x


def long_chain(out):
    path = os.path.join(out, "chain_20k_adds.pt")

    def trace():  # Python's own stack is too small for tracing it on the main thread
        torch.jit.trace(Chain(), torch.randn(2), check_trace=False).save(path)

    threading.stack_size(1 << 29)
    worker = threading.Thread(target=trace)
    worker.start()
    worker.join()
    return [{"file": path, "kind": "long_graph", "expect": "loads"}]


class Relu(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        return self.relu(x)


def fuzz_bases(out):
    """Scripted and traced models, torchvision's among them: (file, input shape)."""
    import torchvision

    made = []
    for name, make, shape in [
            ("relu_scripted", lambda: torch.jit.script(Relu()), "2,3"),
            ("small_scripted", lambda: torch.jit.script(Small().eval()), "1,3,8,8"),
            ("mnasnet0_5_scripted", lambda: torch.jit.script(torchvision.models.mnasnet0_5().eval()), "1,3,32,32"),
            ("resnet18_traced", lambda: torch.jit.trace(torchvision.models.resnet18().eval(),
                                                        torch.randn(1, 3, 32, 32)), "1,3,32,32")]:
        path = os.path.join(out, "fuzz_base_%s.pt" % name)
        make().save(path)
        made.append((path, shape))
    return made


def program_json(nodes=None, schema=(8, 20), sizes=None, drop=None):
    """A torch.export program as torch.export.save writes it (models/model.json), written by
    hand: forward(x) = relu(x). Made without torch, so Debian 12's torch 1.13 can make it."""
    relu = {"target": "torch.ops.aten.relu.default",
            "inputs": [{"name": "self", "arg": {"as_tensor": {"name": "x"}}, "kind": 1}],
            "outputs": [{"as_tensor": {"name": "relu"}}],
            "metadata": {"stack_trace": 'File "m.py", line 3, in forward\n    return x.relu()',
                         "nn_module_stack": "L__self__,,__main__.M"}}
    meta = {"dtype": 7, "sizes": [{"as_int": n} for n in (sizes or [1, 4])],
            "requires_grad": False, "device": {"type": "cpu", "index": None},
            "strides": [{"as_int": 1}] * len(sizes or [1, 4]), "storage_offset": {"as_int": 0},
            "layout": 7}
    program = {
        "schema_version": {"major": schema[0], "minor": schema[1]},
        "graph_module": {
            "graph": {"inputs": [{"as_tensor": {"name": "x"}}],
                      "outputs": [{"as_tensor": {"name": "relu"}}],
                      "nodes": nodes if nodes is not None else [relu],
                      "tensor_values": {"x": meta, "relu": meta}},
            "signature": {"input_specs": [{"user_input": {"arg": {"as_tensor": {"name": "x"}}}}],
                          "output_specs": [{"user_output": {"arg": {"as_tensor": {"name": "relu"}}}}]},
            "module_call_graph": []}}
    if drop:
        del program[drop]
    return program


def write_program(path, program_text, legacy=False):
    text = program_text if isinstance(program_text, bytes) else json.dumps(program_text).encode()
    if legacy:  # torch 2.6's layout: a plain zip, no top folder
        write_zip(path, [("serialized_exported_program.json", text), ("version", b"8.2")])
    else:
        root = os.path.splitext(os.path.basename(path))[0]
        write_zip(path, [(root + "/archive_format", b"pt2"), (root + "/archive_version", b"0"),
                         (root + "/models/model.json", text)])


def program_weights(out):
    """forward(x) = x * w with w a [1, 4] float parameter, its record holding all 16 bytes or
    only 8 (a weight reaching outside its record), or its view claiming another 2^40 elements."""
    entries = []
    for name, record, offset in (("program_weight_good", 16, 0),
                                 ("program_weight_outside", 8, 0),
                                 ("program_weight_far_offset", 16, 1 << 40)):
        program = program_json()
        graph = program["graph_module"]["graph"]
        mul = {"target": "torch.ops.aten.mul.Tensor",
               "inputs": [{"name": "self", "arg": {"as_tensor": {"name": "x"}}, "kind": 1},
                          {"name": "other", "arg": {"as_tensor": {"name": "p_w"}}, "kind": 1}],
               "outputs": [{"as_tensor": {"name": "relu"}}],
               "metadata": {"stack_trace": 'File "m.py", line 3, in forward\n    return x * self.w',
                            "nn_module_stack": "L__self__,,__main__.M"}}
        graph["nodes"] = [mul]
        graph["inputs"] = [{"as_tensor": {"name": "p_w"}}, {"as_tensor": {"name": "x"}}]
        graph["tensor_values"]["p_w"] = graph["tensor_values"]["x"]
        program["graph_module"]["signature"]["input_specs"].insert(
            0, {"parameter": {"arg": {"name": "p_w"}, "parameter_name": "w"}})
        meta = dict(graph["tensor_values"]["x"])
        meta["storage_offset"] = {"as_int": offset}
        config = {"config": {"w": {"path_name": "weight_0", "is_param": True, "use_pickle": False,
                                   "tensor_meta": meta}}}
        root = name
        path = os.path.join(out, name + ".pt2")
        write_zip(path, [(root + "/archive_format", b"pt2"), (root + "/archive_version", b"0"),
                         (root + "/models/model.json", json.dumps(program).encode()),
                         (root + "/data/weights/model_weights_config.json",
                          json.dumps(config).encode()),
                         (root + "/data/weights/weight_0", struct.pack("<4f", 1, 2, 3, 4)[:record])])
        says = "reaches element" if name != "program_weight_good" else ""
        entries.append({"file": path, "kind": "program_weight", "says": says,
                        "expect": "refused" if says else "loads"})
    return entries


def hostile_programs(out):
    """.pt2 files a crafted or damaged file could be: each refused in one line, exit 2."""
    good = program_json()
    relu = good["graph_module"]["graph"]["nodes"][0]
    ghost = json.loads(json.dumps(relu))
    ghost["inputs"][0]["arg"]["as_tensor"]["name"] = "ghost"
    escape = json.loads(json.dumps(relu))
    escape["target"] = "torch.ops.aten.relu\x1b[31m.default"
    stack = json.loads(json.dumps(relu))
    stack["metadata"]["nn_module_stack"] = "L__self__,only-two"
    cases = [
        ("program_not_json", b'{"schema_version": {"major": 8', "is not JSON", False),
        ("program_legacy_not_json", b"[1, 2", "is not JSON", True),
        ("program_deep", None, "levels deep", False),
        ("program_schema_99", program_json(schema=(99, 0)), "schema 99.0", False),
        ("program_rank_100", program_json(sizes=[1] * 100), "dimensions", False),
        ("program_huge_tensor", program_json(sizes=[1 << 31, 1 << 31]), "elements", False),
        ("program_reads_nothing", program_json(nodes=[ghost]), "which nothing before it", False),
        ("program_escape_in_name", program_json(nodes=[escape]), "control characters", False),
        ("program_bad_module_stack", program_json(nodes=[stack]), "nn_module_stack", True),
        ("program_no_graph", program_json(drop="graph_module"), "has no 'graph_module'", False),
        ("program_nodes_not_a_list", None, "is not a list", False),
    ]
    entries = []
    for name, program, says, legacy in cases:
        if name == "program_deep":
            # Written as text: Python's own json cannot write it back.
            program = json.dumps(program_json()).replace(
                '"nn_module_stack": "L__self__,,__main__.M"',
                '"nn_module_stack": "L__self__,,__main__.M", "extra": ' + "[" * 100000 + "]" * 100000
            ).encode()
        if name == "program_nodes_not_a_list":
            program = program_json()
            program["graph_module"]["graph"]["nodes"] = "relu"
        path = os.path.join(out, name + ".pt2")
        write_program(path, program, legacy)
        entries.append({"file": path, "kind": "hostile_program", "says": says, "expect": "refused"})
    entries += program_weights(out)
    for name, legacy in (("program_good", False), ("program_good_legacy", True)):
        path = os.path.join(out, name + ".pt2")
        write_program(path, good, legacy)
        entries.append({"file": path, "kind": "good_program", "expect": "loads"})
    return entries


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    base = os.path.join(out, "small_traced.pt")
    torch.jit.trace(Small().eval(), torch.randn(1, 3, 8, 8)).save(base)
    scripted = os.path.join(out, "small_scripted.pt")
    torch.jit.script(Small().eval()).save(scripted)
    entries = [{"file": base, "kind": "good", "expect": "loads"},
               {"file": scripted, "kind": "good", "expect": "loads"}]
    entries += deep_pickles(out, base)
    entries += bombs(out)
    entries += untyped_class_attributes(out, base)
    entries += malformed_pickles(out, base)
    entries += fuzzed(out, [base, scripted], 96)
    entries += damaged_debug_info(out, scripted)
    entries += damaged_tensors(out, base)
    entries += member_fuzzed(out, fuzz_bases(out), 120)
    entries += hostile_names(out)
    entries += nan_models(out)
    entries += long_chain(out)
    entries += hostile_programs(out)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(entries, f, indent=1)


if __name__ == "__main__":
    main()
