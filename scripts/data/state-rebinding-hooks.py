#!/usr/bin/python3
"""Lists the state hooks (`__setstate__`) of admitted classes that rebind, unpack or index their state parameter
before they read a key of it (`state = state[3]['0.14.1']`, `a, b = state`, `state[0]`): the derivation
(class_effects.py) labels what such a hook reads by the last key alone (`state.axes`), so class-sinks.ts resolves a
`state.<key>` label in every dict reachable in the state, whatever its shape. This script is the review list of the
hooks that rely on that: the installed version of every hook of callable-effects.json, and every version of every
hook the history packs admit (the parsed versions cached by derive-history.py under ~/.cache/sentinel-history).

Run with Debian's interpreter: /usr/bin/python3 scripts/data/state-rebinding-hooks.py [--cache DIR]
Nothing is imported from a fetched tree; the installed hooks are read with inspect, as derive-callable-effects does.
"""
import argparse
import ast
import glob
import importlib
import json
import os
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '..', 'src', 'analyzers', 'pickle', 'data')
sys.path.insert(0, HERE)


def patterns(src):
    """The ways the hook's state parameter is rebound, unpacked or indexed by a non-str key, in source order."""
    try:
        tree = ast.parse(textwrap.dedent(src))
    except SyntaxError:
        try:
            import class_effects
            node = class_effects.parse_hook(src, 'cython')
            tree = node
        except Exception:
            return None
    fn = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if fn is None or len(fn.args.args) < 2:
        return None
    p = fn.args.args[1].arg
    out = []

    def uses(node):
        return any(isinstance(n, ast.Name) and n.id == p for n in ast.walk(node))

    for n in ast.walk(fn):
        if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            for t in targets:
                if isinstance(t, ast.Name) and t.id == p:
                    out.append(f'rebinds: {ast.unparse(n)[:90]}')
                elif isinstance(t, (ast.Tuple, ast.List)) and n.value is not None and uses(n.value):
                    out.append(f'unpacks: {ast.unparse(n)[:90]}')
        elif isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == p:
            s = n.slice
            if not (isinstance(s, ast.Constant) and isinstance(s.value, str)):
                out.append(f'indexes: {ast.unparse(n)[:90]}')
        elif isinstance(n, (ast.For, ast.comprehension)) and isinstance(n.target, (ast.Tuple, ast.List)) \
                and isinstance(n.iter, ast.Name) and n.iter.id == p:
            out.append(f'unpacks items: for {ast.unparse(n.target)} in {p}')
    return list(dict.fromkeys(out))


def installed():
    from pack_derivation import hook_source
    effects = json.load(open(os.path.join(DATA, 'callable-effects.json')))
    for key, rec in sorted(effects['hooks'].items()):
        owner_hook = key.split(' as ')[0]
        if not owner_hook.endswith('.__setstate__'):
            continue
        labels = sorted(k for k in rec.get('sinks', {}) if k.startswith('state.'))
        owner = owner_hook[:-len('.__setstate__')]
        mod, _, qual = owner.rpartition('.')
        try:
            cls = getattr(importlib.import_module(mod), qual)
            kind, src = hook_source(cls, '__setstate__')
        except Exception as exc:  # noqa: BLE001 - a module Debian does not install
            print(f'  (not read: {owner_hook}: {type(exc).__name__})', file=sys.stderr)
            continue
        found = patterns(src) if src else None
        if found:
            yield owner_hook, 'installed', found, labels


def history(cache):
    admitted = set()
    for f in glob.glob(os.path.join(DATA, 'history-effects*.json')):
        d = json.load(open(f))
        admitted.update(d.get('classes', {}))
    seen = {}
    for path in sorted(glob.glob(os.path.join(cache, 'v*.json'))):
        try:
            v = json.load(open(path))
        except (OSError, ValueError):
            continue
        commit = os.path.basename(path).split('-')[1][:12]
        for name, c in v.get('classes', {}).items():
            h = c.get('hooks', {}).get('__setstate__')
            if h is None or h not in v.get('sources', {}):
                continue
            found = patterns(v['sources'][h])
            if not found:
                continue
            row = seen.setdefault((name, h), [found, set()])
            row[1].add(commit)
    for (name, h), (found, commits) in sorted(seen.items()):
        yield name, f'{"admitted" if name in admitted else "not admitted"}, {len(commits)} pinned version(s)', found, []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cache', default=os.path.expanduser('~/.cache/sentinel-history'))
    a = ap.parse_args()
    for name, where, found, labels in list(installed()) + list(history(a.cache)):
        print(f'{name} [{where}]' + (f' labels: {", ".join(labels)}' if labels else ''))
        for f in found:
            print(f'    {f}')


if __name__ == '__main__':
    main()
