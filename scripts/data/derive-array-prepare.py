#!/usr/bin/python3
"""Derive the facts of joblib's NumpyArrayWrapper subclass route, for the pickle VM (src/analyzers/pickle/vm.ts).

joblib's NumpyArrayWrapper.read (numpy 1.x, where arrays have __array_prepare__) compares the wrapper's subclass with
numpy's ndarray and memmap and rebuilds any other as `_reconstruct(subclass, (0,), 'b').__array_prepare__(array)`.
This script reads, from the installed joblib's source, the classes the route skips and the classes NumpyPickler.save
writes a wrapper for, and, for every class of numpy's ndarray family (the classes the effect model admits as
_reconstruct's argument 0: callable-effects.json `families["numpy.ndarray"]`), which class defines the
__array_prepare__ and __array_finalize__ the route runs (null: the name does not resolve here, so the effect model
cannot tell; the VM then does not admit the class on the route). Nothing here reads a pickle.

Run with Debian's interpreter (numpy 1.24, joblib 1.2, pandas 1.5):
/usr/bin/python3 scripts/data/derive-array-prepare.py > src/analyzers/pickle/data/array-prepare.json
"""
import importlib
import inspect
import json
import os
import re
import sys
import warnings

import joblib
import joblib.numpy_pickle as jnp
import numpy as np
import pandas as pd

warnings.filterwarnings('ignore')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')


def resolve(name):
    module, _, attr = name.rpartition('.')
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None


def numpy_names(text, what):
    """The numpy attributes a source tuple `(<prefix>.np.a, <prefix>.np.b, ...)` names, as numpy classes."""
    names = re.findall(r'\bnp\.(\w+)', text)
    if not names:
        sys.exit(f'joblib source changed: no numpy names in {what}')
    return [getattr(np, n) for n in names]


def definer(cls, attr):
    for k in cls.__mro__:
        if attr in vars(k):
            return f'{k.__module__}.{k.__qualname__}'
    return None


def main():
    read = inspect.getsource(jnp.NumpyArrayWrapper.read)
    m = re.search(r'self\.subclass not in \(([^)]*)\)', read)
    if m is None or '_reconstruct(' not in read or '__array_prepare__(array)' not in read:
        sys.exit('joblib source changed: NumpyArrayWrapper.read has no subclass route as derived here')
    skipped = numpy_names(m.group(1), 'the route test')
    save = inspect.getsource(jnp.NumpyPickler.save)
    w = re.search(r'type\(obj\) in \(([^)]*)\)', save)
    if w is None:
        sys.exit('joblib source changed: NumpyPickler.save writes no wrapper as derived here')
    written = numpy_names(w.group(1), 'the wrapper test')
    with open(os.path.join(ROOT, 'src', 'analyzers', 'pickle', 'data', 'callable-effects.json')) as f:
        family = json.load(f)['families']['numpy.ndarray']
    classes = {}
    skip = []
    writes = []
    for name in family:
        cls = resolve(name)
        if cls is None:
            classes[name] = None
            continue
        if not (isinstance(cls, type) and issubclass(cls, np.ndarray)):
            sys.exit(f'{name} is in the ndarray family but is no ndarray subclass')
        if any(cls is c for c in skipped):
            skip.append(name)
        if any(cls is c for c in written):
            writes.append(name)
        classes[name] = {'arrayPrepare': definer(cls, '__array_prepare__'),
                         'arrayFinalize': definer(cls, '__array_finalize__')}
    out = {
        'generated_by': 'scripts/data/derive-array-prepare.py',
        'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'joblib': joblib.__version__,
                     'pandas': pd.__version__},
        'source': 'joblib/numpy_pickle.py NumpyArrayWrapper.read: if hasattr(array, "__array_prepare__") and '
                  'self.subclass not in (np.ndarray, np.memmap): _reconstruct(self.subclass, (0,), "b")'
                  '.__array_prepare__(array); NumpyPickler.save: a wrapper for type(obj) in (' +
                  ', '.join(f'np.{c.__name__}' for c in written) + ')',
        # The family classes (every spelling) the route skips (they are np.ndarray or np.memmap).
        'skip': sorted(skip),
        # The family classes joblib writes a wrapper for (its own files take the route with these only).
        'written': sorted(writes),
        # Per family class: the class whose __array_prepare__ / __array_finalize__ the route runs (null: unresolved).
        'classes': dict(sorted(classes.items())),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
