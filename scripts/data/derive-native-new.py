#!/usr/bin/python3
"""How each admitted native class is written (src/analyzers/pickle/data/native-new.json), for the pickle VM.

A native (Cython or C extension) class keeps C fields that its __init__ (or a library function) fills. NEWOBJ
(`cls.__new__(cls, *args)`, and REDUCE of `cls.__new__`) makes the object without running __init__: a class whose
library only ever writes it by calling it (REDUCE of the class itself, which runs __init__) is then left with NULL
pointers, which the next code that reads the object dereferences (statsmodels' cKalmanSmoother handed to pandas'
NumericIndex: SIGSEGV in every loader). This script reads, for every admitted class whose instance layout is native
(its nearest static base is defined in an extension module outside CPython's standard library, and the class itself
is that static type), how its library writes it, offline:

1. the reduce of instances the library builds itself (SAMPLES below; protocols 2, 4 and 5): the callable is the class
   itself ("call"), copyreg.__newobj__/__newobj_ex__ ("newobj"), or a library function ("function:<name>");
2. for a class without a sample, the reduce of the instance its own __new__ makes (fields zeroed), in a forked child:
   the same three routes, or "none" when that reduce raises or the child dies (the library cannot write it then).

A class is written to `calledOnly` when every reduce seen calls the class or a library function (never NEWOBJ) and
it is not admitted under a second spelling (a name in another module is an older release's, which may have been a
Python class that its pickles wrote with NEWOBJ: pandas' offsets before 1.1, scikit-learn's old module paths).
The VM reports NEWOBJ/NEWOBJ_EX and `cls.__new__` calls of those classes (PICKLE-STRUCT NATIVE_NEW).
Usage: /usr/bin/python3 scripts/data/derive-native-new.py > src/analyzers/pickle/data/native-new.json
"""
import importlib
import json
import os
import sys
import warnings

warnings.simplefilter('ignore')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'fixtures'))
from proof import in_fork  # noqa: E402
from admitted_names import admitted, inputs_digest  # noqa: E402

HEAPTYPE = 1 << 9
NEWOBJ = ('copyreg.__newobj__', 'copyreg.__newobj_ex__')


def resolve(name):
    module, _, attr = name.rpartition('.')
    try:
        return getattr(importlib.import_module(module), attr)
    except Exception:  # noqa: BLE001 (any import failure: the name does not resolve here)
        return None


def native_static(cls):
    """Whether `cls` is itself a static (non-heap) type defined in a non-stdlib extension module."""
    if not isinstance(cls, type) or cls.__flags__ & HEAPTYPE or cls is object:
        return False
    mod = sys.modules.get(cls.__module__)
    path = getattr(mod, '__file__', None) or ''
    return path.endswith('.so') and '/lib/python3.' not in path.split('dist-packages')[0]


def route_of(cls, reduced):
    if isinstance(reduced, str):
        return 'global'
    f = reduced[0]
    name = f'{getattr(f, "__module__", "?")}.{getattr(f, "__qualname__", repr(f))}'
    if f is cls or (isinstance(f, type) and issubclass(cls, f)):
        return 'call'
    if name in NEWOBJ:
        return 'newobj'
    return 'function:' + name


def samples():
    """Instances the libraries build themselves."""
    out = []
    import numpy as np
    import pandas as pd
    out += [pd.offsets.Day(), pd.Timestamp('2020'), pd.Period('2020-01'), pd.Interval(0, 1),
            pd.arrays.SparseArray([0, 1, 0]).sp_index, pd.arrays.SparseArray([0, 1, 0], kind='block').sp_index,
            np.random.default_rng(0), np.random.RandomState(0), np.random.SeedSequence(1), np.random.PCG64(1)]
    import statsmodels.api as sm
    mod = sm.tsa.SARIMAX(np.random.default_rng(0).normal(size=30), order=(1, 0, 0))
    res = mod.fit(disp=False)
    mod.smooth(res.params)
    sim = mod.simulation_smoother()
    sim.simulate()
    for owner in (mod.ssm, sim):
        for table in ('_statespaces', '_kalman_filters', '_kalman_smoothers', '_simulation_smoothers'):
            out += list(getattr(owner, table, {}).values())
    try:
        from sklearn.tree import DecisionTreeRegressor
        out.append(DecisionTreeRegressor().fit(np.eye(3), [0, 1, 2]).tree_)
    except Exception:  # noqa: BLE001
        pass
    return out


def _probe(cls):
    obj = cls.__new__(cls)
    return route_of(cls, obj.__reduce_ex__(4))


def main():
    names = admitted()
    by_class = {}
    for name in names:
        cls = resolve(name)
        if native_static(cls):
            by_class.setdefault(cls, []).append(name)
    routes = {}
    for obj in samples():
        cls = type(obj)
        for p in (2, 4, 5):
            routes.setdefault(cls, set()).add(route_of(cls, obj.__reduce_ex__(p)))
    out = {}
    for cls, spellings in sorted(by_class.items(), key=lambda kv: kv[1][0]):
        seen = routes.get(cls)
        how = 'sample'
        if seen is None:
            r = in_fork(_probe, cls)
            seen = {r if r in ('call', 'newobj', 'global') or r.startswith('function:') else 'none'}
            how = f'probe of cls.__new__(cls): {r}'
        own = f'{cls.__module__}.{cls.__qualname__}'
        modules = {n.rpartition('.')[0] for n in spellings}
        called_only = 'newobj' not in seen and 'global' not in seen and modules == {cls.__module__}
        for n in spellings:
            out[n] = {'class': own, 'routes': sorted(seen), 'from': how, 'calledOnly': called_only}
            if not called_only and 'newobj' not in seen and modules != {cls.__module__}:
                out[n]['why'] = 'admitted under a spelling of another module (an older release may have written it ' \
                                'with NEWOBJ)'
    import numpy
    import pandas
    import statsmodels
    versions = {'python': sys.version.split()[0], 'numpy': numpy.__version__, 'pandas': pandas.__version__,
                'statsmodels': statsmodels.__version__}
    try:
        import sklearn
        versions['sklearn'] = sklearn.__version__
    except ImportError:
        pass
    json.dump({'generated_by': 'scripts/data/derive-native-new.py', 'inputs': inputs_digest(), 'versions': versions,
               'calledOnly': sorted(n for n, v in out.items() if v['calledOnly']),
               'classes': dict(sorted(out.items()))}, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
