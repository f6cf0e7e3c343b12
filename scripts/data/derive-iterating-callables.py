#!/usr/bin/python3
"""Which admitted callables of the python pack run special methods of their arguments
(src/analyzers/pickle/data/iterating-callables.json), for the pickle VM.

`set(x)`, `deque(x, 0)`, `Counter(x)`, `bytes(x)` and the like iterate their argument: CPython runs x's class's
__iter__ (or __getitem__), asks __len__/__length_hint__ for a size, and, for the hashing builders, hashes and compares
what it yields; the dict builders take each item apart as a (key, value) pair (iterating it) or read x.keys() and
x[key]. Which ones do is a fact of CPython, read here by calling each callable the python pack admits (in every way
the pack admits it: a call runs __new__ and __init__, NEWOBJ only __new__, copyreg._reconstructor(cls, base, state)
base.__new__(cls, state) and base.__init__(obj, state)) with probe objects that record every special method and
attribute lookup made on them, offline:

- `arg`: what the callable runs on a probe given at that position (probes with and without __index__, __bytes__,
  keys, __fspath__, __int__, __float__, __complex__, so that each of CPython's branches is taken once);
- `items`: what it runs on probes held in a list given at that position (two probes with one hash, so a hashing
  builder compares them too).

A callable the pack admits whose record is empty was called and ran nothing on its arguments. The script fails when a
pack entry cannot be resolved or called in the way the pack admits it.
Usage: /usr/bin/python3 scripts/data/derive-iterating-callables.py > src/analyzers/pickle/data/iterating-callables.json
"""
import copyreg
import importlib
import json
import os
import platform
import sys
import warnings

warnings.simplefilter('ignore')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
PACK = os.path.join(ROOT, 'src', 'rules', 'data', 'packs', 'python.json')
POSITIONS = 3

SEEN = []

# Special methods CPython looks up on the type; each records its name and answers as a bare object would.
NEUTRAL = {
    '__iter__': lambda self: iter(()),
    '__len__': lambda self: 0,
    '__length_hint__': lambda self: 0,
    '__getitem__': lambda self, k: (_ for _ in ()).throw(IndexError(k)),
    '__hash__': lambda self: 1,
    '__eq__': lambda self, o: NotImplemented,
    '__ne__': lambda self, o: NotImplemented,
    '__lt__': lambda self, o: NotImplemented,
    '__le__': lambda self, o: NotImplemented,
    '__gt__': lambda self, o: NotImplemented,
    '__ge__': lambda self, o: NotImplemented,
    '__contains__': lambda self, k: False,
    '__bool__': lambda self: True,
    '__str__': lambda self: 'probe',
    '__repr__': lambda self: 'probe',
    '__format__': lambda self, spec: 'probe',
}
# One branch each: a probe with one of these takes the path CPython gives an object that has it.
BRANCHES = {
    '__index__': lambda self: 0,
    '__bytes__': lambda self: b'',
    'keys': lambda self: [],
    '__fspath__': lambda self: 'probe',
    '__int__': lambda self: 0,
    '__float__': lambda self: 0.0,
    '__complex__': lambda self: 0j,
}


def recording(name, fn):
    def method(self, *a):
        SEEN.append(name)
        return fn(self, *a)
    return method


def probe_class(extra):
    ns = {n: recording(n, f) for n, f in NEUTRAL.items()}
    if extra is not None:
        ns[extra] = recording(extra, BRANCHES[extra])

    def __getattr__(self, name):
        SEEN.append('.' + name)
        raise AttributeError(name)

    ns['__getattr__'] = __getattr__
    return type('Probe', (), ns)


PROBES = [probe_class(None)] + [probe_class(b) for b in BRANCHES]


def resolve(name):
    module, _, attr = name.rpartition('.')
    obj = importlib.import_module(module)
    for part in attr.split('.'):
        obj = getattr(obj, part)
    return obj


def observe(call):
    """The special methods and lookups `call` made on the probes (exceptions are the probes' refusals)."""
    del SEEN[:]
    try:
        call()
    except Exception:  # noqa: BLE001 - a refusal of the probe is an answer, not a failure
        pass
    return set(SEEN)


def record(run):
    """{position: {'arg': [...], 'items': [...]}} for `run(args)` over every position and probe."""
    out = {}
    for pos in range(POSITIONS):
        arg, items = set(), set()
        for P in PROBES:
            filler = [None] * pos
            arg |= observe(lambda: run(filler + [P()]))
            items |= observe(lambda: run(filler + [[P(), P()]]))
        if arg or items:
            out[str(pos)] = {'arg': sorted(arg), 'items': sorted(items)}
    return out


def admitted_ways(entry):
    """How the pack lets a stream call the entry: 'call' (REDUCE/INST/OBJ), 'new' (NEWOBJ: cls.__new__)."""
    if entry['kind'] in ('value', 'reference') or entry.get('calls') == 'none':
        return []
    if entry.get('calls') == 'new':
        return ['new']
    return ['call', 'new'] if entry['kind'] == 'class' else ['call']


def main():
    pack = json.load(open(PACK))
    callables, bases = {}, {}
    for name, entry in sorted(pack['entries'].items()):
        ways = admitted_ways(entry)
        if not ways:
            continue
        obj = resolve(name)
        if not callable(obj):
            sys.exit(f'{name}: the pack admits a call of it, but it is not callable')
        rec = {}
        if 'call' in ways:
            rec['call'] = record(lambda args: obj(*args))
        if 'new' in ways:
            if not isinstance(obj, type):
                sys.exit(f'{name}: the pack admits NEWOBJ of it, but it is not a class')
            rec['new'] = record(lambda args: obj.__new__(obj, *args))
        callables[name] = rec
        # copyreg._reconstructor(cls, base, state) with this class as the base (and the class itself as cls).
        if isinstance(obj, type) and obj is not object:
            seen = observe(lambda: copyreg._reconstructor(obj, obj, PROBES[0]()))
            for P in PROBES[1:]:
                seen |= observe(lambda: copyreg._reconstructor(obj, obj, P()))
            items = set()
            for P in PROBES:
                items |= observe(lambda: copyreg._reconstructor(obj, obj, [P(), P()]))
            bases[name] = {'arg': sorted(seen), 'items': sorted(items)}
    json.dump(
        {
            'generated_by': 'scripts/data/derive-iterating-callables.py',
            'python': platform.python_version(),
            'pack': 'src/rules/data/packs/python.json',
            'callables': callables,
            'reconstructorBases': bases,
        },
        sys.stdout,
        indent=1,
        sort_keys=True,
    )
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
