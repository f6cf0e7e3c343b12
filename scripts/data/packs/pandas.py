"""pandas pack: DataFrame, Series, every Index kind, block managers, extension arrays and dtypes, date/time scalars
and offsets, as pandas 1.5 pickles them (pickle at protocols 0-5, DataFrame.to_pickle, joblib). Old names that
pandas.read_pickle maps (pandas.compat.pickle_compat._class_locations_map) are kept where their target is admitted."""

import datetime
import hashlib
import io
import sys

import numpy as np
import pandas as pd
import pytz

PACK = "pandas"
TITLE = "pandas data structures (frames, series, indexes, arrays, dtypes, date/time scalars, offsets)"
MODULES = ("pandas",)


def versions():
    return {"pandas": pd.__version__, "numpy": np.__version__}


def _frames():
    n = 6
    berlin = pytz.timezone("Europe/Berlin")
    df = pd.DataFrame(
        {
            "i64": np.arange(n, dtype="int64"),
            "i32": np.arange(n, dtype="int32"),
            "u8": np.arange(n, dtype="uint8"),
            "f64": np.linspace(0, 1, n),
            "f32": np.linspace(0, 1, n).astype("float32"),
            "c128": np.arange(n) + 1j,
            "b": [True, False] * (n // 2),
            "obj": list("abcdef"),
            "mixed": [1, "a", None, 2.5, b"x", (1, 2)],
            "cat": pd.Categorical(list("xyxyxy")),
            "cat_ord": pd.Categorical(list("lmhlmh"), categories=list("lmh"), ordered=True),
            "dt": pd.date_range("2020-01-01", periods=n, freq="D"),
            "dt_utc": pd.date_range("2020-01-01", periods=n, freq="H", tz="UTC"),
            "dt_berlin": pd.date_range("2020-03-28", periods=n, freq="12H", tz=berlin),
            "dt_tzstd": pd.date_range("2020-01-01", periods=n, tz=datetime.timezone.utc),
            "dt_fixed": pd.date_range("2020-01-01", periods=n, tz=datetime.timezone(datetime.timedelta(hours=2))),
            "td": pd.to_timedelta(np.arange(n), unit="s"),
            "per": pd.period_range("2020-01", periods=n, freq="M"),
            "iv": pd.interval_range(0, n),
            "Int8": pd.array([1, None, 3, 4, 5, 6], dtype="Int8"),
            "Int64": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
            "UInt32": pd.array([1, None, 3, 4, 5, 6], dtype="UInt32"),
            "Float64": pd.array([1.5, None, 3, 4, 5, 6], dtype="Float64"),
            "Float32": pd.array([1.5, None, 3, 4, 5, 6], dtype="Float32"),
            "boolean": pd.array([True, None, False, True, False, True], dtype="boolean"),
            "string": pd.array(list("abc") + [None, "e", "f"], dtype="string"),
            "sparse": pd.arrays.SparseArray([0, 0, 1, 0, 2, 0]),
            "sparse_f": pd.arrays.SparseArray([0.0, np.nan, 1.0, np.nan, 2.0, 0.0], kind="block"),
        }
    )
    out = [("DataFrame all dtypes", df)]
    for col in df.columns:
        out.append((f"Series {col}", df[col]))
    flagged = pd.DataFrame({"a": [1, 2]}).set_flags(allows_duplicate_labels=False)
    flagged.attrs["source"] = "derivation"
    out.append(("DataFrame flags/attrs", flagged))
    mi = pd.MultiIndex.from_product([["a", "b"], [1, 2, 3]], names=["k", "n"])
    out.append(("DataFrame MultiIndex", pd.DataFrame({"v": range(6)}, index=mi)))
    out.append(("DataFrame MultiIndex columns", pd.DataFrame(np.eye(2), columns=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)]))))
    out.append(("DataFrame float index", pd.DataFrame({"b": [True, False]}, index=[0.5, 1.5])))
    out.append(("DataFrame datetime index", pd.DataFrame({"v": range(4)}, index=pd.date_range("2021", periods=4, freq="W"))))
    out.append(("DataFrame empty", pd.DataFrame()))
    out.append(("Series named", pd.Series([1.0, 2.0], name="x", index=["a", "b"])))
    out.append(("Series sparse", pd.Series(pd.arrays.SparseArray([0, 1, 0]))))
    return out


def _indexes():
    return [
        ("RangeIndex", pd.RangeIndex(0, 10, 2, name="r")),
        ("Index object", pd.Index(["a", "b"])),
        ("Index bool", pd.Index([True, False])),
        ("Int64Index", pd.Index([1, 2, 3])),
        ("UInt64Index", pd.Index(np.array([1, 2], dtype="uint64"))),
        ("Float64Index", pd.Index([0.5, 1.5])),
        ("NumericIndex", pd.core.indexes.numeric.NumericIndex(np.array([1, 2], dtype="int32"))),
        ("Index Int64", pd.Index(pd.array([1, None], dtype="Int64"))),
        ("Index string", pd.Index(pd.array(["a", None], dtype="string"))),
        ("DatetimeIndex", pd.date_range("2020-01-01", periods=3, freq="D")),
        ("DatetimeIndex tz", pd.date_range("2020-01-01", periods=3, freq="B", tz="America/New_York")),
        ("TimedeltaIndex", pd.timedelta_range("1 day", periods=3, freq="6H")),
        ("PeriodIndex", pd.period_range("2020Q1", periods=3, freq="Q")),
        ("IntervalIndex", pd.IntervalIndex.from_breaks([0.0, 1.0, 2.5], closed="left")),
        ("CategoricalIndex", pd.CategoricalIndex(["a", "b", "a"])),
        ("MultiIndex", pd.MultiIndex.from_arrays([[1, 2], ["x", "y"]], names=["n", "s"])),
    ]


def _arrays_and_scalars():
    out = [
        ("Categorical", pd.Categorical(["a", "b", None])),
        ("DatetimeArray", pd.arrays.DatetimeArray(pd.date_range("2020", periods=2)._data)),
        ("TimedeltaArray", pd.array(pd.to_timedelta([1, 2], unit="D"))),
        ("PeriodArray", pd.array(pd.period_range("2020", periods=2, freq="A"))),
        ("IntervalArray", pd.arrays.IntervalArray.from_breaks([0, 1, 2])),
        ("SparseArray", pd.arrays.SparseArray([0, 0, 3])),
        ("PandasArray", pd.arrays.PandasArray(np.array([1, 2]))),
        ("BooleanArray", pd.array([True, None], dtype="boolean")),
        ("StringArray", pd.array(["a", None], dtype="string")),
        ("Timestamp", pd.Timestamp("2020-01-01 12:00")),
        ("Timestamp utc", pd.Timestamp("2020-01-01", tz="UTC")),
        ("Timestamp pytz", pd.Timestamp("2020-07-01", tz="Europe/Paris")),
        ("Timedelta", pd.Timedelta("1 days 2 hours")),
        ("Period", pd.Period("2020-01", freq="M")),
        ("Interval", pd.Interval(0, 1, closed="both")),
        ("NaT", pd.NaT),
        ("NA", pd.NA),
        ("dtypes", [
            pd.CategoricalDtype(["a", "b"], ordered=True),
            pd.DatetimeTZDtype(tz="UTC"),
            pd.PeriodDtype("D"),
            pd.IntervalDtype("int64", closed="right"),
            pd.SparseDtype("float64", np.nan),
            pd.StringDtype(),
            pd.BooleanDtype(),
        ] + [pd.api.types.pandas_dtype(t) for t in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64")]),
    ]
    import pandas.tseries.offsets as offsets

    args = {
        "FY5253": {"weekday": 0, "startingMonth": 1, "variation": "nearest"},
        "FY5253Quarter": {"weekday": 0, "startingMonth": 1, "qtr_with_extra_week": 1, "variation": "nearest"},
        "WeekOfMonth": {"week": 1, "weekday": 2},
        "LastWeekOfMonth": {"weekday": 4},
        "DateOffset": {"months": 1, "days": 2},
        "CustomBusinessDay": {"holidays": ["2020-01-01"], "weekmask": "Mon Tue Wed Thu Fri"},
    }
    for name in offsets.__all__:
        cls = getattr(offsets, name)
        if name in ("BaseOffset", "Tick"):
            continue
        out.append((f"offset {name}", cls(**args.get(name, {}))))
    out.append(("offset Week(weekday)", offsets.Week(weekday=3)))
    return out



def _stored_functions():
    """Estimators that store a pandas function as a value (STORED_FUNCTIONS): a fitted scikit-learn Pipeline whose
    FunctionTransformer keeps pd.get_dummies."""
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    frame = pd.DataFrame({"colour": ["red", "green", "blue", "green"], "size": [1, 2, 3, 2]})
    pipe = Pipeline([("dummies", FunctionTransformer(func=pd.get_dummies)), ("model", LinearRegression())])
    return [("FunctionTransformer(func=pd.get_dummies)", pipe.fit(frame, np.arange(4.0)))]


def objects():
    return _frames() + _indexes() + _arrays_and_scalars() + _stored_functions()


def streams():
    out = []
    for label, obj in _frames()[:3]:
        buf = io.BytesIO()
        obj.to_pickle(buf, compression=None)
        out.append((f"{label} (to_pickle)", buf.getvalue()))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Review. Functions pandas' __reduce__ methods name, read one by one (Python source or pandas/_libs/*.pyx).
# (role, what it does with its arguments: the reviewed argument shape).

FUNCTIONS = {
    "pandas.core.indexes.base._new_Index": (
        "reconstructor",
        "_new_Index(cls, d): PeriodIndex subclasses go to _new_PeriodIndex; otherwise cls.__new__(cls, **d) "
        "(MultiIndex with verify_integrity=False) - the power of NEWOBJ_EX on the class it is given, nothing else",
    ),
    "pandas.core.indexes.datetimes._new_DatetimeIndex": (
        "reconstructor",
        "_new_DatetimeIndex(cls, d): cls._simple_new(DatetimeArray, **d) or cls.__new__(cls, **d); builds an index "
        "from the pickled array, tz and freq",
    ),
    "pandas.core.indexes.interval._new_IntervalIndex": (
        "reconstructor",
        "_new_IntervalIndex(cls, d) = cls.from_arrays(**d): left/right arrays, closed, name",
    ),
    "pandas.core.indexes.period._new_PeriodIndex": (
        "reconstructor",
        "_new_PeriodIndex(cls, **d): PeriodArray(ordinals, freq) then cls._simple_new, or cls(values, **d)",
    ),
    "pandas._libs.internals._unpickle_block": (
        "reconstructor",
        "_unpickle_block(values, placement, ndim) = new_block(values, placement, ndim=ndim): a block over an array",
    ),
    "pandas._libs.tslibs.timestamps._unpickle_timestamp": (
        "reconstructor",
        "_unpickle_timestamp(value, freq, tz, reso): Timestamp from an int64 value, then its freq is set",
    ),
    "pandas._libs.tslibs.timedeltas._timedelta_unpickle": (
        "reconstructor",
        "_timedelta_unpickle(value, reso): Timedelta from an int64 value and a resolution code",
    ),
    "pandas._libs.tslibs.nattype.__nat_unpickle": ("reconstructor", "__nat_unpickle(*args) returns the NaT constant"),
    "pandas._libs.arrays.__pyx_unpickle_NDArrayBacked": (
        "reconstructor",
        "Cython-generated __pyx_unpickle_NDArrayBacked(type, checksum, state): refuses an unknown layout checksum and "
        "any type that is not an NDArrayBacked subtype, then sets the C fields from the state",
    ),
    "pandas._libs.tslibs.period.__pyx_unpickle_PeriodMixin": (
        "reconstructor",
        "Cython-generated __pyx_unpickle_PeriodMixin(type, checksum, state), which pandas 1.1 - 1.2 wrote for a "
        "PeriodArray: checksum and subtype checked (1.5 refuses PeriodArray as not safe; read_pickle's compat unpickler "
        "then builds it with NDArrayBacked.__new__), no C fields; the BUILD that follows runs PeriodArray's own "
        "__setstate__",
    ),
    "pandas._libs.interval.__pyx_unpickle_IntervalMixin": (
        "reconstructor",
        "Cython-generated __pyx_unpickle_IntervalMixin(type, checksum, state): checksum and subtype checked, then the "
        "C fields from the state",
    ),
}
VALUES = {"pandas._libs.missing.NA": "the pd.NA singleton, named as a value (NAType.__reduce__ returns 'NA')"}

_SETTERS = "assigns the pickled fields to the object's attributes; calls nothing taken from the state"
_DATA_INIT = "validates and stores its numeric/str arguments (n, normalize, weekday, month, ...); no I/O"
_APPEND = "APPENDS on this object concatenates data (no callable from the pickle is called)"
_SETITEM = "SETITEMS on this object stores values under keys (data only)"
_NEW = "builds the object from array/list arguments and dtype names (pandas_dtype: a fixed registry and numpy dtypes)"
_CUSTOM = (
    "_init_custom -> _get_calendar(weekmask, holidays, calendar) calls calendar.holidays() on the calendar argument; "
    "the offsets' __reduce__ always writes calendar=None (np.busdaycalendar does not pickle), and with None the "
    "holidays become datetime64 days as in BusinessMixin.__setstate__, so a call is admitted only with the calendar "
    "argument absent or a literal None"
)

REVIEW = {
    "pandas._libs.arrays.NDArrayBacked.__setstate__": ("data", "sets _ndarray/_dtype, then setattr of the state keys"),
    "pandas._libs.internals.BlockManager.__new__": ("data", "__cinit__ stores blocks and axes, no calls"),
    "pandas._libs.internals.BlockManager.__setstate__": (
        "data",
        "state[3]['0.14.1']: ensure_index(axes) and new_block(values, mgr_locs) per block; pandas modules imported by "
        "fixed names only",
    ),
    "pandas._libs.interval.Interval.__init__": ("data", "stores left, right and closed (validated against 4 words)"),
    "pandas._libs.sparse.BlockIndex.__init__": ("data", "stores length, block locations and lengths as int arrays"),
    "pandas._libs.sparse.IntIndex.__init__": ("data", "stores length and indices as an int array"),
    "pandas._libs.tslibs.offsets.BaseOffset.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.BusinessDay.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.BusinessHour.__init__": ("data", "stores n, normalize, start/end times and offset"),
    "pandas._libs.tslibs.offsets.BusinessHour.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.BusinessMixin.__init__": ("data", "stores n, normalize and offset"),
    "pandas._libs.tslibs.offsets.BusinessMixin.__setstate__": (
        "data",
        "sets _offset; for Custom* classes _get_calendar(weekmask, holidays, calendar=None): numpy busdaycalendar "
        "from dates (no calendar object is taken from the state)",
    ),
    "pandas._libs.tslibs.offsets.CustomBusinessDay.__init__": ("shape", _CUSTOM),
    "pandas._libs.tslibs.offsets.CustomBusinessDay.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.CustomBusinessHour.__init__": ("shape", _CUSTOM),
    "pandas._libs.tslibs.offsets._CustomBusinessMonth.__init__": ("shape", _CUSTOM),
    "pandas._libs.tslibs.offsets.Easter.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.FY5253Mixin.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.FY5253Mixin.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.FY5253Quarter.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.FY5253Quarter.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.LastWeekOfMonth.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.LastWeekOfMonth.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.MonthOffset.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.QuarterEnd.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.QuarterOffset.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.QuarterOffset.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.RelativeDeltaOffset.__setstate__": (
        "data",
        "renames the pre-0.22 'offset' key, sets n/normalize/_cache and updates __dict__ with the rest",
    ),
    "pandas._libs.tslibs.offsets.SemiMonthOffset.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.SemiMonthOffset.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.Tick.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.Tick.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.Week.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.Week.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.WeekOfMonth.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.WeekOfMonth.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.offsets.YearEnd.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.YearOffset.__init__": ("data", _DATA_INIT),
    "pandas._libs.tslibs.offsets.YearOffset.__setstate__": ("data", _SETTERS),
    "pandas._libs.tslibs.period.Period.__new__": (
        "data",
        "parses value/freq/ordinal (dates, strings through pandas' own date parser, ints) into an ordinal; no I/O",
    ),
    "pandas._libs.tslibs.period._Period.__setstate__": ("data", "sets freq and ordinal"),
    "pandas.core.arrays._mixins.NDArrayBackedExtensionArray.__setitem__": ("data", _SETITEM),
    "pandas.core.arrays.categorical.Categorical.__setstate__": (
        "data",
        "renames pre-0.15 keys (_codes/_levels/_ordered), then NDArrayBacked.__setstate__",
    ),
    "pandas.core.arrays.datetimelike.DatetimeLikeArrayMixin.__setitem__": ("data", _SETITEM),
    "pandas.core.arrays.interval.IntervalArray.__new__": ("data", _NEW),
    "pandas.core.arrays.interval.IntervalArray.__setitem__": ("data", _SETITEM),
    "pandas.core.arrays.masked.BaseMaskedArray.__setitem__": ("data", _SETITEM),
    "pandas.core.arrays.sparse.array.SparseArray.__setitem__": ("data", "raises TypeError (immutable)"),
    "pandas.core.arrays.sparse.array.SparseArray.__setstate__": (
        "data",
        "tuple state: np.ndarray.__setstate__ of the values, then fill_value and sp_index; dict: __dict__.update",
    ),
    "pandas.core.arrays.string_.StringArray.__setitem__": ("data", _SETITEM),
    "pandas.core.arrays.arrow.array.ArrowExtensionArray.__setitem__": (
        "shape",
        "converts the value with pyarrow (pa.array/pa.scalar may call the value's methods) and rebuilds the chunks; "
        "pandas writes no SETITEM(S) on its Arrow arrays, and the pickle analysis refuses any (vm.ts itemsChecked)",
    ),
    "pandas.core.dtypes.dtypes.CategoricalDtype.__setstate__": ("data", "sets _categories and _ordered"),
    "pandas.core.dtypes.dtypes.DatetimeTZDtype.__setstate__": ("data", "sets _tz and _unit"),
    "pandas.core.dtypes.dtypes.IntervalDtype.__new__": (
        "data",
        "parses a subtype/closed string against a fixed pattern, pandas_dtype(subtype); cached per (subtype, closed)",
    ),
    "pandas.core.dtypes.dtypes.IntervalDtype.__setstate__": ("data", "sets _subtype and _closed"),
    "pandas.core.dtypes.dtypes.PeriodDtype.__new__": ("data", "to_offset(freq) (a fixed table of offset names)"),
    "pandas.core.dtypes.dtypes.PeriodDtype.__setstate__": ("data", "sets _freq from the state"),
    "pandas.core.frame.DataFrame.__setitem__": ("data", _SETITEM),
    "pandas.core.frame.DataFrame.append": ("data", _APPEND),
    "pandas.core.generic.NDFrame.__setstate__": (
        "data",
        "a BlockManager or a dict: object.__setattr__ of _attrs, _flags (Flags(**flags)), the internal names and the "
        "remaining keys; calls nothing taken from the state",
    ),
    "pandas.core.indexes.base.Index.__new__": (
        "data",
        "builds an index from data/dtype/name: dtype through pandas_dtype (fixed registry, numpy), data through "
        "array constructors; getattr only reads data.dtype",
    ),
    "pandas.core.indexes.base.Index.__setitem__": ("data", "raises TypeError (immutable)"),
    "pandas.core.indexes.base.Index.append": ("data", _APPEND),
    "pandas.core.indexes.category.CategoricalIndex.__new__": ("data", _NEW),
    "pandas.core.indexes.datetimes.DatetimeIndex.__new__": ("data", _NEW),
    "pandas.core.indexes.interval.IntervalIndex.__new__": ("data", _NEW),
    "pandas.core.indexes.multi.MultiIndex.__new__": ("data", "levels and codes arrays, names; optional integrity check"),
    "pandas.core.indexes.multi.MultiIndex.append": ("data", _APPEND),
    "pandas.core.indexes.numeric.NumericIndex.__new__": ("data", _NEW),
    "pandas.core.indexes.period.PeriodIndex.__new__": ("data", _NEW),
    "pandas.core.indexes.range.RangeIndex.__new__": ("data", "start/stop/step ints or a range, name"),
    "pandas.core.indexes.timedeltas.TimedeltaIndex.__new__": ("data", _NEW),
    "pandas.core.internals.managers.BlockManager.__init__": ("data", "stores blocks and axes, optional integrity check"),
    "pandas.core.internals.managers.SingleBlockManager.__setstate__": (
        "data",
        "state[3]['0.14.1']: ensure_index(axes), new_block(extract_array(values), mgr_locs) per block",
    ),
    "pandas.core.series.Series.__setitem__": ("data", _SETITEM),
    "pandas._libs.tslibs.timestamps.Timestamp.__new__": (
        "shape",
        "parses ts_input/tz/unit into a Timestamp; a str tz is resolved by name, and 'dateutil/<path>' makes dateutil's "
        "gettz open that path (any file): admitted only called as pandas < 1.0's reduce wrote it, Timestamp(int "
        "value, None or an offset object, None) (call-hooks.ts: maybe_get_tz)",
    ),
    "pandas._libs.tslibs.timestamps._Timestamp.__setstate__": ("data", "sets value, freq, tzinfo and resolution"),
    "pandas.core.arrays.string_.StringDtype.__init__": (
        "shape",
        "storage from the argument or pandas' option, checked to be 'python' or 'pyarrow' (else ValueError); pandas 2.3 "
        "on also take na_value, checked to be pd.NA or NaN: admitted only called as pandas' reduce writes it, "
        "StringDtype(storage str or None[, pd.NA or a float]) (call-hooks.ts)",
    ),
    "pandas._libs.tslibs.timedeltas.Timedelta.__setstate__": (
        "data", "len(state), then value (and reso) from its items into the int64 C fields (a non-integer raises)"),
    "pandas._libs.tslibs.timedeltas.Timedelta.__new__": (
        "shape",
        "converts value (a Timedelta, timedelta, timedelta64, str - parsed -, int or float with unit, or keywords of "
        "components) into a Timedelta; anything else raises: admitted only called as pandas < 2.0's reduce wrote it, "
        "Timedelta(int value) (call-hooks.ts)",
    ),
    "pandas.compat.pickle_compat._LoadSparseFrame.__new__": ("data", "returns an empty DataFrame (old SparseDataFrame)"),
    "pandas.compat.pickle_compat._LoadSparseSeries.__new__": ("data", "returns an empty Series (old SparseSeries)"),
    "pandas.core.indexes.frozen.FrozenList.__setitem__": ("data", "raises TypeError (immutable)"),
    "pandas.core.indexes.frozen.FrozenList.append": ("data", "raises TypeError (immutable)"),
    "pandas.core.indexes.frozen.FrozenList.extend": ("data", "raises TypeError (immutable)"),
    "pandas.core.series.Series.append": ("data", _APPEND),
}


def family(name):
    for prefix, what in (
        ("pandas.core.frame", "DataFrame"),
        ("pandas.core.series", "Series"),
        ("pandas.core.indexes", "index"),
        ("pandas.core.internals", "block manager"),
        ("pandas._libs.internals", "block manager"),
        ("pandas.core.arrays", "extension array or dtype"),
        ("pandas.core.dtypes", "dtype"),
        ("pandas._libs.tslibs.offsets", "date offset"),
        ("pandas._libs.tslibs", "date/time scalar"),
        ("pandas._libs.sparse", "sparse index"),
        ("pandas._libs.interval", "interval scalar"),
        ("pandas._libs.arrays", "array base"),
        ("pandas.core.flags", "flags"),
    ):
        if name.startswith(prefix):
            return f"pandas {what}"
    return "pandas class"


def _old_names():
    """pandas.compat.pickle_compat._class_locations_map: names older pandas wrote, which pandas.read_pickle maps to
    the current class (plain pickle.load cannot import most of them). Targets are resolved to the class's own name."""
    import importlib

    from pandas.compat import pickle_compat

    out = {}
    for (mod, name), (new_mod, new_name) in pickle_compat._class_locations_map.items():
        why = f"written by older pandas; pandas.read_pickle maps {mod}.{name} to it"
        try:
            obj = getattr(importlib.import_module(new_mod), new_name)
            out[f"{mod}.{name}"] = (f"{obj.__module__}.{obj.__qualname__}", why)
        except Exception:  # noqa: BLE001 - a target this pandas no longer has: read_pickle raises ImportError there
            out[f"{mod}.{name}"] = (f"{new_mod}.{new_name}", why, "missing")
    return out


# Old locations the installed pandas still resolves by re-exporting the class there (plain pickle.load finds them; its
# read_pickle table has no entry for them), which older pandas pickled: the class's own entry applies. Read at the
# pinned commits: pandas 0.20 - 0.22 define Timestamp in pandas/_libs/tslib.pyx (its reduce is (Timestamp, (value,
# freq, tzinfo)), its __setstate__ assigns value/freq/tzinfo, read-only C fields of _Timestamp: AttributeError), 0.23 -
# 1.5 import the current class there (pandas 1.5.3: pandas._libs.tslib.Timestamp is
# pandas._libs.tslibs.timestamps.Timestamp); the constructor's argument shape is checked (call-hooks.ts).
REEXPORTED = {
    "pandas._libs.tslib.Timestamp": "written by pandas 0.20 - 0.22 (its reduce called the class there); the "
                                    "installed pandas re-exports the current class at that location",
}


def _reexported():
    import importlib

    out = {}
    for name, why in REEXPORTED.items():
        mod, attr = name.rsplit(".", 1)
        obj = getattr(importlib.import_module(mod), attr)
        out[name] = (f"{obj.__module__}.{obj.__qualname__}", why)
    return out


# Newer pandas keeps the same class at another path (read at the pinned commits of scripts/data/history/pins.json,
# mb6ockatf/pandas 2.0.0rc0 1a2e3001, 2.2.x dc37a6d0, 3.0.dev 1abe4157): pandas 2.1 on define SparseDtype in
# pandas/core/dtypes/dtypes.py with the hooks 1.5's has at pandas/core/arrays/sparse/dtype.py (__init__, __hash__,
# __eq__, __repr__; __hash__ and __eq__ read the same _metadata; only __init__'s fill-value check, which NEWOBJ and
# BUILD do not run, changed). pandas 2.3's pickles of sparse frames name it there.
NEWER_NAMES = {
    "pandas.core.dtypes.dtypes.SparseDtype": ("pandas.core.arrays.sparse.dtype.SparseDtype",
                                              "pandas >= 2.1 defines the same class in pandas.core.dtypes.dtypes"),
    # pandas 2.0 on define ArrowDtype in pandas/core/dtypes/dtypes.py (pinned 2.0.0rc0 1a2e3001, 3.0.dev 1abe4157):
    # the class of 1.5's pandas/core/arrays/arrow/dtype.py, the same __init__, _metadata ('storage', 'pyarrow_dtype'),
    # __eq__ and __hash__ (on str(self), which formats pyarrow_dtype).
    "pandas.core.dtypes.dtypes.ArrowDtype": ("pandas.core.arrays.arrow.dtype.ArrowDtype",
                                             "pandas >= 2.0 defines ArrowDtype in pandas.core.dtypes.dtypes", "newer"),
    # pandas/_libs/tslibs/nattype.pyx at 3.0.dev 1abe4157: `def _nat_unpickle(*args): return c_NaT`, and
    # NaTType.__reduce__ returns (_nat_unpickle, (None,)) (renamed from __nat_unpickle by pandas-dev ada009a4).
    "pandas._libs.tslibs.nattype._nat_unpickle": ("pandas._libs.tslibs.nattype.__nat_unpickle",
                                                  "pandas >= 3.0 names it _nat_unpickle: the same body, NaT returned",
                                                  "newer"),
}

# Public functions an estimator stores as a value and calls after loading: scikit-learn's
# FunctionTransformer(func=pd.get_dummies) keeps the function and calls it in transform. pickle writes a function by
# the module that defines it, which pandas moved between releases. Admitted as stored references only (calls: none):
# the stream may name one, and its own call of one is refused (get_dummies builds a frame of as many columns as the
# distinct values of what it is given, which it duck-types).
STORED_FUNCTIONS = {
    "get_dummies": "pandas.get_dummies, stored as a FunctionTransformer's func (scikit-learn calls it in transform, "
                   "after loading; the load never calls it)",
}
for _fn, _why in STORED_FUNCTIONS.items():
    _obj = getattr(pd, _fn)
    FUNCTIONS[f"{_obj.__module__}.{_obj.__qualname__}"] = ("reference", _why)


def _minor(tag):
    """(major, minor) of a release tag or version: 'v0.20.0' -> (0, 20), '3.0.dev' -> (3, 0)."""
    import re

    m = re.match(r"v?(\d+)\.(\d+)", tag)
    return int(m.group(1)), int(m.group(2))


def _stored_function_homes():
    """{name: (installed name, why, flag)}: every module that defines a STORED_FUNCTIONS function in the pandas
    releases pinned in scripts/data/history/pins.json, read with git grep from the mirrors named there (the fork of each
    pinned commit; SENTINEL_MIRRORS, default /work/.mirror), and the public module a release's set_module decorator
    gives it, read from the release wheels of scripts/data/derive-public-homes.py (from SENTINEL_WHEELS, default
    /opt/pypi/files). A home the installed pandas does not define is an old or newer name of the installed function."""
    import ast
    import json
    import os
    import subprocess
    import zipfile

    here = os.path.dirname(os.path.abspath(__file__))
    spec = json.load(open(os.path.join(here, "..", "history", "pins.json")))["pandas"]
    mirrors = os.environ.get("SENTINEL_MIRRORS", "/work/.mirror")
    homes = {}  # name -> [release tags]
    for fn in STORED_FUNCTIONS:
        for tag, commit, _date, *where in spec["versions"]:
            repo = os.path.join(mirrors, (where[0] if where else spec["repo"]).replace("/", "+"), "repo")
            found = subprocess.run(["git", "-C", repo, "grep", "-l", "-E", f"^def {fn}\\(", commit, "--",
                                    "pandas/*.py"], capture_output=True)
            if found.returncode not in (0, 1):
                raise SystemExit(f"{repo}: cannot read {commit} ({found.stderr.decode().strip()})")
            for line in found.stdout.decode().splitlines():
                path = line.split(":", 1)[1]
                if "/tests/" in path:
                    continue
                module = path[:-3].replace("/", ".").removesuffix(".__init__")
                homes.setdefault(f"{module}.{fn}", []).append(tag)
    sys.path.insert(0, os.path.join(here, ".."))
    from importlib import import_module

    wheels = os.environ.get("SENTINEL_WHEELS", "/opt/pypi/files")
    public = set()  # the homes a set_module decorator gives
    for version, wheel, sha, _commit in import_module("derive-public-homes").RELEASE_WHEELS:
        data = open(os.path.join(wheels, wheel), "rb").read()
        if hashlib.sha256(data).hexdigest() != sha:
            raise SystemExit(f"{wheel}: sha256 differs from the pinned one")
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if not name.startswith("pandas/") or not name.endswith(".py") or "/tests/" in name:
                    continue
                tree = ast.parse(z.read(name))
                for node in tree.body:
                    if not isinstance(node, ast.FunctionDef) or node.name not in STORED_FUNCTIONS:
                        continue
                    module = name[:-3].replace("/", ".").removesuffix(".__init__")
                    homes.setdefault(f"{module}.{node.name}", []).append(version)
                    for dec in node.decorator_list:
                        if isinstance(dec, ast.Call) and getattr(dec.func, "id", None) == "set_module" and \
                                dec.args and isinstance(dec.args[0], ast.Constant):
                            homes.setdefault(f"{dec.args[0].value}.{node.name}", []).append(version)
                            public.add(f"{dec.args[0].value}.{node.name}")
    out = {}
    for name, tags in sorted(homes.items()):
        fn = name.rsplit(".", 1)[1]
        obj = getattr(pd, fn)
        target = f"{obj.__module__}.{obj.__qualname__}"
        if name == target:
            continue
        span = tags[0] if len(tags) == 1 else f"{tags[0]} - {tags[-1]}"
        # A home the installed release's predecessors alone write is an old name; one a later release writes, newer.
        newer = _minor(tags[-1]) > _minor(pd.__version__)
        how = "set_module gives it this public name" if name in public else f"defines {fn} there"
        out[name] = (target, f"pandas {span}: {how}", *(("newer",) if newer else ()))
    return out


OLD_NAMES = {**_old_names(), **_reexported(), **NEWER_NAMES, **_stored_function_homes()}
# Targets of the old names that this pandas' own pickles do not name: derived like any other class.
EXTRA_NAMES = {t: "" for t, *_ in OLD_NAMES.values() if t.startswith("pandas.")}
# Names older pandas pickled that this version still defines but no longer writes (reviewed in FUNCTIONS).
EXTRA_NAMES["pandas._libs.tslibs.period.__pyx_unpickle_PeriodMixin"] = "pandas 1.1 - 1.2 PeriodArray pickles"
EXTRA_NAMES["pandas._libs.tslibs.timedeltas.Timedelta"] = "pandas < 2.0 Timedelta pickles (the class called)"
# The pyarrow-backed string array (string[pyarrow]; pandas 3's default str dtype when pyarrow is installed): pandas 2.1 on
# write NEWOBJ with no arguments and BUILD of {'_pa_array': <array>, '_dtype': StringDtype, ...}; this pandas writes
# it only when pyarrow is installed, which Debian's stable stack lacks (real files: test/fixtures/pyarrow-arrays/).
EXTRA_NAMES["pandas.core.arrays.string_arrow.ArrowStringArray"] = "pandas >= 1.2 pyarrow-backed string arrays"
# The pyarrow-backed array of any Arrow type (ArrowDtype columns: dtype_backend="pyarrow", "int64[pyarrow]"), written
# like the string array with an ArrowDtype as its _dtype: NEWOBJ and BUILD of {'_storage': 'pyarrow', 'pyarrow_dtype':
# <pyarrow DataType>} (pandas 1.5 - 3.0: no rebuild hook of its own).
EXTRA_NAMES["pandas.core.arrays.arrow.array.ArrowExtensionArray"] = "pandas >= 1.5 pyarrow-backed arrays (ArrowDtype)"
EXTRA_NAMES["pandas.core.arrays.arrow.dtype.ArrowDtype"] = "pandas >= 1.5 ArrowDtype (pandas.ArrowDtype)"

# Hooks newer pandas defines on admitted classes that this version lacks, read at the pinned commits of
# scripts/data/history/pins.json (mb6ockatf/pandas 2.1.0rc0 1b2d39cb, 3.0.dev 1abe4157; the same in pandas 3.0.5):
# (verdict, why), as REVIEW's.
_ARROW_SETSTATE = (
    "shape",
    "ArrowExtensionArray.__setstate__ (pandas >= 2.1): state['_pa_array'] (or state.pop('_data')) is passed to "
    "pyarrow.chunked_array, which converts anything but a pyarrow array with pyarrow.asarray, then the state updates "
    "the instance __dict__; admitted only with a state of '_pa_array' or '_data' (an array pyarrow's reduce wrote, "
    "itself checked by arrow-arrays.ts), '_dtype' (an ArrowDtype of an admitted type) and '_readonly' (a bool) "
    "(state-hooks.ts)",
)
NEWER_HOOKS = {
    "pandas.core.arrays.arrow.array.ArrowExtensionArray": {"__setstate__": _ARROW_SETSTATE},
    "pandas.core.arrays.string_arrow.ArrowStringArray": {
        "__setstate__": (
            "shape",
            "ArrowExtensionArray.__setstate__ (pandas >= 2.1): state['_pa_array'] (or state.pop('_data')) is passed to "
            "pyarrow.chunked_array, which converts anything but a pyarrow array with pyarrow.asarray, then the state "
            "updates the instance __dict__; admitted only with a state of '_pa_array' or '_data' (an array "
            "pyarrow's reduce wrote, itself checked by arrow-arrays.ts), '_dtype' (a StringDtype) and '_readonly' "
            "(a bool) (state-hooks.ts)",
        ),
    },
}

# Classes that pickles of older pandas call (their reduce named the class itself): reviewed with their constructor,
# and admitted only in the argument shape those versions wrote where the constructor can do more (a "shape" verdict).
CALLED_BY_OLDER = {
    "pandas._libs.tslibs.timestamps.Timestamp": "pandas < 1.0: Timestamp.__reduce__ returned (Timestamp, (value, "
                                                "freq, tz)); pandas.read_pickle maps pandas.tslib.Timestamp here",
    "pandas.core.arrays.string_.StringDtype": "pandas >= 2.3: StringDtype.__reduce__ returns (StringDtype, (storage, "
                                              "na_value)) (read at the pinned 3.0.dev commit 1abe4157)",
    "pandas._libs.tslibs.timedeltas.Timedelta": "pandas < 2.0: Timedelta.__reduce__ returned (Timedelta, (value,)), "
                                                "value the int64 nanoseconds (seen in pandas 1.1.5's pickles of offsets)",
}
