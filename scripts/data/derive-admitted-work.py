#!/usr/bin/python3
"""Derive what admitted callables do with the values a stream gives them that the other effect tables do not say:
which of its arguments a function calls (and with which arguments), and which values a loop bound is read from.

Writes src/analyzers/pickle/data/admitted-work.json (what the VM reads) and admitted-kinds.json (what the
allowlist invariant test reads). Run: /usr/bin/python3 scripts/data/derive-admitted-work.py

Every name of every allowlist pack (src/rules/data/packs/*.json, packs/history/*.json, torch-allowlist.json,
sklearn-allowlist.json) is resolved in the installed libraries (Debian python3-torch, python3-sklearn, ...):
- `kinds`: what the name is there: class, function (Python source), native (a C function or method descriptor),
  value (an instance: a dtype, a layout, a ufunc is native), or absent (the installed libraries do not define it:
  a history pack's or another release's name, reviewed by its own pack from pinned source);
- `callThrough`: Python functions that call one of their parameters: `{arg, with}` (parameter `arg` called with the
  parameters `with`) or `{arg, spread}` (called with the items of parameter `spread`: `func(*args)`);
- `loops`: classes whose __setstate__ (any class of the MRO: the hook that runs may call its bases') loops
  `range(n)` over a number read from the state (`state['key']`, `state.get('key')`, or `self.key` after the state
  was stored on the instance), with the key and the method that reads it. A number the stream writes in a few bytes
  then buys any amount of work: the VM charges it. When the class (or a base) defines a Python `__getattr__`, a
  `self.key` the instance dict lacks is answered by it: `via` lists the instance-dict entries (dicts) it looks the
  name up in, in order (torch's Module.__getattr__: `_parameters`, `_buffers`, `_modules`), read from its source; a
  `__getattr__` that does anything else fails the script.
The script fails (exit 1) on a Python function or hook whose source it cannot read or parse.
"""
import ast
import builtins
import glob
import importlib
import inspect
import json
import os
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admitted_names import inputs_digest  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DATA = os.path.join(ROOT, "src", "rules", "data")


def admitted_names():
    names = set()
    for path in sorted(glob.glob(os.path.join(DATA, "packs", "*.json")) + glob.glob(os.path.join(DATA, "packs", "history", "*.json"))):
        with open(path) as f:
            names.update(json.load(f)["entries"])
    for path in ("torch-allowlist.json", "sklearn-allowlist.json"):
        with open(os.path.join(DATA, path)) as f:
            names.update(json.load(f)["entries"])
    return sorted(names)


def resolve(name):
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
        except AttributeError:
            return None
        return obj
    if parts[0] == "builtins" and len(parts) == 2:
        return getattr(builtins, parts[1], None)
    return None


failures = []


def parsed(fn, what):
    try:
        src = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(src)
    except (OSError, TypeError, SyntaxError) as e:
        failures.append(f"{what}: source not readable ({e})")
        return None
    node = tree.body[0]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        failures.append(f"{what}: not a function definition")
        return None
    return node


def positional(node):
    return [a.arg for a in node.args.posonlyargs + node.args.args]


def call_through(node):
    params = positional(node)
    out = []
    for n in ast.walk(node):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in params):
            continue
        spec = {"arg": params.index(n.func.id)}
        star = [a for a in n.args if isinstance(a, ast.Starred)]
        if len(star) == 1 and len(n.args) == 1 and isinstance(star[0].value, ast.Name) and star[0].value.id in params:
            spec["spread"] = params.index(star[0].value.id)
        elif all(isinstance(a, ast.Name) and a.id in params for a in n.args) and not n.keywords:
            spec["with"] = [params.index(a.id) for a in n.args]
        else:
            spec["with"] = "any"  # arguments the function computes: the VM calls the callee with unknown arguments
        if spec not in out:
            out.append(spec)
    return out


def state_key(expr, state, self_name, locals_):
    """The state key an expression reads (directly or through a local assigned from one), else None."""
    if isinstance(expr, ast.Name) and expr.id in locals_:
        return locals_[expr.id]
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == self_name:
        return expr.attr
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and expr.value.id == state:
        s = expr.slice
        if isinstance(s, ast.Constant) and isinstance(s.value, str):
            return s.value
    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get"
            and isinstance(expr.func.value, ast.Name) and expr.func.value.id == state and expr.args
            and isinstance(expr.args[0], ast.Constant) and isinstance(expr.args[0].value, str)):
        return expr.args[0].value
    return None


def keys_in(expr, state, self_name, locals_):
    """Every state key an arithmetic expression of a loop bound reads."""
    out = []
    for n in ast.walk(expr):
        k = state_key(n, state, self_name, locals_)
        if k is not None and k not in out:
            out.append(k)
    return out


def loop_keys(node):
    params = positional(node)
    if len(params) < 2:
        return []
    self_name, state = params[0], params[1]
    locals_ = {}
    for n in ast.walk(node):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            k = state_key(n.value, state, self_name, locals_)
            if k is not None:
                locals_[n.targets[0].id] = k
    keys = []
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "range":
            for a in n.args:
                for k in keys_in(a, state, self_name, locals_):
                    if k not in keys:
                        keys.append(k)
    return keys


def getattr_dicts(cls, name):
    """The instance-dict entries a Python __getattr__ of `cls` answers a missing name from (None: no __getattr__)."""
    for base in inspect.getmro(cls):
        fn = vars(base).get("__getattr__")
        if fn is None:
            continue
        where = f"{name}: {base.__module__}.{base.__qualname__}.__getattr__"
        if not inspect.isfunction(fn):
            failures.append(f"{where}: not a Python function, its lookup cannot be read")
            return []
        node = parsed(fn, where)
        if node is None:
            return []
        params = positional(node)
        self_name = params[0] if params else "self"
        out = []
        for n in ast.walk(node):
            # self.__dict__['<holder>']
            if (isinstance(n, ast.Subscript) and isinstance(n.value, ast.Attribute) and n.value.attr == "__dict__"
                    and isinstance(n.value.value, ast.Name) and n.value.value.id == self_name
                    and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)):
                if n.slice.value not in out:
                    out.append(n.slice.value)
            elif isinstance(n, (ast.Call,)) and not (isinstance(n.func, ast.Name) and n.func.id in ("AttributeError", "type")) \
                    and not (isinstance(n.func, ast.Attribute) and n.func.attr == "format"):
                failures.append(f"{where}: calls something other than the dict lookups the script reads")
                return []
        if not out:
            failures.append(f"{where}: no instance-dict lookup the script reads")
        return out
    return None


def hook_loops(cls, name):
    out = []
    for base in inspect.getmro(cls):
        fn = vars(base).get("__setstate__")
        if fn is None or not inspect.isfunction(fn):
            continue
        where = f"{base.__module__}.{base.__qualname__}.__setstate__"
        node = parsed(fn, f"{name}: {where}")
        if node is None:
            continue
        for key in loop_keys(node):
            out.append({"key": key, "hook": where})
    # Only a class with such a loop needs its lookup read (a __getattr__ elsewhere answers no loop bound).
    via = getattr_dicts(cls, name) if out else None
    return [{**e, "via": via} for e in out] if via is not None else out


def main():
    kinds, through, loops = {}, {}, {}
    for name in admitted_names():
        obj = resolve(name)
        if obj is None:
            kinds[name] = "absent"
        elif inspect.isclass(obj):
            kinds[name] = "class"
            found = hook_loops(obj, name)
            if found:
                loops[name] = found
        elif inspect.isfunction(obj):
            kinds[name] = "function"
            node = parsed(obj, name)
            if node is not None:
                spec = call_through(node)
                if spec:
                    through[name] = spec
        elif callable(obj):
            kinds[name] = "native"
        else:
            kinds[name] = "value"
    if failures:
        sys.exit("\n".join(failures))
    versions = {}
    for lib in ("torch", "sklearn", "numpy", "scipy", "pandas", "joblib", "pytz", "dateutil"):
        try:
            versions[lib] = importlib.import_module(lib).__version__
        except ImportError:
            pass
    versions["python"] = ".".join(map(str, sys.version_info[:3]))
    head = {"generated_by": "scripts/data/derive-admitted-work.py", "inputs": inputs_digest(), "versions": versions}
    out_dir = os.path.join(ROOT, "src", "analyzers", "pickle", "data")
    for file, body in (("admitted-work.json", {"callThrough": through, "loops": loops}),
                       ("admitted-kinds.json", {"kinds": kinds})):
        with open(os.path.join(out_dir, file), "w") as f:
            json.dump({**head, **body}, f, indent=1)
            f.write("\n")


main()
