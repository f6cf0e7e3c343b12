#!/usr/bin/python3
"""Derive the operator table for TorchScript code that runs while an archive loads.

Run: /usr/bin/python3 scripts/data/derive-torchscript-ops.py > src/analyzers/python/torch/torchscript-ops.json &&
  npx prettier --write src/analyzers/python/torch/torchscript-ops.json
(Debian python3-torch 1.13). Reads every operator schema the torch build registers
(`torch._C._jit_get_all_schemas()`) and sorts each operator of the namespaces a load may use into:

- denied, with the effect: an argument that names a file (`from_file`, `save` take `str filename`), a remote call
  (`prim::rpc_*`, `aten::to_here`), a call back into the Python interpreter (`prim::PythonOp`);
- allowed: every other operator of those namespaces (tensor arithmetic and constructors, list/str/dict builtins,
  interpreter primitives).

Fails closed: a string-typed argument whose name is not in KNOWN_STRING_ARGUMENTS (every one of them read and found
not to name a path, a host or a program) stops the script, so a torch build with a new operator taking a path
cannot be derived without a decision. Namespaces outside LOAD_NAMESPACES are neither allowed nor denied here.
"""
import json
import sys

import torch

LOAD_NAMESPACES = ["aten", "prim", "prims", "nvprims", "quantized", "_quantized", "quantization", "sparse",
                   "prepacked", "mkldnn_prepacked", "onnx"]
# Names of str / Optional[str] / List[str] arguments in the namespaces above that select a mode, a dimension name,
# a format string or a string operand: none of them is opened, resolved or executed.
KNOWN_STRING_ARGUMENTS = {
    "dim", "self", "norm", "a", "b", "reduce", "substr", "key", "mode", "separator", "rounding_mode", "driver",
    "padding", "fillchar", "chars", "el", "UPLO", "approximate", "string", "names", "ord", "dim1", "interpolation",
    "s", "ind", "old", "new", "idx", "pad_mode", "outdim", "dim2", "dim0", "indexing", "message", "t", "equation",
    "p", "api_name", "side", "values", "input", "dims", "out_dim", "start_dim", "end_dim", "order", "msg", "cls",
    "l", "item", "attr",
}
FILE_ARGUMENTS = {"filename"}
DENIED_BY_NAME = {
    "prim::rpc_async": "remote procedure call (torch.distributed.rpc): sends the call to another process",
    "prim::rpc_sync": "remote procedure call (torch.distributed.rpc): sends the call to another process",
    "prim::rpc_remote": "remote procedure call (torch.distributed.rpc): sends the call to another process",
    "aten::to_here": "fetches a remote reference's value over RPC",
    "prim::PythonOp": "calls back into the Python interpreter",
    "prim::IgnoredPythonOp": "calls back into the Python interpreter",
}


def main() -> int:
    allowed, denied, unknown = set(), {}, []
    for s in torch._C._jit_get_all_schemas():
        ns = s.name.split("::")[0]
        if ns not in LOAD_NAMESPACES:
            continue
        if s.name in DENIED_BY_NAME:
            denied[s.name] = DENIED_BY_NAME[s.name]
            continue
        for a in s.arguments:
            if str(a.type) not in ("str", "Optional[str]", "List[str]", "Optional[List[str]]"):
                continue
            if a.name in FILE_ARGUMENTS:
                denied[s.name] = f"takes a file path ({a.name}: {a.type}) and opens it"
            elif a.name not in KNOWN_STRING_ARGUMENTS:
                unknown.append(f"{s.name}({a.name}: {a.type})")
        if s.name not in denied:
            allowed.add(s.name)
    if unknown:
        sys.stderr.write("string arguments not reviewed:\n  " + "\n  ".join(sorted(set(unknown))) + "\n")
        return 1
    allowed -= set(denied)
    json.dump(
        {
            "source": f"torch {torch.__version__} torch._C._jit_get_all_schemas() (scripts/data/derive-torchscript-ops.py)",
            "namespaces": LOAD_NAMESPACES,
            "denied": dict(sorted(denied.items())),
            "allowed": sorted(allowed),
        },
        sys.stdout,
        indent=0,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
