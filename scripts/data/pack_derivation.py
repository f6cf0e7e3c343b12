#!/usr/bin/python3
"""Shared by scripts/data/derive-pack.py: derive one allowlist pack from a library installed through Debian.

A pack is the set of `module.name` globals that the library's own pickles name and whose rebuilding can do no more
than build data. The method, for one library:
1. pickle the objects users save (the pack's objects(), at protocols 0-5 and through joblib) plus the bytes the
   library's own save functions write (streams()), and walk every stream with pickletools (allowlist_derivation);
   nothing is ever unpickled. Each global is recorded with how the stream used it: called (REDUCE/INST/OBJ),
   instantiated through cls.__new__ (NEWOBJ/NEWOBJ_EX), or only referenced (value).
2. for each global the pack owns (by module prefix), resolve the object and record how CPython rebuilds it:
   classes: __reduce_ex__/__reduce__ (which reconstructor the stream names), __new__, __setstate__ (BUILD),
   __setitem__/extend/append (SETITEMS/APPENDS on subclasses) and, when the library's own pickles call the class,
   __init__; Cython classes have their .pyx hook sources read, Cython's generated pickling is recognised
   (__pyx_unpickle_<Type> checks a layout checksum and the subtype, then sets C fields).
3. every hook with source must carry a review verdict in the pack's REVIEW table: ("data", why), ("shape", why) or
   ("no", why). "shape" marks a hook that builds data only for the arguments or state the library itself writes, and
   that Sentinel's pickle VM checks on every stream (src/analyzers/pickle/call-hooks.ts, state-hooks.ts); the why
   says which shape. A class is admitted only when every hook it runs is "data" or "shape". Functions are admitted
   only when the pack lists them in FUNCTIONS with their role and argument shape; a "reference" is admitted only
   when the stream does not call it. Everything else found is named in the pack's review log with the reason.
The run fails when a hook has no verdict (--hooks prints their sources for review).
"""

import hashlib
import importlib
import inspect
import io
import json
import os
import pickle
import re
import sys
from collections import defaultdict

import joblib

from allowlist_derivation import joblib_globals, resolve, walk_globals

CALLED = {"REDUCE", "INST", "OBJ"}
STATE_HOOKS = ("__setstate__", "__setitem__", "extend", "append")


# The module aliases Sentinel resolves before classification that matter for packs (src/analyzers/pickle/names.ts).
_ALIASES = {"_codecs": "codecs", "_collections": "collections", "_datetime": "datetime", "_decimal": "decimal",
            "_io": "io"}


def canonical(module, qual):
    """The name classification matches: CPython's _compat_pickle mapping, then Sentinel's module aliases."""
    from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING

    if (module, qual) in NAME_MAPPING:
        module, qual = NAME_MAPPING[(module, qual)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    return f"{_ALIASES.get(module, module)}.{qual}"


# ---------------------------------------------------------------------------------------------------------------
# Hook sources: Python through inspect, Cython from the .pyx Debian installs next to the extension module.

_PYX_CACHE = {}


def _pyx_source(module_name):
    if module_name in _PYX_CACHE:
        return _PYX_CACHE[module_name]
    text = None
    try:
        mod = sys.modules.get(module_name) or importlib.import_module(module_name)
    except ModuleNotFoundError:
        # A native type's pseudo-module (pybind11's base type says pybind11_builtins): no file, so no .pyx.
        mod = None
    path = getattr(mod, "__file__", "") or ""
    if path.endswith(".so"):
        pyx = path.split(".", 1)[0] + ".pyx"
        if os.path.exists(pyx):
            with open(pyx, encoding="utf-8") as fh:
                text = fh.read()
    _PYX_CACHE[module_name] = text
    return text


def _cython_method(module_name, cls_name, hook):
    """Source of `hook` in `cdef class cls_name` (or `class cls_name`) of the module's .pyx, or None."""
    text = _pyx_source(module_name)
    if text is None:
        return None
    lines = text.split("\n")
    cls_re = re.compile(rf"^(\s*)(?:cdef\s+)?class\s+{re.escape(cls_name)}\b")
    for i, line in enumerate(lines):
        m = cls_re.match(line)
        if not m:
            continue
        indent = len(m.group(1))
        hook_re = re.compile(rf"^(\s+)(?:cp?def|def)\s+(?:[\w\[\]]+\s+)?{re.escape(hook)}\s*\(")
        for j in range(i + 1, len(lines)):
            body = lines[j]
            if body.strip() and len(body) - len(body.lstrip()) <= indent and not body.lstrip().startswith("#"):
                break
            h = hook_re.match(body)
            if h:
                hind = len(h.group(1))
                out = [body]
                for k in range(j + 1, len(lines)):
                    nxt = lines[k]
                    closing = nxt.strip().startswith(")")  # the end of a multi-line signature
                    if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= hind and not closing:
                        break
                    out.append(nxt)
                return "\n".join(out).rstrip() + "\n"
        return None
    return None


def hook_source(owner, hook):
    """(kind, source): kind is 'python', 'cython', 'cython-generated' or 'C'."""
    fn = owner.__dict__[hook]
    name = getattr(fn, "__name__", "")
    if name in ("__setstate_cython__", "__reduce_cython__"):
        return "cython-generated", None
    try:
        return "python", inspect.getsource(fn)
    except (OSError, TypeError):
        pass
    src = _cython_method(owner.__module__, owner.__name__, hook)
    if src is not None:
        return "cython", src
    if hook == "__new__" and _pyx_source(owner.__module__) is not None:
        # Cython's tp_new allocates the object and runs __cinit__ when the class defines one.
        cinit = _cython_method(owner.__module__, owner.__name__, "__cinit__")
        return ("cython", cinit) if cinit is not None else ("cython-generated", None)
    return "C", None


def class_hooks(cls, called):
    """{hook: (owner 'module.Qual', kind, source)} of the hooks CPython runs when it rebuilds `cls`; __init__ only
    when the stream calls the class. Hooks inherited from builtins/object are the interpreter's own."""
    wanted = ["__reduce_ex__", "__reduce__", "__new__"] + list(STATE_HOOKS) + (["__init__"] if called else [])
    out = {}
    for hook in wanted:
        for klass in cls.__mro__:
            if hook in klass.__dict__:
                if klass.__module__ == "builtins":
                    break
                kind, src = hook_source(klass, hook)
                out[hook] = (f"{klass.__module__}.{klass.__qualname__}", kind, src)
                break
    return out


def source_hash(src):
    return hashlib.sha256(src.encode()).hexdigest()[:12] if src else None


# ---------------------------------------------------------------------------------------------------------------
# Walking the library's pickles.


def collect(objects, streams, protocols=(0, 1, 2, 3, 4, 5)):
    """usage[(module, qual)] = set of how streams used it; holders[(module, qual)] = labels; stats."""
    usage, holders = defaultdict(set), defaultdict(set)
    stats = {"objects": 0, "pickles_walked": 0, "not_pickled": {}}

    def merge(label, u):
        for key, how in u.items():
            usage[key] |= how
            holders[key].add(label)

    for label, obj in objects:
        stats["objects"] += 1
        for proto in protocols:
            try:
                data = pickle.dumps(obj, protocol=proto)
            except Exception as exc:  # noqa: BLE001 - some objects refuse low protocols
                stats["not_pickled"][f"{label} protocol {proto}"] = f"{type(exc).__name__}: {exc}"[:160]
                continue
            u = defaultdict(set)
            walk_globals(data, u)
            merge(label, u)
            stats["pickles_walked"] += 1
        u = defaultdict(set)
        try:
            joblib_globals(obj, u)
            merge(label, u)
            stats["pickles_walked"] += 1
        except Exception as exc:  # noqa: BLE001
            stats["not_pickled"][f"{label} joblib"] = f"{type(exc).__name__}: {exc}"[:160]
    for label, data in streams:
        u = defaultdict(set)
        pos = 0
        while pos < len(data):  # stacked pickles (joblib < 0.10 style, save files with several)
            try:
                end = walk_globals(data[pos:], u)
            except Exception:  # noqa: BLE001 - non-pickle tail
                break
            if end <= 0:
                break
            pos += end
        merge(label, u)
        stats["pickles_walked"] += 1
    return usage, holders, stats


def saved_bytes(save, suffix=""):
    """Bytes a library writes with its own save(path) (main file only)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out" + suffix)
        save(path)
        out = []
        for f in sorted(os.listdir(tmp)):
            with open(os.path.join(tmp, f), "rb") as fh:
                out.append((f, fh.read()))
        return out


# ---------------------------------------------------------------------------------------------------------------
# Review.


def _who(labels):
    held = sorted(labels)
    return ", ".join(held[:3]) + (f" and {len(held) - 3} more" if len(held) > 3 else "")


PACKS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "rules", "data", "packs")


def other_pack_entries(own, packs_dir=PACKS_DIR):
    """{pack: its admitted entries} of every installed-version pack except `own`, as committed under
    src/rules/data/packs/ (derive-pack.py --all writes numpy before the packs whose old names point into it)."""
    out = {}
    for f in sorted(os.listdir(packs_dir)):
        if f.endswith(".json") and f[:-5] != own:
            with open(os.path.join(packs_dir, f)) as fh:
                out[f[:-5]] = json.load(fh).get("entries", {})
    return out


def resolve_old_names(old_names, entries, others):
    """Entries for old names (old -> (target, why)): the target's own entry, looked up in this pack's `entries` first,
    then in the other packs' (`others`: {pack: entries}; pandas' FrozenNDArray names numpy.ndarray, which the numpy
    pack reviews). Returns (entries, review) for the old names; an old name whose target no pack admits is refused.
    A name a later release introduced is marked "newer" (old -> (target, why, "newer")) and one the same release defines
    beside the target "alias": their reasons say "newer name of" and "other name of" instead of "old name of".
    A target the installed library does not define (old -> (target, why, "missing")): the loader's own table maps the
    name to a location that does not import, so that reading raises (harmless) - neither admitted nor refused here;
    the versions in which the old name itself resolves are the history pack's to review."""
    out, review = {}, {}
    for old, (target, why, *flags) in old_names.items():
        if "missing" in flags:
            continue
        called = "newer name of" if "newer" in flags else "other name of" if "alias" in flags else "old name of"
        found = (None, entries[target]) if target in entries else \
            next(((p, e[target]) for p, e in sorted(others.items()) if target in e), (None, None))
        if found[1] is None:
            review[old] = f"{called} {target}, which is not admitted"
            continue
        where = f"; {target} is admitted by the {found[0]} pack" if found[0] else ""
        out[old] = dict(found[1], reason=f"{called} {target} ({why}){where}")
        out[old].pop("rebuild", None)
    return out, review


def derive(pack):
    """Build the pack document from a pack module (see scripts/data/packs/*.py). Returns (doc, unreviewed)."""
    usage, holders, stats = collect(pack.objects(), pack.streams())
    for name in getattr(pack, "EXTRA_NAMES", {}):
        module, qual = name.rsplit(".", 1)
        usage.setdefault((module, qual), set())
    owned = tuple(pack.MODULES)
    entries, review, unreviewed, hooks_seen = {}, {}, {}, {}
    functions = pack.FUNCTIONS
    old_names = getattr(pack, "OLD_NAMES", {})

    merged = {}  # one record per canonical name (a Python 2 spelling and the current one are the same object)
    for (module, qual), how in sorted(usage.items()):
        name = canonical(module, qual)
        if name in merged:
            merged[name][2].update(how)
            holders[merged[name][:2]] |= holders[(module, qual)]
        else:
            merged[name] = (module, qual, set(how))
    for name, (module, qual, how) in sorted(merged.items()):
        if not (name.split(".", 1)[0] in owned or any(name.startswith(p + ".") for p in owned)):
            continue
        if name in old_names:
            continue  # decided after the current names
        # A class that older versions' pickles call (their reduce named the class) is reviewed as called too.
        called = bool(how & CALLED) or name in getattr(pack, "CALLED_BY_OLDER", {})
        who = _who(holders[(module, qual)])
        extra = getattr(pack, "EXTRA_NAMES", {}).get(name)
        where = (
            f"in pickles of {who}"
            if who
            else f"no pickle this version writes names it ({extra})"
            if extra
            else "no pickle this version writes names it (kept for older files)"
        )
        if name in getattr(pack, "NOT_ADMITTED", {}):
            review[name] = pack.NOT_ADMITTED[name]
            continue
        if name in functions:
            role, text = functions[name]
            entries[name] = {"kind": role, "reason": f"{text}; {where}"}
            if role == "reference":
                entries[name]["calls"] = "none"
            continue
        if name in getattr(pack, "VALUES", {}):
            entries[name] = {"kind": "value", "reason": f"{pack.VALUES[name]}; {where}"}
            continue
        try:
            obj = resolve(module, qual)
        except Exception as exc:  # noqa: BLE001
            review[name] = f"does not resolve in this version ({type(exc).__name__}: {exc})"
            continue
        if not isinstance(obj, type):
            review[name] = (
                f"{type(obj).__name__} named by pickles of {who or 'the pack'} (used as {'/'.join(sorted(how)) or 'value'}); "
                "not reviewed as a reconstructor or pure function"
            )
            continue
        verdicts, rebuild, refused, checked = [], [], [], []
        for hook, (owner, kind, src) in class_hooks(obj, called).items():
            key = f"{owner}.{hook}"
            rebuild.append(f"{hook}: {owner} ({kind})")
            if kind in ("cython-generated",):
                continue
            if hook in ("__reduce_ex__", "__reduce__"):
                continue  # runs when pickling; what it returns is reviewed as the reconstructor the stream names
            hooks_seen[key] = {"kind": kind, "sha": source_hash(src)}
            verdict = pack.REVIEW.get(key)
            if verdict is None:
                if kind == "C":  # a C type's slot: reviewed per class or per module ("numpy.*")
                    verdict = pack.REVIEW.get(f"{owner}.*") or pack.REVIEW.get(f"{obj.__module__.split('.')[0]}.*")
                if verdict is None:
                    unreviewed[key] = (kind, src)
                    continue
            if verdict[0] == "data":
                verdicts.append(f"{hook}: {verdict[1]}")
            elif verdict[0] == "shape":
                verdicts.append(f"{hook}: {verdict[1]}")
                checked.append(f"{owner}.{hook}: {verdict[1]}")
            else:
                refused.append(f"{owner}.{hook}: {verdict[1]}")
        # Hooks newer releases define that this version does not (read at pinned commits): reviewed like its own.
        for hook, (verdict, why) in getattr(pack, "NEWER_HOOKS", {}).get(name, {}).items():
            rebuild.append(f"{hook} (newer releases): {why}")
            if verdict == "shape":
                checked.append(f"{name}.{hook} (newer releases): {why}")
            elif verdict != "data":
                refused.append(f"{name}.{hook} (newer releases): {why}")
        if refused:
            review[name] = "; ".join(refused)
            continue
        family = pack.family(name) if hasattr(pack, "family") else "class"
        entry = {
            "kind": "class",
            "reason": f"{family}; {where}",
            "rebuild": "; ".join(rebuild) or "object default (__new__ + instance __dict__ update)",
        }
        if checked:
            entry["checked"] = "; ".join(checked)
        if not called:
            entry["calls"] = "new"
        entries[name] = entry

    for name, why in getattr(pack, "NOT_ADMITTED", {}).items():
        review.setdefault(name, why)
    old_entries, old_review = resolve_old_names(old_names, entries, other_pack_entries(pack.PACK))
    entries.update(old_entries)
    review.update(old_review)
    stats.update(entries=len(entries), not_admitted=len(review))
    doc = {
        "pack": pack.PACK,
        "title": pack.TITLE,
        "generated_by": "scripts/data/derive-pack.py " + pack.PACK,
        "versions": {"python": sys.version.split()[0], **pack.versions()},
        "method": __doc__.split("The method, for one library:\n", 1)[1].split("\nThe run fails", 1)[0].strip(),
        "stats": stats,
        "entries": dict(sorted(entries.items())),
        "review": dict(sorted(review.items())),
        "hooks": dict(sorted(hooks_seen.items())),
    }
    return doc, unreviewed
