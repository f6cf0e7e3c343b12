#!/usr/bin/python3
"""Derive what dill's type lookup `_load_type(name)` returns, per released version of dill (the release tags pinned
below, read from dill's source with Python's ast at each tag's commit).

With dill imported, pickle (and joblib, which subclasses pickle's Python pickler) writes a type dill knows by name as
REDUCE(<dill module>._load_type, (<name>,)): dill's save_type looks the type up in `_typemap` and saves that call. At
load, `_load_type(name)` returns `_reverse_typemap[name]` and does nothing else. `_reverse_typemap` is built by
`_create_typemap()` from the builtins module and the `types` module (on Python 3 every object of either whose
`__module__` is 'builtins' and whose type is `type`, under the name it has there), then updated with a few explicitly
named types (PartialType, CellType, FileType, ...).

For each release this checks, from the source:
  - `_load_type` is a one-line `return _reverse_typemap[<its argument>]`;
  - `_reverse_typemap = dict(_create_typemap())`, and `_create_typemap` reads `__builtin__.__dict__` (dill imports the
    builtins module under that name on Python 3), keeps values whose `__module__` is 'builtins' and whose type is
    `type`, and yields (name, value);
  - every name the release adds to the table explicitly (subscript assignments and dict literals merged in).
A name of DATA_TYPES or BASE_TYPES (`object`) then maps to the builtin type of that name in a release when the release
is in that shape and adds no entry of that name explicitly. Names of the `types` module (CodeType, FunctionType, MethodType, ModuleType, ...) and
every explicitly added type are never admitted: they build code, functions, modules or file handles.

The releases up to 0.3.5.1 also build the table on Python 2, where `_create_typemap` reads only the `types` module and
keeps the values whose `__module__` is '__builtin__' (the branch taken when PY3 is false): there a type is written
under its Python 2 `types` name (`_load_type('ListType')`, `_load_type('ObjectType')`). PY2_TYPES below is the
assignment block of CPython 2.7's Lib/types.py that binds those names to builtins; a release with that branch, in the
shape read, maps each of those names whose builtin (named as Python 3's pickle reads a Python 2 builtin's name,
_compat_pickle.NAME_MAPPING) is a data type or `object`, to that type. A release's table holds only the names of its
own branches: a Python 2 name is never admitted for a release without the Python 2 branch.

Each lookup (by the module of the releases that define it: dill/dill.py before 0.2.8, dill/_dill.py after) lists the
names admitted for it, each with the builtin type it returns and the releases whose table holds it.

It also reads, per release, dill's NumPy array rebuild `_create_array(f, args, state, npdict=None)` (CREATE_ARRAY
below): the releases whose function is that one, statement for statement, are listed under "arrays" by the module
that defines it (the VM models its call as the calls it makes: pickle/vm.ts dillCreateArray).

Writes src/analyzers/pickle/data/dill-types.json (what the pickle VM reads).

    /usr/bin/python3 scripts/data/derive-dill-types.py [--mirror DIR]   (DIR holds uqfoundation+dill/repo)
"""

import argparse
import ast
import os
import _compat_pickle
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(ROOT, "src", "analyzers", "pickle", "data", "dill-types.json")
sys.path.insert(0, HERE)
from allowlist_derivation import write_json  # noqa: E402

REPO = "uqfoundation/dill"
# Release tags and their commits.
PINS = {
    "0.2a1": "1098de14eb0dd1db40c2c140d9083aa650457103",
    "0.2b1": "697fadd1f626dae27bf41f95760bffaf4fbd8754",
    "0.2": "0a261e65ab1501564aa9611d2575504e23d1d937",
    "0.2.1": "c8ee0f485ba9fd38e3673abd233c9583aa6fab61",
    "dill-0.2.2": "8d3fb53d218082b14839f3e2aa6a3b0f975fb57c",
    "dill-0.2.3": "eebc248f3198d0f6453175b04b833acdca80ad4a",
    "dill-0.2.4": "5c8fc10b339df815ec8345e62fa280d15785bef0",
    "dill-0.2.5": "7ef6794164d77a7ca61e53ef73f3604507538ee5",
    "0.2.6": "afaeb815ecae56e9de6fe19f376deecdc272e32f",
    "dill-0.2.7": "2e96007b9d742b01f649aa5b9e26b278aff63c85",
    "dill-0.2.7.1": "781b1bb621231f406b31b8e5409b31f6d827b2a2",
    "dill-0.2.8": "926449ca07e706ce22fb2f63c56aa890c1d04fce",
    "dill-0.2.8.1": "0671d77bd242400534e3919cb3af9582800fbf05",
    "dill-0.2.8.2": "d1cfb4ef5e82040826a2ee94c7eb8d5010e1e15b",
    "dill-0.2.9": "6212a73f89ecc0866221a57db13b7c9c7a40c00e",
    "dill-0.3.0": "750849aa060b077b897cf6925391017c3ee231fc",
    "dill-0.3.1": "52dddfb88759ca62034062cfa8b8ed29631ed99f",
    "dill-0.3.1.1": "cd1beb4b9d402faa1511a7d8cbf2a4eab32ef2a5",
    "dill-0.3.2": "afc5b2c79d242b18c97a09c8a309fdaa61a73678",
    "dill-0.3.3": "4936a685f1113fe27b96464d0bcd5ca22218b8f4",
    "dill-0.3.4": "d171ee0ecd65010e6f18ee81a62fdd0c63e3e85a",
    "dill-0.3.5": "cdcd993cf879bdb718ba00dfb5d209fc5948773b",
    "dill-0.3.5.1": "385651622cf32a762b8ef1bf07f83e56580b421e",
    "dill-0.3.6": "d5c4dccbe19fb27bfd757cb60abd2899fd9e59ba",
    "dill-0.3.7": "d33477195e0433b5add1c16e4ea7c54747b2feaa",
    "0.3.8": "a0a8e86976708d0436eec5c8f7d25329da727cb5",
    "0.3.9": "8372a772758f59ab679c5eafdb45e880a228b5ff",
    "0.4.0": "16eb90b0895fa60c751bc4bdc18dbdf9a6b31a2e",
    "0.4.1": "a9d4d39c411296fb3608c4ffd142134559942d21",
}
# The builtin types admitted by name: plain data (numbers, text, bytes and the containers), whose calls build values
# from their arguments and run nothing the stream brings (the builtins entries of src/rules/data/dangerous.ts judge
# what the stream then does with them, as for a GLOBAL of builtins.<name>).
DATA_TYPES = ("bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list", "range", "set",
              "slice", "str", "tuple")
# `object`, which the pickle protocols 0 and 1 hand copyreg._reconstructor as the base of an instance whose class does
# not define its own reduce (dill's save_type writes it as any other type it knows): a GLOBAL of builtins.object gives
# the same, and is judged as the python pack's entry for it.
BASE_TYPES = ("object",)
TABLES = ("_reverse_typemap", "_incedental_reverse_typemap")
# CPython 2.7, Lib/types.py (tag v2.7.18): the names it binds to builtins, as that file reads (the names it binds to
# the types of functions, code, classes, modules, frames, ... are computed, never a bare builtin, and are left out).
PY2_TYPES = """
NoneType = type(None)
TypeType = type
ObjectType = object
IntType = int
LongType = long
FloatType = float
BooleanType = bool
try:
    ComplexType = complex
except NameError:
    pass
StringType = str
try:
    UnicodeType = unicode
    StringTypes = (StringType, UnicodeType)
except NameError:
    StringTypes = (StringType,)
BufferType = buffer
TupleType = tuple
ListType = list
DictType = DictionaryType = dict
FileType = file
XRangeType = xrange
SliceType = slice
EllipsisType = type(Ellipsis)
"""


def python2_types():
    """{Python 2 `types` name: Python 3 builtin} for the names PY2_TYPES binds to a builtin that is a data type or a
    base type, the builtin named as Python 3's pickle reads a Python 2 builtin's name."""
    out = {}
    for n in ast.walk(ast.parse(PY2_TYPES)):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name):
            module, name = _compat_pickle.NAME_MAPPING.get(("__builtin__", n.value.id), ("builtins", n.value.id))
            if module == "builtins" and name in DATA_TYPES + BASE_TYPES:
                out.update((t.id, name) for t in n.targets if isinstance(t, ast.Name))
    return out


def show(mirror, commit, path):
    done = subprocess.run(["git", "-C", mirror, "show", f"{commit}:{path}"], capture_output=True)
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def version_key(tag):
    v = tag[len("dill-"):] if tag.startswith("dill-") else tag
    parts = []
    for p in v.replace("a", ".-2.").replace("b", ".-1.").split("."):
        parts.append(int(p))
    return tuple(parts)


def function(tree, name):
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def load_type_shape(fn):
    """`def _load_type(name): return _reverse_typemap[name]`, nothing else."""
    if fn is None or len(fn.args.args) != 1 or len(fn.body) != 1 or not isinstance(fn.body[0], ast.Return):
        return False
    v = fn.body[0].value
    return (isinstance(v, ast.Subscript) and isinstance(v.value, ast.Name) and v.value.id == "_reverse_typemap"
            and isinstance(v.slice, ast.Name) and v.slice.id == fn.args.args[0].arg)


def create_typemap_shape(tree, fn):
    """Reads __builtin__.__dict__, keeps __module__ == 'builtins' and type(value) is type, yields (key, value); and
    the module assigns `_reverse_typemap = dict(_create_typemap())`."""
    if fn is None:
        return "no _create_typemap"
    src = ast.dump(fn)
    reads = any(isinstance(n, ast.Attribute) and n.attr == "__dict__" and isinstance(n.value, ast.Name)
                and n.value.id == "__builtin__" for n in ast.walk(fn))
    keeps = "Constant(value='builtins')" in src and "Name(id='type', ctx=Load())" in src
    yields = [n for n in ast.walk(fn) if isinstance(n, ast.Yield)]
    order = yields and all(isinstance(y.value, ast.Tuple) and [getattr(e, "id", None) for e in y.value.elts]
                           == ["key", "value"] for y in yields)
    assigned = any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_reverse_typemap"
                                                     for t in n.targets)
                   and ast.dump(n.value).startswith("Call(func=Name(id='dict'")
                   and "_create_typemap" in ast.dump(n.value) for n in tree.body)
    if not (reads and keeps and order and assigned):
        return (f"_create_typemap not in the shape read (reads builtins {reads}, keeps builtins types {keeps}, "
                f"yields (name, type) {bool(order)}, _reverse_typemap = dict(_create_typemap()) {assigned})")
    return None


def python2_branch(fn):
    """The Python 2 branch of `_create_typemap`: an `if PY3: ... else: ...` whose else branch reads
    `types.__dict__` and keeps '__builtin__' (`d = types.__dict__.iteritems()`, `builtin = '__builtin__'`), the loop
    testing `__module__ == builtin`."""
    branch = next((n for n in fn.body if isinstance(n, ast.If) and isinstance(n.test, ast.Name)
                   and n.test.id in ("PY3", "PYTHON3")), None)
    if branch is None or len(branch.orelse) != 2:
        return False
    want = ("d = types.__dict__.iteritems()", "builtin = '__builtin__'")
    got = tuple(ast.unparse(st) for st in branch.orelse)
    loop = next((n for n in fn.body if isinstance(n, ast.For)), None)
    tests = loop is not None and "getattr(value, '__module__', None) == builtin" in ast.unparse(loop)
    return got == want and tests


def explicit_names(tree):
    """Every string key the module adds to the type tables explicitly, anywhere in the module."""
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name) \
                and n.value.id in TABLES:
            key = n.slice
            out.add(key.value if isinstance(key, ast.Constant) else "<computed>")
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "update" \
                and isinstance(n.func.value, ast.Name) and n.func.value.id in TABLES:
            for a in n.args:
                if isinstance(a, ast.Name) and a.id in TABLES:
                    continue  # the other table, whose entries are read here too
                if isinstance(a, ast.Dict):
                    out.update(k.value if isinstance(k, ast.Constant) else "<computed>" for k in a.keys)
                else:
                    out.add(f"<merged {ast.dump(a)[:40]}>")
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_incedental_reverse_typemap"
                                             for t in n.targets) and isinstance(n.value, ast.Dict):
            out.update(k.value if isinstance(k, ast.Constant) else "<computed>" for k in n.value.keys)
    return out


# dill's NumPy array rebuild, as every release that defines it reads (comments aside):
#   def _create_array(f, args, state, npdict=None):
#       array = f(*args)
#       array.__setstate__(state)
#       if npdict is not None:
#           array.__dict__.update(npdict)
#       return array
# dill's pickler writes `_create_array(f, args, state, npdict)` from an array's own `__reduce__()` (f is numpy's
# `_reconstruct` for an ndarray and its subclasses) and `getattr(array, '__dict__', None)`.
CREATE_ARRAY = (
    "def _create_array(f, args, state, npdict=None):\n"
    "    array = f(*args)\n"
    "    array.__setstate__(state)\n"
    "    if npdict is not None:\n"
    "        array.__dict__.update(npdict)\n"
    "    return array\n"
)


def create_array_shape(fn):
    """The release's `_create_array` is CREATE_ARRAY, statement for statement."""
    return fn is not None and ast.dump(fn) == ast.dump(ast.parse(CREATE_ARRAY).body[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    args = ap.parse_args()
    mirror = os.path.join(args.mirror, REPO.replace("/", "+"), "repo")
    read, homes, arrays, names = {}, {}, {}, {}
    py2 = python2_types()
    for tag in sorted(PINS, key=version_key):
        commit = PINS[tag]
        row = {"commit": commit}
        for path, module in (("dill/_dill.py", "dill._dill"), ("dill/dill.py", "dill.dill")):
            text = show(mirror, commit, path)
            if text is not None:
                break
        if text is None:
            row["read"] = "no dill/_dill.py or dill/dill.py"
            read[tag] = row
            continue
        tree = ast.parse(text)
        row["module"] = module
        why = None
        if not load_type_shape(function(tree, "_load_type")):
            why = "_load_type is not `return _reverse_typemap[name]`"
        else:
            why = create_typemap_shape(tree, function(tree, "_create_typemap"))
        extra = explicit_names(tree)
        admitted = {n: n for n in DATA_TYPES + BASE_TYPES}
        if why is None and python2_branch(function(tree, "_create_typemap")):
            admitted.update(py2)
            row["python2"] = "the Python 2 branch reads types.__dict__, keeping '__builtin__' types"
        clash = sorted(n for n in admitted if n in extra) + sorted(n for n in extra if n.startswith("<"))
        if why is None and clash:
            why = f"the table is given entries read as data types or not read: {', '.join(clash)}"
        row["read"] = why if why is not None else "_load_type returns the builtin type of each data type's name"
        row["explicit"] = sorted(extra)
        array_fn = function(tree, "_create_array")
        if array_fn is None:
            row["create_array"] = "no _create_array"
        elif create_array_shape(array_fn):
            row["create_array"] = "_create_array calls f(*args), array.__setstate__(state), array.__dict__.update(npdict)"
            arrays.setdefault(f"{module}._create_array", []).append(tag)
        else:
            row["create_array"] = "_create_array not in the shape read"
        if why is None:
            homes.setdefault(f"{module}._load_type", []).append(tag)
            for name, builtin in admitted.items():
                names.setdefault(f"{module}._load_type", {}).setdefault(name, (builtin, []))[1].append(tag)
        read[tag] = row

    def span(tags):
        tags = [t[len("dill-"):] if t.startswith("dill-") else t for t in sorted(tags, key=version_key)]
        return f"dill {tags[0]} - {tags[-1]}" if len(tags) > 1 else f"dill {tags[0]}"

    write_json(OUT, {
        "generated_by": "scripts/data/derive-dill-types.py",
        "repository": REPO,
        "lookups": {name: {"versions": span(tags), "count": len(tags),
                           "types": {n: {"type": t, "versions": span(ts)} for n, (t, ts) in sorted(names[name].items())}}
                    for name, tags in sorted(homes.items())},
        "arrays": {name: {"versions": span(tags), "count": len(tags)} for name, tags in sorted(arrays.items())},
        "read": read,
    })
    print("dill: " + ", ".join(f"{n}: {span(t)}" for n, t in sorted({**homes, **arrays}.items())), file=sys.stderr)


main()
