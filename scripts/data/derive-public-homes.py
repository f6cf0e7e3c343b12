#!/usr/bin/python3
"""pandas' public homes, per released version: the classes whose __module__ a release sets to a public namespace with
its `set_module("M")` class decorator (pandas/util/_decorators.py), so that pickle writes them as `M.Name` (pandas 3.0:
`pandas.DataFrame`, `pandas.arrays.StringArray`...) instead of the defining module's name. `M.Name` is then the same
class object as the defining one in that version: the pickle analyzer reads it as that class (names.ts), with the
defining class's admission, effect model and identity checks.

Read with Python's ast (the code is parsed, never imported) from
- the pandas commits pinned in scripts/data/history/pins.json ("pandas"), from the git mirrors named there, and
- released versions that no mirror here carries, from their wheel on PyPI (its .py modules; a wheel carries no .pyx,
  so the Cython classes' public names are read from the pinned commits only) (RELEASE_WHEELS: version, the wheel's file
  name and sha256, and the commit the wheel names in pandas/_version_meson.py's __git_version__, checked on read).
Writes src/analyzers/pickle/data/public-homes.json.

Usage: /usr/bin/python3 scripts/data/derive-public-homes.py [--mirror /work/.mirror] [--wheels DIR]
  (DIR holds the wheels of RELEASE_WHEELS, e.g. from `pip download pandas==3.0.6 --no-deps -d DIR`)
"""

import argparse
import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
from allowlist_derivation import write_json  # noqa: E402

PINS = os.path.join(HERE, "history", "pins.json")
OUT = os.path.join(ROOT, "src", "analyzers", "pickle", "data", "public-homes.json")
PACKAGE = "pandas"
DECORATOR = "set_module"
# Released versions read from their PyPI wheel: (version, wheel file, sha256, the commit its _version_meson.py names).
RELEASE_WHEELS = [
    ("3.0.6", "pandas-3.0.6-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
     "47121f9571503f724c9b93e297ab6254ac99c77adf5e9ed085ea419fd585c258", "2905718b126579d2cf0fe5bae05bd75facb67d77"),
]


def homes_in(path, text):
    """{public name: defining name} for the classes of one module decorated with set_module("M")."""
    module = path[:-3].replace("/", ".")
    if module.endswith(".__init__"):
        module = module[: -len(".__init__")]
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return {}
    out = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for dec in node.decorator_list:
            fn = dec.func if isinstance(dec, ast.Call) else None
            named = (isinstance(fn, ast.Name) and fn.id == DECORATOR) or \
                    (isinstance(fn, ast.Attribute) and fn.attr == DECORATOR)
            if named and len(dec.args) == 1 and isinstance(dec.args[0], ast.Constant) and \
                    isinstance(dec.args[0].value, str) and (dec.args[0].value + ".").startswith(PACKAGE + "."):
                public, defining = f"{dec.args[0].value}.{node.name}", f"{module}.{node.name}"
                if public != defining:
                    out[public] = defining
    return out


PYX_DECORATED = re.compile(
    r'^@' + DECORATOR + r'\(\s*["\']([\w.]+)["\']\s*\)\s*\n(?:cdef\s+)?class\s+(\w+)', re.M)


def pyx_homes_in(path, text):
    """The same for a Cython module (.pyx, which ast does not read): a top-level `@set_module("M")` line directly
    above a `class`/`cdef class` line (pandas 3.0's Timestamp, Timedelta, Period)."""
    module = path[:-4].replace("/", ".")
    out = {}
    for m in PYX_DECORATED.finditer(text):
        if (m.group(1) + ".").startswith(PACKAGE + ".") and f"{m.group(1)}.{m.group(2)}" != f"{module}.{m.group(2)}":
            out[f"{m.group(1)}.{m.group(2)}"] = f"{module}.{m.group(2)}"
    return out


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


def from_commit(repo, commit):
    found = subprocess.run(["git", "-C", repo, "grep", "-l", "-F", f"@{DECORATOR}(", commit, "--", f"{PACKAGE}/*.py",
                            f"{PACKAGE}/*.pyx"],
                           capture_output=True)
    if found.returncode == 1:  # no module of that version uses the decorator
        return {}
    found.check_returncode()
    found = found.stdout
    out = {}
    for line in found.decode().splitlines():
        path = line.split(":", 1)[1]
        if "/tests/" in path:
            continue
        text = git(repo, "show", f"{commit}:{path}").decode("utf-8", "replace")
        out.update(pyx_homes_in(path, text) if path.endswith(".pyx") else homes_in(path, text))
    return out


def from_wheel(path, sha, commit):
    data = open(path, "rb").read()
    if hashlib.sha256(data).hexdigest() != sha:
        sys.exit(f"{path}: sha256 differs from the pinned one")
    out = {}
    with zipfile.ZipFile(path) as z:
        meta = z.read(f"{PACKAGE}/_version_meson.py").decode()
        if f'__git_version__="{commit}"' not in meta.replace(" ", ""):
            sys.exit(f"{path}: the wheel does not name commit {commit}")
        for name in sorted(z.namelist()):
            if name.startswith(f"{PACKAGE}/") and name.endswith(".py") and "/tests/" not in name:
                text = z.read(name).decode("utf-8", "replace")
                if f"@{DECORATOR}(" in text:
                    out.update(homes_in(name, text))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--wheels", default="/tmp/p3whl")
    a = ap.parse_args()
    spec = json.load(open(PINS))[PACKAGE]
    per_release = []
    for tag, commit, _date, *where in spec["versions"]:
        repo = os.path.join(a.mirror, (where[0] if where else spec["repo"]).replace("/", "+"), "repo")
        per_release.append((tag, commit, where[0] if where else spec["repo"], from_commit(repo, commit)))
    for version, wheel, sha, commit in RELEASE_WHEELS:
        per_release.append((version, commit, f"PyPI {wheel}",
                            from_wheel(os.path.join(a.wheels, wheel), sha, commit)))
    names = {}
    for tag, _commit, _src, homes in per_release:
        for public, defining in sorted(homes.items()):
            rec = names.setdefault(public, {"class": defining, "releases": []})
            if rec["class"] != defining:
                sys.exit(f"{public}: {rec['class']} and {defining} in different releases")
            rec["releases"].append(tag)
    doc = {
        "generated_by": "scripts/data/derive-public-homes.py",
        "what": f"{PACKAGE} classes whose __module__ a release sets to a public namespace ({DECORATOR}): the public "
                "name pickles write -> the defining class, with the releases that write it",
        "sources": [{"release": t, "commit": c, "read_from": s, "homes": len(h)} for t, c, s, h in per_release if h],
        "names": dict(sorted(names.items())),
    }
    write_json(OUT, doc)
    print(f"{len(names)} public names from {sum(1 for r in per_release if r[3])} releases", file=sys.stderr)


if __name__ == "__main__":
    main()
