#!/usr/bin/python3
"""Derive which Keras 3 model classes pickle through `_unpickle_model`, per released version (the pinned tags of the
Keras history pack, scripts/data/history/pins.json), from Keras's source read with Python's ast at each tag's commit.

A model pickled whole (pickle.dumps(model)) is written by the __reduce__ the class inherits: from Keras 3.3 it saves
the model to an in-memory `.keras` archive and returns (cls._unpickle_model, (io.BytesIO(archive),)), a bound
classmethod that pickle writes as getattr(<class>, '_unpickle_model'); `_unpickle_model` hands the BytesIO to
saving_lib._load_model_from_fileobj(..., safe_mode=False). For each version this reads the modules of the model
classes and of the bases they inherit those methods from (Model, Layer, KerasSaveable), follows each class's bases
through the module's own `from ... import` lines, and records where `_unpickle_model` and `__reduce__` are defined
and whether `_unpickle_model` calls _load_model_from_fileobj with safe_mode=False.
Writes src/analyzers/pickle/data/keras-unpickle.json (what the pickle VM reads).

    /usr/bin/python3 scripts/data/derive-keras-unpickle.py [--mirror DIR]
"""

import argparse
import ast
import json
import os
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
MAX_MODULES = 64


def show(mirror, commit, path):
    done = subprocess.run(["git", "-C", mirror, "show", f"{commit}:{path}"], capture_output=True)
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def module_path(module):
    return module.replace(".", "/") + ".py"


def read_version(mirror, commit):
    """{class name: {"bases": [...], "defines": {method: ast}}} for the classes reachable from MODELS."""
    classes, parsed = {}, {}
    todo = [m.rsplit(".", 1)[0] for m in MODELS]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    args = ap.parse_args()
    pins = json.load(open(os.path.join(HERE, "history", "pins.json")))["keras"]
    mirror = os.path.join(args.mirror, pins["repo"].replace("/", "+"), "repo")
    per_version, found = {}, {}
    for tag, commit, _date, *_ in pins["versions"]:
        if not tag.startswith("v3."):
            continue
        classes = read_version(mirror, commit)
        row = {}
        for name in MODELS:
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
    })
    print(f"keras: {len(per_version)} Keras 3 versions read; " +
          ", ".join(f"{n}: {span(t)}" for n, t in sorted(found.items())), file=sys.stderr)


main()
