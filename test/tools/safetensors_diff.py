#!/usr/bin/python3
"""Differential check of `sentinel convert` output against the real loaders (run by test/differential/convert.test.ts).

Input: JSON on stdin, a list of {"input", "output", "select", "kind"} (kind: torch | numpy).
The input is loaded by the real library — torch.load(weights_only=True) for torch files, numpy.load(allow_pickle=False)
for .npy/.npz — never by an unrestricted unpickler. The output is read by an independent reader written here in a few
lines: the 8-byte length, the header JSON, then torch.frombuffer per tensor (the safetensors package is not in
Debian). Every tensor of the selected subtree must be in the output with the same dtype, shape and elements (bitwise,
NaN included), and nothing else; the layout must be what the reference writer produces: header length a multiple of 8
padded with spaces, offsets contiguous from 0 in (dtype alignment descending, name) order, no gaps, in bounds.
Output: JSON on stdout, per input {"tensors": n, "problems": [...]} or {"load_error": "..."}.
"""

import json
import os
import struct
import sys
import zipfile

import numpy as np
import torch

DTYPES = {
    "BOOL": (torch.bool, 1), "U8": (torch.uint8, 1), "I8": (torch.int8, 1), "I16": (torch.int16, 2),
    "I32": (torch.int32, 4), "I64": (torch.int64, 8), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2),
    "F32": (torch.float32, 4), "F64": (torch.float64, 8),
    # torch 1.13 has no uint16/32/64 or float8 tensors: compared through numpy (bit patterns) instead.
    "U16": (np.uint16, 2), "U32": (np.uint32, 4), "U64": (np.uint64, 8),
}
# The reference writer's Dtype enum order (increasing alignment); files list tensors by it descending, then by name.
ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64",
         "U64"]


def read_safetensors(path):
    problems = []
    with open(path, "rb") as fh:
        data = fh.read()
    (n,) = struct.unpack("<Q", data[:8])
    raw = data[8:8 + n]
    if n % 8:
        problems.append(f"header length {n} is not a multiple of 8")
    text = raw.decode("utf-8")
    if text.rstrip(" ") != text.rstrip() or not text.startswith("{"):
        problems.append("header padding is not spaces or the header does not start with '{'")
    header = json.loads(text)
    meta = header.pop("__metadata__", None)
    if meta is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()):
        problems.append("__metadata__ is not a str -> str map")
    names = list(header)
    expected_order = sorted(names, key=lambda k: (-ORDER.index(header[k]["dtype"]), k.encode("utf-8")))
    if names != expected_order:
        problems.append("tensors are not in (dtype alignment descending, name) order")
    body = data[8 + n:]
    pos = 0
    tensors = {}
    for name in names:
        info = header[name]
        start, end = info["data_offsets"]
        if start != pos:
            problems.append(f"{name}: starts at {start}, previous ended at {pos} (gap or overlap)")
        dtype, size = DTYPES[info["dtype"]]
        count = 1
        for d in info["shape"]:
            count *= d
        if end - start != count * size:
            problems.append(f"{name}: {end - start} bytes for shape {info['shape']} x {size}")
        if end > len(body):
            problems.append(f"{name}: ends at {end}, beyond the data ({len(body)} bytes)")
        if start % size:
            problems.append(f"{name}: offset {start} not aligned to {size}")
        chunk = bytearray(body[start:end])
        if isinstance(dtype, torch.dtype):
            t = torch.frombuffer(chunk, dtype=dtype) if chunk else torch.empty(0, dtype=dtype)
            tensors[name] = t.reshape(info["shape"])
        else:
            tensors[name] = np.frombuffer(bytes(chunk), dtype=np.dtype(dtype).newbyteorder("<")).reshape(info["shape"])
        pos = end
    if pos != len(body):
        problems.append(f"data ends at {pos}, the file has {len(body)} data bytes")
    return tensors, meta, problems


def flatten(obj, path, out):
    if isinstance(obj, (torch.Tensor, np.ndarray)):
        out[path] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            flatten(v, f"{path}.{i}" if path else str(i), out)
    return out


def same(a, b):
    """Bitwise equality of an input tensor/array and an output tensor/array."""
    if isinstance(a, torch.Tensor):
        a = a.detach().contiguous()
        if a.dtype == torch.bfloat16:
            a = a.view(torch.int16).numpy()
            b = b.contiguous().view(torch.int16).numpy() if isinstance(b, torch.Tensor) else b
        else:
            a = a.numpy()
    if isinstance(b, torch.Tensor):
        b = b.contiguous().numpy()
    a = np.array(a, order="C")  # not ascontiguousarray: it turns 0-d arrays into 1-d ones
    a = a.astype(a.dtype.newbyteorder("<"), copy=False)
    return a.shape == b.shape and a.dtype.itemsize == b.dtype.itemsize and a.tobytes() == b.tobytes()


def big_endian_zip(path):
    """A torch zip whose byteorder record says "big" (torch < 2.1 ignores the record and would misread it)."""
    try:
        with zipfile.ZipFile(path) as z:
            return any(n.endswith("/byteorder") and z.read(n).strip() == b"big" for n in z.namelist())
    except zipfile.BadZipFile:
        return False


def check(job):
    if job["kind"] == "torch" and big_endian_zip(job["input"]) and tuple(
            int(x) for x in torch.__version__.split(".")[:2]) < (2, 1):
        return {"skipped": f"torch {torch.__version__} ignores the byteorder record (read since 2.1)"}
    try:
        if job["kind"] == "torch":
            obj = torch.load(job["input"], weights_only=True)
        else:
            loaded = np.load(job["input"], allow_pickle=False)
            stem = os.path.splitext(os.path.basename(job["input"]))[0]
            obj = {}
            for k in loaded.files if hasattr(loaded, "files") else [None]:
                try:
                    arr = loaded[k] if k is not None else loaded
                except ValueError:  # object arrays need allow_pickle: the converter drops them unread
                    continue
                if arr.dtype.kind in "biuf":  # strings, objects, datetimes, raw bytes are dropped by design
                    obj[k if k is not None else stem] = arr
    except Exception as e:  # noqa: BLE001 - the loader's refusal is the result
        return {"load_error": f"{type(e).__name__}: {e}"[:300]}
    expected = flatten(obj, "", {})
    sel = job["select"]
    if sel:
        expected = {k[len(sel) + 1:]: v for k, v in expected.items() if k.startswith(sel + ".")}
    tensors, meta, problems = read_safetensors(job["output"])
    if set(tensors) != set(expected):
        problems.append(f"names differ: missing {sorted(set(expected) - set(tensors))[:5]}, "
                        f"extra {sorted(set(tensors) - set(expected))[:5]}")
    for name in sorted(set(tensors) & set(expected)):
        if not same(expected[name], tensors[name]):
            problems.append(f"{name}: elements differ")
    return {"tensors": len(tensors), "problems": problems, "metadata": meta or {}}


def main():
    jobs = json.load(sys.stdin)
    json.dump({j["input"]: check(j) for j in jobs}, sys.stdout)


if __name__ == "__main__":
    main()
