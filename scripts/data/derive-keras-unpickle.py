#!/usr/bin/python3
"""Derive how Keras models pickle whole, per released version (the pinned tags of the Keras history pack,
scripts/data/history/pins.json), from Keras's source read with Python's ast at each tag's commit: the Keras 3 model
classes that pickle through `_unpickle_model`, and the Keras 2 function `deserialize_model_from_bytecode`.

A model pickled whole (pickle.dumps(model)) is written by the __reduce__ the class inherits: from Keras 3.3 it saves
the model to an in-memory `.keras` archive and returns (cls._unpickle_model, (io.BytesIO(archive),)), a bound
classmethod that pickle writes as getattr(<class>, '_unpickle_model'); `_unpickle_model` hands the BytesIO to
saving_lib._load_model_from_fileobj(..., safe_mode=False). For each version this reads the modules of the model
classes and of the bases they inherit those methods from (Model, Layer, KerasSaveable), follows each class's bases
through the module's own `from ... import` lines, and records where `_unpickle_model` and `__reduce__` are defined
and whether `_unpickle_model` calls _load_model_from_fileobj with safe_mode=False.

Keras 2 (2.7 - 2.15) writes a built Model through Model.__reduce__ in keras/engine/training.py:
(pickle_utils.deserialize_model_from_bytecode, (pickle_utils.serialize_model_as_bytecode(self),)), a module-level
function pickle names by its module. What the argument is depends on the release, so each release's
keras/saving/pickle_utils.py is read: where serialize_model_as_bytecode returns the bytes of the file
saving_lib.save_model wrote (a `.keras` zip: config.json, metadata.json, model.weights.h5) and
deserialize_model_from_bytecode writes its argument to a file that saving_lib.load_model loads (safe_mode=False, or a
release whose load_model has no safe mode), the function is recorded with the module its wheel names: keras.saving up
to 2.12, keras.src.saving where the release's pip_build.py moves the package to keras/src (2.13 - 2.15). Releases
whose argument is anything else (2.7 - 2.10: a numpy array of a tar of a SavedModel directory) are recorded as read
and not admitted.
Writes src/analyzers/pickle/data/keras-unpickle.json (what the pickle VM reads).

    /usr/bin/python3 scripts/data/derive-keras-unpickle.py [--mirror DIR]
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(ROOT, "src", "analyzers", "pickle", "data", "keras-unpickle.json")
sys.path.insert(0, HERE)
from allowlist_derivation import write_json  # noqa: E402

# The classes a whole-model pickle names (their __module__ in the released wheels, which from 3.0 is keras.src.*).
MODELS = ("keras.src.models.sequential.Sequential", "keras.src.models.functional.Functional",
          "keras.src.models.model.Model")
# The preprocessing layers users pickle on their own (a fitted vocabulary or normalisation beside a model): from the
# release where __reduce__ and _unpickle_model move to KerasSaveable, every layer pickles the same way.
LAYERS = tuple(f"keras.src.layers.preprocessing.{m}.{c}" for m, c in (
    ("text_vectorization", "TextVectorization"), ("string_lookup", "StringLookup"),
    ("integer_lookup", "IntegerLookup"), ("normalization", "Normalization"), ("discretization", "Discretization"),
    ("hashing", "Hashing"), ("category_encoding", "CategoryEncoding"), ("hashed_crossing", "HashedCrossing")))
CLASSES = MODELS + LAYERS
MAX_MODULES = 128


def show(mirror, commit, path):
    done = subprocess.run(["git", "-C", mirror, "show", f"{commit}:{path}"], capture_output=True)
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def module_path(module):
    return module.replace(".", "/") + ".py"


def read_version(mirror, commit):
    """{class name: {"bases": [...], "defines": {method: ast}}} for the classes reachable from CLASSES."""
    classes, parsed = {}, {}
    todo = [m.rsplit(".", 1)[0] for m in CLASSES]
    while todo and len(parsed) < MAX_MODULES:
        module = todo.pop()
        if module in parsed:
            continue
        text = show(mirror, commit, module_path(module))
        if text is None and module.startswith("keras.src."):
            # Up to 3.2 the repository holds the package as keras/ (its pip build moves it to keras/src).
            text = show(mirror, commit, module_path("keras." + module[len("keras.src."):]))
        parsed[module] = text
        if text is None:
            continue
        tree = ast.parse(text)
        names = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    names[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    names[a.asname or a.name] = a.name
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            bases = []
            for b in node.bases:
                if isinstance(b, ast.Name):
                    bases.append(names.get(b.id, f"{module}.{b.id}"))
                elif isinstance(b, ast.Attribute) and isinstance(b.value, ast.Name) and b.value.id in names:
                    bases.append(f"{names[b.value.id]}.{b.attr}")
            defines = {f.name: f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
            classes[f"{module}.{node.name}"] = {"bases": bases, "defines": defines}
            for b in bases:
                if b.startswith("keras.src."):
                    todo.append(b.rsplit(".", 1)[0])
    return classes


def mro(classes, name):
    """A depth-first, left-to-right walk of the bases read (the C3 order agrees on these single-root chains)."""
    out, stack = [], [name]
    while stack:
        cur = stack.pop(0)
        if cur in out:
            continue
        out.append(cur)
        stack = classes.get(cur, {}).get("bases", []) + stack
    return out


def loads_unsafely(fn):
    """_unpickle_model's body calls _load_model_from_fileobj(<its argument>, ..., safe_mode=False)."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "_load_model_from_fileobj":
            kw = {k.arg: k.value for k in node.keywords}
            safe = kw.get("safe_mode")
            return isinstance(safe, ast.Constant) and safe.value is False
    return False


KERAS2_FUNCTION = "deserialize_model_from_bytecode"
KERAS2_MODULE = "keras.saving.pickle_utils"


def functions_of(text):
    return {n.name: n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}


def calls_to(fn, attr):
    return [n for n in ast.walk(fn) if isinstance(n, ast.Call) and getattr(n.func, "attr", None) == attr]


def keras2_reduce(mirror, commit):
    """Model.__reduce__ returns (pickle_utils.deserialize_model_from_bytecode, (pickle_utils.serialize_...(self),))."""
    text = show(mirror, commit, "keras/engine/training.py")
    if text is None:
        return "no keras/engine/training.py"
    for node in ast.walk(ast.parse(text)):
        if not (isinstance(node, ast.ClassDef) and node.name == "Model"):
            continue
        for f in node.body:
            if isinstance(f, ast.FunctionDef) and f.name == "__reduce__":
                for r in ast.walk(f):
                    if not (isinstance(r, ast.Return) and isinstance(r.value, ast.Tuple) and len(r.value.elts) == 2):
                        continue
                    fn, args = r.value.elts
                    # (f, (serialize(self),)) from 2.11; (f, serialize(self)) before, serialize returning the tuple.
                    arg = args.elts[0] if isinstance(args, ast.Tuple) and len(args.elts) == 1 else args
                    if ast.unparse(fn) == f"pickle_utils.{KERAS2_FUNCTION}" and \
                            ast.unparse(arg) == "pickle_utils.serialize_model_as_bytecode(self)":
                        return None
                return "Model.__reduce__ returns no (deserialize_model_from_bytecode, (bytes,)) tuple"
    return "no Model.__reduce__"


def keras2_argument(mirror, commit):
    """(None, safe_mode) when the argument is the bytes of a .keras file saving_lib wrote and loads, else (why, None)."""
    text = show(mirror, commit, "keras/saving/pickle_utils.py")
    if text is None:
        return "no keras/saving/pickle_utils.py", None
    fns = functions_of(text)
    ser, de = fns.get("serialize_model_as_bytecode"), fns.get(KERAS2_FUNCTION)
    if ser is None or de is None:
        return "pickle_utils defines no serialize/deserialize pair", None
    returns = [r.value for r in ast.walk(ser) if isinstance(r, ast.Return)]
    saves = [c for c in calls_to(ser, "save_model") if ast.unparse(c.func) == "saving_lib.save_model"]
    reads = [n for n in ast.walk(ser) if isinstance(n, ast.Assign) and len(n.targets) == 1 and
             isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Call) and
             ast.unparse(n.value.func) == "f.read"]
    if not (saves and len(returns) == 1 and isinstance(returns[0], ast.Name) and reads and
            reads[0].targets[0].id == returns[0].id):
        kind = ast.unparse(returns[0]) if len(returns) == 1 else f"{len(returns)} returns"
        return f"serialize_model_as_bytecode returns {kind}, not the bytes of a file saving_lib.save_model wrote", None
    arg = de.args.args[0].arg if de.args.args else None
    writes = [c for c in calls_to(de, "write") if [ast.unparse(a) for a in c.args] == [arg]]
    loads = [c for c in calls_to(de, "load_model") if ast.unparse(c.func) == "saving_lib.load_model"]
    if not writes or len(loads) != 1:
        return f"{KERAS2_FUNCTION} does not write its argument to a file saving_lib.load_model loads", None
    kw = {k.arg: k.value for k in loads[0].keywords}
    if "safe_mode" not in kw:
        return None, "absent (load_model of this release has no safe mode)"
    safe = kw["safe_mode"]
    if isinstance(safe, ast.Constant) and safe.value is False:
        return None, "False"
    return f"saving_lib.load_model called with safe_mode={ast.unparse(safe)}", None


def keras2_module(mirror, commit):
    """The module the release's wheel names: keras.src.saving... where pip_build.py moves the package (WHEEL_MOVE)."""
    build = show(mirror, commit, "pip_build.py")
    moved = build is not None and re.search(r'^SRC_DIRNAME = "src"$', build, re.M) is not None
    return "keras.src.saving.pickle_utils" if moved else KERAS2_MODULE


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    args = ap.parse_args()
    pins = json.load(open(os.path.join(HERE, "history", "pins.json")))["keras"]
    mirror = os.path.join(args.mirror, pins["repo"].replace("/", "+"), "repo")
    per_version, found = {}, {}
    keras2, keras2_read = {}, {}
    for tag, commit, _date, *_ in pins["versions"]:
        if tag.startswith("v2."):
            why = keras2_reduce(mirror, commit)
            safe = None
            if why is None:
                why, safe = keras2_argument(mirror, commit)
            name = f"{keras2_module(mirror, commit)}.{KERAS2_FUNCTION}"
            keras2_read[tag] = {"commit": commit, "name": name,
                                "read": why if why is not None else f"a .keras zip's bytes, load_model safe_mode {safe}"}
            if why is None:
                keras2.setdefault(name, []).append(tag)
            continue
        if not tag.startswith("v3."):
            continue
        classes = read_version(mirror, commit)
        row = {}
        for name in CLASSES:
            if name not in classes:
                continue
            order = mro(classes, name)
            unpickle = next((c for c in order if "_unpickle_model" in classes.get(c, {}).get("defines", {})), None)
            reduce_ = next((c for c in order if "__reduce__" in classes.get(c, {}).get("defines", {})), None)
            if unpickle is None:
                row[name] = "no _unpickle_model"
                continue
            fn = classes[unpickle]["defines"]["_unpickle_model"]
            classmethod_ = any(isinstance(d, ast.Name) and d.id == "classmethod" for d in fn.decorator_list)
            if not classmethod_ or not loads_unsafely(fn) or reduce_ != unpickle:
                row[name] = f"_unpickle_model in {unpickle} not in the shape read (classmethod {classmethod_}, " \
                            f"__reduce__ in {reduce_})"
                continue
            row[name] = f"_unpickle_model and __reduce__ of {unpickle}"
            found.setdefault(name, []).append(tag)
        per_version[tag] = {"commit": commit, "classes": row}
    def span(tags):
        tags = sorted(tags, key=lambda t: tuple(int(x) for x in t[1:].split(".")))
        return f"{tags[0]} - {tags[-1]}" if len(tags) > 1 else tags[0]

    write_json(OUT, {
        "generated_by": "scripts/data/derive-keras-unpickle.py",
        "repository": pins["repo"],
        "classes": {name: {"versions": span(tags), "count": len(tags)} for name, tags in sorted(found.items())},
        "read": per_version,
        "keras2": {name: {"versions": span(tags), "count": len(tags)} for name, tags in sorted(keras2.items())},
        "keras2_read": keras2_read,
    })
    print(f"keras: {len(per_version)} Keras 3 versions read; " +
          ", ".join(f"{n}: {span(t)}" for n, t in sorted(found.items())), file=sys.stderr)
    print("keras 2: " + ", ".join(f"{n}: {span(t)}" for n, t in sorted(keras2.items())), file=sys.stderr)


main()
