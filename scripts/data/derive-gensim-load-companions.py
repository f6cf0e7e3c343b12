#!/usr/bin/python3
"""Files gensim's own `load` classmethods read beside the model (src/analyzers/pickle/data/gensim-load-companions.json).

gensim models are loaded with `<Class>.load(fname)`. gensim.utils.SaveLoad.load unpickles fname (its `__scipys`
companions are modelled in the VM from the stream itself); some classes override `load` and then unpickle files whose
names gensim derives from fname alone: LdaModel.load reads `utils.smart_extension(fname, '.state')` (LdaState.load: a
pickle) and `.id2word` (utils.unpickle), LsiModel.load `.projection`. Those files are read whatever the stream says, so
the scan reads them beside the model (companion-files.ts; gensim skips one that is absent). This script finds them in
the installed gensim's source, offline: every `load` classmethod, and the string extensions it passes to
`smart_extension(...)`; then, for every gensim class the allowlist packs admit that resolves here, the extensions of the
`load` methods along its MRO. Nothing here runs at scan time.
Usage: /usr/bin/python3 scripts/data/derive-gensim-load-companions.py > src/analyzers/pickle/data/gensim-load-companions.json
"""
import ast
import glob
import importlib
import inspect
import json
import os
import sys
import textwrap
import warnings

import gensim

HERE = os.path.dirname(os.path.abspath(__file__))
PACKS = os.path.join(HERE, '..', '..', 'src', 'rules', 'data', 'packs')


def load_extensions(cls):
    """The smart_extension(…, '<ext>') literals in `cls.load` when the class itself defines it."""
    fn = cls.__dict__.get('load')
    if fn is None:
        return set()
    fn = getattr(fn, '__func__', fn)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return set()
    out = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and len(node.args) == 2 and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
                and (getattr(node.func, 'attr', None) or getattr(node.func, 'id', None)) == 'smart_extension'):
            out.add(node.args[1].value)
    return out


def admitted_names():
    names = set()
    for path in glob.glob(os.path.join(PACKS, '*.json')) + glob.glob(os.path.join(PACKS, 'history', '*.json')):
        with open(path) as f:
            names.update(k for k in json.load(f).get('entries', {}) if k.startswith('gensim.'))
    return sorted(names)


def resolve(name):
    module, _, attr = name.rpartition('.')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            return getattr(importlib.import_module(module), attr)
    except Exception:  # noqa: BLE001  (names of other gensim versions)
        return None


classes = {}
for name in admitted_names():
    cls = resolve(name)
    if not inspect.isclass(cls):
        continue
    exts = set()
    for base in cls.__mro__:
        exts |= load_extensions(base)
    if exts:
        classes[name] = sorted(exts)

json.dump({'generated_by': 'scripts/data/derive-gensim-load-companions.py',
           'versions': {'python': sys.version.split()[0], 'gensim': gensim.__version__},
           'classes': classes}, sys.stdout, indent=1)
sys.stdout.write('\n')
