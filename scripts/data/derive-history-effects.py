#!/usr/bin/python3
"""Derive the effect models of the hooks the history packs admit, from the historical source of every pinned version.

The history packs (docs/packs/history/<lib>.json) admit names that released versions of a library define; a load runs
the hooks of whatever version the consumer has installed, not only the one Debian installs. For every admitted class
name and every version it resolves in (the commits pinned in scripts/data/history/pins.json), this reads the hooks it
runs (effective_hooks along its bases in that version, history_derivation.py; the parsed versions come from the same
cache derive-history.py writes, or from the git mirrors) and follows the stream's values through each hook's source
with the analysis of scripts/data/class_effects.py, on the syntax tree only (nothing fetched is imported or run): the
hook's module imports are resolved to the installed modules only where a sink lives (builtins, os, io, pickle,
numpy, subprocess, importlib, shutil, mmap, joblib, pandas), so that open/exec/import/loader sinks are recognised by
identity; a method of the value, or the value, called is recorded whatever it resolves to. Calls into the same
version of the library are followed FOLLOW_LEVELS (2) levels deep: `self.<method>(…)` along the admitted class's
method order in that version, and the module-level functions and classes (their __init__) a module defines or imports
from the package (parsed from the same tree, never imported); a call with a stream value that cannot be followed
(another package, deeper than the bound, unreadable source) is listed as `unfollowed` beside the record, and the
pack's review verdict covers it. The special methods an operation runs on a value (==, <, len, iteration, indexing,
truth: class_effects.IMPLICIT_HOOKS) are read along the method order like the hooks.

Output: src/analyzers/pickle/data/history-effects.json: for each admitted class name, per hook (new/init/setstate/
hash/eq and the other implicit hooks), the refs of the hook records of every version (a hook unchanged across versions is one record), and the
records themselves (sinks by label, as in callable-effects.json "hooks"), with the pinned commits they were read at.

Run with Debian's interpreter: /usr/bin/python3 scripts/data/derive-history-effects.py [--mirror /work/.mirror]
[--libs dateutil,gensim] (re-derive only those libraries; the others' records are kept from the current output)
"""

import argparse
import ast
import builtins
import glob
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
sys.path.append(os.path.join(HERE, "history"))
import class_effects  # noqa: E402
from history_derivation import effective_hooks, effective_method, parse_version, resolve_alias  # noqa: E402

PINS = os.path.join(HERE, "history", "pins.json")
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "sentinel-history")
OUT = os.path.join(ROOT, "src", "analyzers", "pickle", "data", "history-effects.json")
HOOK_KEYS = {"__new__": "new", "__init__": "init", "__setstate__": "setstate", "__hash__": "hash", "__eq__": "eq",
             "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt", "__ge__": "ge", "__len__": "len",
             "__iter__": "iter", "__index__": "index", "__bool__": "bool", "__getitem__": "getitem",
             "__contains__": "contains"}
SINK_MODULES = ("builtins", "os", "io", "pickle", "numpy", "subprocess", "importlib", "shutil", "mmap", "joblib", "ast",
                "pandas", "_pickle", "posix")
STRONG = ("call", "open", "exec", "compile", "compileStr", "import", "loader", "getattr")


def load_review(lib):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"history_{lib}", os.path.join(HERE, "history", lib + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def resolve_installed(dotted):
    """The installed object a dotted import target names, when it lives in a sink module; else None."""
    if dotted.split(".")[0] not in SINK_MODULES:
        return None
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:  # noqa: BLE001 - a name the installed library lacks resolves to nothing
            continue
        for p in parts[i:]:
            obj = getattr(obj, p, None)
            if obj is None:
                return None
        return obj
    return None


def module_globals(version, module):
    """{local name: installed object} of the module's imports that name sink modules (the version's alias table
    records every import a module makes)."""
    out = {}
    prefix = module + "."
    for key, target in version["aliases"].items():
        if key.startswith(prefix) and "." not in key[len(prefix):]:
            obj = resolve_installed(target)
            if obj is not None:
                out[key[len(prefix):]] = obj
    return out


# The library's own functions a hook calls are followed this many levels into the same version's source.
FOLLOW_LEVELS = 2


class LibRef(str):
    """A dotted name of a function or class the library version defines (a call target the analysis can follow)."""


class HistFn:
    """A function of the version to follow: its source, its module (for its imports) and where it is defined."""

    __slots__ = ("src", "module", "where", "h")

    def __init__(self, src, module, where, h):
        self.src, self.module, self.where, self.h = src, module, where, h

    def __hash__(self):
        return hash(self.h)

    def __eq__(self, other):
        return isinstance(other, HistFn) and other.h == self.h


_GLOBALS = {}


def version_globals(version, module):
    key = (id(version), module)
    if key not in _GLOBALS:
        _GLOBALS[key] = module_globals(version, module)
    return _GLOBALS[key]


class HistoryAnalysis(class_effects.Analysis):
    """The class_effects analysis on a syntax tree alone. Calls into the same library version are followed
    FOLLOW_LEVELS levels: `self.<method>(…)` along the admitted class's method order in that version, module-level
    functions and classes (their __init__) the hook's module names or imports from the package; what cannot be
    followed with a stream value (another package, deeper than the bound, source that does not parse) is listed as
    `unfollowed` beside the record, and the pack's review verdict covers it."""

    def __init__(self, version=None, cls_name=None, module=None, external=None):
        super().__init__(None)
        self.unfollowed = set()
        self.version, self.cls_name, self.external = version, cls_name, external or {}
        self.modules = [module]

    def resolve_expr(self, node, ctx):
        out = super().resolve_expr(node, ctx)
        if out is not None or self.version is None:
            return out
        dotted = _dotted_name(node)
        if dotted is None or dotted.split(".")[0] == ctx["self"]:
            return None
        head, _, rest = dotted.partition(".")
        module = self.modules[-1]
        aliases = self.version["aliases"]
        local = f"{module}.{head}"
        if local in self.version["functions"] or local in self.version["classes"]:
            base = local
        elif local in aliases:
            base = aliases[local]
        else:
            return None
        name = resolve_alias(self.version, base + (f".{rest}" if rest else ""))
        if name in self.version["functions"] or name in self.version["classes"]:
            return LibRef(name)
        return None

    def callee(self, target, ctx):
        if self.version is None:
            return None, False
        if isinstance(target, tuple) and target[0] == "self" and self.cls_name:
            found = effective_method(self.version, self.cls_name, target[1], self.external)
            if found is None:
                return None, False
            owner, h = found
            return HistFn(self.version["sources"].get(h), owner.rsplit(".", 1)[0], f"{owner}.{target[1]}", h), True
        if isinstance(target, LibRef):
            if target in self.version["functions"]:
                h = self.version["functions"][target]
                return HistFn(self.version["sources"].get(h), target.rsplit(".", 1)[0], str(target), h), False
            found = effective_method(self.version, str(target), "__init__", self.external)
            if found is not None:
                owner, h = found
                return HistFn(self.version["sources"].get(h), owner.rsplit(".", 1)[0], f"{owner}.__init__", h), True
        return None, False

    def follow(self, fn, arg_labels, ctx, bound):
        if not isinstance(fn, HistFn):
            return set()
        key = (fn, tuple(sorted((str(k), tuple(sorted(v))) for k, v in arg_labels.items())), bound)
        if key in self.seen:
            return set()
        self.seen.add(key)
        node = class_effects.parse_hook(fn.src, "python") if fn.src else None
        if node is None:
            self.unfollowed.add(f"{fn.where} (source not read)")
            return set().union(*arg_labels.values()) if arg_labels else set()
        self.modules.append(fn.module)
        try:
            return self.function(node, arg_labels, ctx["self_labels"] if bound else {},
                                 ctx["whole"] if bound else [False], ctx["depth"] + 1, fn.where,
                                 version_globals(self.version, fn.module) if self.version else {}, bound)
        finally:
            self.modules.pop()

    def call(self, node, ctx):
        out = super().call(node, ctx)
        argl = [self.labels(a.value if isinstance(a, ast.Starred) else a, ctx) for a in node.args]
        argl += [self.labels(k.value, ctx) for k in node.keywords]
        target = self.resolve_expr(node.func, ctx)
        fn, bound = self.callee(target, ctx)
        if (fn is not None and ctx["depth"] < class_effects.MAX_DEPTH) or not any(argl):
            return out
        if target is None and not isinstance(node.func, ast.Attribute):
            self.unfollowed.add(ast.unparse(node.func)[:60])
        elif isinstance(target, tuple):
            self.unfollowed.add(f"self.{target[1]}")
        elif isinstance(target, LibRef):
            self.unfollowed.add(f"{target} (deeper than {FOLLOW_LEVELS} levels)")
        return out


def _dotted_name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def hook_record(src, hook, globals_, version=None, cls_name=None, module=None, external=None):
    node = class_effects.parse_hook(src, "python")
    if node is None:
        return None
    a = HistoryAnalysis(version, cls_name, module, external)
    whole = [False]
    names = [p.arg for p in node.args.posonlyargs + node.args.args]
    implicit = hook in class_effects.IMPLICIT_HOOKS
    if implicit:
        arg_labels, whole = {}, [True]
    elif hook == "__setstate__":
        arg_labels = {1: {"state"}}
    else:
        arg_labels = {}
        for i, n in enumerate(names[1:]):
            arg_labels[i + 1] = {f"arg:{i}"}
            arg_labels[n] = {f"arg:{i}"}
        for p in node.args.kwonlyargs:
            arg_labels[p.arg] = {f"arg:{p.arg}"}
        if node.args.vararg:
            for i in range(len(names) - 1, len(names) + 7):
                arg_labels[i + 1] = {f"arg:{i}"}
        if node.args.kwarg:
            arg_labels[node.args.kwarg.arg] = {"arg:**"}
    # The hook itself sits FOLLOW_LEVELS levels above the analysis's depth bound: calls are followed that deep.
    a.function(node, arg_labels, {}, whole, class_effects.MAX_DEPTH - FOLLOW_LEVELS, hook, globals_)
    sinks = {}
    for (kind, label), where in sorted(a.sinks.items()):
        if implicit and (not label.startswith("state.") or kind.startswith("method:__")):
            continue  # the other operand, or a special method (a planted dunder is flagged on its own)
        rec = sinks.setdefault(label, {})
        if kind in STRONG:
            rec[kind] = where
        elif kind.startswith("dunder:"):
            if kind[7:] not in rec.setdefault("dunders", []):
                rec["dunders"].append(kind[7:])
        elif kind[7:] not in rec.setdefault("methods", []):
            rec["methods"].append(kind[7:])
    for v in sinks.values():
        for k in ("methods", "dunders"):
            if k in v:
                v[k].sort()
    return {"sinks": dict(sorted(sinks.items())), "params": names[1:], "unfollowed": sorted(a.unfollowed)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--libs", default="", help="comma-separated libraries to re-derive; the others' records are kept "
                                                "from the current output file")
    args = ap.parse_args()
    with open(PINS) as f:
        pins = json.load(f)
    only = set(filter(None, args.libs.split(",")))
    classes, hooks, read = {}, {}, {}
    kept = {}
    if only:
        with open(OUT) as f:
            kept = json.load(f)
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "packs", "history", "*.json"))):
        lib = os.path.basename(path)[:-5]
        if lib not in pins:
            continue  # pandas-compat: the compat unpickler's readings, not a library history
        with open(path) as f:
            names = json.load(f)["names"]
        if only and lib not in only:
            # kept as derived before: its names' records and the hooks they reference
            if lib in kept["read"]:
                read[lib] = kept["read"][lib]
            for name in names:
                if name in kept["classes"]:
                    classes[name] = kept["classes"][name]
                    for refs in kept["classes"][name].values():
                        for ref in refs:
                            hooks[ref] = kept["hooks"][ref]
            continue
        review = load_review(lib)
        spec = pins[lib]
        read[lib] = {"repository": spec["repo"], "commits": {}}
        for tag, commit, _date, *where in spec["versions"]:
            wanted = [n for n, rec in names.items() if tag in rec.get("versions", [])]
            if not wanted:
                continue
            repo = os.path.join(args.mirror, (where[0] if where else spec["repo"]).replace("/", "+"), "repo")
            version = parse_version(repo, commit, review.PACKAGE, CACHE, getattr(review, "SOURCE_ROOT", ""),
                                    getattr(review, "PATHS", None),
                                    generic_bases=getattr(review, "GENERIC_BASES", False))
            read[lib]["commits"][tag] = commit
            for name in wanted:
                target = resolve_alias(version, name)
                if target not in version["classes"]:
                    continue
                found, _err = effective_hooks(version, target, review.EXTERNAL_BASES)
                found = list(found or [])
                # The special methods an operation runs (implicit hooks) that history_derivation.HOOKS does not list.
                have = {hook for _o, hook, _h in found}
                for hook in HOOK_KEYS:
                    if hook not in have and hook in class_effects.IMPLICIT_HOOKS:
                        m = effective_method(version, target, hook, review.EXTERNAL_BASES)
                        if m is not None:
                            found.append((m[0], hook, m[1]))
                for owner, hook, h in found:
                    key = HOOK_KEYS.get(hook)
                    src = version["sources"].get(h)
                    if key is None or not src:
                        continue
                    module = owner.rsplit(".", 1)[0]
                    rec = hook_record(src, hook, version_globals(version, module), version, target, module,
                                      review.EXTERNAL_BASES)
                    if rec is None:
                        rec = {"sinks": {}, "params": [], "unfollowed": ["<source does not parse>"]}
                    # One record per hook body; the calls it follows (self.<method>, the library's functions) may
                    # differ by class and version: a record that differs gets a reference of its own.
                    ref = base = f"{owner}.{hook}@{h}"
                    n = 1
                    while ref in hooks and {k: v for k, v in hooks[ref].items() if k != "read_at"} != rec:
                        n += 1
                        ref = f"{base}#{n}"
                    if ref not in hooks:
                        rec["read_at"] = f"{spec['repo']}@{commit} ({lib} {tag})"
                        hooks[ref] = rec
                    if hooks[ref]["sinks"]:
                        refs = classes.setdefault(name, {}).setdefault(key, [])
                        if ref not in refs:
                            refs.append(ref)
    used = {r for c in classes.values() for refs in c.values() for r in refs}
    out = {
        "generated_by": "scripts/data/derive-history-effects.py",
        "python": sys.version.split()[0],
        # lib -> the repository and the commit of every version read
        "read": read,
        # admitted history name -> hook -> refs of the records of its versions (only hooks that reach a sink)
        "classes": dict(sorted(classes.items())),
        # ref (owner.hook@syntax hash) -> sinks by label (as callable-effects.json "hooks")
        "hooks": {r: {"sinks": hooks[r]["sinks"], "params": hooks[r]["params"], "read_at": hooks[r]["read_at"],
                      **({"unfollowed": hooks[r]["unfollowed"]} if hooks[r].get("unfollowed") else {})}
                  for r in sorted(used)},
        "hooks_read": len(hooks),
    }
    # One line per entry, so a review reads the model entry by entry.
    lines = ["{"]
    for i, (key, val) in enumerate(out.items()):
        end = "," if i < len(out) - 1 else ""
        if isinstance(val, dict) and val:
            lines.append(f"  {json.dumps(key)}: {{")
            items = list(val.items())
            for j, (k, v) in enumerate(items):
                lines.append(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" + ("," if j < len(items) - 1 else ""))
            lines.append("  }" + end)
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(val)}{end}")
    lines.append("}")
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(hooks)} hook sources read, {len(used)} reach a sink, for {len(classes)} names; wrote {OUT}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
