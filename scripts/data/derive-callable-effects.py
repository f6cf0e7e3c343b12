#!/usr/bin/python3
"""Derive the effect model of every callable the allowlist packs admit, for the pickle VM.

For each pack entry that a stream can call (reconstructors, functions) the model says what the call returns (a new
instance of the class passed as argument k, argument k itself, a fixed class, something unknown), what it calls (an
argument, a method of an argument or of an object array's elements) and which argument classes the library itself
passes it. Each claim is written next to the library code it comes from (REVIEWED, reviewed like the pack names) and
then checked here against the installed library with probe arguments (a probe class, a probe callable, a probe
element): a claim the library does not bear out stops the script. For pack classes it records the flags the VM needs:
dict subclasses whose __getattr__ answers from their items and that have no __setstate__ (BUILD's lookup of
__setstate__ then returns a planted item), and every dict subclass (`dict`: an instance of it given as a BUILD state has
its entries set as attributes). Nothing here reads a pickle.

Run with Debian's interpreter (numpy 1.24, pandas 1.5, scipy 1.10):
/usr/bin/python3 scripts/data/derive-callable-effects.py > src/analyzers/pickle/data/callable-effects.json
"""
import glob
import importlib
import io
import json
import os
import pickle
import sys
import warnings

import numpy as np
import pandas as pd
import scipy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import class_effects  # noqa: E402
from admitted_names import inputs_digest  # noqa: E402

warnings.filterwarnings('ignore')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
PACKS = sorted(glob.glob(os.path.join(ROOT, 'src', 'rules', 'data', 'packs', '*.json')))
ALLOWLISTS = [os.path.join(ROOT, 'src', 'rules', 'data', f) for f in ('sklearn-allowlist.json', 'torch-allowlist.json')]

# ---------------------------------------------------------------- reviewed claims, by the callable's current name
# returns: list of alternatives (the result may be any of them): {"new": k} an instance of the class passed as argument
#   k; {"arg": k} argument k itself; {"fixed": "module.Class"}; {"unknown": true}.
# calls: {"arg": k, "with": [i, ...]} calls argument k with arguments i...; {"method": m, "of": [k...], "elements":
#   true} calls method m of argument k (of each element of an object-dtype array argument).
# written: "call" when the library's own pickles call it; "reference" when they only name it (any call is a stream's).
# args: {k: root class} the library passes argument k only classes derived from root (the pack classes that are
#   listed under families); {k: "data"} only str/bytes (never an object).
# newKwargs: k — the call runs cls.__new__(cls, **args[k]) for the class passed as argument 0 (its __new__ sinks then
#   take their keywords from that dict).
# shapeChecked: the VM checks the arguments against the shape the library writes (call-hooks.ts): the sinks read from
#   the callable's source (what any other arguments would reach) are not attached.
# compat: pandas.read_pickle's compat unpickler answers the TypeError this call raises for argument 0 with
#   object.__new__(args[0]) (pandas/compat/pickle_compat.py load_reduce).
REVIEWED = {
    'numpy.core.multiarray._reconstruct': {
        'returns': [{'new': 0}], 'written': 'call', 'args': {'0': 'numpy.ndarray'}, 'compat': True,
        'source': 'numpy/core/src/multiarray/multiarraymodule.c array__reconstruct: PyArray_NewFromDescr(subtype, ...); '
                  'pandas/compat/pickle_compat.py load_reduce: TypeError "_reconstruct: First argument must be a '
                  'sub-type of ndarray" -> object.__new__(cls)'},
    'numpy.core.multiarray.scalar': {
        'returns': [{'fixed': 'numpy.generic'}, {'arg': 1}], 'written': 'call', 'args': {'1': 'data'},
        'source': 'numpy/core/src/multiarray/multiarraymodule.c array_scalar: for an object dtype returns its second '
                  'argument itself (numpy never writes that: "Object scalars should never be created")'},
    'numpy.core._ufunc_reconstruct': {
        'returns': [{'unknown': True}], 'written': 'call', 'args': {'0': 'data', '1': 'data'}, 'shapeChecked': True,
        'source': 'numpy/core/__init__.py _ufunc_reconstruct: getattr(__import__(module, fromlist=[name]), name) - '
                  'numpy < 1.20 wrote ufuncs so; the scanner resolves two literal strs as the import they name '
                  '(callable-models.ts) and refuses any other argument (call-hooks.ts)'},
    'numpy.core.numeric._frombuffer': {
        'returns': [{'fixed': 'numpy.ndarray'}], 'written': 'call',
        'source': 'numpy/core/numeric.py _frombuffer: frombuffer(buf, dtype=dtype).reshape(shape, order=order)'},
    'numpy.ma.core._mareconstruct': {
        'returns': [{'new': 0}], 'written': 'call', 'args': {'0': 'numpy.ma.core.MaskedArray', '1': 'numpy.ndarray'},
        'source': 'numpy/ma/core.py _mareconstruct: subtype.__new__(subtype, _data, mask=_mask, dtype=basetype)'},
    'numpy.random._pickle.__randomstate_ctor': {
        'returns': [{'fixed': 'numpy.random.mtrand.RandomState'}], 'written': 'call',
        'calls': [{'arg': 1, 'with': [0]}],
        'source': 'numpy/random/_pickle.py __randomstate_ctor: RandomState(bit_generator_ctor(bit_generator_name)); '
                  'numpy writes only the name'},
    'numpy.random._pickle.__generator_ctor': {
        'returns': [{'fixed': 'numpy.random._generator.Generator'}], 'written': 'call',
        'calls': [{'arg': 1, 'with': [0]}],
        'source': 'numpy/random/_pickle.py __generator_ctor: Generator(bit_generator_ctor(bit_generator_name)); '
                  'numpy writes only the name'},
    'numpy.random._pickle.__bit_generator_ctor': {
        'returns': [{'fixed': 'numpy.random.bit_generator.BitGenerator'}], 'written': 'call',
        'source': 'numpy/random/_pickle.py __bit_generator_ctor: BitGenerators[name]()'},
    'numpy.random.bit_generator.__pyx_unpickle_SeedSequence': {
        'returns': [{'new': 0}], 'written': 'call',
        'source': 'Cython __pyx_unpickle_SeedSequence: SeedSequence.__new__(type) (subtype checked), C fields set'},
    # numpy >= 2.0 (no installed version: read from numpy 2.0.2's and 2.4.6's numpy/_core/_internal.py, and observed
    # with objects that record their method calls). Each call and each use of its result is checked by the pickle
    # analysis (src/analyzers/pickle/numpy-strings.ts).
    'numpy.core._internal._convert_to_stringdtype_kwargs': {
        'returns': [{'fixed': 'numpy.dtype'}], 'written': 'call',
        'calls': [{'method': '__bool__', 'of': [0]}, {'method': '__ne__', 'of': [1]}, {'method': '__str__', 'of': [1]}],
        'source': 'numpy/_core/_internal.py _convert_to_stringdtype_kwargs: StringDType(coerce=coerce[, na_object='
                  'na_object]); the constructor takes bool(coerce), na_object != na_object and str(na_object) '
                  '(numpy-strings.ts: a bool coerce, a None, number, str or pandas.NA na_object)'},
    'pandas._libs.arrays.__pyx_unpickle_NDArrayBacked': {
        'returns': [{'new': 0}], 'written': 'call',
        'source': 'Cython __pyx_unpickle_NDArrayBacked: NDArrayBacked.__new__(type) (subtype checked)'},
    'pandas._libs.interval.__pyx_unpickle_IntervalMixin': {
        'returns': [{'new': 0}], 'written': 'call',
        'source': 'Cython __pyx_unpickle_IntervalMixin: IntervalMixin.__new__(type) (subtype checked)'},
    'pandas._libs.tslibs.period.__pyx_unpickle_PeriodMixin': {
        'returns': [{'new': 0}], 'written': 'call', 'args': {'0': 'pandas.core.arrays.period.PeriodArray'},
        'source': 'Cython __pyx_unpickle_PeriodMixin (pandas 1.1 - 1.2 PeriodArray pickles): PeriodMixin.__new__(type) '
                  '(subtype checked; 1.5 refuses PeriodArray as not safe, and read_pickle answers that TypeError with '
                  'NDArrayBacked.__new__(PeriodArray, ...)), no C fields'},
    # pyarrow (no installed version: read from apache/arrow 25.0.0 python/pyarrow/*.pxi). Each call is checked by the
    # pickle analysis (src/analyzers/pickle/arrow-arrays.ts): the arrays must be ones Arrow's validation accepts.
    'pyarrow.lib._restore_array': {
        'returns': [{'fixed': 'pyarrow.lib.Array'}], 'written': 'call',
        'source': 'pyarrow/array.pxi _restore_array: MakeArray(_reconstruct_array_data(data)), the tuple unvalidated '
                  '(arrow-arrays.ts checks it as Arrow\'s full validation would)'},
    'pyarrow.lib.py_buffer': {
        'returns': [{'fixed': 'pyarrow.lib.Buffer'}], 'written': 'call',
        'source': 'pyarrow/io.pxi py_buffer: PyBuffer.FromPyObject(obj), a buffer over the object\'s bytes '
                  '(arrow-arrays.ts: a bytes or bytearray of the stream)'},
    'pyarrow.lib.type_for_alias': {
        'returns': [{'fixed': 'pyarrow.lib.DataType'}], 'written': 'call',
        'source': 'pyarrow/types.pxi type_for_alias: _type_aliases[name.lower()] (arrow-arrays.ts: a str)'},
    'pyarrow.lib.chunked_array': {
        'returns': [{'fixed': 'pyarrow.lib.ChunkedArray'}], 'written': 'call',
        'source': 'pyarrow/table.pxi chunked_array: a ChunkedArray of the arrays, others converted by asarray '
                  '(arrow-arrays.ts: arrays _restore_array made)'},
    'pyarrow.lib.timestamp': {
        'returns': [{'fixed': 'pyarrow.lib.TimestampType'}], 'written': 'call',
        'source': 'pyarrow/types.pxi timestamp: string_to_timeunit(unit), tzinfo_to_string(tz) for a tz that is not a '
                  'str (arrow-arrays.ts: a unit str and a tz of None, a key or a fixed offset)'},
    'pandas._libs.internals._unpickle_block': {
        'returns': [{'fixed': 'pandas.core.internals.blocks.Block'}], 'written': 'call',
        'source': 'pandas/_libs/internals.pyx _unpickle_block: new_block(values, placement, ndim=ndim)'},
    'pandas._libs.tslibs.nattype.__nat_unpickle': {
        'returns': [{'fixed': 'pandas._libs.tslibs.nattype.NaTType'}], 'written': 'call',
        'source': 'pandas/_libs/tslibs/nattype.pyx __nat_unpickle: return NaT'},
    'pandas._libs.tslibs.timedeltas._timedelta_unpickle': {
        'returns': [{'fixed': 'pandas._libs.tslibs.timedeltas.Timedelta'}], 'written': 'call',
        'source': 'pandas/_libs/tslibs/timedeltas.pyx _timedelta_unpickle: _timedelta_from_value_and_reso'},
    'pandas._libs.tslibs.timestamps._unpickle_timestamp': {
        'returns': [{'fixed': 'pandas._libs.tslibs.timestamps.Timestamp'}], 'written': 'call',
        'source': 'pandas/_libs/tslibs/timestamps.pyx _unpickle_timestamp: Timestamp._from_value_and_reso(value, '
                  'reso, tz) (tz methods are called on the tz argument)'},
    'pandas.core.indexes.base._new_Index': {
        'returns': [{'new': 0}], 'written': 'call', 'args': {'0': 'pandas.core.indexes.base.Index'}, 'newKwargs': 1,
        'source': 'pandas/core/indexes/base.py _new_Index: cls.__new__(cls, **d) for whatever cls it is given'},
    'pandas.core.indexes.datetimes._new_DatetimeIndex': {
        'returns': [{'new': 0}], 'written': 'call', 'args': {'0': 'pandas.core.indexes.datetimes.DatetimeIndex'},
        'newKwargs': 1,
        'source': 'pandas/core/indexes/datetimes.py _new_DatetimeIndex: cls._simple_new(dta, **d) or '
                  'cls.__new__(cls, **d)'},
    'pandas.core.indexes.interval._new_IntervalIndex': {
        'returns': [{'new': 0}], 'written': 'call', 'args': {'0': 'pandas.core.indexes.interval.IntervalIndex'},
        'calls': [{'method': 'from_arrays', 'of': [0]}],
        'source': 'pandas/core/indexes/interval.py _new_IntervalIndex: cls.from_arrays(**d)'},
    'pytz.FixedOffset': {
        'returns': [{'fixed': 'pytz._FixedOffset'}], 'written': 'call',
        'source': 'pytz/__init__.py FixedOffset(offset): a cached _FixedOffset'},
    'pytz._UTC': {'returns': [{'fixed': 'pytz.UTC'}], 'written': 'call', 'source': 'pytz/__init__.py _UTC: utc'},
    'pytz._p': {
        'returns': [{'fixed': 'pytz.tzinfo.BaseTzInfo'}], 'written': 'call',
        'source': 'pytz/__init__.py _p(*args) = pytz.tzinfo.unpickler(*args): timezone(zone) and its cached '
                  'localized instances'},
    'codecs.encode': {'returns': [{'fixed': 'builtins.bytes'}], 'written': 'call',
                      'source': 'CPython _codecs.encode(obj, encoding)'},
    're._compile': {'returns': [{'fixed': 're.Pattern'}], 'written': 'call',
                    'source': 'CPython re/__init__.py _compile(pattern, flags)'},
    'copyreg._reconstructor': {
        'returns': [{'new': 0}], 'written': 'call',
        'source': 'CPython copyreg.py _reconstructor: base.__new__(cls, state) (+ base.__init__(obj, state))'},
    'copyreg._reduce_ex': {
        'returns': [{'fixed': 'builtins.tuple'}], 'written': 'call',
        'calls': [{'method': '__getstate__', 'of': [0]}],
        'source': 'CPython copyreg.py _reduce_ex(self, proto): calls self.__getstate__() (found on object since '
                  'Python 3.11, before an instance __getattr__) and base(self)'},
    'numpy.mean': {
        'returns': [{'unknown': True}], 'written': 'reference', 'calls': [{'method': 'mean', 'of': [0]}],
        'source': 'numpy/core/fromnumeric.py mean: a non-ndarray argument has its own .mean(...) called'},
}
# numpy's ufuncs (every pack "function" entry of _multiarray_umath): ufunc.__reduce__ names them, numpy never writes a
# call; the object-dtype loops call the method of the ufunc's name on each element (npy_ObjectMethod loops).
UFUNC_SOURCE = ('numpy/core/src/umath/loops.c.src PyUFunc_O_O_method / PyUFunc_OO_O_method: getattr(element, '
                '<ufunc name>)(...) on object-dtype operands; ufunc pickles are references (ufunc.__reduce__)')


def resolve(name):
    """The object a dotted name denotes in this interpreter, or None."""
    parts = name.split('.')
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:i]))
        except Exception:  # noqa: BLE001 - an old or moved module
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
            return obj
        except AttributeError:
            return None
    return None


def current_name(name, entry):
    """The name a pack entry stands for today: 'old/newer/other name of X' entries and numpy's _core move map to X."""
    reason = entry.get('reason', '')
    for prefix in ('old name of ', 'newer name of ', 'other name of '):
        if reason.startswith(prefix):
            return reason[len(prefix):].split(' ')[0]
    return name


def load_packs():
    out = {}
    for path in PACKS:
        with open(path) as f:
            pack = json.load(f)
        for name, entry in pack['entries'].items():
            out[name] = (pack['pack'], entry)
    return out


ENTRIES = load_packs()


# Classes the dangerous table admits when only named (numpy's _reconstruct rebuilds a memmap as its subtype).
NAMED_ONLY = {'numpy.memmap': {'kind': 'class'}, 'numpy.core.memmap.memmap': {'kind': 'class'}}


def classes_under(root_name):
    """Pack class names (any spelling) whose class derives from root_name's class."""
    root = resolve(root_name)
    found = []
    for name, entry in [(n, e) for n, (_, e) in ENTRIES.items()] + list(NAMED_ONLY.items()):
        if entry['kind'] != 'class':
            continue
        cls = resolve(current_name(name, entry))
        if isinstance(cls, type) and isinstance(root, type) and issubclass(cls, root):
            found.append(name)
    if not found:
        sys.exit(f'no pack class derives from {root_name}')
    return sorted(found)


# ---------------------------------------------------------------- probes: each claim checked against the library
class Probe:
    """A class of the script's own: what a stream-chosen class stands for."""


calls_seen = []


def probe_callable(*a):
    calls_seen.append(a)
    return np.random.MT19937(0)


class Element:
    def arctan2(self, other):
        calls_seen.append(('arctan2', other))
        return 0.0

    def mean(self, **kw):
        calls_seen.append(('mean',))
        return 0.0


def check(cond, what):
    if not cond:
        sys.exit(f'claim not borne out by the installed library: {what}')


def probes():
    from numpy.random import _pickle as rp
    from pandas.core.indexes.base import _new_Index
    from pandas.core.indexes.datetimes import _new_DatetimeIndex
    check(type(_new_Index(Probe, {})) is Probe, '_new_Index(cls, d) builds an instance of any cls')
    check(type(_new_DatetimeIndex(Probe, {})) is Probe, '_new_DatetimeIndex(cls, d) builds an instance of any cls')

    class KwProbe:
        def __new__(cls, **kw):
            calls_seen.append(kw)
            return object.__new__(cls)

    calls_seen.clear()
    _new_Index(KwProbe, {'name': 1})
    _new_DatetimeIndex(KwProbe, {'name': 2})
    check(calls_seen == [{'name': 1}, {'name': 2}], '_new_Index/_new_DatetimeIndex call cls.__new__(cls, **d)')
    obj = Probe()
    check(np.core.multiarray.scalar(np.dtype('O'), obj) is obj, 'scalar(dtype(O), x) returns x itself')
    check(type(np.ma.core._mareconstruct(np.ma.MaskedArray, np.ndarray, (0,), 'b')) is np.ma.MaskedArray,
          '_mareconstruct builds its first argument')
    calls_seen.clear()
    rp.__generator_ctor('name', probe_callable)
    rp.__randomstate_ctor('name', probe_callable)
    check(calls_seen == [('name',), ('name',)], '__generator_ctor/__randomstate_ctor call their second argument')
    calls_seen.clear()
    left = np.empty(1, dtype=object)
    left[0] = Element()
    np.arctan2(left, np.array(['x'], dtype=object))
    check(calls_seen == [('arctan2', 'x')], "an object-dtype ufunc loop calls the element's method")
    calls_seen.clear()
    np.mean(Element())
    check(calls_seen == [('mean',)], 'numpy.mean calls the .mean of a non-array argument')
    # __pyx_unpickle_PeriodMixin(type, checksum, state): only PeriodMixin subtypes, only the empty layout's checksums.
    from pandas._libs.tslibs import period as libperiod
    for bad in ((Probe, 0xd41d8cd, None), (libperiod.PeriodMixin, 1, None)):
        try:
            libperiod.__pyx_unpickle_PeriodMixin(*bad)
            check(False, f'__pyx_unpickle_PeriodMixin{bad} is refused')
        except (TypeError, pickle.PickleError):
            pass
    check(type(libperiod.__pyx_unpickle_PeriodMixin(libperiod.PeriodMixin, 0xd41d8cd, None)) is libperiod.PeriodMixin,
          '__pyx_unpickle_PeriodMixin builds an instance of the type it is given')
    # pandas.read_pickle's compat unpickler: _reconstruct of a class that is no ndarray subtype builds it anyway.
    from pandas.compat import pickle_compat
    stream = pickle.dumps(Probe)[:-1].replace(b'\x80\x04', b'\x80\x02', 1)
    stream = (b'\x80\x02cnumpy.core.multiarray\n_reconstruct\n' + b'c' + Probe.__module__.encode() + b'\nProbe\n'
              + b'K\x00\x85C\x01b\x87R.')
    try:
        pickle.loads(stream)
        check(False, 'pickle.load accepts _reconstruct of a non-ndarray class')
    except TypeError:
        pass
    check(type(pickle_compat.load(io.BytesIO(stream))) is Probe, "pandas' compat unpickler answers with object.__new__")
    # Pickles of the library's own objects never call a ufunc or numpy.mean (they name them).
    for f in (np.add, np.arctan2, np.mean):
        check(b'\x85R' not in pickle.dumps(f, 2) and pickle.loads(pickle.dumps(f, 2)) is f, f'{f} pickles by name')


def attrs_from_items(cls):
    """A dict subclass whose attribute lookup answers from its items and that has no __setstate__ of its own."""
    if not (isinstance(cls, type) and issubclass(cls, dict)):
        return False
    if any('__setstate__' in vars(c) for c in cls.__mro__ if c is not object):
        return False
    if not any('__getattr__' in vars(c) for c in cls.__mro__ if c is not object):
        return False
    try:
        inst = cls.__new__(cls)
        dict.__setitem__(inst, 'sentinel_probe', Probe)
        return getattr(inst, 'sentinel_probe') is Probe
    except Exception:  # noqa: BLE001 - a class that cannot be probed is not claimed
        return False


STRONG = ('call', 'open', 'exec', 'compile', 'compileStr', 'import', 'loader', 'getattr')
# Special methods a load runs on an object's class without naming them: __hash__/__eq__ for a dict key or set member
# (CPython's dict/set insertion), and those a hook or an admitted callable runs on a value it is given by comparing
# (== != < <= > >=), sizing (len), iterating (for, *args, list(), sorted()), indexing (x[k], slices, range) or
# testing it (if, not, and/or: __bool__, or __len__ without one). class_effects.py records them as `dunders` of
# a label; the VM then checks these hooks of every class the value there may be.
IMPLICIT = {'__hash__': 'hash', '__eq__': 'eq', '__ne__': 'ne', '__lt__': 'lt', '__le__': 'le', '__gt__': 'gt',
            '__ge__': 'ge', '__len__': 'len', '__iter__': 'iter', '__index__': 'index', '__bool__': 'bool',
            '__getitem__': 'getitem', '__contains__': 'contains'}
HOOK_KEYS = {'__new__': 'new', '__init__': 'init', '__setstate__': 'setstate', **IMPLICIT}


def label_sinks(found, implicit):
    """{label: {sink: where, 'methods': [...], 'dunders': [...]}} from class_effects' [kind, label, where] list. For an
    implicit hook only the instance's own attributes (state.<attr>) count: the other operand is another key, element
    or value of the same operation, checked on its own; an explicit call of a special method of a value is dropped
    (a planted dunder is flagged on its own)."""
    sinks = {}
    for sink_kind, label, where in found:
        if implicit and (not label.startswith('state.') or sink_kind.startswith(('method:__', 'own:__'))):
            continue
        rec = sinks.setdefault(label, {})
        if sink_kind in STRONG:
            rec[sink_kind] = where
        elif sink_kind.startswith('dunder:'):
            if sink_kind[7:] not in rec.setdefault('dunders', []):
                rec['dunders'].append(sink_kind[7:])
        elif sink_kind.startswith('own:'):  # a method of the hook's parameter itself, not of what it holds
            if sink_kind[4:] not in rec.setdefault('ownMethods', []):
                rec['ownMethods'].append(sink_kind[4:])
        elif sink_kind[7:] not in rec.setdefault('methods', []):
            rec['methods'].append(sink_kind[7:])
    for v in sinks.values():
        for k in ('methods', 'dunders', 'ownMethods'):
            if k in v:
                v[k].sort()
    return dict(sorted(sinks.items()))


def class_hook_effects(name, entry, cls):
    """The sinks of the class's __new__, __init__ (when the library's pickles call the class) and __setstate__, read
    from the library's source with ast (class_effects.py), and whether the pack admits the hook only in the shape its
    library writes ("shape" verdict: the VM checks that shape itself, call-hooks.ts / state-hooks.ts)."""
    from pack_derivation import class_hooks

    out = {}
    if not isinstance(cls, type):
        return out
    checked = entry.get('checked', '')
    hooks = class_hooks(cls, entry.get('calls') != 'new')
    import inspect

    # A dict key or set member runs its class's __hash__; a hash collision with another key runs __eq__ of one of
    # them (CPython's dict/set compare with PyObject_RichCompare, the reflected operand's __eq__ when the first answers
    # NotImplemented). Instances whose __hash__ reads their state collide at will (equal states, or a BUILD after the
    # insertion changes what the next comparison reads), so both are modelled; so are the other special methods a
    # hook or callable runs on a value it compares, sizes, iterates, indexes or tests (IMPLICIT).
    for extra in IMPLICIT:
        owner_cls = next((k for k in cls.__mro__ if extra in k.__dict__), None)
        fn = owner_cls.__dict__[extra] if owner_cls is not None else None
        if owner_cls is not None and owner_cls.__module__ != 'builtins' and inspect.isfunction(fn):
            try:
                hooks[extra] = (f'{owner_cls.__module__}.{owner_cls.__qualname__}', 'python', inspect.getsource(fn))
            except (OSError, TypeError):
                pass
    for hook, key in HOOK_KEYS.items():
        if hook not in hooks:
            continue
        owner, kind, src = hooks[hook]
        fn = next(k.__dict__[hook] for k in cls.__mro__ if hook in k.__dict__)
        eff = class_effects.hook_effects(cls, hook, kind, src, getattr(fn, '__func__', fn))
        sinks = label_sinks(eff['sinks'], hook in IMPLICIT)
        rec = {}
        if sinks:
            rec['sinks'] = sinks
            rec['params'] = eff.get('params', [])
        if not rec:
            continue
        # One record per hook body (a base class's __setstate__ shared by its subclasses); a subclass whose own
        # methods change what the hook reaches gets a record of its own.
        ref = f'{owner}.{hook}'
        while ref in HOOK_RECORDS and HOOK_RECORDS[ref] != rec:
            ref = f'{owner}.{hook} as {name}' if ' as ' not in ref else ref + "'"
        HOOK_RECORDS[ref] = rec
        out[key] = ref
        if ref in checked or f'{owner}.{hook}' in checked:
            out[key + 'Shape'] = True
    return out


HOOK_RECORDS = {}
# Calls the effect derivation cannot resolve (Cython cdef functions, which no Python attribute names), each reviewed
# in the pinned source: what it does with the stream value it is handed.
REVIEWED_UNRESOLVED = {
    '_timedelta_from_value_and_reso': 'pandas/_libs/tslibs/timedeltas.pyx: cdef _timedelta_from_value_and_reso(cls, '
                                      'int64_t value, NPY_DATETIMEUNIT reso): typed C arguments (a value that is not '
                                      'an int raises TypeError at the call), then _Timedelta.__new__(cls, ...) of ints',
}


def new_kwargs_call(cur, eff, ref):
    """A newKwargs callable whose source calls its class argument (`cls(values, **d)` in pandas' _new_PeriodIndex,
    reached from _new_Index through an import inside its body) does what the newKwargs model already checks:
    cls.__new__(cls, data=values, **d), then __init__, which every class of the family inherits from object (checked
    here). The call sink on that argument is therefore dropped; every other sink stays."""
    sinks = HOOK_RECORDS[ref]['sinks'].get('arg:0', {})
    if 'call' not in sinks:
        return
    family = eff.get('args', {}).get('0')
    check(family is not None, f'{cur}: a newKwargs callable names the family of its class argument')
    for name in classes_under(family):
        cls = resolve(current_name(name, ENTRIES[name][1] if name in ENTRIES else NAMED_ONLY[name]))
        check(cls.__init__ is object.__init__, f'{cur}: {name} defines its own __init__, which the call would run')
    del sinks['call']


def pyx_function(module_name, name):
    """Source of a module-level Cython function in the .pyx Debian installs beside the extension, or None."""
    from pack_derivation import _pyx_source
    import re

    text = _pyx_source(module_name)
    if text is None:
        return None
    lines = text.split('\n')
    for i, line in enumerate(lines):
        if re.match(rf'^(?:cp?def|def)\s+(?:\w+\s+)?{re.escape(name)}\s*\(', line):
            out = [line]
            for nxt in lines[i + 1:]:
                if nxt.strip() and not nxt.startswith((' ', '\t', ')')):
                    break
                out.append(nxt)
            return '\n'.join(out)
    return None


def callable_sinks(cur):
    """The hook-record reference of a pack callable's own sinks (what it does with its arguments), or None."""
    fn = resolve(cur)
    if fn is None:
        return None
    eff = class_effects.function_effects(fn)
    if eff is None:
        module, _, name = cur.rpartition('.')
        src = pyx_function(module, name)
        eff = class_effects.function_effects(fn, 'cython', src) if src else None
    # A call the derivation cannot resolve (a name bound by nothing it can import) while a stream value is among its
    # arguments could do anything with that value: the derivation stops rather than read it as doing nothing.
    if eff is not None:
        left = [u for u in eff['unresolved'] if u.rsplit(': ', 1)[-1].removesuffix('(…)') not in REVIEWED_UNRESOLVED]
        if left:
            sys.exit(f'{cur}: calls the derivation cannot resolve: {", ".join(left)}')
    if eff is None or not eff['sinks']:
        return None
    ref = f'{cur} (call)'
    HOOK_RECORDS[ref] = {'sinks': label_sinks(eff['sinks'], False), 'params': eff['params']}
    return ref


def main():
    probes()
    callables = {}
    families = {}
    for name, (pack, entry) in sorted(ENTRIES.items()):
        if entry['kind'] not in ('reconstructor', 'function', 'reference'):
            continue
        cur = current_name(name, entry).replace('numpy._core.', 'numpy.core.')
        if cur.endswith('__RandomState_ctor'):
            cur = 'numpy.random._pickle.__randomstate_ctor'
        for old, new in (('pandas.tslib.', 'pandas._libs.tslibs.nattype.'),
                         ('pandas._libs.tslib.', 'pandas._libs.tslibs.nattype.')):
            if cur.startswith(old) and cur.endswith('__nat_unpickle'):
                cur = new + '__nat_unpickle'
        if cur in REVIEWED:
            eff = dict(REVIEWED[cur])
        elif '._multiarray_umath.' in cur:
            ufunc = cur.rsplit('.', 1)[1]
            check(isinstance(resolve(cur), np.ufunc), f'{cur} is a ufunc')
            eff = {'returns': [{'fixed': 'numpy.ndarray'}], 'written': 'reference',
                   'calls': [{'method': ufunc, 'of': [0, 1], 'elements': True}], 'source': 'ufunc'}
        elif entry['kind'] == 'reference':
            eff = {'returns': [{'unknown': True}], 'written': 'reference',
                   'source': f'the {pack} pack admits it as a stored reference only'}
        else:
            sys.exit(f'no reviewed effect for {name} (current name {cur}): add it to REVIEWED')
        for root in eff.get('args', {}).values():
            if root != 'data' and root not in families:
                families[root] = classes_under(root)
        if cur != name:
            eff['as'] = cur
        # A callable the VM admits only in the shape its library writes, checking that shape itself (call-hooks.ts),
        # carries no sinks derived from its source: they are what the shape check rules out.
        shape_checked = eff.pop('shapeChecked', False)
        ref = callable_sinks(cur) if eff['written'] == 'call' and not shape_checked else None
        if ref is not None:
            if 'newKwargs' in eff:
                new_kwargs_call(cur, eff, ref)
            eff['sinks'] = ref
        callables[name] = eff
    # Every pack class: calling it (or NEWOBJ) makes an instance of it; the flag says BUILD may find a planted item.
    classes = {}
    for name, (pack, entry) in sorted(ENTRIES.items()):
        if entry['kind'] == 'class':
            cls = resolve(current_name(name, entry))
            classes[name] = {'attrsFromItems': True} if attrs_from_items(cls) else {}
            # A dict subclass: CPython's default BUILD takes an instance of it as a state and sets each entry as an
            # attribute (the VM reads the entries a state object holds: vm.ts objectItems).
            if isinstance(cls, type) and issubclass(cls, dict):
                classes[name]['dict'] = True
            classes[name].update(class_hook_effects(name, entry, cls))
    # The classes the scikit-learn and torch allowlists admit (derived by their own scripts): their hooks get the same
    # sinks; they are kept apart from the pack classes, whose entries also say how their instances answer lookups.
    allowlisted = {}
    for path in ALLOWLISTS:
        with open(path) as f:
            names = json.load(f)['entries']
        for name in sorted(names):
            if name in classes:
                continue
            cls = resolve(name)
            if not isinstance(cls, type):
                continue
            hooks = class_hook_effects(name, {}, cls)
            if issubclass(cls, dict):
                hooks['dict'] = True
            if hooks:
                allowlisted[name] = hooks
    out = {
        'generated_by': 'scripts/data/derive-callable-effects.py',
        'inputs': inputs_digest(history=False),
        'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'pandas': pd.__version__,
                     'scipy': scipy.__version__},
        'callables': callables,
        # args {k: root}: the classes (pack names, any spelling) the library passes as argument k derive from root.
        'families': families,
        'classes': classes,
        'allowlistClasses': allowlisted,
        # sinks of the constructors and state hooks the classes name (class_effects.py): label -> {sink: where} and
        # 'methods' (methods of that value the hook calls); labels: arg:<i> (params[i]), arg:<name>, arg:** , state,
        # state.<key>.
        'hooks': dict(sorted(HOOK_RECORDS.items())),
    }
    out['ufunc_source'] = UFUNC_SOURCE  # the source of every entry whose source is 'ufunc'
    # One line per entry, so a review reads the model entry by entry.
    lines = ['{']
    for i, (key, val) in enumerate(out.items()):
        end = ',' if i < len(out) - 1 else ''
        if isinstance(val, dict) and key in ('callables', 'classes', 'families', 'hooks', 'allowlistClasses'):
            items = [f' {json.dumps(k)}: {json.dumps(v)}' for k, v in val.items()]
            lines.append(f' {json.dumps(key)}: {{')
            lines.extend(x + (',' if j < len(items) - 1 else '') for j, x in enumerate(items))
            lines.append(' }' + end)
        else:
            lines.append(f' {json.dumps(key)}: {json.dumps(val)}{end}')
    lines.append('}')
    sys.stdout.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
