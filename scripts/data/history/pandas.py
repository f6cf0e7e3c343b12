"""pandas history pack: names that pandas' released versions pickled and that the installed version no longer
defines there (pandas.core.index, pandas.core.internals, pandas.tseries.offsets as Python classes, Panel, the
pandas.sparse package...), read by scripts/data/derive-history.py at the commits pinned in pins.json (pandas-dev's
commits, read from the forks sarvex/pandas and mb6ockatf/pandas). The current names stay reviewed in the installed
version (scripts/data/packs/pandas.py)."""

LIB = "pandas"
PACK = "pandas"
TITLE = "pandas names of older released versions"
PACKAGE = "pandas"
SAVED_BASES = ()
# Write the effect model of every admitted class (src/analyzers/pickle/data/history-effects-pandas.json).
EFFECTS = True
HELD = {
    "pandas._libs.tslib.Timestamp": "named by pandas test pickles",
    "pandas.core.base.FrozenNDArray": "named by pandas test pickles",
    "pandas.core.daterange.DateRange": "named by pandas test pickles",
    "pandas.core.datetools.BDay": "named by pandas test pickles",
    "pandas.core.index.Float64Index": "named by pandas test pickles",
    "pandas.core.index.Index": "named by pandas test pickles",
    "pandas.core.index.Int64Index": "named by pandas test pickles",
    "pandas.core.index.MultiIndex": "named by pandas test pickles",
    "pandas.core.indexes.frozen.FrozenNDArray": "named by pandas test pickles",
    "pandas.core.internals.BlockManager": "named by pandas test pickles",
    "pandas.core.internals.SingleBlockManager": "named by pandas test pickles",
    "pandas.core.panel.Panel": "named by pandas test pickles",
    "pandas.core.series.TimeSeries": "named by pandas test pickles",
    "pandas.core.sparse.array.SparseArray": "named by pandas test pickles",
    "pandas.sparse.array.SparseArray": "named by pandas test pickles",
    "pandas.sparse.frame.SparseDataFrame": "named by pandas test pickles",
    "pandas.sparse.series.SparseTimeSeries": "named by pandas test pickles",
    "pandas.tseries.index.DatetimeIndex": "named by pandas test pickles",
    "pandas.tseries.offsets.BusinessDay": "named by pandas test pickles",
    "pandas.tseries.offsets.BusinessHour": "named by pandas test pickles",
    "pandas.tseries.offsets.CustomBusinessDay": "named by pandas test pickles",
    "pandas.tseries.offsets.DateOffset": "named by pandas test pickles",
    "pandas.tseries.offsets.Day": "named by pandas test pickles",
    "pandas.tseries.offsets.Easter": "named by pandas test pickles",
    "pandas.tseries.offsets.FY5253": "named by pandas test pickles",
    "pandas.tseries.offsets.Hour": "named by pandas test pickles",
    "pandas.tseries.offsets.LastWeekOfMonth": "named by pandas test pickles",
    "pandas.tseries.offsets.Minute": "named by pandas test pickles",
    "pandas.tseries.offsets.MonthBegin": "named by pandas test pickles",
    "pandas.tseries.offsets.MonthEnd": "named by pandas test pickles",
    "pandas.tseries.offsets.QuarterBegin": "named by pandas test pickles",
    "pandas.tseries.offsets.QuarterEnd": "named by pandas test pickles",
    "pandas.tseries.offsets.SemiMonthBegin": "named by pandas test pickles",
    "pandas.tseries.offsets.SemiMonthEnd": "named by pandas test pickles",
    "pandas.tseries.offsets.Week": "named by pandas test pickles",
    "pandas.tseries.offsets.WeekOfMonth": "named by pandas test pickles",
    "pandas.tseries.offsets.YearBegin": "named by pandas test pickles",
    "pandas.tseries.offsets.YearEnd": "named by pandas test pickles",
    "pandas.tslib.Timestamp": "named by pandas test pickles",
}
EXTRA_NAMES = {}
# Bases outside the parsed .py files. pandas 0.23 - 1.0's offsets derive from pandas._libs.tslibs.offsets.BaseOffset,
# a plain Python class in a .pyx file (read at v0.23.0 - v1.0.5: 0.23's has no unpickling hook; 0.24 - 1.0.5's
# _BaseOffset hooks below are the same code in every version, hashes of their text in this file's review).
EXTERNAL_BASES = {
    "pandas._libs.tslibs.offsets.BaseOffset": {
        "why": "pandas 0.24 - 1.0 _BaseOffset (offsets.pyx): __setattr__ raises (immutable); __eq__/__hash__ compare "
               "and hash self._params, a sorted tuple of the instance's attributes; __setstate__ renames a pickled "
               "offset key (state.pop), copies a relativedelta's attributes into the state (state.update), updates "
               "the instance __dict__ and rebuilds a numpy busdaycalendar from weekmask/holidays (calendar=None): "
               "it calls pop and update of the state, nothing the state names",
        "hooks": {"__setstate__": "pyx-37166d", "__setattr__": "pyx-7e8076", "__eq__": "pyx-2f5177,a7ce31,13c6ba",
                  "__hash__": "pyx-3958b1"},
        "sinks": {"__setstate__": {"state": ["method:pop", "method:update"]}},
    },
    "pandas._libs.tslibs.offsets._Tick": {
        "why": "pandas 0.24 - 1.0 _Tick (offsets.pyx): a mixin defining only __truediv__/__rtruediv__, no unpickling "
               "hook",
        "hooks": {},
    },
}
_CAL = ("then rebuilds the numpy busdaycalendar from the weekmask and holidays the state holds (calendar=None: no "
        "calendar object's holidays() is called), through methods looked up on the instance (a state key of that name "
        "would be called: modelled)")
_PARAMS = ("hash/compare of self._params(): a sorted tuple of the instance's attributes and kwds items (a state key "
           "_params would be called, and the items() of the instance dict and of kwds: modelled)")
# owner.hook@hash -> (verdict, what the hook does[, check][, sinks the effect model adds: label -> kinds]). The effect
# model reads each hook's own text (class_effects.source_hook_effects); what the library code it calls does with the
# state (not followed there) is read here and added as sinks, so that a planted method is still reported as called.
REVIEW = {
    "pandas.tseries.offsets.BusinessMixin.__setstate__@206d8df90ca2": (
        "data", "sets the instance __dict__ to the state, " + _CAL, None,
        {"state._to_dt64": ["call"], "state.get_calendar": ["call"]}),
    "pandas.tseries.offsets.BusinessMixin.__setstate__@a174d549f6d2": (
        "data", "renames a pickled offset key (state.pop), sets the instance __dict__ to the state, " + _CAL, None,
        {}),
    "pandas.tseries.offsets.CustomBusinessDay.__setstate__@2ff2e904ade7": (
        "data", "sets the instance __dict__ to the state, " + _CAL, None,
        {"state._to_dt64": ["call"], "state.get_calendar": ["call"]}),
    "pandas.tseries.offsets.CustomBusinessDay.__setstate__@63e0a5e1a975": (
        "data", "sets the instance __dict__ to the state, then self._set_busdaycalendar(): numpy busdaycalendar from "
                "the weekmask and holidays (np.array, np.busdaycalendar)", None,
        {"state._set_busdaycalendar": ["call"]}),
    "pandas.tseries.offsets.DateOffset.__setstate__@b9b6201a22a3": (
        "data", "renames a pickled offset key (state.pop), copies a relativedelta's attributes into the state "
                "(state.update), sets the instance __dict__ to the state, " + _CAL, None, {}),
    "pandas.tseries.offsets.DateOffset.__hash__@d675dd720cfd": (
        "data", _PARAMS, None, {"state": ["method:items"], "state.kwds": ["method:items"], "state._params": ["call"]}),
    "pandas.tseries.offsets.Tick.__hash__@d675dd720cfd": (
        "data", _PARAMS, None, {"state": ["method:items"], "state.kwds": ["method:items"], "state._params": ["call"]}),
    # __eq__ runs only on a hash collision of two keys while loading (str keys' hashes are randomised): reviewed, its
    # effects are those of __hash__ (self._params() on both operands).
    "pandas.tseries.offsets.DateOffset.__eq__@34121a94ed7b": ("data", "compares _params() (after to_offset of a str)"),
    "pandas.tseries.offsets.DateOffset.__eq__@c3dfdc70b7b8": ("data", "compares _params() (after to_offset of a str)"),
    "pandas.tseries.offsets.Tick.__eq__@20c020c55647": ("data", "compares delta, else DateOffset.__eq__"),
    "pandas.tseries.offsets.Tick.__eq__@218f3a2ab2ff": ("data", "compares delta, else False"),
    "pandas.tseries.offsets.Tick.__eq__@e364b6d3d59a": ("data", "compares delta, else DateOffset.__eq__"),
    "pandas.tseries.offsets.Tick.__eq__@6c9c957ce971": ("data", "compares delta (after to_offset of a str), else False"),
    "pandas.tseries.offsets.Tick.__eq__@902541d3b8fe": ("data", "compares delta (after to_offset of a str), else False"),
    "pandas.tseries.offsets.Tick.__eq__@dd914446dd23": ("data", "compares delta (after to_offset of a str), else False"),
    # pandas 0.24 - 1.0: _params is a property of _BaseOffset (a data descriptor: a state key cannot shadow it) that
    # copies the instance __dict__ and sorts its public items.
    "pandas.tseries.offsets.Tick.__hash__@e360df026346": ("data", "hash(self._params): the property's sorted tuple of "
                                                                  "the instance's public attributes"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
