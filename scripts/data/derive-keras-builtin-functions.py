#!/usr/bin/python3
"""Derive the function names Keras 3 resolves inside Keras for a `builtins` function reference, per release, from
Keras's source read with Python's ast at each pinned tag's commit (nothing of Keras is imported or run).

Keras 3 writes a built-in function it cannot name by a public path (a loss or metric passed to compile() as the
function object, for instance) as {"module": "builtins", "class_name": "function", "config": NAME,
"registered_name": "function"}. serialization_lib._retrieve_class_or_fn reads such a reference by first asking
api_export.get_symbol_from_name for "keras.<M>.<NAME>" for each M in the module's BUILTIN_MODULES. That registry is
filled by the keras_export decorator, which records only the first (canonical) path of each export. So a name
resolves inside Keras in a release exactly when some keras_export call of that release's package has a first path
"keras.<M>.<NAME>" with M in BUILTIN_MODULES, and the release's get_symbol_from_name returns what it looks up (3.0.0
and 3.0.1 have no `return` there, so every lookup misses).

What follows a miss is read too: the release either imports the reference's module whatever it is and returns the
attribute of that name (so `builtins` hands back Python's own function: eval, exec, open, __import__ ...), or imports
only Keras-team packages and raises for the rest; whether _retrieve_class_or_fn mentions safe_mode at all is
recorded too (it does in no release read).

Writes src/analyzers/model/data/keras-builtin-functions.json (what src/analyzers/model/keras-config.ts reads).

    /usr/bin/python3 scripts/data/derive-keras-builtin-functions.py [--mirror DIR]
"""

import argparse
import ast
import builtins
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(ROOT, "src", "analyzers", "model", "data", "keras-builtin-functions.json")
sys.path.insert(0, HERE)
from allowlist_derivation import write_json  # noqa: E402

REPO = "keras-team/keras"
# Every Keras 3 release tag read: (tag, commit).
PINS = (
    ("v3.0.0", "9c675a9a45e5e8244163fea82efc6066722608a1"),
    ("v3.0.1", "037ec9f5fc61a53c6e1f4c02b7bf1443429dcd45"),
    ("v3.0.2", "fe2f54aa5bc42fb23a96449cf90434ab9bb6a2cd"),
    ("v3.0.3", "096b848e63072328f8812a45061a239f52ba303c"),
    ("v3.0.4", "19187d89b4e1cdf716269cf9142f805afae5541e"),
    ("v3.0.5", "e6e62405fa1b4444102601636d871610d91e5783"),
    ("v3.1.0", "0d0be6aadb7d9bfafaf8bea895789f4aa3b0abf7"),
    ("v3.1.1", "42a1535ed7d3d75711a11d295f58a2dc9a59fdae"),
    ("v3.2.0", "f77b020e497a353b644df3aeebc97c831c8057fc"),
    ("v3.2.1", "29130d3a14d4b673339cbdaddb464359b84ba9c7"),
    ("v3.3.0", "99fdbf7859ee86f4330f8d353347ddaad14b85e7"),
    ("v3.3.1", "33bf553148dfa9f806b89de0b9eec11497a19bc8"),
    ("v3.3.2", "3ebb36fce26c37b5095853a605f07c5f18b57597"),
    ("v3.3.3", "f6c4ac55692c132cd16211f4877fac6dbeead749"),
    ("v3.4.0", "f0bae912201bbd265a3485ccf4f490be2fc675c7"),
    ("v3.4.1", "f5e90a2c5a6ce9f90062a5b11cfc678ace8fc237"),
    ("v3.5.0", "fa834a767bfab5d8e4180ada03fd0b7a597d6d55"),
    ("v3.6.0", "7004f526cfd0933f407f1b4f530b865079aa9bef"),
    ("v3.7.0", "4ca4345afa17543e2979f2bcef9e6847f4402123"),
    ("v3.8.0", "fbf0af76130beecae2273a513242255826b42c04"),
    ("v3.9.0", "eb1f844472e1018d4db3ca6a9b0b9eab6abcedfd"),
    ("v3.9.1", "54bdd1916c0745ec65b3cc519057eec329b09108"),
    ("v3.9.2", "9067d8060992924757e48492ee73dfa5df87c0ee"),
    ("v3.10.0", "3bedb9a970394879360fcb1c0264f3ffdc634a77"),
    ("v3.11.0", "7bf852c211ea41dc58bbc740c3fe64d091d37511"),
    ("v3.11.1", "0e11071e8e1afa077931b458ad334cab9838010d"),
    ("v3.11.2", "251ac3422f8c310172309f683de9c6f458859a90"),
    ("v3.11.3", "b491c860fc2750e2b6006b55358d3251dbb4a9f0"),
    ("v3.12.0", "adbfd13426a0da9864d9a0fcd5be5eed74ca341f"),
    ("v3.12.1", "f704c887bf459b42769bfc8a9182f838009afddb"),
    ("v3.12.2", "8f987f11bf7512f0df4774a8f1557bba07dc2b49"),
    ("v3.12.3", "64ab216d42ede13fddf653ea8105a75da1cd0f08"),
    ("v3.12.4", "6c0caa7aa2a0693ffc568646e823c5c92d278726"),
    ("v3.13.0", "986ff971d98e216a89fba38d48a337ed09d6dc44"),
    ("v3.13.1", "8914427b7fa9d90f3c476cb2ee65d55d4f808e65"),
    ("v3.13.2", "e29d0efbefe21b80c041849bd73cc3e54c872de3"),
    ("v3.14.0", "050671c8cfa58cd288bcc1f4ad21e83991bfdf9f"),
    ("v3.14.1", "b7f0905d8ae5076ec501fe58f8b8c85fa7d22d43"),
    ("v3.15.0", "9d1bbf9aae730708cc6e0d7104860c1605c0e31b"),
    ("v3.15.1", "250b42181ce9f37df68319d8f4753ec89a349a43"),
)


def git(mirror, *args):
    done = subprocess.run(["git", "-C", mirror, *args], capture_output=True)
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def package_root(mirror, commit):
    """Up to 3.2 the repository holds the package as keras/ (its pip build moves it to keras/src)."""
    return "keras/src" if git(mirror, "cat-file", "-e", f"{commit}:keras/src/api_export.py") is not None else "keras"


def function(tree, name):
    return next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name), None)


def strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for e in node.elts for s in strings(e)]
    if isinstance(node, ast.Call) and not node.keywords and len(node.args) == 1:  # frozenset({...}), tuple([...])
        return strings(node.args[0])
    return []


def builtin_modules(tree):
    for n in tree.body:
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "BUILTIN_MODULES" for t in n.targets):
            return sorted(strings(n.value))
    return None


def looks_up_builtins(fn):
    """_retrieve_class_or_fn compares the module with "builtins" and calls get_symbol_from_name."""
    compares = any(isinstance(n, ast.Compare) and any(strings(c) == ["builtins"] for c in n.comparators)
                   for n in ast.walk(fn))
    lookup = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get_symbol_from_name"
                 for n in ast.walk(fn))
    return compares and lookup


def after_miss(fn):
    """How the release goes on when the Keras lookup misses: which modules it imports."""
    parents = {}
    for p in ast.walk(fn):
        for c in ast.iter_child_nodes(p):
            parents[c] = p
    for n in ast.walk(fn):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "import_module"):
            continue
        p = n
        while p in parents:
            p = parents[p]
            if isinstance(p, ast.If) and isinstance(p.test, ast.Compare) and isinstance(p.test.ops[0], ast.In):
                allowed = sorted(strings(p.test.comparators[0]))
                if allowed:
                    return {"imports": "only these packages, else TypeError", "packages": allowed}
        return {"imports": "the reference's module, whatever it is; returns its attribute of that name"}
    return {"imports": "nothing (not read)"}


def consults_safe_mode(fn):
    """Any name or attribute mentioning safe_mode (the argument, in_safe_mode(), the global attribute) in the function."""
    return any((isinstance(n, ast.Name) and "safe_mode" in n.id) or (isinstance(n, ast.Attribute) and "safe_mode" in n.attr)
               or (isinstance(n, ast.Constant) and isinstance(n.value, str) and "safe_mode" in n.value)
               for n in ast.walk(fn))


def returns_lookup(tree):
    fn = function(tree, "get_symbol_from_name")
    return fn is not None and any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(fn))


def canonical_exports(mirror, commit, root):
    """First path of every keras_export(...) call in the package's non-test modules."""
    out = set()
    listing = git(mirror, "ls-tree", "-r", "--name-only", commit, root + "/") or ""
    for path in listing.splitlines():
        if not path.endswith(".py") or path.endswith("_test.py"):
            continue
        text = git(mirror, "show", f"{commit}:{path}")
        if not text or "keras_export" not in text:
            continue
        for n in ast.walk(ast.parse(text)):
            if not (isinstance(n, ast.Call) and n.args):
                continue
            f = n.func
            if (isinstance(f, ast.Name) and f.id == "keras_export") or (
                    isinstance(f, ast.Attribute) and f.attr == "keras_export"):
                paths = strings(n.args[0])
                if paths:
                    out.add(paths[0])
    return out


def version_key(tag):
    return tuple(int(x) for x in tag[1:].split("."))


def spans(tags, all_tags):
    """Contiguous runs of `tags` in release order, as "vA - vB" strings."""
    runs, cur = [], []
    for t in all_tags:
        if t in tags:
            cur.append(t)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return [f"{r[0]} - {r[-1]}" if len(r) > 1 else r[0] for r in runs]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    args = ap.parse_args()
    mirror = os.path.join(args.mirror, REPO.replace("/", "+"), "repo")
    tags = [t for t, _ in PINS]
    names, read = {}, {}
    for tag, commit in PINS:
        root = package_root(mirror, commit)
        lib = ast.parse(git(mirror, "show", f"{commit}:{root}/saving/serialization_lib.py"))
        api = ast.parse(git(mirror, "show", f"{commit}:{root}/api_export.py"))
        modules = builtin_modules(lib)
        retrieve = function(lib, "_retrieve_class_or_fn")
        shape = modules is not None and retrieve is not None and looks_up_builtins(retrieve)
        returns = returns_lookup(api)
        found = []
        if shape and returns:
            for path in canonical_exports(mirror, commit, root):
                parts = path.split(".")
                if len(parts) == 3 and parts[0] == "keras" and parts[1] in modules:
                    found.append(parts[2])
        found = sorted(set(found))
        for name in found:
            names.setdefault(name, []).append(tag)
        read[tag] = {
            "commit": commit,
            "builtin_modules": modules,
            "builtins_lookup": shape,
            "lookup_returns": returns,
            "names": len(found),
            "after_miss": after_miss(retrieve) if retrieve is not None else None,
            "after_miss_consults_safe_mode": retrieve is not None and consults_safe_mode(retrieve),
        }
    # A name that is also one of Python's builtins would come back as Python's own function from the releases whose
    # Keras lookup misses (3.0.0, 3.0.1): the table must hold none.
    overlap = sorted(set(names) & set(dir(builtins)))
    if overlap:
        sys.exit(f"names that are also Python builtins: {overlap}")
    write_json(OUT, {
        "generated_by": "scripts/data/derive-keras-builtin-functions.py",
        "repository": REPO,
        "names": {n: spans(set(ts), tags) for n, ts in sorted(names.items())},
        "read": read,
    })
    print(f"keras: {len(read)} releases read, {len(names)} names; " +
          ", ".join(f"{t}: {r['names']}" for t, r in read.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
