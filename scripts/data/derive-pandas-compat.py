#!/usr/bin/python3
"""pandas' compat unpickler, per released version: the class-location table pandas.read_pickle applies (old module
and name -> where that version keeps the class: pandas/compat/pickle_compat.py, `_class_locations_map`) and which old
names each version still defines at the old location (so that plain pickle.load finds them too), read from git with
Python's ast at the commits pinned in scripts/data/history/pins.json ("pandas"; fetched code is parsed, never
imported). Writes docs/packs/history/pandas-compat.json.

pandas-dev/pandas itself is over the snapshot size limit of the mirror service; the pinned commits are
pandas-dev's own, read from forks that carry them unchanged (pins.json names the fork per version). To fill the
mirrors: `git clone --bare` of sarvex/pandas and mb6ockatf/pandas (or any mirror holding those commits,
under --mirror DIR as <owner>+<name>/repo).

Usage: /usr/bin/python3 scripts/data/derive-pandas-compat.py [--mirror /work/.mirror] [--last-of-minor]
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
sys.path.insert(0, HERE)
from history_derivation import parse_module  # noqa: E402

PINS = os.path.join(HERE, "history", "pins.json")
OUT = os.path.join(ROOT, "docs", "packs", "history", "pandas-compat.json")
# Old names the issue found in real files (besides every key of any version's table).
ISSUE_NAMES = (
    "pandas.tseries.offsets.Day", "pandas.core.index.Index", "pandas.core.index.Int64Index",
    "pandas.core.index.MultiIndex", "pandas.core.index._new_Index", "pandas.core.internals.BlockManager",
    "pandas.core.internals.SingleBlockManager", "pandas.core.daterange.DateRange", "pandas.core.panel.Panel",
    "pandas.sparse.array.SparseArray", "pandas.sparse.series.SparseSeries", "pandas.sparse.frame.SparseDataFrame",
)


def git(repo, *args, check=True):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=check).stdout


def show(repo, commit, path):
    out = subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"], capture_output=True)
    return out.stdout.decode("utf-8", "replace") if out.returncode == 0 else None


def _pair(node):
    if isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return f"{node.elts[0].value}.{node.elts[1].value}"
    return None


def class_map(text):
    """{old dotted name: new dotted name} of every literal (module, name) -> (module, name) pair the module puts in
    _class_locations_map (the literal, later updates and item assignments)."""
    out = {}
    if text is None:
        return out
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        d = None
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_class_locations_map"
                                                 for t in node.targets):
            d = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "_class_locations_map" and node.args:
            d = node.args[0]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript) \
                and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id == "_class_locations_map":
            k, v = _pair(node.targets[0].slice), _pair(node.value)
            if k and v:
                out[k] = v
        if isinstance(d, ast.Dict):
            for k, v in zip(d.keys, d.values):
                k, v = _pair(k), _pair(v)
                if k and v:
                    out[k] = v
    return out


_TEXTS = {}  # blob id -> text: a file unchanged across versions is read once


class Version:
    """One pandas version's modules, parsed on demand."""

    def __init__(self, repo, commit):
        self.repo, self.commit, self.parsed, self.memo = repo, commit, {}, {}
        tree = git(repo, "ls-tree", "-r", commit, "--", "pandas").decode("utf-8", "replace").split("\n")
        self.blobs = {line.split("\t", 1)[1]: line.split()[2] for line in tree if "\t" in line}

    def text(self, path):
        blob = self.blobs.get(path)
        if blob is None:
            return None
        if blob not in _TEXTS:
            _TEXTS[blob] = git(self.repo, "cat-file", "blob", blob).decode("utf-8", "replace")
        return _TEXTS[blob]

    def module(self, dotted):
        if dotted in self.parsed:
            return self.parsed[dotted]
        base = dotted.replace(".", "/")
        found = None
        for path, pkg in ((base + ".py", False), (base + "/__init__.py", True)):
            text = self.text(path)
            if text is not None:
                mod = parse_module(dotted, text, pkg)
                try:
                    tree = ast.parse(text)
                    stars = []
                    for n in tree.body:
                        if isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names):
                            b = n.module or ""
                            if n.level:
                                parts = (dotted if pkg else dotted.rsplit(".", 1)[0]).split(".")
                                parts = parts[: len(parts) - (n.level - 1)]
                                b = ".".join(parts + ([n.module] if n.module else []))
                            stars.append(b)
                    # Names assigned at module level by any statement (functions and classes are in parse_module).
                    assigned = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets
                                if isinstance(t, ast.Name)}
                except SyntaxError:
                    stars, assigned = [], set()
                found = ("py", path, mod, stars, assigned)
                break
        if found is None:
            for path in (base + ".pyx",):
                text = self.text(path)
                if text is not None:
                    names = set(re.findall(r"^(?:cdef\s+|cpdef\s+)?(?:class|def)\s+([A-Za-z_]\w*)", text, re.M))
                    names |= set(re.findall(r"^([A-Za-z_]\w*)\s*=", text, re.M))
                    found = ("pyx", path, names)
                    break
        self.parsed[dotted] = found
        return found

    def resolve(self, name, depth=0):
        """How `name` (module.attr) resolves at this commit: ('class'|'function'|'name', path, final name) or None.
        Remembered per name (star imports fan out; a name being resolved counts as unresolved on a cycle)."""
        if name in self.memo:
            return self.memo[name]
        self.memo[name] = None
        self.memo[name] = self._resolve(name, depth)
        return self.memo[name]

    def _resolve(self, name, depth):
        if depth > 8 or "." not in name:
            return None
        mod, attr = name.rsplit(".", 1)
        m = self.module(mod)
        if m is None:
            return None
        if m[0] == "pyx":
            return ("cython", m[1], name) if attr in m[2] else None
        _, path, parsed, stars, assigned = m
        if name in parsed["classes"]:
            return ("class", path, name)
        if name in parsed["functions"]:
            return ("function", path, name)
        if name in parsed["aliases"]:
            target = parsed["aliases"][name]
            if target == name:
                return None
            hit = self.resolve(target, depth + 1)
            return hit if hit is not None else ("import", path, target)
        for s in stars:
            hit = self.resolve(f"{s}.{attr}", depth + 1)
            if hit is not None:
                return hit
        if attr in assigned:
            return ("name", path, name)
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--last-of-minor", action="store_true",
                    help="read only the last pinned release of each minor series (0.20.3, 0.21.1, ...)")
    args = ap.parse_args()
    spec = json.load(open(PINS))["pandas"]
    if args.last_of_minor:
        last = {}
        for v in spec["versions"]:
            last[".".join(v[0].lstrip("v").split(".")[:2])] = v
        spec = {**spec, "versions": [v for v in spec["versions"] if v in last.values()]}
    versions, names = {}, {}
    order = [v[0] for v in spec["versions"]]
    checkouts = []
    for entry in spec["versions"]:
        tag, commit = entry[0], entry[1]
        repo_name = entry[3] if len(entry) > 3 else spec["repo"]
        repo = os.path.join(args.mirror, repo_name.replace("/", "+"), "repo")
        if not os.path.isdir(repo):
            sys.exit(f"no mirror of {repo_name} (git clone --bare https://github.com/{repo_name})")
        ver = Version(repo, commit)
        table = class_map(ver.text("pandas/compat/pickle_compat.py"))
        versions[tag] = {"commit": commit, "repository": repo_name, "class_locations": dict(sorted(table.items()))}
        for old, new in table.items():
            names.setdefault(old, {"mapped": {}, "defined": {}})["mapped"].setdefault(new, []).append(tag)
        checkouts.append((tag, ver))
    for name in ISSUE_NAMES:
        names.setdefault(name, {"mapped": {}, "defined": {}})
    for tag, ver in checkouts:  # every old name, in every version: does the old location define it?
        for old, rec in names.items():
            hit = ver.resolve(old)
            if hit is not None:
                rec["defined"].setdefault(f"{hit[0]} {hit[2]} ({hit[1]})", []).append(tag)
        print(f"{tag}: {len(versions[tag]['class_locations'])} mapped", file=sys.stderr)
    for rec in names.values():
        for d in (rec["mapped"], rec["defined"]):
            for k in d:
                d[k] = sorted(set(d[k]), key=order.index)
    doc = {
        "generated_by": "scripts/data/derive-pandas-compat.py" + (" --last-of-minor" if args.last_of_minor else ""),
        "repository": "pandas-dev/pandas (commits read from the forks pins.json names)",
        "readings": {
            "pandas.read_pickle": "the loading pandas' class-location table maps the old name to its new location",
            "pickle.load": "the old name is imported as it is: it loads only with a pandas that defines it there",
        },
        "versions": versions,
        "names": dict(sorted(names.items())),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
