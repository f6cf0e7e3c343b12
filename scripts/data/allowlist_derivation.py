#!/usr/bin/python3
"""Shared by the scripts/data/derive-*-allowlist.py scripts: the globals a pickle stream names, found by walking its
bytes with pickletools.genops and a small stack model (STACK_GLOBAL operands, memo lookups). Nothing is unpickled.

walk_globals(data, usage) walks one stream; pickle_globals(obj, usage) pickles obj at PROTOCOLS and walks each;
joblib_globals(obj, usage) walks joblib.dump's output with the raw array bytes spliced out; resolve(module, qual)
imports the object a global names (fix_imports mapping applied); write_json(path, doc) writes a data file the way
the committed ones are laid out (the repo's prettier).
usage maps (module, qualname) -> set of how the stream used it: REDUCE (called), NEWOBJ/NEWOBJ_EX/OBJ (cls.__new__),
INST (called by INST), value (referenced as data).
"""

import importlib
import io
import json
import os
import pickle
import pickletools
import shutil
import subprocess
import sys

import joblib
import joblib.numpy_pickle as joblib_np

PROTOCOLS = (0, 2, 4, 5)

# ---------------------------------------------------------------------------------------------------------------
# Pickle byte walker: records every global an opcode stream names, never executes anything.

_MARK = object()


class _Global:
    """Stack placeholder for a global reference; remembers how the stream used it."""

    def __init__(self, key):
        self.key = key


_STRING_OPS = {
    "SHORT_BINUNICODE",
    "BINUNICODE",
    "BINUNICODE8",
    "UNICODE",
    "STRING",
    "BINSTRING",
    "SHORT_BINSTRING",
}


def walk_globals(data, usage):
    """Walk one pickle stream in `data` (bytes); add (module, name) -> set(usage) into `usage`. Returns end offset."""
    stack = []
    memo = {}
    end = 0

    def pop():
        return stack.pop() if stack else None

    def note(item, how):
        if isinstance(item, _Global):
            usage[item.key].add(how)

    def pop_to_mark():
        items = []
        while stack:
            item = stack.pop()
            if item is _MARK:
                break
            items.append(item)
        items.reverse()
        return items

    for op, arg, pos in pickletools.genops(data):
        name = op.name
        end = pos + 1
        if name in ("GLOBAL", "INST"):
            module, qual = arg.split(" ", 1)
            key = (module, qual)
            usage.setdefault(key, set())
            if name == "INST":
                usage[key].add("INST")
                for item in pop_to_mark():
                    note(item, "value")
                stack.append(None)
            else:
                stack.append(_Global(key))
        elif name == "STACK_GLOBAL":
            qual = pop()
            module = pop()
            key = (module if isinstance(module, str) else "?", qual if isinstance(qual, str) else "?")
            usage.setdefault(key, set())
            stack.append(_Global(key))
        elif name in _STRING_OPS:
            stack.append(arg if isinstance(arg, str) else None)
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1] if stack else None
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1] if stack else None
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(arg))
        elif name == "DUP":
            stack.append(stack[-1] if stack else None)
        elif name == "MARK":
            stack.append(_MARK)
        elif name == "REDUCE":
            args = pop()
            note(args, "value")
            note(pop(), "REDUCE")
            stack.append(None)
        elif name == "NEWOBJ":
            note(pop(), "value")
            note(pop(), "NEWOBJ")
            stack.append(None)
        elif name == "NEWOBJ_EX":
            note(pop(), "value")
            note(pop(), "value")
            note(pop(), "NEWOBJ_EX")
            stack.append(None)
        elif name == "OBJ":
            items = pop_to_mark()
            if items:
                note(items[0], "OBJ")
                for item in items[1:]:
                    note(item, "value")
            stack.append(None)
        elif name == "STOP":
            break
        else:
            before = op.stack_before
            if pickletools.markobject in before:
                for item in pop_to_mark():
                    note(item, "value")
                for _ in range(before.index(pickletools.markobject)):
                    note(pop(), "value")
            else:
                for _ in before:
                    note(pop(), "value")
            for _ in op.stack_after:
                stack.append(None)
    return end


# ---------------------------------------------------------------------------------------------------------------
# joblib: record where NumpyArrayWrapper writes raw array bytes / nested object-array pickles, so the walker can
# splice them out of the outer stream (joblib interleaves them with pickle opcodes; they are not pickle opcodes).

_joblib_regions = []
_orig_write_array = joblib_np.NumpyArrayWrapper.write_array


def _recording_write_array(self, array, pickler):
    start = pickler.file_handle.tell()
    _orig_write_array(self, array, pickler)
    _joblib_regions.append((start, pickler.file_handle.tell(), bool(array.dtype.hasobject)))


joblib_np.NumpyArrayWrapper.write_array = _recording_write_array


def joblib_globals(obj, usage):
    del _joblib_regions[:]
    buf = io.BytesIO()
    joblib.dump(obj, buf, compress=0)
    data = buf.getvalue()
    outer = bytearray()
    cursor = 0
    for start, stop, nested in sorted(_joblib_regions):
        outer += data[cursor:start]
        if nested:
            walk_globals(data[start:stop], usage)
        cursor = stop
    outer += data[cursor:]
    walk_globals(bytes(outer), usage)


def pickle_globals(obj, usage, protocols=PROTOCOLS):
    """Pickle `obj` at each protocol and walk the bytes; returns the list of per-protocol byte sizes."""
    sizes = []
    for proto in protocols:
        data = pickle.dumps(obj, protocol=proto)
        walk_globals(data, usage)
        sizes.append(len(data))
    return sizes


def resolve(module, qual):
    """The object `module`.`qual` names, as the unpickler would find it (protocol < 3 names mapped first)."""
    from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING

    if (module, qual) in NAME_MAPPING:
        module, qual = NAME_MAPPING[(module, qual)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    obj = importlib.import_module(module)
    for part in qual.split("."):
        obj = getattr(obj, part)
    return obj


def write_json(path, doc):
    """Write `doc` and lay it out with the repo's prettier (src/**/*.json is prettier-ignored, so pass no ignore
    file: the committed data files keep one layout whichever script regenerates them)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, sort_keys=False)
        fh.write("\n")
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if shutil.which("npx") is None:
        print("warning: npx not found; run `npx prettier --ignore-path /dev/null --write` on the output", file=sys.stderr)
        return
    subprocess.run(
        ["npx", "--no-install", "prettier", "--ignore-path", os.devnull, "--write", os.path.abspath(path)],
        cwd=repo,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
