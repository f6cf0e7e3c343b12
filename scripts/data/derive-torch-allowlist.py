#!/usr/bin/python3
"""Derive Sentinel's PyTorch allowlist from the real library (Debian python3-torch, /usr/bin/python3).

Writes src/rules/data/torch-allowlist.json: exact `module.name` pairs that torch checkpoints reference
and that only rebuild data (tensors, storages, dtypes, layouts, parameters, nn layer classes), each with a
reason. Run: /usr/bin/python3 scripts/data/derive-torch-allowlist.py [--pytorch DIR] > src/rules/data/torch-allowlist.json

Names of other torch releases (RELEASES below: what older releases pickle and later ones dropped or changed, and
what newer releases define that the installed one does not) are read from torch's own source at pinned commits of
pytorch/pytorch, each with the pattern that defines it there and the review of its effect in every pinned version.
pytorch/pytorch is over the `fetch` size limit; a reviewer re-checks the pins from a blobless clone:
  git clone --filter=blob:none --no-checkout https://github.com/pytorch/pytorch DIR
then runs this script with --pytorch DIR (each pinned file is read with `git -C DIR show COMMIT:PATH`, fetched on
demand, and must match its pattern, else the script fails). Without --pytorch the pins are not re-read.
"""
import argparse
import inspect
import json
import re
import subprocess
import sys

import torch
import torch.nn

entries = {}


def add(path, reason):
    entries.setdefault(path, reason)


for name in dir(torch):
    obj = getattr(torch, name)
    if isinstance(obj, torch.dtype):
        add(f"torch.{name}", "torch dtype singleton (pickled by name)")
    elif isinstance(obj, torch.layout):
        add(f"torch.{name}", "torch layout singleton (pickled by name)")
    elif isinstance(obj, torch.memory_format):
        add(f"torch.{name}", "torch memory-format singleton (pickled by name)")
    elif isinstance(obj, torch.qscheme):
        add(f"torch.{name}", "torch quantization scheme singleton (pickled by name)")
    elif inspect.isclass(obj) and name.endswith("Storage"):
        add(f"torch.{name}", "storage class named in persistent ids; constructs no code")
    elif inspect.isclass(obj) and name.endswith("Tensor") and name != "Tensor":
        add(f"torch.{name}", "legacy typed tensor class (torch._tensor_classes)")

for name in dir(torch.cuda):
    obj = getattr(torch.cuda, name, None)
    if inspect.isclass(obj) and (name.endswith("Storage") or name.endswith("Tensor")):
        add(f"torch.cuda.{name}", "CUDA storage/tensor type named in legacy checkpoints")

for name in dir(torch._utils):
    if name.startswith("_rebuild_"):
        add(f"torch._utils.{name}", "tensor/parameter rebuild helper used by torch.save")
# Rebuild helpers that newer PyTorch releases write (names from torch/_weights_only_unpickler.py of
# current PyTorch); listed explicitly because the Debian torch used here predates them.
for name in ("_rebuild_parameter_with_state", "_rebuild_tensor_v3", "_rebuild_device_tensor_from_cpu_tensor",
             "_rebuild_nested_tensor", "_rebuild_mps_tensor"):
    add(f"torch._utils.{name}", "tensor/parameter rebuild helper used by torch.save (newer PyTorch)")
# dtypes newer PyTorch releases define and pickle by name, as torch 2.14 lists them (Debian sid's python3-torch
# 2.14.1: torch/storage.py _new_dtypes() and the uint1 - uint7 / int1 - int7 loops of torch/_weights_only_unpickler.py
# _get_allowed_globals, which weights_only=True admits); listed explicitly because the Debian torch used here predates
# them. A dtype is a value: calling one raises TypeError.
for name in ("float8_e5m2fnuz", "float8_e4m3fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "bcomplex32", "uint16",
             "uint32", "uint64", *(f"uint{x}" for x in range(1, 8)), *(f"int{x}" for x in range(1, 8))):
    add(f"torch.{name}", "torch dtype singleton (pickled by name), of torch releases newer than the installed one "
                         "(torch 2.14's weights-only allowlist)")
add("torch._tensor._rebuild_from_type_v2", "rebuilds a tensor subclass: calls its (separately imported) rebuild function")
add("torch._tensor._rebuild_from_type", "rebuilds a tensor subclass (older torch)")
add("torch.serialization._get_layout", "maps a layout name to a torch.layout")
add("torch.Size", "tuple subclass for shapes")
# TorchScript pickler helpers (data.pkl, constants.pkl and *.debug_pkl of torch.jit.save archives).
import torch.jit._pickle as jit_pickle  # noqa: E402

for name, what in (
    ("build_intlist", "returns its list argument typed as List[int]"),
    ("build_doublelist", "returns its list argument typed as List[float]"),
    ("build_boollist", "returns its list argument typed as List[bool]"),
    ("build_tensorlist", "returns its list argument typed as List[Tensor]"),
    ("build_tensor_from_id", "looks up a tensor by index in the archive"),
    ("restore_type_tag", "returns its value with a type tag"),
):
    assert callable(getattr(jit_pickle, name))
    add(f"torch.jit._pickle.{name}", f"TorchScript pickler helper: {what}")
add("torch.device", "device descriptor")
add("torch.Tensor", "tensor class")
add("torch.storage.TypedStorage", "typed storage class")
add("torch.storage.UntypedStorage", "untyped storage class")
add("torch.storage._StorageBase", "storage base class")
add("torch.nn.parameter.Parameter", "tensor subclass for parameters")
add("torch.nn.parameter.UninitializedParameter", "lazy parameter placeholder")
add("torch.nn.parameter.UninitializedBuffer", "lazy buffer placeholder")

# Every nn.Module subclass that torch.nn ships: whole-module pickles name them; unpickling runs
# Module.__setstate__ (a dict update), not user code. torch writes a module by object.__reduce_ex__: NEWOBJ
# (copyreg.__newobj__) or copyreg._reconstructor, then BUILD; its __init__ never runs at load. A stream that calls
# the class runs __init__ on arguments it chose, whose work nothing bounds (TransformerEncoder deep-copies its layer
# num_layers times): admitted through __new__ only.
seen = set()
new_only = set()
for modname, mod in list(sys.modules.items()):
    if not (modname.startswith("torch.nn.modules") or modname.startswith("torch.nn.quantized")
            or modname.startswith("torch.ao.nn") or modname.startswith("torch.nn.intrinsic")
            or modname.startswith("torch.nn.qat")):
        continue
    for name, obj in vars(mod).items():
        if inspect.isclass(obj) and issubclass(obj, torch.nn.Module) and obj.__module__.startswith(("torch.nn", "torch.ao.nn")):
            path = f"{obj.__module__}.{obj.__qualname__}"
            if path not in seen:
                seen.add(path)
                add(path, "torch.nn layer class (Module.__setstate__ only restores attributes)")
                new_only.add(path)

# TorchBind objects (torch._C.ScriptObject, pickled as `torch.ScriptObject`): torch.save of a quantized model writes
# the packed parameters of its Linear layers and LSTM/GRU cells as NEWOBJ of the class and BUILD with (state,
# qualified class name); ScriptObject.__setstate__ (native) looks the class up among the classes registered in C++ and
# runs that class's native __setstate__ on the state. Admitted through __new__ only; the VM admits its BUILD only with
# a registered class and state torch writes for quantized packed parameters (torch-class-states.ts scriptObjectProblem).
assert torch.ScriptObject is torch._C.ScriptObject and torch._C.ScriptObject.__module__ == "torch"
add("torch.ScriptObject", "TorchBind object: BUILD runs the native __setstate__ of the registered class its state names")
new_only.add("torch.ScriptObject")

# Public functional ops: layers store them as attributes (TransformerEncoderLayer.activation = F.relu), so whole
# module pickles reference them; they are admitted as stored references only (never called by the stream): torch
# writes no call of one, and a call with arguments the stream chooses reaches native kernels that check them less
# than a layer's own forward does (an integer division by a stream-chosen zero kills the process with SIGFPE).
import torch.nn.functional as F

stored_references = set()

for name in dir(F):
    obj = getattr(F, name)
    if name.startswith("_") or inspect.ismodule(obj) or inspect.isclass(obj) or not callable(obj):
        continue
    if "torch_function" in name or "dispatch" in name:
        continue  # dispatch helpers call methods of their arguments, not ops
    mod = getattr(obj, "__module__", None) or ""
    if mod.startswith("torch"):
        add(f"torch.nn.functional.{name}", "torch.nn.functional op stored as a layer attribute (never called by the load)")
        stored_references.add(f"torch.nn.functional.{name}")

# Optimizer classes: a training configuration stores the class by reference (stable-baselines3's policy_kwargs
# optimizer_class) and the library constructs it later on its model's parameters; a torch.save of an optimizer pickles
# its state_dict, not the object. Admitted as stored references only: a stream that calls one is reported.
import torch.optim as optim  # noqa: E402

for name, obj in sorted(vars(optim).items()):
    if inspect.isclass(obj) and issubclass(obj, optim.Optimizer) and obj is not optim.Optimizer:
        path = f"{obj.__module__}.{obj.__qualname__}"
        add(path, "torch.optim optimizer class a training configuration names (never called by the load)")
        stored_references.add(path)

# Learning-rate scheduler classes, for the same reason: a training configuration (a Lightning module's hyperparameters,
# a forecasting library's training settings) names the scheduler class, and the library builds it later around its
# optimizer; a torch.save of a scheduler pickles its state_dict. Every public class the scheduler module defines,
# admitted as a stored reference only.
import torch.optim.lr_scheduler as lr_scheduler  # noqa: E402

for name, obj in sorted(vars(lr_scheduler).items()):
    if inspect.isclass(obj) and obj.__module__ == lr_scheduler.__name__ and not name.startswith("_"):
        path = f"{obj.__module__}.{obj.__qualname__}"
        add(path, "torch.optim learning-rate scheduler class a training configuration names (never called by the load)")
        stored_references.add(path)

# Names of torch releases other than the installed one. Each: the reason (the review of its effect in every pinned
# version), and the pinned sources (commit, path, pattern that defines the name there, what that version does).
_THNN = ("torch.nn.backends.thnn._get_thnn_function_backend", (
    "torch <= 1.0 full-module pickles: every nn.Module held _backend, a THNNFunctionBackend whose __reduce__ is "
    "(_get_thnn_function_backend, ()); the function takes no argument (any argument raises TypeError) and returns "
    "the module's backend singleton (torch 0.x) or None (kept for old pickles only, torch >= 1.x): no state, no "
    "callable of the stream is reached"), [
    ("00f97a87246a6a7a144b1c3ffb3ebbdcfbe9dd5c", "torch/nn/backends/thnn.py",
     r"\ndef _get_thnn_function_backend\(\):\n    return backend\n", "returns the backend singleton (torch 0.x)"),
    ("e7c1e6a8e39df0d206efe247f5eb0481eb8b8b6c", "torch/nn/backends/thnn.py",
     r"\ndef _get_thnn_function_backend\(\):\n    return backend\n", "returns the backend singleton (torch 0.x)"),
])
_DTYPES = "09895d398c968b1265a0874dde7eb162933a5588", "torch/csrc/utils/tensor_dtypes.cpp"
RELEASES = [_THNN] + [
    (f"torch.{name}", "torch dtype singleton (pickled by name), of torch releases newer than the installed one", [
        (*_DTYPES, r'return std::make_pair\("' + name + r'", ""\);', "a torch.dtype registered on the torch module"),
    ]) for name in ("bits1x8", "bits2x4", "bits4x2", "bits8", "bits16", "float8_e5m2", "float8_e4m3fn")
]
release_versions = {}


def check_pins(pytorch):
    for name, reason, pins in RELEASES:
        for commit, path, pattern, _ in pins:
            text = subprocess.run(["git", "-C", pytorch, "show", f"{commit}:{path}"], capture_output=True,
                                  check=True, text=True).stdout
            if not re.search(pattern, text):
                raise SystemExit(f"{name}: not defined as pinned in {commit}:{path}")


ap = argparse.ArgumentParser()
ap.add_argument("--pytorch", help="a clone of pytorch/pytorch holding the pinned commits (may be blobless)")
args = ap.parse_args()
if args.pytorch:
    check_pins(args.pytorch)
for name, reason, pins in RELEASES:
    if name in entries:
        continue  # the installed torch defines it: its own derivation above stands
    add(name, reason)
    release_versions[name] = "; ".join(f"pytorch/pytorch@{c[:12]}:{p}: {what}" for c, p, _, what in pins)
try:  # the installed torch keeps the function for old pickles only
    import torch.nn.backends.thnn as thnn  # noqa: E402

    body = inspect.getsource(thnn._get_thnn_function_backend)
    if _THNN[0] in release_versions and re.search(r"\):\n    pass\n", body):
        release_versions[_THNN[0]] += f"; installed torch {torch.__version__}: takes no argument, returns None"
except ImportError:
    pass

out = {
    "generated_by": "scripts/data/derive-torch-allowlist.py",
    "torch": torch.__version__,
    "entries": dict(sorted(entries.items())),
    # Entries admitted from other releases' source (RELEASES), with where each was read: evidence names these.
    "release_sources": dict(sorted(release_versions.items())),
    # Entries admitted as stored references only: a layer holds them and calls them in forward, the load never does.
    "stored_references": sorted(stored_references),
    # Entries admitted through __new__ only (NEWOBJ, copyreg's reconstructors): never called by the stream.
    "new_only": sorted(new_only),
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
