#!/usr/bin/env python3
"""Record the globals CPython's own C unpickler would import from a pickle, without importing or running anything.

Reference tool for Sentinel's differential tests (stdlib only, Python >= 3.8). It drives the real C unpickler
(`pickle.Unpickler`, i.e. _pickle.Unpickler) over the file, with `find_class` overridden to RECORD (module, name)
and return an inert stub class, and `persistent_load` returning that class too (legacy torch files hand module
classes to NEWOBJ through persistent ids). The stub is a type whose call, `__new__`, attribute access, item
assignment, `__setstate__` and append/extend/add all give back the stub itself (or None), so REDUCE, NEWOBJ,
NEWOBJ_EX, OBJ, INST and BUILD (dict state or (dict, slotstate)) all complete. Nothing from the file can
reach real code: the only way a pickle obtains a callable is find_class (or EXT, which goes through find_class),
and both give back the stub.

Usage: record_imports.py FILE [--offset N] [--all] [--no-protocol]
  --offset N   start reading at byte N (e.g. data.pkl inside a zip member already extracted by the caller)
  --all        keep loading stacked pickles until EOF (default: only the first pickle)
Output (stdout, one JSON object):
  {"imports": [[module, name, protocol_or_null], ...],   # in find_class call order, names RAW from the bytes
   "resolved": [[module, name], ...],                      # same calls after CPython's fix_imports mapping
   "error": null | "ExceptionType: message",              # first error; imports recorded before it are kept
   "pickles": N,                                          # pickle streams that reached STOP without error
   "end_offset": N}                                       # file offset after the last completed pickle

FINDING (measured with CPython 3.11.7 and 3.11.2; the mapping lives in the default find_class in both the C
_pickle.Unpickler.find_class and pickle._Unpickler.find_class):
  The Python-2 name mapping (_compat_pickle NAME_MAPPING, then IMPORT_MAPPING) is applied INSIDE the default
  find_class, only when the unpickler's current protocol < 3 and fix_imports=True (the default). An overriding
  find_class therefore receives the names exactly as written in the bytes: for `\\x80\\x02 c__builtin__\\nset\\n )R.`
  the override receives ("__builtin__", "set"); super().find_class maps it to builtins.set. With PROTO 3/4/5 the
  same bytes raise "No module named '__builtin__'". The protocol is the value of the most recent PROTO opcode (0
  if none), so a PROTO opcode in mid-stream changes the mapping for the globals after it (measured both ways).
  So "imports" holds the raw names; "resolved" applies the mapping the way the default find_class would.
  Also measured: EXT1/EXT2/EXT4 call find_class only the first time a code is seen in a process (later hits come
  from copyreg's extension cache); with an empty copyreg registry they fail with
  "ValueError: unregistered extension code N". Dotted names (e.g. "OrderedDict.fromkeys") are walked attribute by
  attribute only at protocol >= 4; below that the default find_class raises AttributeError. This recorder accepts
  any name (it never resolves), so it records names the real loader would reject.
The per-import protocol is found by a parallel pickletools.genops walk (the C unpickler does not expose it); it is
null where that walk could not follow (it stops at the first opcode pickletools rejects).
"""

import io
import json
import pickle
import pickletools
import sys

try:
    from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
except ImportError:  # pragma: no cover - CPython always has it
    IMPORT_MAPPING, NAME_MAPPING = {}, {}

_FIND_CLASS_OPS = {"GLOBAL", "STACK_GLOBAL", "INST", "EXT1", "EXT2", "EXT4"}


def _make_stub_class():
    """A fresh inert class for one run. Every operation on it (or on anything it yields) gives back the same class,
    so whatever a pickle does with a stub (call it, NEWOBJ it, BUILD it, index it) stays a type and stays inert."""

    class StubMeta(type):
        def __call__(cls, *args, **kwargs):
            return cls

        def __getattr__(cls, name):
            if name.startswith("__") and name.endswith("__"):
                raise AttributeError(name)
            return cls

        def __setitem__(cls, key, value):
            return None

        def __repr__(cls):
            return "<stub>"

    class Stub(metaclass=StubMeta):
        def __new__(cls, *args, **kwargs):
            return cls

        def __setstate__(*args, **kwargs):
            return None

        def append(*args, **kwargs):
            return None

        def extend(*args, **kwargs):
            return None

        def add(*args, **kwargs):
            return None

    return Stub


class _Recorder(pickle.Unpickler):
    def __init__(self, fh, imports, stub):
        super().__init__(fh)
        self._imports = imports
        self._stub = stub

    def find_class(self, module, name):
        self._imports.append((module, name))
        return self._stub

    def persistent_load(self, pid):
        return self._stub


def _protocols(data, start):
    """Protocol in force at each find_class-triggering opcode of the pickle starting at `start` (genops walk)."""
    out = []
    proto = 0
    try:
        for op, arg, _pos in pickletools.genops(io.BytesIO(data[start:])):
            if op.name == "PROTO":
                proto = arg
            elif op.name in _FIND_CLASS_OPS:
                out.append(proto)
            elif op.name == "STOP":
                break
    except Exception:  # noqa: BLE001 - genops is stricter than the C unpickler in places; annotate the prefix only
        pass
    return out


def _resolve(module, name, proto):
    if proto is not None and proto < 3:
        if (module, name) in NAME_MAPPING:
            return list(NAME_MAPPING[(module, name)])
        if module in IMPORT_MAPPING:
            return [IMPORT_MAPPING[module], name]
    return [module, name]


def record(data, offset=0, read_all=False, with_protocol=True):
    """Record imports of the pickle(s) in `data` from `offset`; returns the JSON-able result dict."""
    stub = _make_stub_class()
    fh = io.BytesIO(data)
    fh.seek(offset)
    result = {"imports": [], "resolved": [], "error": None, "pickles": 0, "end_offset": offset}
    while True:
        start = fh.tell()
        if start >= len(data) and result["pickles"] > 0:
            break  # clean EOF after at least one pickle; an empty input still raises EOFError like pickle.load
        calls = []
        protos = _protocols(data, start) if with_protocol else []
        error = None
        try:
            _Recorder(fh, calls, stub).load()
        except Exception as exc:  # noqa: BLE001 - the whole point is to report, not to raise
            error = f"{type(exc).__name__}: {exc}"
        for i, (module, name) in enumerate(calls):
            proto = protos[i] if i < len(protos) else None
            result["imports"].append([module, name, proto])
            result["resolved"].append(_resolve(module, name, proto))
        if error is not None:
            result["error"] = error
            break
        result["pickles"] += 1
        result["end_offset"] = fh.tell()
        if not read_all:
            break
    return result


def main(argv):
    args = list(argv)
    offset = 0
    read_all = False
    with_protocol = True
    path = None
    while args:
        arg = args.pop(0)
        if arg == "--offset":
            offset = int(args.pop(0), 0)
        elif arg == "--all":
            read_all = True
        elif arg == "--no-protocol":
            with_protocol = False
        elif path is None:
            path = arg
        else:
            print("usage: record_imports.py FILE [--offset N] [--all] [--no-protocol]", file=sys.stderr)
            return 2
    if path is None:
        print("usage: record_imports.py FILE [--offset N] [--all] [--no-protocol]", file=sys.stderr)
        return 2
    with open(path, "rb") as fh:
        data = fh.read()
    json.dump(record(data, offset, read_all, with_protocol), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
