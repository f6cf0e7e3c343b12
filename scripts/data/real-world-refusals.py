#!/usr/bin/env python3
"""Which files of the real-world measure the library's own loading refuses too, with the proof, read without running
any of their content: test/fixtures/real-world/loader-refusals.json (scripts/real-world-report.ts counts these apart:
a file its own loader cannot load is not a benign loadable file, and still counts as blocked, in its own column).

Two refusals are proven, each statically:
- a pickle stream that ends before its STOP opcode (pickletools.genops reads every opcode to the end of the data; the
  unpickler reads the same opcodes and raises EOFError / UnpicklingError when the data ends before STOP, so no
  pickle.load, joblib.load or read_pickle returns an object from it);
- a tar archive with a member that Python's tarfile data filter refuses (tarfile.data_filter, the default extraction
  filter from Python 3.14: a link to an absolute path or out of the destination, a device, ...), the check run on the
  member headers only (no extraction).

Usage: node --import tsx scripts/real-world-report.ts --all --json /tmp/rw.json
       python3 scripts/data/real-world-refusals.py /tmp/rw.json [--mirror /work/.mirror]
(Python >= 3.11.4 for tarfile.data_filter.) Only the files the report lists as blocked are read.
"""

import argparse
import io
import json
import os
import pickletools
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from real_world_files import FIXTURES, MANIFESTS, blob  # noqa: E402


def truncated(data):
    """Why pickle.load cannot return from the first stream of `data`, or None when the stream reaches its STOP."""
    last = None
    try:
        for op, _arg, pos in pickletools.genops(io.BytesIO(data)):
            last = (op.name, pos)
            if op.name == "STOP":
                return None
    except ValueError as exc:
        # pickletools' messages for data that ends early: before STOP, or inside an opcode's argument.
        text = str(exc)
        if last is not None and ("exhausted before seeing STOP" in text or "only" in text and "remain" in text):
            return (f"the pickle stream ends after {last[0]} at offset {last[1]} without STOP ({len(data)} bytes; "
                    f"pickletools: {text}): pickle.load raises EOFError/UnpicklingError before returning an object")
    return None


def tar_refused(data):
    """Why tarfile's data filter refuses a member of the archive `data`, or None."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            for m in t.getmembers():
                try:
                    tarfile.data_filter(m, "/nonexistent-destination")
                except tarfile.FilterError as exc:
                    return f"tarfile.data_filter (Python {sys.version.split()[0]}) refuses it: {type(exc).__name__}: {exc}"
    except tarfile.TarError:
        return None
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--mirror", default="/work/.mirror")
    args = ap.parse_args()
    if not hasattr(tarfile, "data_filter"):
        sys.exit("needs Python >= 3.11.4 (tarfile.data_filter)")
    blocked = {line.split("\t")[0] for line in json.load(open(args.report))["blockedList"]}
    entries = [e for m in MANIFESTS for e in json.load(open(os.path.join(FIXTURES, m)))["files"]
               if e.get("repository") and f"{e['repository']}:{e['path']}" in blocked]
    out = []
    for e in sorted(entries, key=lambda e: (e["repository"], e["path"], e["sha256"])):
        data = blob(args.mirror, e)
        if data is None:
            continue
        why = tar_refused(data) if e.get("kind") == "tar" else truncated(data) if e.get("kind") == "pickle" else None
        if why is not None:
            out.append({"repository": e["repository"], "commit": e["commit"], "path": e["path"],
                        "sha256": e["sha256"], "refuses": why})
    with open(os.path.join(FIXTURES, "loader-refusals.json"), "w") as f:
        json.dump({"generated_by": "scripts/data/real-world-refusals.py", "python": sys.version.split()[0],
                   "files": out}, f, indent=1)
        f.write("\n")
    print(f"{len(out)} of {len(entries)} blocked files refused by their own loader too", file=sys.stderr)


if __name__ == "__main__":
    main()
