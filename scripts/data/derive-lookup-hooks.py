#!/usr/bin/python3
"""Derive which admitted classes answer attribute lookups through a __getattr__/__getattribute__ of their own library,
for the pickle VM (src/analyzers/pickle/data/lookup-hooks.json).

A hook that calls a method of a stream value (state.pop('n'), getattr(obj, 'add') for ADDITEMS, obj.extend for
APPENDS, the __setstate__ BUILD looks up) finds, on an instance of such a class, whatever that Python hook answers for
a name the class itself lacks: statsmodels' ResultsWrapper.__getattribute__ forwards it to its _results (any object the
BUILD state put there), torch's Module.__getattr__ answers from the _parameters/_buffers/_modules dicts of its state,
pandas' NDFrame.__getattr__ from its index labels or columns (data, `labelClasses`: the VM looks for the answer among
the elements of the object arrays the object holds). The VM cannot follow the other answers, so for each such class
this records the names it would answer that way: the methods some hook calls (`methods`: the union of
the derived hook tables, plus extend/append/add/__setstate__, which the unpickler itself looks up) that the class does
not define (inspect.getattr_static). Classes share profiles (`profiles`: the lookup hook and the methods of `methods`
the class has; it answers the others); `classes` maps each admitted class to its profile. A lookup of one of them on an instance that may be of that class is a call of an object the
analysis cannot name (fail closed). The instance __dict__ is not consulted here: what BUILD planted there the VM
already follows.

A lookup hook that answers only names of its own (it computes a fixed attribute and raises AttributeError otherwise)
is recorded as such in REVIEWED, with why, and does not count. Nothing here reads a pickle; classes are resolved by
importing the admitted names.

Run with Debian's interpreter (numpy 1.24, pandas 1.5, scipy 1.10, statsmodels 0.13, torch 1.13, scikit-learn 1.2):
/usr/bin/python3 scripts/data/derive-lookup-hooks.py > src/analyzers/pickle/data/lookup-hooks.json
"""
import glob
import importlib
import inspect
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admitted_names import inputs_digest  # noqa: E402

warnings.filterwarnings('ignore')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
DATA = os.path.join(ROOT, 'src', 'analyzers', 'pickle', 'data')
PACKS = sorted(glob.glob(os.path.join(ROOT, 'src', 'rules', 'data', 'packs', '*.json'))
               + glob.glob(os.path.join(ROOT, 'src', 'rules', 'data', 'packs', 'history', '*.json')))
ALLOWLISTS = [os.path.join(ROOT, 'src', 'rules', 'data', f) for f in ('sklearn-allowlist.json', 'torch-allowlist.json')]

# Lookup hooks read and found to answer only names of their own, with why (reviewed like the pack verdicts).
REVIEWED = {
    'scipy.sparse._base.spmatrix.__getattr__':
        "answers only 'A', 'T', 'H', 'real', 'imag' and 'size' (from the matrix's own methods) and raises "
        'AttributeError for every other name',
}

# Lookup hooks that answer a name the class lacks from the labels of the object's data (reviewed): the answer is an
# element the stream put in the data, which the VM finds among the items of the object arrays the object holds
# (`labelClasses`, profiles as for `classes`).
LABELS = {
    'pandas.core.generic.NDFrame.__getattr__':
        "answers a name its class lacks with self[name] when the name is a label of its info axis "
        '(_can_hold_identifiers_and_holds_name: an object, string or categorical index): a Series answers with the '
        'element under that label, a DataFrame with the column (a Series). The VM follows it: a lookup on such an '
        'object may find any element of the object arrays the stream put in it (list items of their states)',
}

# Names the unpickler itself looks up on a stream object (APPENDS, ADDITEMS, BUILD).
UNPICKLER_LOOKUPS = ('extend', 'append', 'add', '__setstate__')


def hook_methods():
    names = set(UNPICKLER_LOOKUPS)
    for f in ('callable-effects.json', 'history-effects.json', 'history-effects-pandas.json'):
        with open(os.path.join(DATA, f)) as fh:
            for rec in json.load(fh)['hooks'].values():
                for sinks in rec['sinks'].values():
                    names.update(sinks.get('methods', []))
    return sorted(names)


def admitted_names():
    out = set()
    for path in PACKS + ALLOWLISTS:
        with open(path) as fh:
            out.update(json.load(fh)['entries'])
    return sorted(out)


def resolve(name):
    parts = name.split('.')
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:i]))
        except Exception:  # noqa: BLE001 - a module this install lacks (older releases): not resolvable here
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
            return obj
        except AttributeError:
            return None
    return None


def lookup_hook(cls):
    """The first Python-level __getattribute__/__getattr__ in the MRO (what CPython runs for a missing name)."""
    for hook in ('__getattribute__', '__getattr__'):
        for c in cls.__mro__:
            if c is object:
                continue
            f = vars(c).get(hook)
            if f is not None:
                if inspect.isfunction(f):
                    return f'{f.__module__}.{f.__qualname__}'
                break  # a C slot (object's or a builtin's): only instance dict and class attributes
    return None


def main():
    methods = hook_methods()
    classes, label_classes, hooks, profiles, unresolved = {}, {}, {}, [], 0
    for name in admitted_names():
        cls = resolve(name)
        if cls is None:
            unresolved += 1
            continue
        if not isinstance(cls, type):
            continue
        hook = lookup_hook(cls)
        if hook is None:
            continue
        if hook in LABELS:
            hooks.setdefault(hook, {'answers': 'labels of its data', 'why': LABELS[hook]})
            missing = object()
            profile = {'hook': hook, 'has': [m for m in methods if inspect.getattr_static(cls, m, missing) is not missing]}
            if profile not in profiles:
                profiles.append(profile)
            label_classes[name] = profiles.index(profile)
            continue
        if hook in REVIEWED:
            hooks.setdefault(hook, {'answers': 'own names only', 'why': REVIEWED[hook]})
            continue
        hooks.setdefault(hook, {'answers': 'any name its class lacks'})
        missing = object()
        has = [m for m in methods if inspect.getattr_static(cls, m, missing) is not missing]
        profile = {'hook': hook, 'has': has}
        if profile not in profiles:
            profiles.append(profile)
        classes[name] = profiles.index(profile)
    versions = {}
    for lib in ('numpy', 'pandas', 'scipy', 'statsmodels', 'torch', 'sklearn', 'gensim', 'networkx', 'xgboost'):
        try:
            versions[lib] = importlib.import_module(lib).__version__
        except Exception:  # noqa: BLE001
            pass
    json.dump({
        'generated_by': 'scripts/data/derive-lookup-hooks.py',
        'inputs': inputs_digest(),
        'versions': {'python': sys.version.split()[0], **versions},
        'note': f'{unresolved} admitted names do not resolve in this install (released versions the history packs '
                'admit); their lookup hooks are not derived here',
        'methods': methods,
        'hooks': dict(sorted(hooks.items())),
        'profiles': profiles,
        'classes': classes,
        'labelClasses': label_classes,
    }, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
