#!/usr/bin/python3
"""Derive the ONNX operator domains and operator types that QONNX (and finn-base before it) implement in Python, per
pinned release, from the packages' source read with Python's ast (nothing of QONNX is imported or run).

QONNX executes a node of a non-standard domain by importing the Python module the domain names
(importlib.import_module(domain); `onnx.brevitas` is read as `qonnx.custom_op.general`) and taking the operator's
class from that module: from the module's `custom_op` dict in the releases that keep one, from the classes the module
exports (`__all__`, a `_vN` suffix naming the operator's opset version) in the releases after. So a node whose domain
is one of these modules and whose op type is one of the operators that module registers runs QONNX's own numpy code,
not a native library the model brings.

finn-base, QONNX's predecessor (`finn.custom_op.general`), is not read: its executor also follows the model's
`exec_mode` metadata to remote execution on a host the metadata names, so its models stay reported.

One operator is excluded by review: GenericPartition executes the ONNX model file named by its `model` attribute (a
path the model chooses), so it stays a custom operator to report.

Writes src/analyzers/model/data/qonnx-ops.json (what src/analyzers/model/onnx-python-ops.ts reads).

    /usr/bin/python3 scripts/data/derive-qonnx-ops.py [--mirror DIR]

DIR holds bare clones as OWNER+NAME/repo (git clone --bare https://github.com/OWNER/NAME DIR/OWNER+NAME/repo).
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'src', 'analyzers', 'model', 'data', 'qonnx-ops.json')

# (repository, release, commit)
PINS = [
    ('fastmachinelearning/qonnx', 'v0.2.0', 'd9ac34c638ccbdcd3b3f5cd236fe76d611b08f6a'),
    ('fastmachinelearning/qonnx', 'v0.3.0', 'd9df395621527c603e3adec246f58629851f4f6b'),
    ('fastmachinelearning/qonnx', 'v0.4.0', '51965abac9968a38998e85843759a7ebbd65c96e'),
    ('fastmachinelearning/qonnx', 'main 2026-02-13', 'cc2ec17b7d6a60c93f180f4cb2666dd89b1b64a1'),
]
DOMAINS = {
    'fastmachinelearning/qonnx': ['qonnx.custom_op.general', 'qonnx.custom_op.channels_last'],
}
# Domains a release reads as another module (registry.py: the Brevitas exception / domain alias).
ALIASES = {'onnx.brevitas': 'qonnx.custom_op.general'}
EXCLUDED = {'GenericPartition': 'executes the ONNX model file its `model` attribute names'}
VERSION_SUFFIX = re.compile(r'_v\d+$')


def git_show(git_dir, commit, path):
    r = subprocess.run(['git', '--git-dir', git_dir, 'show', f'{commit}:{path}'], capture_output=True)
    if r.returncode != 0:
        return None
    return r.stdout.decode('utf-8')


def registered_ops(source, where):
    """The operator types a custom-op module registers: keys of `custom_op[...] = ...` assignments and, where the
    module keeps no such dict, its `__all__` names without a `_vN` suffix. Anything else fails closed."""
    tree = ast.parse(source)
    keys = set()
    exported = None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if (
                    isinstance(t, ast.Subscript)
                    and isinstance(t.value, ast.Name)
                    and t.value.id == 'custom_op'
                ):
                    s = t.slice
                    if not (isinstance(s, ast.Constant) and isinstance(s.value, str)):
                        sys.exit(f'{where}: a custom_op key that is not a string literal')
                    keys.add(s.value)
                if isinstance(t, ast.Name) and t.id == '__all__':
                    if not isinstance(node.value, (ast.List, ast.Tuple)) or not all(
                        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.value.elts
                    ):
                        sys.exit(f'{where}: __all__ is not a list of string literals')
                    exported = [e.value for e in node.value.elts]
    if keys:
        return keys
    if exported is None:
        sys.exit(f'{where}: neither a custom_op dict nor __all__')
    return {VERSION_SUFFIX.sub('', n) for n in exported}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mirror', default=os.environ.get('SENTINEL_MIRRORS', '/work/.mirror'))
    args = ap.parse_args()
    domains = {}
    releases = []
    for repo, name, commit in PINS:
        git_dir = os.path.join(args.mirror, repo.replace('/', '+'), 'repo')
        if not os.path.isdir(git_dir):
            sys.exit(f'missing mirror {git_dir}: git clone --bare https://github.com/{repo} {git_dir}')
        for domain in DOMAINS[repo]:
            path = 'src/' + domain.replace('.', '/') + '/__init__.py'
            source = git_show(git_dir, commit, path)
            if source is None:
                if domain == 'qonnx.custom_op.channels_last':
                    continue  # not in this release
                sys.exit(f'{repo}@{commit}: {path} missing')
            ops = registered_ops(source, f'{repo}@{commit}:{path}')
            domains.setdefault(domain, set()).update(ops)
            releases.append({'repository': repo, 'release': name, 'commit': commit, 'domain': domain,
                             'ops': sorted(ops)})
    out = {
        'derivedBy': 'scripts/data/derive-qonnx-ops.py',
        'aliases': ALIASES,
        'excluded': EXCLUDED,
        'domains': {d: sorted(o - set(EXCLUDED)) for d, o in sorted(domains.items())},
        'releases': releases,
    }
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT}: ' + ', '.join(f'{d} {len(o)}' for d, o in out['domains'].items()))


if __name__ == '__main__':
    main()
