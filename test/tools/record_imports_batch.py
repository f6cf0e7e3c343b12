#!/usr/bin/env python3
"""Batch driver for record_imports.record (stdlib only): reads a JSON list of file paths on stdin, decompresses
.gz/.xz fixtures in memory, records every stacked pickle of each, and prints {path: result} as JSON."""
import gzip
import json
import lzma
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_imports import record  # noqa: E402


def main():
    out = {}
    for path in json.load(sys.stdin):
        with open(path, "rb") as fh:
            data = fh.read()
        if path.endswith(".gz"):
            data = gzip.decompress(data)
        elif path.endswith(".xz"):
            data = lzma.decompress(data)
        out[path] = record(data, 0, read_all=True, with_protocol=False)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
