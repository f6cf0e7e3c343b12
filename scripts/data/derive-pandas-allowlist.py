#!/usr/bin/python3
"""Derive src/rules/data/pandas-allowlist.json from the installed pandas (Debian python3-pandas 1.5.3).

Method: build DataFrames, Series, every Index type, every extension array and dtype, the scalar types (Timestamp,
Timedelta, Period, Interval, NaT, NA) and every date offset; pickle each at protocols 0, 2, 4, 5, through
DataFrame.to_pickle (a buffer, no compression: the compressed variants wrap the same bytes) and joblib.dump, and
walk the bytes with pickletools.genops + a stack model (allowlist_derivation.py). Nothing is ever unpickled.

Every global found is classified: classes whose unpickling only restores data (their __new__/__setstate__/
__setitem__ hooks are listed in "unpickle_hooks"; the Python ones were read, see REVIEWED_HOOKS), the reconstructor
functions pandas names in its own __reduce__ methods (RECONSTRUCTORS: each read and described; anything else a
pickle names is excluded), and companions from other packages (numpy, builtins, pytz, datetime).

Usage: /usr/bin/python3 scripts/data/derive-pandas-allowlist.py [--out src/rules/data/pandas-allowlist.json]

Status: UNFINISHED. The review gate stops the run: 28 pandas hooks (Index.__new__/__reduce__ of the index types,
the arrays' and frames' __setitem__, IntervalDtype/PeriodDtype.__new__, ...) are not yet read and entered in
REVIEWED_HOOKS, so no pandas-allowlist.json exists and src/rules/data/allowlist.ts loads none. Until then a pickled
DataFrame is PICKLE-GLOBAL-IMPORT (HIGH) and needs an also_allow entry in the policy.
"""

import argparse
import datetime
import inspect
import io
import json
import re
import sys
import warnings
from collections import defaultdict

import numpy as np
import pandas as pd
import pytz

from allowlist_derivation import PROTOCOLS, joblib_globals, pickle_globals, resolve, walk_globals, write_json

SCRIPT = "scripts/data/derive-pandas-allowlist.py"

# ---------------------------------------------------------------------------------------------------------------
# Functions pandas' __reduce__ methods name. Read one by one (inspect.getsource for the Python ones; the Cython
# ones are pandas/_libs/*.pyx in the pandas 1.5 sources). Each builds one value of a fixed pandas type.

RECONSTRUCTORS = {
    "pandas.core.indexes.base._new_Index": (
        "Index.__reduce__ reconstructor _new_Index(cls, d): cls.__new__(cls, **d) with the pickled Index fields "
        "(PeriodIndex through _new_PeriodIndex, MultiIndex with verify_integrity=False); the class is a separate "
        "import, so this is NEWOBJ_EX with keyword arguments"
    ),
    "pandas.core.indexes.interval._new_IntervalIndex": (
        "IntervalIndex.__reduce__ reconstructor _new_IntervalIndex(cls, d) = cls.from_arrays(**d) (left, right, "
        "closed, name); the class is a separate import"
    ),
    "pandas.core.indexes.period._new_PeriodIndex": (
        "PeriodIndex reconstructor: PeriodArray(ordinals, freq) then cls._simple_new (reached through _new_Index)"
    ),
    "pandas._libs.internals._unpickle_block": (
        "Block.__reduce__ reconstructor _unpickle_block(values, placement, ndim): new_block over an array, no "
        "callable argument"
    ),
    "pandas._libs.tslibs.timestamps._unpickle_timestamp": (
        "Timestamp.__reduce__ reconstructor (value, freq, tz, reso): builds a Timestamp from an int64 value"
    ),
    "pandas._libs.tslibs.timedeltas._timedelta_unpickle": (
        "Timedelta.__reduce__ reconstructor (value, reso): builds a Timedelta from an int64 value"
    ),
    "pandas._libs.tslibs.nattype.__nat_unpickle": "NaT.__reduce__ reconstructor: returns the NaT singleton",
    "pandas._libs.tslibs.period.Period": "Period scalar class (Period(ordinal=..., freq=...) via __reduce__)",
    "pandas._libs.arrays.__pyx_unpickle_NDArrayBacked": (
        "Cython __pyx_unpickle helper for NDArrayBacked (Categorical, DatetimeArray, TimedeltaArray, PeriodArray, "
        "StringArray, PandasArray): checksum checked, NDArrayBacked.__new__(cls) only accepts its subtypes, then the "
        "(ndarray, dtype) state"
    ),
    "pandas._libs.missing.NAType": "pd.NA's type; NA pickles by name (pandas._libs.missing.NA)",
    "pandas._libs.tslibs.offsets._UnpickleOffset": "not expected",
}
RECONSTRUCTORS.pop("pandas._libs.tslibs.offsets._UnpickleOffset")

# Python __setstate__/__new__ hooks of the allowlisted classes, read with inspect.getsource (printed by --hooks).
REVIEWED_HOOKS = {
    "pandas.core.generic.NDFrame.__setstate__": (
        "sets _mgr/_attrs/_flags/_typ and the remaining state keys with object.__setattr__; calls nothing taken "
        "from the pickle"
    ),
    "pandas.core.internals.managers.BaseBlockManager.__setstate__": "(not defined in 1.5)",
    "pandas.core.internals.managers.BlockManager.__setstate__": "(inherits SingleBlockManager's logic)",
    "pandas.core.internals.managers.SingleBlockManager.__setstate__": (
        "reads state[3]['0.14.1']: ensure_index(axes), new_block(extract_array(values), placement, ndim) per block"
    ),
    "pandas.core.arrays.categorical.Categorical.__setstate__": (
        "renames pre-0.15 keys (_codes/_levels/_ordered) and sets attributes with setattr over the state dict"
    ),
    "pandas.core.arrays.sparse.array.SparseArray.__setstate__": (
        "tuple state: (nd_state, (fill_value, sp_index)) -> np.array().__setstate__(nd_state); else __dict__.update"
    ),
    "pandas.core.arrays.interval.IntervalArray.__setstate__": "(not defined in 1.5)",
    "pandas.core.dtypes.dtypes.CategoricalDtype.__setstate__": "sets _categories and _ordered from the state dict",
    "pandas.core.dtypes.dtypes.PeriodDtype.__setstate__": "(not defined in 1.5)",
    "pandas.core.dtypes.dtypes.SparseDtype.__setstate__": "(not defined in 1.5)",
    "pandas.core.dtypes.dtypes.IntervalDtype.__setstate__": "sets _subtype and _closed from the state dict",
    "pandas.core.dtypes.dtypes.DatetimeTZDtype.__setstate__": "sets _tz and _unit from the state dict",
    "pandas.core.indexes.base.Index.__setstate__": "(not defined in 1.5)",
}

# Companions from other packages that pandas pickles reference; entries here are allowlisted by this file.
COMPANIONS = {
    "pytz._UTC": "pytz's UTC singleton constructor (no arguments, returns pytz.utc)",
    "pytz._p": (
        "pytz tzinfo unpickler _p(zone, utcoffset, dstoffset, tzname) -> pytz.timezone(zone): the zone must be in "
        "pytz.all_timezones_set (a fixed list), path segments with '..' or separators are refused, and only that "
        "zone's file of the tz database is read; returns the matching DstTzInfo state"
    ),
}

# ---------------------------------------------------------------------------------------------------------------
# Objects.


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


# ---------------------------------------------------------------------------------------------------------------
# Unpickling hooks of the classes found.

HOOKS = ("__new__", "__setstate__", "__setitem__", "__reduce__", "__reduce_ex__")
_SUSPICIOUS = re.compile(r"\b(open|exec|eval|compile|__import__|getattr|import_module|read_\w+|load|loads)\s*\(")


def unpickle_hooks(cls):
    out = {}
    for klass in cls.__mro__:
        if klass.__module__ == "builtins":
            continue
        for hook in HOOKS:
            if hook not in klass.__dict__:
                continue
            where = f"{klass.__module__}.{klass.__qualname__}.{hook}"
            try:
                src = inspect.getsource(klass.__dict__[hook])
            except (OSError, TypeError):
                out[where] = "C/Cython"
                continue
            hit = _SUSPICIOUS.search(src)
            out[where] = "python" + (f"; calls {hit.group(1)}()" if hit else "")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="src/rules/data/pandas-allowlist.json")
    ap.add_argument("--hooks", action="store_true", help="print the source of every Python unpickling hook found")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")

    usage_total = defaultdict(set)
    holders = defaultdict(set)
    n_pickles = 0
    objects = _frames() + _indexes() + _arrays_and_scalars()

    def merge(label, u):
        for key, how in u.items():
            usage_total[key] |= how
            holders[key].add(label)

    not_pickled = {}
    for label, obj in objects:
        for proto in PROTOCOLS:
            u = defaultdict(set)
            try:
                pickle_globals(obj, u, protocols=(proto,))
            except Exception as exc:  # noqa: BLE001 - pandas itself cannot pickle some objects at protocol < 2
                not_pickled[f"{label} protocol {proto}"] = f"{type(exc).__name__}: {exc}"[:160]
                continue
            merge(label, u)
            n_pickles += 1
        u = defaultdict(set)
        joblib_globals(obj, u)
        merge(label, u)
        n_pickles += 1
        if isinstance(obj, (pd.DataFrame, pd.Series)):
            buf = io.BytesIO()
            obj.to_pickle(buf, compression=None)
            u = defaultdict(set)
            walk_globals(buf.getvalue(), u)
            merge(f"{label} (to_pickle)", u)
            n_pickles += 1

    entries, excluded, companions, hooks, evidence = {}, {}, {}, {}, {}
    for (module, qual), how in sorted(usage_total.items()):
        key = f"{module}.{qual}"
        held = sorted(holders[(module, qual)])
        who = ", ".join(held[:3]) + (f" and {len(held) - 3} more" if len(held) > 3 else "")
        try:
            obj = resolve(module, qual)
        except Exception as exc:  # noqa: BLE001 - report, never fail
            excluded[key] = f"unresolved: {type(exc).__name__}: {exc}"
            continue
        if not module.startswith("pandas"):
            if key in COMPANIONS:
                entries[key] = f"{COMPANIONS[key]}; in pickles of {who}"
            else:
                companions[key] = {"usage": sorted(how), "example_holders": held[:3]}
            continue
        evidence[key] = {"usage": sorted(how), "pickles_of": len(held)}
        if key in RECONSTRUCTORS:
            entries[key] = f"{RECONSTRUCTORS[key]}; in pickles of {who}"
        elif isinstance(obj, type):
            for where, what in unpickle_hooks(obj).items():
                hooks.setdefault(where, {"kind": what, "classes": 0})["classes"] += 1
            entries[key] = f"pandas data class ({_family(obj)}); unpickling restores its fields; in pickles of {who}"
        elif qual == "NA" and module == "pandas._libs.missing":
            entries[key] = f"the pd.NA singleton, named as a value; in pickles of {who}"
        else:
            excluded[key] = f"{type(obj).__name__} not reviewed as a reconstructor; used as {'/'.join(sorted(how))}"

    unreviewed = sorted(w for w, v in hooks.items() if v["kind"].startswith("python") and w not in REVIEWED_HOOKS)
    if args.hooks:
        for where in sorted(w for w, v in hooks.items() if v["kind"].startswith("python")):
            mod, cls, hook = where.rsplit(".", 2)
            print(f"### {where}\n{inspect.getsource(getattr(resolve(mod, cls), hook))}")
    if unreviewed:
        print(f"error: Python unpickling hooks not in REVIEWED_HOOKS: {unreviewed}", file=sys.stderr)
        sys.exit(1)

    doc = {
        "generated_by": SCRIPT,
        "python": sys.version.split()[0],
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "pytz": pytz.__version__,
        "method": (
            f"pickle.dumps at protocols {list(PROTOCOLS)}, DataFrame/Series.to_pickle (buffer, no compression) and "
            "joblib.dump (compress=0) of DataFrames with every column dtype, Series, every Index type, extension "
            "arrays, dtypes, scalars and date offsets, walked with pickletools.genops + a stack model; never "
            "unpickled. Classes are entries once their unpickling hooks were read (unpickle_hooks, reviewed_hooks); "
            "functions only when they are reviewed reconstructors."
        ),
        "stats": {"pickles_walked": n_pickles, "objects": len(objects), "entries": len(entries),
                  "excluded": len(excluded), "companions": len(companions)},
        "entries": entries,
        "excluded": excluded,
        "companions": companions,
        "unpickle_hooks": dict(sorted(hooks.items())),
        "reviewed_hooks": {k: v for k, v in sorted(REVIEWED_HOOKS.items()) if k in hooks},
        "evidence": evidence,
        "not_pickled": not_pickled,
    }
    write_json(args.out, doc)
    print(json.dumps(doc["stats"]), file=sys.stderr)


def _family(cls):
    mod = cls.__module__
    for prefix, what in (
        ("pandas.core.frame", "DataFrame"),
        ("pandas.core.series", "Series"),
        ("pandas.core.indexes", "index"),
        ("pandas.core.internals", "block manager"),
        ("pandas.core.arrays", "extension array"),
        ("pandas.core.dtypes", "dtype"),
        ("pandas._libs.tslibs.offsets", "date offset"),
        ("pandas._libs.tslibs", "date/time scalar"),
        ("pandas._libs.sparse", "sparse index"),
        ("pandas._libs.interval", "interval scalar"),
        ("pandas.core.flags", "flags"),
    ):
        if mod.startswith(prefix):
            return what
    return mod


if __name__ == "__main__":
    main()
