#!/usr/bin/python3
"""Derive history packs: the names that released versions of a library (not only the one Debian installs) define
and pickle, admitted when rebuilding them builds data in every version in which they resolve.
Writes src/rules/data/packs/history/<lib>.json (entries with the version range that admitted them, and the review
log) and docs/packs/history/<lib>.json (per version: which candidate names resolve, and each hook's hash).

Usage: /usr/bin/python3 scripts/data/derive-history.py LIB... [--hooks] [--mirror DIR]
       /usr/bin/python3 scripts/data/derive-history.py --pin LIB --repo OWNER/NAME   (rewrite LIB's pinned tags)
       /usr/bin/python3 scripts/data/derive-history.py --pin LIB --forks A/B,C/D --version-file F   (from forks)
           [--version-name NAME]   (the name the version file assigns, default __version__; CatBoost's VERSION;
                                    "-": the file holds the version string alone, as feature_engine/VERSION)
The repositories are read from git mirrors (default /work/.mirror/<owner>+<name>/repo, e.g. made with
`git clone --bare`); every version is read at its pinned commit (scripts/data/history/pins.json), with Python's ast.
The review verdicts (one per hook source hash, and the external bases) live in scripts/data/history/<lib>.py: "data"
(the hook builds data from any state), "checked" (it does only in the state shape the library writes, which the
pickle VM checks: the third item names that check) or anything else (not admitted, with why).
--hooks prints the source of every hook a candidate runs that has no verdict (those candidates are not admitted).
"""

import argparse
import enum
import importlib.util
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
sys.path.append(os.path.join(HERE, "history"))  # the review modules share sklearn_bases.py (last: history/joblib.py
# and the like are review modules, never the installed libraries of the same name)
from allowlist_derivation import write_json  # noqa: E402
from history_derivation import (  # noqa: E402
    _c3, deprecated_modules, star_aliases, effective_hooks, git, list_modules, parse_version, read_blobs,
    pyx_aliases, pyx_classes, pyx_functions, pyx_python_classes, pyx_state_reads,
    pyx_state_written, pyx_text, resolve_alias, unhashable)

PINS = os.path.join(HERE, "history", "pins.json")
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "sentinel-history")  # parsed versions, per commit
# Versions read with a public code index's file reader (a pin row whose 5th item is 'index': the repository is too large to mirror
# here and no fork carries the commit): the files are saved outside the repository as
# INDEX_STORE/<owner>+<name>/<commit>/<path> (history_derivation.is_store); the review module's INDEX_READS says what
# was read and kept.
INDEX_STORE = os.path.join(CACHE, "index")


def load_review(lib):
    spec = importlib.util.spec_from_file_location(f"history_{lib}", os.path.join(HERE, "history", lib + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def mirror_of(repo, base):
    return os.path.join(base, repo.replace("/", "+"), "repo")


def source_of(where, base, default):
    """The git mirror (or, for an 'index' row, the file store) a pinned version is read from."""
    if len(where) > 1 and where[1] == "index":
        return os.path.join(INDEX_STORE, where[0].replace("/", "+"))
    return mirror_of(where[0], base) if where else default


def pin(lib, repo, base, since, pattern):
    """Every release tag since `since` matching `pattern`, with the commit it points to, oldest first."""
    fmt = "%(refname:short)\t%(objectname)\t%(*objectname)\t%(creatordate:short)"
    rows = git(mirror_of(repo, base), "for-each-ref", "--sort=creatordate", f"--format={fmt}", "refs/tags")
    versions = []
    for line in rows.decode().split("\n"):
        if not line:
            continue
        tag, obj, peeled, date = line.split("\t")
        if date >= since and re.fullmatch(pattern, tag):
            versions.append([tag, peeled or obj, date])
    pins = json.load(open(PINS)) if os.path.exists(PINS) else {}
    pins[lib] = {**pins.get(lib, {}), "repo": repo, "since": since, "tag_pattern": pattern, "versions": versions}
    write_json(PINS, dict(sorted(pins.items())))
    print(f"{lib}: {len(versions)} versions pinned", file=sys.stderr)


def pin_forks(lib, repos, base, since, pattern, version_file, version_name="__version__"):
    """Pin LIB's releases from forks when the upstream repository is too large to mirror here. A release is the
    upstream tag's commit where a fork carries the tag; otherwise the first commit (by commit date) of any fork's
    branches whose `version_file` sets __version__ to exactly that release (the release-preparation commit of the
    maintenance branch: final version strings are set only there, main carries X.Y.devN). Each row names the
    repository holding the commit (4th item) and how it was found (5th: 'tag' or 'version-set'). A tag's leading 'v'
    is dropped from the version's name (CatBoost tags v0.16, its version file says 0.16). Rows a pin of the library
    keeps from elsewhere (5th item 'index': read from a public code index, see INDEX_STORE) are kept."""
    # refname:lstrip=2, not :short, which spells a tag that shares a branch's name 'tags/NAME'
    fmt = "%(refname:lstrip=2)\t%(objectname)\t%(*objectname)\t%(creatordate:short)"
    found = {}  # version -> (commit, date, repo, how)
    for repo in repos:
        path = mirror_of(repo, base)
        for line in git(path, "for-each-ref", f"--format={fmt}", "refs/tags").decode().split("\n"):
            if not line:
                continue
            tag, obj, peeled, date = line.split("\t")
            name = tag[1:] if re.fullmatch(r"v\d.*", tag) else tag
            if date >= since and re.fullmatch(pattern, tag) and name not in found:
                found[name] = (peeled or obj, date, repo, "tag")
    assign = re.compile(rf"^{re.escape(version_name)}\s*=\s*['\"]([^'\"]+)['\"]", re.M)
    for repo in repos:
        path = mirror_of(repo, base)
        log = git(path, "log", "--all", "--format=%H %cs %ct", f"--since={since}", "--", version_file).decode()
        rows = sorted((int(ct), c, cs) for c, cs, ct in (x.split() for x in log.split("\n") if x))
        proc = subprocess.Popen(["git", "-C", path, "cat-file", "--batch"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE)
        for _ct, commit, date in rows:
            proc.stdin.write(f"{commit}:{version_file}\n".encode())
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) < 3:
                continue
            text = proc.stdout.read(int(header[2])).decode("utf-8", "replace")
            proc.stdout.read(1)
            # version_name "-": the file holds the version string alone (feature_engine/VERSION)
            m = re.fullmatch(r"\s*(\S+)\s*", text) if version_name == "-" else assign.search(text)
            if m and re.fullmatch(pattern, m.group(1)) and m.group(1).lstrip("v") not in found:
                found[m.group(1)] = (commit, date, repo, "version-set")
        proc.stdin.close()
        proc.wait()
    key = lambda v: [int(x) for x in re.findall(r"\d+", v)]  # noqa: E731
    # 'X.Y' set before the 'X.Y.0' release (a release candidate's branch): the release itself is X.Y.0
    found = {v: x for v, x in found.items() if not (re.fullmatch(r"\d+\.\d+", v) and f"{v}.0" in found)}
    versions = [[v, c, d, r, how] for v, (c, d, r, how) in sorted(found.items(), key=lambda kv: key(kv[0]))]
    pins = json.load(open(PINS)) if os.path.exists(PINS) else {}
    versions += [v for v in pins.get(lib, {}).get("versions", []) if len(v) > 4 and v[4] == "index"]
    pins[lib] = {**pins.get(lib, {}), "repo": repos[0], "since": since, "tag_pattern": pattern,
                 "version_file": version_file, "forks": list(repos), "versions": versions,
                 **({"version_name": version_name} if version_name != "__version__" else {})}
    write_json(PINS, dict(sorted(pins.items())))
    print(f"{lib}: {len(versions)} versions pinned ({sum(v[4] == 'tag' for v in versions)} by tag)", file=sys.stderr)


ORDER = {}  # tag -> position in the pinned list of the library being derived


def vrange(tags):
    """The pinned versions a name resolves in, as runs of consecutive releases: '0.12.0 - 3.2.0, 4.0.0 - 4.4.0'."""
    runs = []
    for t in sorted(tags, key=lambda t: ORDER.get(t, 0)):
        if runs and ORDER.get(t, 0) == ORDER.get(runs[-1][-1], 0) + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]} - {r[-1]}" for r in runs)


def candidates(version, review):
    """Names the version's objects pickle: subclasses of the library's serialisable bases, and the classes the review
    module lists as held by them (each with why)."""
    out = {}
    for name in version["classes"]:
        chain, stack = set(), [name]
        while stack and len(chain) < 32:
            cur = resolve_alias(version, stack.pop())
            if cur in chain:
                continue
            chain.add(cur)
            stack.extend(version["classes"].get(cur, {}).get("bases", []))
        hit = sorted(chain & set(review.SAVED_BASES))
        if hit:
            what = getattr(review, "SAVED_WHAT", f"what {review.LIB}'s save() pickles")
            out[name] = f"a {hit[0].rsplit('.', 1)[1]} subclass ({what})"
    for name, why in review.HELD.items():
        if resolve_alias(version, name) in version["classes"]:
            out.setdefault(name, why)
    return out


# The hooks an admitted class runs on the stream's values, as the VM's class-sink model names them.
EFFECT_HOOKS = {"__setstate__": "setstate", "__hash__": "hash", "__new__": "new"}


# Verdicts "checked" whose third item names a shape the pickle VM checks on every value that may be of the class
# (src/analyzers/pickle/callable-effects.ts HistoryCheck): the hook acts on other shapes, which the VM refuses.
VM_CHECKS = ("items", "frame-state", "new-empty", "catboost-state", "file-resource", "one-build", "empty-state",
             "array-args", "omegaconf-state", "punkt-state", "translation-proxy", "str-args", "scalar-value", "pydantic-state")
# A reviewed __getattr__/__getattribute__ answers a name the class lacks from the instance's data (pandas' NDFrame:
# its labels): the VM counts every such lookup as answered by the stream (callable-effects.ts lookupAnsweredBy).
LOOKUP_HOOKS = ("__getattr__", "__getattribute__")


def history_effects(lib, entries, per_name, external, review, checks=None):
    """The effect model of each admitted class (src/analyzers/pickle/class-sinks.ts reads it like the installed
    packs' callable-effects.json): for its __setstate__ and __hash__, the union over every released version in which
    the name resolves of what each version's hook does with the state (a method of a state value called, a state value
    called, a state value reaching open/exec/import/a loader/getattr), read from that version's source with
    class_effects.py; an external base's hooks carry the sinks its review names (EXTERNAL_BASES[...]["sinks"])."""
    import class_effects

    classes, hooks = {}, {}
    for name in sorted(entries):
        rec = per_name.get(name, {})
        if "hooks" not in rec or rec.get("cython"):  # a Cython class is admitted only without a BUILD hook
            continue
        merged, params = {}, {}
        for owner, hook, h in sorted(rec["hooks"]):
            key = EFFECT_HOOKS.get(hook)
            if key is None:
                continue
            ext = external.get(owner)
            if hook == "__new__":
                # A constructor's sinks are named by its review (what the library code it calls does with its
                # arguments; its own text is not followed here), with its parameters in order (positional labels
                # arg:<i> and keyword labels arg:<name> name the same values).
                # (An external base's __new__ names its sinks and parameters in its review, EXTERNAL_BASES[...]
                # ["sinks"]["__new__"] and ["params"]["__new__"]: CPython's enum.Enum.__new__ hashes and compares its
                # value; numpy's C ndarray.__new__ builds data and names none.)
                external_new = ext is not None and h in ext.get("hooks", {}).values()
                verdict = ((None, None, None, ext.get("sinks", {}).get(hook, {}), ext.get("params", {}).get(hook, ()))
                           if external_new else review.REVIEW.get(f"{owner}.{hook}@{h}", ()))
                extra, names = (verdict[3] if len(verdict) > 3 else {}), (verdict[4] if len(verdict) > 4 else ())
                if extra and params.get(key, tuple(names)) != tuple(names):
                    raise SystemExit(f"{name}: {owner}.{hook}@{h}: parameters {names} differ from another version's")
                if extra:
                    params[key] = tuple(names)
                found = [[kind, label, f"{owner}.{hook} (review)"] for label, kinds in extra.items() for kind in kinds]
            elif ext is not None and h in ext.get("hooks", {}).values():
                found = [[kind, label, f"{owner}.{hook}"] for label, kinds in ext.get("sinks", {}).get(hook, {}).items()
                         for kind in kinds]
            else:
                found = class_effects.source_hook_effects(hook, rec.get("sources", {}).get((owner, hook, h)))
                if found is None and h.startswith("assigned:") and f"{owner}.{hook}@{h}" in review.REVIEW:
                    found = []  # `__hash__ = other.__hash__`: the reviewed target's effects are the review's sinks
                if found is None:
                    raise SystemExit(f"{name}: {owner}.{hook}@{h} has no readable source for its effect model")
                verdict = review.REVIEW.get(f"{owner}.{hook}@{h}", ())
                extra = verdict[3] if len(verdict) > 3 else {}
                found = found + [[kind, label, f"{owner}.{hook} (review)"] for label, kinds in extra.items()
                                 for kind in kinds]
            for kind, label, where in found:
                if hook == "__hash__" and (not label.startswith("state.") or kind.startswith(("method:__", "own:__"))):
                    continue  # the other operand, or a special method (a planted dunder is flagged on its own)
                sinks = merged.setdefault(key, {}).setdefault(label, {})
                if kind.startswith("method:"):
                    if kind[7:] not in sinks.setdefault("methods", []):
                        sinks["methods"].append(kind[7:])
                elif kind.startswith("own:"):  # a method of the hook's parameter itself, not of what it holds
                    if kind[4:] not in sinks.setdefault("ownMethods", []):
                        sinks["ownMethods"].append(kind[4:])
                elif kind.startswith("dunder:"):
                    if kind[7:] not in sinks.setdefault("dunders", []):
                        sinks["dunders"].append(kind[7:])
                else:
                    sinks.setdefault(kind, f"{where}@{h}")
        for key, sinks in merged.items():
            for v in sinks.values():
                v.get("methods", []).sort()
                v.get("dunders", []).sort()
                v.get("ownMethods", []).sort()
            rec_out = {"sinks": dict(sorted(sinks.items())), "params": list(params.get(key, ("state",)))}
            ref = next((r for r, x in hooks.items() if x == rec_out), f"{name}.{key} ({lib} history)")
            hooks[ref] = rec_out
            classes.setdefault(name, {})[key] = ref
    # An old name read as another reviewed name by a loader's table (MAPPED): its model is the union of both.
    for name, targets in sorted(getattr(review, "MAPPED", {}).items()):
        if name not in entries:
            continue
        for key in sorted({k for t in [name, *targets] for k in classes.get(t, {})}):
            recs = [hooks[classes[t][key]] for t in [name, *targets] if key in classes.get(t, {})]
            sinks = {}
            for r in recs:
                for label, kinds in r["sinks"].items():
                    into = sinks.setdefault(label, {})
                    for kind, v in kinds.items():
                        if isinstance(v, list):
                            into[kind] = sorted(set(into.get(kind, [])) | set(v))
                        else:
                            into.setdefault(kind, v)
            params = recs[0]["params"]
            rec_out = {"sinks": dict(sorted(sinks.items())), "params": params}
            ref = next((r for r, x in hooks.items() if x == rec_out), f"{name}.{key} ({lib} history, as mapped)")
            hooks[ref] = rec_out
            classes.setdefault(name, {})[key] = ref
    # Classes the stream may call (CALLED: the library's own pickles call them, and the review read every version's
    # __init__): their __init__ model is the review's sinks (what the constructor does with its arguments, in the
    # terms of class_effects.py), and a "dict" flag for a dict subclass (a call's dict argument fills its items).
    for name, spec in sorted(getattr(review, "CALLED", {}).items()):
        if name not in entries or entries[name].get("calls") is not None:
            continue
        rec_out = {"sinks": {label: dict(sorted(k.items())) for label, k in sorted(spec["sinks"].items())},
                   "params": list(spec["params"])}
        ref = f"{name}.init ({lib} history)"
        hooks[ref] = rec_out
        classes.setdefault(name, {})["init"] = ref
        if spec.get("dict"):
            classes[name]["dict"] = True
    # Names another pack admits (the installed version's) whose older versions' hook reaches more than the installed
    # one (MODELLED: name -> {hook key: (sinks by label, where)}): the VM checks these beside the installed model.
    for name, by_key in sorted(getattr(review, "MODELLED", {}).items()):
        for key, spec in by_key.items():
            ref = f"{name}.{key} ({lib} history, older versions)"
            rec = {}
            for sinks, where in (spec if isinstance(spec, list) else [spec]):  # (sinks by label, where) pairs
                for label, kinds in sorted(sinks.items()):
                    for kind in kinds:
                        rec.setdefault(label, {}).setdefault(kind, where)
            hooks[ref] = {"sinks": dict(sorted(rec.items())), "params": ["state"]}
            classes.setdefault(name, {})[key] = ref
    out = {"generated_by": f"scripts/data/derive-history.py {lib}", "classes": dict(sorted(classes.items())),
           "hooks": dict(sorted(hooks.items()))}
    # Checks the review puts on names another pack admits (EXTRA_CHECKS: name -> (checks, why)).
    checks = {n: set(c) for n, c in (checks or {}).items()}
    for n, (extra, _why) in getattr(review, "EXTRA_CHECKS", {}).items():
        checks[n] = checks.get(n, set()) | set(extra)
    if checks:
        out["checks"] = {n: sorted(c) for n, c in sorted(checks.items()) if c}
    # A review module whose classes are all read from Python source, over external bases that are builtins or Python
    # classes (HEAP_TYPES): instances of its admitted classes are heap types, whose deallocation CPython guards with
    # its trashcan (src/analyzers/pickle/nesting.ts), so they add no level to a chain of unguarded C containers.
    if getattr(review, "HEAP_TYPES", False):
        if getattr(review, "CYTHON", None) or getattr(review, "PYX_PYTHON", None):
            raise SystemExit(f"{lib}: HEAP_TYPES with Cython classes")
        out["heapTypes"] = {n: True for n, e in sorted(entries.items()) if e.get("kind") == "class"}
    # The effect model of the admitted functions (what a call returns, which argument's class it builds: the VM follows
    # the class of the result), from the review (CALLABLES: name -> record in callable-effects.json's form).
    calls = {n: e for n, e in sorted(getattr(review, "CALLABLES", {}).items()) if n in entries}
    if calls:
        out["callables"] = calls
    lookups = {}
    for name in sorted(entries if getattr(review, "HISTORY_LOOKUPS", False) else ()):
        rec = per_name.get(name, {})
        found = sorted({f"{o}.{k}" for o, k, _h in rec.get("hooks", ()) if k in LOOKUP_HOOKS})
        if found:
            # Names every released version's class has itself (never answered by the hook), the hook otherwise; and
            # the names the review reads every version's hook as never answering from the stream (LOOKUP_REFUSED:
            # name -> (names, why)).
            refused_names = getattr(review, "LOOKUP_REFUSED", {}).get(name, ((), ""))[0]
            lookups[name] = {"hook": found[0], "has": sorted({n for n in rec.get("has", ()) if not n.startswith("setter ")}
                                                             | set(refused_names))}
    for name, targets in sorted(getattr(review, "MAPPED", {}).items()):
        if name in entries and name not in lookups:
            found = [lookups[t] for t in targets if t in lookups]
            if found:
                lookups[name] = {"hook": found[0]["hook"],
                                 "has": sorted(set.intersection(*(set(f["has"]) for f in found)))}
    if lookups:
        out["lookups"] = lookups
    # Classes older versions pass where a pack callable checks its argument's family (FAMILIES: root -> {name: why}),
    # for the names admitted here only.
    fams = {root: sorted(n for n in names if n in entries) for root, names in getattr(review, "FAMILIES", {}).items()}
    fams = {root: names for root, names in fams.items() if names}
    if fams:
        out["families"] = dict(sorted(fams.items()))
    return out


def pyx_module(where, base, repo, commit, review, module, shims, cache, functions=False):
    """A Cython module's classes ({class: ...}, pyx_classes) and aliases at `commit`, read from its .pyx with its
    includes; where the version has no such .pyx but a deprecation shim names the module, the new module's. With
    `functions`: its top-level functions ({name: hash}, {hash: text}) instead of its classes. Returns (found, aliases,
    the module read) or (None, {}, module)."""
    root = getattr(review, "SOURCE_ROOT", "")
    where_repo = mirror_of(where[0], base) if where else repo
    for mod in (module, shims.get(module)):
        if mod is None:
            continue
        key = (commit, mod)
        if key not in cache:
            cache[key] = pyx_text(where_repo, commit, f"{(root + '/') if root else ''}{mod.replace('.', '/')}.pyx")
        text = cache[key]
        if text is not None:
            return (pyx_functions(text) if functions else pyx_classes(text)), pyx_aliases(text), mod
    return None, {}, module


def wheel_layout(version, review, repo, commit):
    """The version as its wheel lays it out, when the release's build script moves the repository's package (a review
    module's WHEEL_MOVE: {"script": build script path, "marker": regex, "to": new package, "export": decorator}).
    Where the script at `commit` matches the marker, every module, class, function, base and alias named under the
    package is renamed under `to` (the build rewrites the package's own imports the same way), so a class is named
    as its pickles name it; each name a class of the read modules is exported under (the decorator's string
    arguments, whose public modules the build generates to import the class from its new place) becomes an alias
    of the moved class. Elsewhere the version is returned unchanged."""
    move = review.WHEEL_MOVE
    script = subprocess.run(["git", "-C", repo, "show", f"{commit}:{move['script']}"], capture_output=True, text=True)
    if script.returncode != 0 or not re.search(move["marker"], script.stdout, re.M):
        return version
    old, new = review.PACKAGE, move["to"]

    def ren(name):
        if not isinstance(name, str) or name.startswith(new + ".") or not (name == old or name.startswith(old + ".")):
            return name
        return new + name[len(old):]

    classes = {}
    for name, c in version["classes"].items():
        hooks = {k: ("assigned:" + ren(v[9:]) if isinstance(v, str) and v.startswith("assigned:") else v)
                 for k, v in c["hooks"].items()}
        classes[ren(name)] = {**c, "bases": [ren(b) for b in c["bases"]], "hooks": hooks,
                              "metaclass": ren(c.get("metaclass"))}
    out = {"classes": classes, "functions": {ren(k): v for k, v in version["functions"].items()},
           "aliases": {ren(k): ren(v) for k, v in version["aliases"].items()}, "sources": version["sources"]}
    modules = list_modules(repo, commit, review.PACKAGE, getattr(review, "SOURCE_ROOT", ""),
                           getattr(review, "PATHS", None))
    texts = read_blobs(repo, sorted({blob for _path, blob in modules.values()}))
    exported = re.compile(r"^@" + re.escape(move["export"]) + r"\(\s*\[?((?:\s*\"[^\"]+\"\s*,?)+)\]?[^)]*\)\s*\n"
                          r"(?:@.*\n)*class\s+(\w+)", re.M)
    for module, (_path, blob) in modules.items():
        for m in exported.finditer(texts.get(blob) or ""):
            target = f"{ren(module)}.{m.group(2)}"
            if target in classes:
                for public in re.findall(r'"([^"]+)"', m.group(1)):
                    if public != target:
                        out["aliases"].setdefault(public, target)
    return out


# What getattr(<an Enum class>, name) finds along the class's order when its body does not bind the name: the
# attributes of Enum, of its metaclass and of object (name, value, mro, ...), read from the deriving interpreter; such
# a name is never taken as a member.
ENUM_ATTRIBUTES = frozenset(dir(enum.Enum)) | frozenset(dir(type(enum.Enum))) | frozenset(dir(object))


def enum_members_of(rec):
    """The names getattr(<class>, name) answers with a member in every version in which the class's name resolves:
    a member of its class body in at least one version (rec["members"]: tag -> the members its body defines there),
    and in each other version a name its body does not bind at all (the lookup then finds no member and raises
    AttributeError, as it does for no Enum or object attribute: ENUM_ATTRIBUTES are left out), sorted. None when a
    version's body was not read whole."""
    per_tag, body = rec.get("members", {}), rec.get("body", {})
    if not rec["tags"] or any(t not in per_tag or body.get(t) is None for t in rec["tags"]):
        return []
    if any("__get__" in body[t] for t in rec["tags"]):
        return []  # a member would be a descriptor: the lookup would run the class's __get__
    names = {n for t in rec["tags"] for n in per_tag[t]} - ENUM_ATTRIBUTES
    return sorted(n for n in names if all(n in per_tag[t] or n not in body[t] for t in rec["tags"]))


def derive(lib, pins, base, show_hooks):
    review = load_review(lib)
    spec = pins[lib]
    repo = mirror_of(spec["repo"], base)
    external = review.EXTERNAL_BASES
    ORDER.clear()
    # A version read from the index follows unread releases: a gap before it keeps vrange from joining it to the run
    # of releases before it.
    ORDER.update({v[0]: i + sum(len(w) > 4 and w[4] == "index" for w in spec["versions"][:i + 1])
                  for i, v in enumerate(spec["versions"])})
    per_name = {}  # name -> {"why", "tags": [...], "hooks": {(owner, hook, hash)}, "refused": [...]}
    record_versions = {}
    unreviewed = {}
    for tag, commit, _date, *where in spec["versions"]:
        # A 4th item: the repository holding the commit (pandas' commits are read from forks that carry them).
        version = parse_version(source_of(where, base, repo), commit, review.PACKAGE, CACHE,
                                getattr(review, "SOURCE_ROOT", ""), getattr(review, "PATHS", None),
                                getattr(review, "TWO_TO_THREE", False), getattr(review, "GENERIC_BASES", False))
        if getattr(review, "WHEEL_MOVE", None):  # the release's wheel puts the package's modules elsewhere
            version = wheel_layout(version, review, source_of(where, base, repo), commit)
        if getattr(review, "STAR_IMPORTS", False):  # names re-exported by `from M import *` resolve too
            star_aliases(mirror_of(where[0], base) if where else repo, commit, review.PACKAGE, version,
                         getattr(review, "SOURCE_ROOT", ""))
        for module in getattr(review, "PYX_PYTHON", ()):
            # Plain Python classes a Cython module defines (scikit-surprise's SVD in matrix_factorization.pyx): read
            # from the .pyx text (pyx_python_classes), their bases resolved through its Python imports.
            text = pyx_text(source_of(where, base, repo), commit,
                            f"{getattr(review, 'SOURCE_ROOT', '') and review.SOURCE_ROOT + '/'}"
                            f"{module.replace('.', '/')}.pyx")
            if text is not None:
                found = pyx_python_classes(text, module)
                version = {**version, "classes": {**version["classes"], **found["classes"]},
                           "sources": {**version["sources"], **found["sources"]}}
        names = candidates(version, review)
        record_versions[tag] = {"commit": commit, "modules": len({c.rsplit(".", 1)[0] for c in version["classes"]}),
                                "candidates": len(names)}
        # An old name resolves in this version when it is a candidate or an alias of one.
        wanted = set(names) | set(review.HELD) | set(review.EXTRA_NAMES)
        for name in sorted(wanted):
            target = resolve_alias(version, name)
            if target not in version["classes"]:
                continue
            why = names.get(name) or names.get(target) or review.HELD.get(name) or review.EXTRA_NAMES.get(name)
            if why is None:
                continue
            rec = per_name.setdefault(name, {"why": why, "tags": [], "hooks": set(), "refused": []})
            rec["tags"].append(tag)
            hooks, err = effective_hooks(version, target, external)
            if hooks is None:
                rec["refused"].append(f"{tag}: {err}")
                continue
            # The names the class has in this version (methods and hooks along its order, package classes only): a
            # lookup of any other name reaches its __getattr__ (kept for the classes that have one: LOOKUP_HOOKS).
            mro = _c3(version, target, external)
            order = [c for c in mro if c in version["classes"]]
            if "enum.Enum" in mro and "enum.Enum" in external:
                # An Enum of the package: the members its own class body defines in this version (an Enum with members
                # has no subclass, so they are all in the body of the class itself; a class whose package bases are
                # Enums of their own defines none here). getattr(<class>, <member name>), as CPython 3.11.0 - 3.11.4
                # pickles a member, gives that member.
                info = version["classes"][target]
                own = info.get("members", []) if order == [target] and info.get("body") is not None else []
                rec.setdefault("members", {})[tag] = own
                rec.setdefault("body", {})[tag] = info.get("body") if order == [target] else None
            has = {m for c in order for m in (*version["classes"][c].get("methods", {}), *version["classes"][c]["hooks"])}
            rec["has"] = has if "has" not in rec else rec["has"] & has
            if "__hash__" not in {k for _, k, _ in hooks}:
                hooks = [x for x in hooks if x[1] != "__eq__" or not unhashable(version, target, external)]
            for owner, hook, h in hooks:
                rec["hooks"].add((owner, hook, h))
                if h in version["sources"]:
                    rec.setdefault("sources", {})[(owner, hook, h)] = version["sources"][h]
                key = f"{owner}.{hook}@{h}"
                if h in external.get(owner, {}).get("hooks", {}).values():
                    continue  # reviewed with the external base
                if key not in review.REVIEW and not (hook == "__init__"):
                    unreviewed.setdefault(key, version["sources"].get(h, ""))
        shims = None
        pyx_cache = {}
        for name in getattr(review, "CYTHON", {}):
            # A Cython class (.pyx, which the ast parse does not read): resolves where the version's .pyx of its module
            # defines it (with its `include`d .pxi files, and a `Name = Class` alias), or where a generated
            # deprecation shim of the version answers the old module's names from the new module's (scikit-learn
            # 0.22 - 0.23); its building methods and those of its bases in the same file are hashed (pyx_classes).
            module, cls = name.rsplit(".", 1)
            if shims is None:
                shims = deprecated_modules(mirror_of(where[0], base) if where else repo, commit,
                                           getattr(review, "SOURCE_ROOT", ""))
            found, aliases, target_module = pyx_module(where, base, repo, commit, review, module, shims, pyx_cache)
            cls = aliases.get(cls, cls) if found is not None else cls
            if found is None or cls not in found:
                continue
            rec = per_name.setdefault(name, {"why": review.CYTHON[name][0], "tags": [], "hooks": set(), "refused": [],
                                             "cython": True, "native": {}})
            rec["tags"].append(tag)
            chain, cur = [], cls
            while cur is not None and len(chain) < 16:
                if cur not in found:
                    rec["refused"].append(f"{tag}: base {cur} is not a class of {target_module}.pyx")
                    break
                chain.append(cur)
                bases = found[cur]["bases"]
                cur = bases[0] if len(bases) == 1 else None
                if len(bases) > 1:
                    rec["refused"].append(f"{tag}: {cur} has several bases")
            seen = set()
            for owner in chain:
                for hook, h in found[owner]["hooks"].items():
                    # A __setstate__ that starts with super().__setstate__(state) (scikit-learn >= 1.3's
                    # MahalanobisDistance64) runs the next one along the chain too: that one is read and reviewed as
                    # well, and the state's items both read count.
                    chained = hook == "__setstate__" and "__setstate__" in seen and rec["native"].get("super") == tag
                    if hook in seen and not chained:
                        continue
                    seen.add(hook)
                    rec["hooks"].add((f"{target_module}.{owner}", hook, h))
                    if f"{target_module}.{owner}.{hook}@{h}" not in review.REVIEW:
                        unreviewed.setdefault(f"{target_module}.{owner}.{hook}@{h}", found[owner]["sources"][h])
                    if hook == "__setstate__":
                        src = found[owner]["sources"][h]
                        reads = rec["native"].setdefault("reads", {})
                        reads[tag] = max(reads.get(tag, 0) if chained else 0, pyx_state_reads(src)[0])
                        rec["native"]["super"] = tag if "super().__setstate__(state)" in src else None
                    if hook == "__getstate__":
                        rec["native"].setdefault("writes", {})[tag] = pyx_state_written(found[owner]["sources"][h])
        for name in getattr(review, "CYTHON_FUNCTIONS", {}):
            # A module-level function of a .pyx (newObj, the reconstructor the Cython classes' __reduce__ writes).
            module, fn = name.rsplit(".", 1)
            if shims is None:
                shims = deprecated_modules(mirror_of(where[0], base) if where else repo, commit,
                                           getattr(review, "SOURCE_ROOT", ""))
            found, _aliases, target_module = pyx_module(where, base, repo, commit, review, module, shims, pyx_cache,
                                                        functions=True)
            if found is None or fn not in found[0]:
                continue
            rec = per_name.setdefault(name, {"why": None, "tags": [], "hooks": set(), "refused": [], "function": set()})
            rec["tags"].append(tag)
            h = found[0][fn]
            rec["function"].add(h)
            if h not in review.CYTHON_FUNCTIONS[name][2]:
                unreviewed.setdefault(f"{target_module}.{fn}@{h}", found[1][h])
        for name in getattr(review, "FUNCTIONS", {}):
            target = resolve_alias(version, name)
            fh = version["functions"].get(target)
            if fh is None:
                # A function of a class body, which a library stores as a class attribute's value (scipy's interp1d
                # keeps self.__class__._call_linear; pickle writes getattr(<class>, name)): its def in the class's
                # own body, decorators included in the hash.
                owner, _, fn = name.rpartition(".")
                fh = version["classes"].get(resolve_alias(version, owner), {}).get("methods", {}).get(fn)
            if fh is not None:
                rec = per_name.setdefault(name, {"why": None, "tags": [], "hooks": set(), "refused": [],
                                                 "function": set()})
                rec["tags"].append(tag)
                rec["function"].add(fh)
                if fh not in review.FUNCTIONS[name][2]:
                    unreviewed.setdefault(f"{name}@{fh}", version["sources"].get(fh, ""))
                # What the function calls in the library on the stream's arguments: each callee's code is reviewed
                # too (DEPENDS: name -> {callee: reviewed hashes}); a version whose callee is unreviewed refuses it.
                for callee, hashes in getattr(review, "DEPENDS", {}).get(name, {}).items():
                    h = version["functions"].get(resolve_alias(version, callee), "absent")
                    rec["function"].add(f"{callee}@{h}")
                    if h not in hashes:
                        unreviewed.setdefault(f"{callee}@{h}", version["sources"].get(h, ""))
    # Hooks a review module reads by their shape (AUTO_REVIEW(key, source) -> a verdict or None): families of many
    # classes whose hooks are all one strict pattern (Sphinx's C and C++ declaration nodes compare and hash their own
    # fields); a hook the pattern does not match stays unreviewed.
    auto = getattr(review, "AUTO_REVIEW", None)
    if auto is not None:
        for key, src in sorted(unreviewed.items()):
            verdict = auto(key, src)
            if verdict is not None:
                review.REVIEW[key] = verdict
                del unreviewed[key]
    entries, refused, native_states = {}, {}, {}
    name_checks = {}  # name -> the VM checks its "checked" verdicts name
    for name, rec in sorted(per_name.items()):
        span = vrange(rec["tags"])
        if review.LIB != review.PACK:  # a pack of several libraries (pytz-dateutil): the range names its library
            span = f"{review.LIB} {span}"
        if rec.get("function") is not None:
            role, why, hashes = {**review.FUNCTIONS, **getattr(review, "CYTHON_FUNCTIONS", {})}[name]
            deps = {f"{c}@{h}" for c, hs in getattr(review, "DEPENDS", {}).get(name, {}).items() for h in hs}
            new = sorted(rec["function"] - set(hashes) - deps)
            if new:
                refused[name] = f"resolves in {span}; code not reviewed: {', '.join(new)}"
                continue
            entries[name] = {"kind": role, "reason": f"{why}; {review.LIB} {span} (history pack, "
                                                     f"{len(rec['tags'])} versions read)", "versions": span}
            if role == "reference":
                entries[name]["calls"] = "none"
            continue
        if rec["refused"]:
            refused[name] = f"resolves in {span}; not followed: {rec['refused'][0]}"
            continue
        if rec.get("cython"):
            why, calls = review.CYTHON[name]
            verdicts = {f"{o}.{k}@{h}": review.REVIEW.get(f"{o}.{k}@{h}") for o, k, h in sorted(rec["hooks"])}
            missing = [k for k, v in verdicts.items() if v is None]
            # BUILD's hook of a Cython class has no effect model here (class_effects reads Python): admitted only when
            # its review reads it as "native" (it stores the items of a tuple state at constant indices into typed C
            # fields), and then only with a tuple state that every version in which the name resolves reads within
            # its items (the VM checks the length, and that the items the library writes as int()/float() are numbers)
            setstate = [k for k in verdicts if k.split("@")[0].rsplit(".", 1)[1] in ("__setstate__",
                                                                                     "__setstate_cython__")]
            # ... or, when every version's hook is read as "checked" with a state shape the VM checks (VM_CHECKS:
            # quantile-forest's QuantileForest, whose __setstate__ acts only on a non-empty dict, 'empty-state'), with
            # that shape only.
            shaped = {verdicts[k][2] for k in setstate if verdicts[k] is not None and verdicts[k][0] == "checked"
                      and len(verdicts[k]) > 2 and verdicts[k][2] in VM_CHECKS}
            shaped_only = bool(setstate) and all(verdicts[k] is not None and verdicts[k][0] == "checked" and
                                                 len(verdicts[k]) > 2 and verdicts[k][2] in VM_CHECKS for k in setstate)
            if not shaped_only:
                missing += [k for k in setstate if verdicts[k] is None or verdicts[k][0] != "native"]
            bad = [f"{k}: {v[1]}" for k, v in verdicts.items() if v is not None and v[0] not in ("data", "native")
                   and not (shaped_only and k in setstate)]
            native = None
            if setstate and not bad and not missing and not shaped_only:
                reads, writes = rec["native"].get("reads", {}), rec["native"].get("writes", {})
                need = max(reads.values())
                written = {n: nums for tag in writes for n, nums in writes[tag]}
                lengths = sorted(n for n in written if n >= need)
                if not lengths:
                    short = sorted({n for n in written if n < need})
                    longest = [t for t, n in reads.items() if n == need]
                    bad.append(f"the {'/'.join(map(str, short))}-item state other versions write is read past its "
                               f"end by the __setstate__ of {vrange(longest)} (reads {need} items, no length check)")
                else:
                    native = {"hook": setstate[0].split("@")[0], "lengths": lengths,
                              "numbers": sorted({i for n in lengths for i in written[n]}), "versions": span}
                    # The shorter states some versions write and others read past (scikit-learn 0.15 - 0.19 write a
                    # 12-item tree state, 0.20 - 0.23 read 13 items): the VM names both ranges when it refuses one.
                    short = [{"length": n,
                              "written": vrange([t for t in writes if any(m == n for m, _ in writes[t])]),
                              "readPast": vrange([t for t, r in reads.items() if r > n]),
                              "reads": max(r for r in reads.values() if r > n)}
                             for n in sorted({n for n in written if n < need})]
                    if short:
                        native["short"] = short
            if bad or missing:
                refused[name] = f"resolves in {span}; " + ("; ".join(bad) if bad else "hooks not reviewed: " +
                                                            ", ".join(missing))
                continue
            if native is not None:
                native_states[name] = native
            entries[name] = {
                "kind": "class",
                "reason": f"{why}; {review.LIB} {span} (history pack, {len(rec['tags'])} versions read, Cython source)",
                "versions": span,
                "rebuild": "; ".join(f"{k} ({v[1]})" for k, v in verdicts.items())
                or "no building method of its own (the Cython type's allocation)",
            }
            if calls is not None:
                entries[name]["calls"] = calls
            if native is not None:
                entries[name]["checked"] = (f"__setstate__: a tuple state of {' or '.join(map(str, native['lengths']))} "
                                            f"items, items {', '.join(map(str, native['numbers']))} numbers "
                                            "(src/analyzers/pickle/native-states.ts)")
            if shaped_only:
                entries[name]["checked"] = f"__setstate__: {', '.join(sorted(shaped))} (the pickle VM checks it)"
                name_checks[name] = shaped
            # A check the review puts on the class's calls (EXTRA_CHECKS), written into the entry too.
            extra = getattr(review, "EXTRA_CHECKS", {}).get(name)
            if extra is not None:
                note = f"{', '.join(extra[0])}: {extra[1]} (the pickle VM checks it)"
                entries[name]["checked"] = "; ".join(x for x in (entries[name].get("checked"), note) if x)
            continue
        notes, bad, missing, checked = {}, [], [], {}  # notes: (hook, owner, why) -> hashes
        vm_checks = set()
        reference = getattr(review, "REFERENCE_ONLY", {}).get(name)
        called = getattr(review, "CALLED", {}).get(name)
        inits = sorted(f"{o}.{k}@{h}" for o, k, h in rec["hooks"] if k == "__init__")
        if called is not None and all(i in called["init"] for i in inits):
            # The review read every version's __init__ (CALLED): the stream may call the class.
            for i in inits:
                notes.setdefault(("__init__", i.split("@")[0].rsplit(".", 1)[0], called["init"][i]), []).append(
                    i.split("@")[1])
        elif called is not None:
            missing += [i for i in inits if i not in called["init"]]
        for owner, hook, h in sorted(rec["hooks"]):
            if hook == "__init__":
                continue  # runs only when the stream calls the class (admitted only for the review's CALLED)
            if hook == "__new__" and reference is not None:
                continue  # admitted only as a reference (calls "none"): a call, NEWOBJ or reconstructor base of it is
                # refused, so its constructor never runs on the stream's values
            ext = external.get(owner)
            if ext is not None and h in ext.get("hooks", {}).values():
                notes.setdefault((hook, owner, ext["why"]), []).append(h)
                # An external base's hook that acts only on the shape the library writes, which the VM checks
                # (EXTERNAL_BASES[...]["checked"]: hook -> check): collections.UserList's item methods.
                check = ext.get("checked", {}).get(hook)
                if check is not None:
                    checked.setdefault(f"{hook}: {owner}", check)
                    if check in VM_CHECKS:
                        vm_checks.add(check)
                continue
            verdict = review.REVIEW.get(f"{owner}.{hook}@{h}")
            if verdict is None:
                missing.append(f"{owner}.{hook}@{h}")
            elif verdict[0] in ("data", "checked"):
                notes.setdefault((hook, owner, verdict[1]), []).append(h)
                if verdict[0] == "checked":  # admitted in the state shape the library writes, which the VM checks
                    checked.setdefault(f"{hook}: {owner}@{h}", verdict[2])
                    if verdict[2] in VM_CHECKS:
                        vm_checks.add(verdict[2])
            else:
                bad.append(f"{owner}.{hook}@{h}: {verdict[1]}")
        if bad or missing:
            refused[name] = f"resolves in {span}; " + ("; ".join(bad) if bad else "hooks not reviewed: " + ", ".join(missing))
            continue
        entries[name] = {
            "kind": "class",
            "reason": f"{rec['why']}; {review.LIB} {span} (history pack, {len(rec['tags'])} versions read)",
            "versions": span,
            "rebuild": "; ".join(f"{hook}: {owner}@{','.join(hs)} ({why})" for (hook, owner, why), hs in notes.items())
            or "object default (__new__ + instance __dict__ update) in every version",
            "calls": "new" if reference is None else "none",
        }
        if called is not None:
            entries[name].pop("calls")
        members = enum_members_of(rec)
        if members:
            entries[name]["members"] = members
        if reference is not None:
            entries[name]["rebuild"] = f"{reference}; {entries[name]['rebuild']}"
        if getattr(review, "ENTRY_NOTE", None):
            entries[name]["reason"] += f"; {review.ENTRY_NOTE}"
        if checked:
            entries[name]["checked"] = "; ".join(f"{k}: {v}" for k, v in sorted(checked.items()))
        if vm_checks:
            name_checks[name] = vm_checks
    # An old name a loader's class-location table maps to another name this pack reviews (MAPPED: pandas.read_pickle)
    # is read as that name in those versions: admitted only with it, and with its checks.
    for name, targets in sorted(getattr(review, "MAPPED", {}).items()):
        if name not in entries:
            continue
        missing = [t for t in targets if t not in entries]
        if missing:
            entries.pop(name)
            refused[name] = (f"resolves in {per_name[name]['tags'][0]} - {per_name[name]['tags'][-1]}; the loader's "
                             f"class-location table maps it to {', '.join(missing)}, which is not admitted")
            continue
        for t in targets:
            if name_checks.get(t):
                name_checks[name] = name_checks.get(name, set()) | name_checks[t]
        entries[name]["reason"] += f"; pandas.read_pickle maps it to {', '.join(targets)} (reviewed here too)"
    for name, why in review.NOT_ADMITTED.items():
        entries.pop(name, None)
        refused[name] = why
    out = {
        "pack": review.PACK,
        "title": review.TITLE,
        "generated_by": f"scripts/data/derive-history.py {lib}",
        "versions": {review.LIB: vrange([v[0] for v in spec["versions"]]), "repository": spec["repo"]},
        "entries": entries,
        "review": dict(sorted(refused.items())),
    }
    hist = {
        "lib": lib,
        "repository": spec["repo"],
        "versions": record_versions,
        "names": {n: {"versions": r["tags"], "hooks": sorted(f"{o}.{k}@{h}" for o, k, h in r["hooks"]),
                      **({"members": {" ".join(m): [t for t in r["tags"] if tuple(r["members"].get(t, ())) == m]
                                      for m in sorted({tuple(v) for v in r["members"].values()})}}
                         if r.get("members") else {})}
                  for n, r in sorted(per_name.items())},
    }
    if getattr(review, "EFFECTS", False):
        write_json(os.path.join(ROOT, "src", "analyzers", "pickle", "data", f"history-effects-{lib}.json"),
                   history_effects(lib, entries, per_name, external, review,
                                   {n: c for n, c in name_checks.items() if n in entries}))
    if getattr(review, "CYTHON", None) is not None and native_states:
        # Native BUILD hooks of the admitted Cython classes (src/analyzers/pickle/native-states.ts reads them beside
        # the installed version's data/native-states.json).
        write_json(os.path.join(ROOT, "src", "analyzers", "pickle", "data", f"history-native-states-{lib}.json"), {
            "generated_by": f"scripts/data/derive-history.py {lib}",
            "note": "Cython classes admitted by the history pack whose __setstate__ reads the items of a tuple state "
                    "at constant indices without a length check: a BUILD state must be a tuple of one of `lengths` "
                    "(read within its items by every version in which the name resolves) whose `numbers` items are "
                    "numbers (the hook converts them to C numbers, running a planted object's __int__/__index__/"
                    "__float__)",
            "classes": dict(sorted(native_states.items())),
        })
    write_json(os.path.join(ROOT, "src", "rules", "data", "packs", "history", lib + ".json"), out)
    write_json(os.path.join(ROOT, "docs", "packs", "history", lib + ".json"), hist)
    if show_hooks:
        for key, src in sorted(unreviewed.items()):
            print(f"### {key}\n{src}\n")
    print(f"{lib}: {len(spec['versions'])} versions, {len(entries)} admitted, {len(refused)} not admitted, "
          f"{len(unreviewed)} hooks without a verdict", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("libs", nargs="*")
    ap.add_argument("--hooks", action="store_true")
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--pin")
    ap.add_argument("--repo")
    ap.add_argument("--since", default="2015-01-01")
    ap.add_argument("--tag-pattern", default=r"v?\d+\.\d+(\.\d+)*")
    ap.add_argument("--forks", help="comma-separated OWNER/NAME forks that carry the upstream commits (with --pin)")
    ap.add_argument("--version-file", help="the file that sets __version__ (with --forks)")
    ap.add_argument("--version-name", default="__version__", help="the name the version file assigns (with --forks)")
    args = ap.parse_args()
    if args.pin and args.forks:
        pin_forks(args.pin, args.forks.split(","), args.mirror, args.since, args.tag_pattern, args.version_file,
                  args.version_name)
        return
    if args.pin:
        pin(args.pin, args.repo, args.mirror, args.since, args.tag_pattern)
        return
    pins = json.load(open(PINS))
    # pins.json also pins pandas, whose facts scripts/data/derive-pandas-compat.py derives (no review module here).
    reviewed = [lib for lib in sorted(pins) if os.path.exists(os.path.join(HERE, "history", lib + ".py"))]
    for lib in args.libs or reviewed:
        index = [v for v in pins[lib]["versions"] if len(v) > 4 and v[4] == "index"]
        for repo in sorted({pins[lib]["repo"]} | {v[3] for v in pins[lib]["versions"] if len(v) > 3} -
                           {v[3] for v in index}):
            if not os.path.isdir(mirror_of(repo, args.mirror)):
                print(f"{lib}: no mirror of {repo} (git clone --bare https://github.com/{repo})", file=sys.stderr)
                sys.exit(1)
        for tag, commit, _date, repo, *_ in index:
            if not os.path.isdir(os.path.join(source_of([repo, "index"], args.mirror, None), commit)):
                print(f"{lib} {tag}: {repo} at {commit} is not in {INDEX_STORE} (save the files its review module's "
                      "INDEX_READS names there, read with a public code index's file reader)", file=sys.stderr)
                sys.exit(1)
        derive(lib, pins, args.mirror, args.hooks)


if __name__ == "__main__":
    main()
