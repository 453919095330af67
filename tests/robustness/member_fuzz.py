"""Member-level mutations of TorchScript archives: bytes changed inside one member, the archive
written again with correct CRCs, as a crafted file would be (any zip tool recomputes them).

Used by make_hostile.py (a small fixed-seed budget the robustness test runs) and by
bench/fuzz_members.py (a larger budget outside CI).

Half the mutations are random bytes; the other half change the numbers inside a pickle (the
operands of its integer opcodes), which is where libtorch trusts a file most: indices into a
string table, offsets into a source text.
"""
import io
import pickle
import pickletools
import zipfile

import torch

INT_OPCODES = {"BININT1": 1, "BININT2": 2, "BININT": 4}
# Interesting values for a 1, 2 or 4 byte integer operand.
EDGES = {1: [0, 1, 0x7F, 0x80, 0xFF], 2: [0, 0xFF, 0x100, 0x7FFF, 0xFFFF],
         4: [0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x10000]}


class IntList(list):
    """A list torch pickles as an integer list (torch.jit._pickle.build_intlist)."""

    def __reduce__(self):
        return (torch.jit._pickle.build_intlist, (list(self),))


def read_debug_pickle(data):
    """A debug pickle as torch writes it (string table format) read back as Python values: the
    string table and the records, each source's text an IntList again (Python reads
    build_intlist back as a plain list), shared sources still shared."""
    marker, table, records = pickle.loads(data)
    assert marker == "FORMAT_WITH_STRING_TABLE"
    sources = {}

    def torch_form(source):
        if id(source) not in sources:
            sources[id(source)] = (IntList(source[0]),) + tuple(source[1:])
        return sources[id(source)]

    return table, [(offset, (torch_form(source), start, end)) + tuple(rest)
                   for offset, (source, start, end), *rest in records]


def write_debug_pickle(table, records):
    return pickle.dumps(("FORMAT_WITH_STRING_TABLE", tuple(table), tuple(records)), protocol=2)


def members_of(path):
    with zipfile.ZipFile(path) as z:
        return [(info, z.read(info.filename)) for info in z.infolist()]


def int_operands(pickle):
    """(offset, width) of every integer operand in a pickle; [] when it does not parse."""
    found = []
    try:
        for opcode, _, pos in pickletools.genops(pickle):
            width = INT_OPCODES.get(opcode.name)
            if width:
                found.append((pos + 1, width))
    except Exception:
        return []
    return found


def mutate_bytes(data, rng):
    data = bytearray(data)
    if not data:
        return bytes(data), "empty"
    kind = rng.choice(["flip", "flip_many", "set", "zero"])
    if kind == "flip":
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == "flip_many":
        for _ in range(rng.randint(2, 12)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == "set":
        data[rng.randrange(len(data))] = rng.randrange(256)
    else:
        start = rng.randrange(len(data))
        end = min(len(data), start + rng.randint(1, 16))
        data[start:end] = bytes(end - start)
    return bytes(data), kind


def mutate_ints(pickle, rng):
    operands = int_operands(pickle)
    if not operands:
        return mutate_bytes(pickle, rng)
    data = bytearray(pickle)
    for _ in range(rng.randint(1, 3)):
        offset, width = rng.choice(operands)
        value = rng.choice(EDGES[width] + [rng.randrange(1 << (8 * width))])
        data[offset:offset + width] = value.to_bytes(width, "little")
    return bytes(data), "ints"


def choose_member(members, rng):
    """Debug pickles most often (where libtorch reads lazily), then pickles, then code."""
    def pick(suffix):
        return [i for i, (info, _) in enumerate(members) if info.filename.endswith(suffix)]
    groups = [(0.5, pick(".debug_pkl")), (0.3, pick(".pkl")), (0.2, pick(".py"))]
    groups = [(w, g) for w, g in groups if g]
    roll = rng.random() * sum(w for w, _ in groups)
    for weight, group in groups:
        if roll < weight:
            return rng.choice(group)
        roll -= weight
    return rng.choice(groups[-1][1])


def mutant(base, rng):
    """One mutated archive of `base` as bytes, and a short description of what changed."""
    members = members_of(base)
    index = choose_member(members, rng)
    info, data = members[index]
    is_pickle = info.filename.endswith(".pkl") or info.filename.endswith(".debug_pkl")
    if is_pickle and rng.random() < 0.5:
        data, kind = mutate_ints(data, rng)
    else:
        data, kind = mutate_bytes(data, rng)
    members[index] = (info, data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for member_info, member_data in members:
            z.writestr(member_info, member_data)
    return out.getvalue(), "%s:%s" % (info.filename.split("/", 1)[-1], kind)
