"""numpy pack: arrays (plain, object, structured, masked, matrix, record), scalars and dtypes, random states and
generators, and the ufuncs estimators store as functions (FunctionTransformer(np.sqrt)), as numpy pickles them."""

import glob
import os

import numpy as np

PACK = "numpy"
TITLE = "NumPy arrays, scalars, dtypes, random generators and ufuncs"
MODULES = ("numpy",)
SCALARS = ("bool_ int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64 longdouble complex64 "
           "complex128 clongdouble str_ bytes_ void datetime64 timedelta64 object_ intc uintc int_ uint longlong "
           "ulonglong half single double generic number integer signedinteger unsignedinteger inexact floating "
           "complexfloating flexible character").split()
UFUNCS = [u for u in vars(np).values() if isinstance(u, np.ufunc)]


def versions():
    return {"numpy": np.__version__}


def objects():
    rng = np.random.default_rng(0)
    out = [
        ("float array", np.arange(6.0).reshape(2, 3)),
        ("fortran array", np.asfortranarray(np.eye(2))),
        ("object array", np.array([1, "a", None], dtype=object)),
        ("structured array", np.zeros(2, dtype=[("x", "<f4"), ("y", "<i8", (2,))])),
        ("masked array", np.ma.masked_array([1, 2, 3], mask=[0, 1, 0])),
        ("matrix", np.matrix([[1, 2], [3, 4]])),
        ("recarray", np.rec.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")])),
        ("record", np.rec.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")])[0]),
        ("datetime64", np.array(["2020-01-01"], dtype="M8[s]")),
        ("RandomState", np.random.RandomState(0)),
        ("Generator", rng),
        ("SeedSequence", np.random.SeedSequence(0)),
        ("ufuncs", UFUNCS),
        ("scalar types", [getattr(np, t) for t in SCALARS]),
        ("dtypes", [np.dtype(t) for t in ("f8", "i4", "M8[ns]", "U3", "O")]),
    ]
    for t in ("bool_", "int8", "uint64", "float16", "float64", "complex128", "longdouble"):
        out.append((f"scalar {t}", getattr(np, t)(1)))
    out.append(("scalars str/bytes/datetime", [np.str_("x"), np.bytes_(b"x"), np.datetime64(1, "s"),
                                               np.timedelta64(2, "D")]))
    for bg in (np.random.MT19937, np.random.PCG64, np.random.PCG64DXSM, np.random.Philox, np.random.SFC64):
        out.append((bg.__name__, bg(0)))
        out.append((f"Generator({bg.__name__})", np.random.Generator(bg(0))))
    out.append(("mean function", np.mean))
    return out


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")


def streams():
    # numpy 2's StringDType is not in Debian's stable numpy: its names are read from the committed real files
    # (numpy 2.0.2 and 2.4.6, scripts/fixtures/numpy-stringdtype.py).
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "test", "fixtures", "numpy-stringdtype", "*", "*.pkl"))):
        with open(path, "rb") as fh:
            out.append((os.path.relpath(path, ROOT), fh.read()))
    return out


_RECON = "ndarray reconstruction"
FUNCTIONS = {
    "numpy.core.multiarray._reconstruct": (
        "reconstructor",
        "_reconstruct(subtype, shape, dtype) = ndarray.__new__(subtype, shape, dtype): an empty array of the subtype "
        "(the state follows through ndarray.__setstate__: shape, dtype, flags and raw bytes)",
    ),
    "numpy.core.multiarray.scalar": ("reconstructor", "scalar(dtype, bytes): a numpy scalar from its raw bytes"),
    "numpy.core.numeric._frombuffer": ("reconstructor", "_frombuffer(buf, dtype, shape, order): an array over bytes"),
    "numpy.ma.core._mareconstruct": (
        "reconstructor",
        "_mareconstruct(subtype, baseclass, baseshape, basetype): ndarray.__new__ of base and mask, then view as the "
        "subtype",
    ),
    "numpy.random._pickle.__randomstate_ctor": (
        "reconstructor",
        "__randomstate_ctor(bit_generator_name='MT19937'): looks the name up in numpy's fixed BitGenerators table "
        "(KeyError otherwise) and builds RandomState over it",
    ),
    "numpy.random._pickle.__generator_ctor": (
        "reconstructor",
        "__generator_ctor(bit_generator_name='MT19937'): fixed BitGenerators table lookup, then Generator",
    ),
    "numpy.random._pickle.__bit_generator_ctor": (
        "reconstructor",
        "__bit_generator_ctor(bit_generator_name='MT19937'): fixed BitGenerators table lookup",
    ),
    # numpy >= 2.0 (numpy/_core/_internal.py): StringDType.__reduce__ writes (_convert_to_stringdtype_kwargs, (coerce,)
    # or (coerce, na_object)), which returns StringDType(coerce=coerce[, na_object=na_object]).
    "numpy.core._internal._convert_to_stringdtype_kwargs": (
        "reconstructor",
        "_convert_to_stringdtype_kwargs(coerce, na_object=<absent>) = StringDType(coerce=coerce, na_object=na_object): "
        "numpy 2's variable-width text dtype; its constructor takes bool(coerce), na_object != na_object and "
        "str(na_object), and an array of it runs == with na_object and str() on every item it is given (admitted only "
        "with a bool coerce, a None, float, str or pandas.NA na_object, used only as an array's dtype, with items that "
        "are plain values: numpy-strings.ts)",
    ),
    "numpy.mean": ("function", "pure reduction (FeatureAgglomeration.pooling_func stores it); computes on arrays"),
    # numpy < 1.20's ufunc reduce wrote (_ufunc_reconstruct, (module, name)); every numpy since keeps the function.
    "numpy.core._ufunc_reconstruct": (
        "reconstructor",
        "_ufunc_reconstruct(module, name) = getattr(__import__(module, fromlist=[name]), name): an import by name, "
        "admitted only with two literal str arguments (call-hooks.ts), the name they form judged as the stream's own "
        "import (callable-models.ts)",
    ),
}
for _u in UFUNCS:
    FUNCTIONS[f"numpy.core._multiarray_umath.{_u.__name__}"] = (
        "function",
        f"ufunc {_u.__name__}: elementwise math on arrays (FunctionTransformer(func=...) stores ufuncs)",
    )
_ALIAS_OF = {}
for _t in SCALARS:
    _cls = getattr(np, _t)
    if _cls.__name__ == _t:
        FUNCTIONS[f"numpy.{_t}"] = ("value", f"numpy scalar type {_t} (dtype argument or dtype selector)")
    else:  # intc, half, longdouble, ...: another name numpy defines for the same type
        _ALIAS_OF[f"numpy.{_t}"] = (f"numpy.{_cls.__name__}", f"numpy's alias {_t} of the same scalar type", "alias")

REVIEW = {
    "numpy.ndarray.__new__": ("data", "allocates an array of a shape and dtype"),
    "numpy.ndarray.__setstate__": ("data", "(version, shape, dtype, is_fortran, raw bytes or list): fills the array"),
    "numpy.dtype.__new__": ("data", "a dtype from a type code, list of fields or a type; no import by name"),
    "numpy.dtype.__setstate__": ("data", "byte order, subarray, names, fields, itemsize, alignment, flags"),
    "numpy.generic.__setstate__": ("data", "numpy scalars: no state besides their value"),
    "numpy.ma.core.MaskedArray.__new__": ("data", "array, mask and fill value arguments"),
    "numpy.ma.core.MaskedArray.__setstate__": ("data", "ndarray state of data and mask, fill value"),
    "numpy.ma.core.MaskedArray.__setitem__": ("data", "element assignment (SETITEMS would store values)"),
    "numpy.matrix.__new__": ("data", "a 2-d view of array data (strings parsed as numbers)"),
    "numpy.recarray.__new__": ("data", "array of a record dtype over a buffer or zeros"),
    "numpy.core.records.record.__setstate__": ("data", "numpy void scalar state"),
    "numpy.random.mtrand.RandomState.__setstate__": ("data", "set_state(state): the generator's integer state"),
    "numpy.random.mtrand.RandomState.__init__": ("data", "seed or bit generator"),
    "numpy.random._generator.Generator.__setstate__": ("data", "bit_generator.state = state (a dict of ints)"),
    "numpy.random._generator.Generator.__init__": ("data", "stores the bit generator"),
    "numpy.random.bit_generator.SeedSequence.__new__": ("data", "Cython allocation"),
    "numpy.random.bit_generator.BitGenerator.__setstate__": ("data", "self.state = state (a dict of ints)"),
    "numpy.random.bit_generator.BitGenerator.__init__": ("data", "seed sequence"),
    "numpy.*": ("data", "numpy C type: allocates and fills its C fields"),
}

FUNCTIONS["numpy.random.bit_generator.__pyx_unpickle_SeedSequence"] = (
    "reconstructor",
    "Cython-generated __pyx_unpickle_SeedSequence(type, checksum, state): checksum and subtype checked, then the "
    "C fields from the state",
)

# Classes newer numpy names in its pickles (numpy >= 1.25 passes the bit generator class to __bit_generator_ctor):
# derived from this numpy like any other class.
EXTRA_NAMES = {
    "numpy.core._ufunc_reconstruct": "numpy < 1.20 pickles of ufuncs",
    "numpy.core._internal._convert_to_stringdtype_kwargs": "numpy >= 2.0 pickles of StringDType arrays",
    "numpy.random.mtrand.RandomState": "",
    "numpy.random._generator.Generator": "",
    "numpy.random._mt19937.MT19937": "",
    "numpy.random._pcg64.PCG64": "",
    "numpy.random._pcg64.PCG64DXSM": "",
    "numpy.random._philox.Philox": "",
    "numpy.random._sfc64.SFC64": "",
}

# Names of the same objects in other numpy releases: numpy >= 2 moved numpy.core to numpy._core; numpy < 1.17 wrote
# numpy.random.__RandomState_ctor; older pickles name the record classes by their numpy.core.records path.
OLD_NAMES = {
    **_ALIAS_OF,
    "numpy.random.__RandomState_ctor": (
        "numpy.random._pickle.__randomstate_ctor",
        "numpy < 1.17 wrote numpy.random.__RandomState_ctor(); same role, no argument",
    ),
    "numpy.core.records.record": ("numpy.record", "older numpy named the record scalar by its module path"),
    "numpy.core.records.recarray": ("numpy.recarray", "older numpy named recarray by its module path"),
    "numpy.matrixlib.defmatrix.matrix": ("numpy.matrix", "older numpy named matrix by its module path"),
}
for _name in [k for k in FUNCTIONS if k.startswith("numpy.core.")]:
    OLD_NAMES["numpy._core." + _name[len("numpy.core."):]] = (_name, "numpy >= 2 moved numpy.core to numpy._core",
                                                              "newer")
# Newer numpy names some objects by their public module (numpy/_utils set_module, numpy/_core/multiarray.py
# _override___module__; read in numpy 2.4's source): MaskedArray as numpy.ma.MaskedArray (a GridSearchCV's
# cv_results_ holds masked arrays) and the ufuncs as numpy.<name> (FunctionTransformer(np.log1p)). The same objects:
# numpy 1.24 resolves each of these names to the object the pack derived.
OLD_NAMES["numpy.ma.MaskedArray"] = ("numpy.ma.core.MaskedArray", "newer numpy names MaskedArray by numpy.ma", "newer")
# numpy >= 2.0 names recarray by numpy.rec (numpy/_core/records.py: @set_module("numpy.rec") class recarray).
OLD_NAMES["numpy.rec.recarray"] = ("numpy.recarray", "newer numpy names recarray by numpy.rec", "newer")
for _u in UFUNCS:
    if getattr(np, _u.__name__, None) is _u and f"numpy.{_u.__name__}" not in FUNCTIONS:
        OLD_NAMES[f"numpy.{_u.__name__}"] = (f"numpy.core._multiarray_umath.{_u.__name__}",
                                              "newer numpy names its ufuncs by their public name numpy.<name>",
                                              "newer")

NOT_ADMITTED = {
    "numpy.vectorize": "vectorize(pyfunc) wraps a callable taken from the pickle and calls it on every element (a stream "
                       "may use it only in the vecentropy shape scipy's discrete distributions write, which the pickle "
                       "VM checks use by use)",
    "numpy.frompyfunc": "wraps any Python callable as a ufunc",
    "numpy.memmap": "memmap(filename) maps a file (named-only use is handled by the dangerous table)",
    "numpy.load": "unpickles object arrays of a file",
}
