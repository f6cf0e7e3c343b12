#!/usr/bin/python3
"""Native __setstate__ hooks that trust the length of their state (src/analyzers/pickle/data/native-states.json).

A Cython class compiled with boundscheck=False reads `state[i]` of an exact tuple or list without checking i against
its length (PyTuple_GET_ITEM / PyList_GET_ITEM): a shorter state makes the hook read pointers past the end of the
items, incref and store them (scikit-learn's DistanceMetric.__setstate__ under pickle.load faults writing address 0;
a groomed heap turns that read into a forged object). This script finds those hooks among the classes the allowlist
packs admit, from the library itself, offline (never at scan time):

1. every admitted class (packs/*.json, packs/history/*.json, the sklearn and torch lists) that resolves here and whose
   __setstate__ is native (not a Python function), with the class that defines it;
2. the state the library writes for it: each class's instances built by the library's own constructors (SAMPLES),
   or, for a class those do not build, the instance its own __new__ makes (a Cython type's fields zeroed), reduced
   with __reduce_ex__(4), the state's type and tuple length recorded;
3. a probe of the hook, each in a forked child of this process: cls.__new__(cls), then __setstate__ with the state the
   library wrote less its last item (as a tuple and as a list), and with an empty tuple. A hook that checks its
   input raises; one that trusts it returns (it read items that are not there) or the child dies of a signal.

A class is written to the facts when it has a sample (so the written lengths are the library's) and a probe ended by
a signal or returned: the VM then admits a BUILD of such a class only with a tuple of a length the library writes.

4. which items the hook converts to C numbers: for each item the library writes as a Python int, float or bool (in
   every sample of the class), a probe with the library's own state in which that item is an object whose
   __index__/__int__/__float__ report that they ran. Those items are `numbers`: the VM admits the state only with a
   number there (a planted object would have its conversion method run inside the hook).
Usage: /usr/bin/python3 scripts/data/derive-native-states.py > src/analyzers/pickle/data/native-states.json
"""
import importlib
import inspect
import json
import os
import sys
import types
import warnings

warnings.simplefilter('ignore')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'fixtures'))
from proof import in_fork  # noqa: E402
from admitted_names import admitted, inputs_digest  # noqa: E402


def native_hook(cls):
    """The class defining cls.__setstate__ when that hook is native code (an extension type's method), else None."""
    hook = inspect.getattr_static(cls, '__setstate__', None)
    if hook is None or isinstance(hook, (types.FunctionType, staticmethod, classmethod, property)):
        return None
    owner = next((c for c in cls.__mro__ if '__setstate__' in c.__dict__), None)
    if owner is None or owner is object:
        return None
    return owner


def samples():
    """Instances the libraries build themselves, by class: what their pickles carry."""
    out = []
    import numpy as np
    try:
        from sklearn.metrics import _dist_metrics as dm
        from sklearn.neighbors import BallTree, KDTree
        for name in sorted(dm.METRIC_MAPPING):
            kw = {}
            if name in ('minkowski', 'p'):
                kw = {'p': 3}
            elif name in ('wminkowski',):
                kw = {'p': 3, 'w': np.ones(2)}
            elif name == 'seuclidean':
                kw = {'V': np.ones(2)}
            elif name == 'mahalanobis':
                kw = {'VI': np.eye(2)}
            elif name == 'pyfunc':
                kw = {'func': min}
            for base in (dm.DistanceMetric, dm.DistanceMetric32):
                try:
                    out.append(base.get_metric(name, **kw))
                except Exception:
                    pass
        data = np.random.RandomState(0).rand(6, 2)
        out += [BallTree(data), KDTree(data), BallTree(data, metric='manhattan')]
    except ImportError:
        pass
    return out


def _new_reduces(cls):
    """Whether cls.__new__(cls) and its __reduce_ex__(4) return (run in a forked child: a native type may fault)."""
    cls.__new__(cls).__reduce_ex__(4)
    return 'ok'


def shape(state):
    if isinstance(state, tuple):
        return {'type': 'tuple', 'length': len(state)}
    return {'type': type(state).__name__}


def _probe(case):
    cls, state = case
    try:
        obj = cls.__new__(cls)
    except Exception as e:
        return 'new-raised:' + type(e).__name__
    obj.__setstate__(state)
    return 'returned'


def probe(cls, state):
    """Runs cls.__new__(cls).__setstate__(state) in a forked child: 'signal:NAME', 'returned' or 'raised:Type'."""
    return in_fork(_probe, (cls, state)) or 'no-result'


class _Planted:
    """An item whose conversion to a C number is observable: each conversion method records that it ran."""

    ran = []

    def __index__(self):
        _Planted.ran.append('__index__')
        return 1

    def __int__(self):
        _Planted.ran.append('__int__')
        return 1

    def __float__(self):
        _Planted.ran.append('__float__')
        return 1.0


def converted(cls, state, i):
    """Whether cls's hook, given the library's `state` with item i replaced by a _Planted, converts that item."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            planted = list(state)
            planted[i] = _Planted()
            cls.__new__(cls).__setstate__(tuple(planted))
        except Exception:  # noqa: BLE001 - a hook that refuses the object after converting it still converted it
            pass
        os.write(w, b'1' if _Planted.ran else b'0')
        os._exit(0)
    os.close(w)
    msg = os.read(r, 10)
    os.close(r)
    os.waitpid(pid, 0)
    return msg == b'1'


def number_items(states):
    """Indices every written state holds a Python int, float or bool at (numpy scalars are objects in a pickle)."""
    n = min(len(s) for s in states)
    return [i for i in range(n) if all(type(s[i]) in (int, float, bool) for s in states)]


def main():
    classes = {}
    for name in admitted():
        mod, _, attr = name.rpartition('.')
        try:
            obj = getattr(importlib.import_module(mod), attr)
        except Exception:
            continue
        if isinstance(obj, type) and native_hook(obj) is not None:
            classes[name] = obj
    written = {}
    real = {}
    states = {}
    # A native class the sample constructors above do not build: the instance its own __new__ makes (a Cython type's
    # fields zeroed), reduced by the class's own __reduce_ex__, is the library's layout for its state (Cython's
    # __reduce_cython__ writes every cdef field). Classes whose __new__ needs arguments stay without a sample.
    sampled = {type(x) for x in samples()}
    extra = []
    for cls in classes.values():
        if cls in sampled:
            continue
        made = in_fork(_new_reduces, cls)
        if made == 'ok':
            try:
                extra.append(cls.__new__(cls))
            except Exception:  # noqa: BLE001
                pass
    for inst in samples() + extra:
        cls = type(inst)
        red = inst.__reduce_ex__(4)
        state = red[2] if len(red) > 2 else None
        # Cython's own reduce writes __pyx_unpickle_<Class>(type, checksum, state) and no BUILD state: that state is
        # what its __setstate__ (__setstate_cython__) reads too, through the same __set_state function.
        if state is None and getattr(red[0], '__name__', '').startswith('__pyx_unpickle_') and len(red[1]) == 3:
            state = red[1][2]
        if state is not None:
            key = f'{cls.__module__}.{cls.__qualname__}'
            written.setdefault(key, []).append(shape(state))
            real.setdefault(key, state)
            if isinstance(state, tuple):
                states.setdefault(key, []).append(state)
    facts = {}
    for name, cls in sorted(classes.items()):
        shapes = written.get(f'{cls.__module__}.{cls.__qualname__}')
        if not shapes or any(s['type'] != 'tuple' for s in shapes):
            continue
        lengths = sorted({s['length'] for s in shapes})
        if lengths[0] == 0:  # a hook given no items reads none: nothing to read past
            continue
        short = lengths[0] - 1
        # The library's own state without its last item: every item the hook reads before that one is valid.
        fill = tuple(real[f'{cls.__module__}.{cls.__qualname__}'])[:short]
        probes = {'tuple %d' % short: probe(cls, fill), 'list %d' % short: probe(cls, list(fill)),
                  'tuple 0': probe(cls, ())}
        if not any(p == 'returned' or p.startswith('signal:') for p in probes.values()):
            continue
        owner = native_hook(cls)
        key = f'{cls.__module__}.{cls.__qualname__}'
        numbers = [i for i in number_items(states[key]) if converted(cls, real[key], i)]
        facts[name] = {'hook': f'{owner.__module__}.{owner.__qualname__}.__setstate__', 'lengths': lengths,
                       'probes': probes, **({'numbers': numbers} if numbers else {})}
    import sklearn
    import numpy
    versions = {'python': sys.version.split()[0], 'numpy': numpy.__version__, 'sklearn': sklearn.__version__}
    for lib in ('scipy', 'pandas', 'statsmodels', 'torch', 'gensim', 'xgboost', 'networkx'):
        try:
            versions[lib] = importlib.import_module(lib).__version__
        except Exception:
            versions[lib] = None
    json.dump({'generated_by': 'scripts/data/derive-native-states.py', 'inputs': inputs_digest(), 'versions': versions,
               'native_hooks_examined': len(classes),
               'note': 'classes whose native __setstate__ reads tuple/list items without a length check; a BUILD '
                       'state must be a tuple of one of `lengths` (what the library writes) whose `numbers` items '
                       'are numbers (the hook converts them to C numbers, running a planted object\'s '
                       '__index__/__int__/__float__)',
               'classes': facts}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
