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
# pandas 0.18 - 0.24 keep pandas.core.index as `from pandas.indexes.api import *` (then pandas.core.indexes.api): the
# names it re-exports that way resolve there (history_derivation.star_aliases).
STAR_IMPORTS = True
# pandas 0.10 - 0.12 install under Python 3 through 2to3 (their setup.py: use_2to3): their Python 2 modules are read as
# 2to3 rewrote them (history_derivation.setup_2to3), so the names those modules define resolve in those versions too.
TWO_TO_THREE = True
# Admitted classes whose released versions' __getattr__ answers names they lack (NDFrame's labels) get a lookups record
# (derive-history.py history_effects): the VM counts every such lookup as answered by the stream.
HISTORY_LOOKUPS = True
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
    "pandas.tseries.period.PeriodIndex": "named by pandas test pickles",
    "pandas.core.series.Series": "pandas 0.10 - 0.12 pickled it as numpy's _reconstruct(cls, (0,), 'b') + BUILD",
    "pandas.sparse.series.SparseSeries": "named by pandas test pickles",
    "pandas.core.sparse.frame.SparseDataFrame": "pandas.read_pickle of 0.20 - 0.25 maps pandas.sparse.frame."
                                                "SparseDataFrame to it",
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
    # numpy's own C type (numpy/core/src/multiarray): the base of pandas < 0.15's Index classes, FrozenNDArray and
    # SparseArray of pandas < 0.24.
    "numpy.ndarray": {
        "why": "numpy.ndarray (C): __setstate__ takes (version, shape, dtype, is_fortran, data) - dtype must be a "
               "numpy.dtype, data raw bytes or, for an object dtype, the list of elements, stored as they are; "
               "__new__ allocates an array of the given shape and dtype (from a buffer object if given) and calls the "
               "subclass's __array_finalize__ with None; __setitem__ stores a value in an element (converted through "
               "its type's own __float__/__int__/__index__ for a numeric dtype); __hash__ is None (unhashable, so "
               "__eq__ never runs while loading). Nothing the state names is called, imported or opened",
        "hooks": {"__new__": "c-ndarray-new", "__setstate__": "c-ndarray-setstate", "__setitem__": "c-ndarray-setitem"},
    },
    # pandas 1.3 - 3.0's Cython base of pandas.core.internals.managers.BlockManager (pandas/_libs/internals.pyx, read at
    # v1.3.5, 1.5.0rc0 and the 3.0 development tip): __cinit__ stores blocks and axes; __setstate__ takes a tuple state
    # whose item 3 holds '0.14.1' (else NotImplementedError), ensure_index() of each axis, extract_array() and
    # ensure_block_shape() of each block's values (1.5 on: maybe_coerce_values, and BlockPlacement(mgr_locs) stored
    # back with blk['mgr_locs'] = ..., a __setitem__ of each block dict), new_block() per block, then _post_setstate().
    # The library code it hands the axes and values to duck-types them (Index(x), extract_array's _typ/to_numpy,
    # numpy's conversions): modelled as the `any` sink over the whole state (every class, function or lost value the
    # state holds counts as called), which covers what the installed pack's derived sinks name (state.blocks'
    # to_numpy, reshape, _with_freq; state.axes' copy) and more.
    "pandas._libs.internals.BlockManager": {
        "why": "pandas 1.3 - 3.0 Cython BlockManager (internals.pyx): __cinit__ stores blocks and axes; __setstate__ "
               "rebuilds axes through ensure_index and blocks through extract_array/new_block from state[3]['0.14.1'] "
               "(any other state raises): library code that duck-types the state's values (modelled: any)",
        "hooks": {"__new__": "pyx-cinit-blockmanager", "__setstate__": "pyx-setstate-blockmanager"},
        "sinks": {"__setstate__": {"state": ["any"]}},
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
# pandas.core.index's Index classes (0.13 - 0.17 define them there; 0.25 - 1.5 re-export pandas.core.indexes'): admitted
# only as references - the class pandas 0.13 - 0.14 pass to numpy's _reconstruct(cls, (0,), 'b') (they were
# numpy.ndarray subclasses), or that copyreg._reconstructor(cls, object, None) is given - never called: the stream's
# call, NEWOBJ or reconstructor base of them is refused (classify.ts roleChecked, vm.ts reconstructorBase), so their
# constructors (Index.__new__ dispatches **kwargs to DatetimeIndex, whose tz 'dateutil/<path>' opens that path from
# 0.14.1 on) never run on the stream's values. Their state hooks, hashes and APPENDS/SETITEMS targets are reviewed
# below per version.
_REF = ("admitted only as a reference (numpy's _reconstruct subtype or a reconstructor's class; any call of it is "
        "refused, so its __new__ is not run)")
REFERENCE_ONLY = {
    "pandas.core.index.Index": _REF,
    "pandas.core.index.Int64Index": _REF,
    "pandas.core.index.Float64Index": _REF,
}
# Classes older versions pass where a pack callable checks its argument's class family.
FAMILIES = {
    "numpy.ndarray": {n: "pandas 0.13 - 0.14 pickle it as numpy's _reconstruct(cls, (0,), 'b') + BUILD"
                      for n in ("pandas.core.index.Index", "pandas.core.index.Int64Index",
                                "pandas.core.index.Float64Index")},
}
REVIEW.update({
    # pandas 0.13 - 0.14 (numpy.ndarray subclasses).
    "pandas.core.index.Index.__setstate__@d6ec60c2aa48": (
        "data", "state (nd_state, own_state): numpy's C ndarray.__setstate__(self, nd_state) (shape, a numpy.dtype, "
                "raw bytes or the object elements, stored as they are), self.name = own_state[0] (a plain "
                "attribute); any other state: ndarray.__setstate__(self, state). Nothing the state holds is called"),
    "pandas.core.index.Index.__array_finalize__@ea04cdde555f": (
        "data", "run by numpy on every new array of the class: self._id = a new identity object; for a view of an "
                "Index, self.name = the viewed index's name (stored)"),
    "pandas.core.index.Index.__hash__@17a11a017940": ("data", "raises TypeError (unhashable)"),
    "pandas.core.index.Index.__eq__@assigned:<expr>": (
        "data", "_indexOp('__eq__'): never runs while loading - __hash__ raises TypeError first, so an instance is "
                "never a dict key or set member"),
    "pandas.core.base.FrozenNDArray.__setitem__@assigned:_disabled": ("data", "_disabled: raises TypeError"),
    "pandas.core.index.Index.append@36a058434965": (
        "data", "returns a new Index(np.concatenate(...)) of self's and the operands' values (the name kept when "
                "every Index operand has it; DatetimeIndex/PeriodIndex operands boxed through their asobject "
                "property); the instance is not changed and no method of an operand is called"),
    # pandas 0.15 - 0.17 (Index is a plain object holding _data).
    "pandas.core.index.Index.__setstate__@5a5392eba01f": (
        "data", "dict state: self._data = state.pop('data'), then setattr(self, key, value) for every other key - "
                "modelled as builtins.setattr of the state (a '__class__' key re-types the instance); pandas never "
                "writes a dict state for these classes (its __reduce__ is _new_Index(cls, d) with no state). Tuple "
                "state (pandas 0.13 - 0.14's pickles, read through read_pickle's compat unpickler): "
                "np.empty(shape, dtype) filled by numpy's ndarray.__setstate__, self.name = own_state[0], "
                "self._data = the array, self._reset_identity() (a new identity object): stores only",
        None, {"state{}": ["setattr"]}),
    "pandas.core.index.Index.__setitem__@376ff48a53ec": ("data", "raises TypeError"),
    "pandas.core.index.Index.__setitem__@b957bb66f056": ("data", "raises TypeError"),
    "pandas.core.index.Index.append@b44b57e7b741": (
        "data", "_ensure_compat_append (self and the operands, their values, the common name) then "
                "Index(np.concatenate(...), name=name): a new index; the instance is not changed"),
    # pandas 0.25 - 1.5: pandas.core.index re-exports pandas.core.indexes' classes - the same class objects the pandas
    # pack admits under their current names, so these names reach no hook those names do not already reach.
    "pandas.core.indexes.base.Index.__setstate__@392d9044c283": (
        "data", "as 0.15 - 0.17's: a dict state is setattr of every key (modelled as builtins.setattr; pandas writes "
                "none), a tuple state (0.13 - 0.14 pickles through read_pickle) fills a new ndarray through numpy's "
                "ndarray.__setstate__ and stores it and the name",
        None, {"state{}": ["setattr"]}),
    "pandas.core.indexes.base.Index.__hash__@17a11a017940": ("data", "raises TypeError (unhashable)"),
    "pandas.core.indexes.base.Index.__hash__@b72e2cc4cbbb": ("data", "raises TypeError (unhashable)"),
    "pandas.core.indexes.base.Index.__hash__@57a24696bfc5": ("data", "raises TypeError (unhashable)"),
    "pandas.core.indexes.base.Index.__setitem__@b957bb66f056": ("data", "raises TypeError"),
    "pandas.core.indexes.base.Index.__setitem__@487b69c0a73f": ("data", "raises TypeError"),
    "pandas.core.arraylike.OpsMixin.__eq__@ef6147813b06": (
        "data", "self._cmp_method(other, operator.eq): never runs while loading - Index's __hash__ raises TypeError "
                "(1.2) or is None (1.3 - 1.5), so an instance is never a dict key or set member"),
    "pandas.core.indexes.base.Index.append@c68bf9d1758b": (
        "data", "checks every operand is an Index, takes the common name (a set of the operands' names: their "
                "hashes), returns self._concat(...), a new Index of the operands' values; the instance is not "
                "changed (the current pandas.core.indexes.base.Index, which the pandas pack admits, does the same)"),
    "pandas.core.indexes.base.Index.append@d8804b605261": (
        "data", "as 0.25 - 1.2's append: a new Index of self's and the Index operands' values"),
    "pandas.core.indexes.base.Index.setter name@81b15aa8c039": (
        "data", "raises RuntimeError on a MultiIndex level; maybe_extract_name (hash(value): the value's own __hash__, "
                "TypeError when unhashable); self._name = value"),
    "pandas.core.indexes.base.Index.setter name@42e25e5fb70d": (
        "data", "as 1.0 - 1.2's name setter: hash check of the value, then self._name = value"),
    "pandas.core.indexes.base.Index.setter name@1dfc6d7947f1": (
        "data", "as 1.0 - 1.2's name setter: hash check of the value, then self._name = value"),
    "pandas.core.index.Index.append@56bf91ac0b68": (
        "data", "_ensure_compat_append then self._shallow_copy(np.concatenate(...), infer=True, name=name): "
                "Index(values, name=..., copy=False), a new index; the instance is not changed"),
})
# pandas.core.frame.DataFrame is admitted by the pandas pack (the installed version's hooks); its older versions'
# __setstate__ reads legacy states the installed one rejects: pandas 0.10 - 0.12's DataFrame.__setstate__ and
# 0.13 - 0.18.0's NDFrame.__setstate__ hand a state whose item 0 is a dict, or any other sequence state, to
# _unpickle_frame_compat / _unpickle_matrix_compat, which pass the state's bytes items to
# pandas.core.common._unpickle_array -> numpy.lib.format.read_array(BytesIO(bytes)): for an object-dtype header that is
# pickle.load of the stream's bytes with numpy < 1.16.3 (allow_pickle defaulted to True until then). From 0.18.1 the
# frame compat imports _unpickle_array from pandas.core.common, which no longer defines it (ImportError), and from 0.23
# it calls com._unpickle_array, which does not exist (AttributeError). pandas never writes such a state for a
# DataFrame (0.10 - 0.12: the BlockManager; 0.13 on: a dict): modelled as a loader of the state.
MODELLED = {
    "pandas.core.frame.DataFrame": {
        "setstate": ({"state[0]": ["loader"]},
                     "pandas 0.10 - 0.18.0 DataFrame legacy state: _unpickle_array -> numpy.lib.format.read_array -> "
                     "pickle.load (numpy < 1.16.3)"),
    },
}
# pandas.core.index._new_Index: pandas 0.15 - 0.17 define it (1d37a539b60c: `return cls.__new__(cls, **d)`); 0.25 - 1.5
# re-export pandas.core.indexes.base's (dba9ab16e1a7 0.25; 1c09adbdcbf7 1.0 - 1.3; 5c433974f432 1.4; 5f4599cc8d8b 1.5:
# PeriodIndex classes go to _new_PeriodIndex(cls, **d), MultiIndex gets verify_integrity=False, from 1.4 any other
# class gets d['dtype'] = d['data'].dtype, then cls.__new__(cls, **d)); 2.0 no longer has the module, and no
# pandas.read_pickle class-location table maps the name, so it loads only through pickle.load with a pandas that
# defines it (the classes in d do go through read_pickle's table). Index.__new__ hands every keyword it does not know
# to DatetimeIndex (0.15 - 0.17: tz='dateutil/<path>' opens that path; pandas 1.5.3's pickle.load of
# _new_Index(Index, {'data': ndarray, 'tz': 'dateutil//etc/passwd'}) reads /etc/passwd as a zone file), parses
# dtype, and fastpath stores data unchecked - so the VM admits a call only in the shapes pandas wrote, read from the
# legacy pickles of the real-world manifest (src/analyzers/pickle/call-hooks.ts checks them):
# - pandas.core.index Index / Int64Index / Float64Index with {'data': numpy.ndarray, 'name': None, a str or a number}:
#   every version's Index.__new__ builds an index of the array's values by its dtype (an object array's element types
#   are inferred, the path the pandas pack admits for pandas.core.indexes.base._new_Index);
# - pandas.tseries.period.PeriodIndex with {'data', 'name', 'freq'}: freq a str (0.15 - 0.16 wrote the freqstr: parsed
#   by frequencies.get_standard_freq / to_offset, a regex and fixed tables) or the index's offset object (0.17):
#   0.16 stores it (result.freq = freq); 0.17's Period._maybe_convert_freq passes an offset through to_offset
#   unchanged and compares its n with 0; 1.5's _new_PeriodIndex builds PeriodArray(values, freq=offset) (to_offset
#   returns the offset; PeriodDtype reads its freqstr, a property of the class the instance dict cannot shadow);
# - pandas.tseries.tdi.TimedeltaIndex with {'data', 'name', 'freq'}, freq None or an offset (0.16 - 0.17): to_offset
#   passes it through; with verify_integrity the inferred freq is compared with freq.freqstr (a class property).
# An offset object is an instance of the pandas.tseries.offsets classes this pack admits (their state hooks reviewed
# above). data is a numpy.ndarray instance (no instance __dict__: nothing planted). MultiIndex (pandas writes
# {levels, labels, names, sortorder}) is refused: see NOT_ADMITTED. A check naming
# only the three Index classes would report the PeriodIndex calls of six real 0.16 - 0.17 pickles (freq an offset
# object) as an open they do not make; with the PeriodIndex and TimedeltaIndex shapes above, every _new_Index call of
# the real-world manifest passes the check except those naming MultiIndex.
FUNCTIONS = {
    "pandas.core.index._new_Index": (
        "reconstructor",
        "_new_Index(cls, d) = cls.__new__(cls, **d); admitted only as pandas 0.15 - 0.17 wrote it (the VM checks that "
        "shape): cls pandas.core.index Index/Int64Index/Float64Index with d = {'data': numpy.ndarray, 'name': "
        "scalar}, or pandas.tseries.period.PeriodIndex / pandas.tseries.tdi.TimedeltaIndex with a freq that is None, "
        "a str or a pandas.tseries.offsets object: an index of the array's values",
        ("1d37a539b60c", "dba9ab16e1a7", "1c09adbdcbf7", "5c433974f432", "5f4599cc8d8b"),
    ),
}
# The block managers at pandas.core.internals (facts for the review; the names stay refused
# by the derivation while any hook below lacks one). Hook versions read from the per-version parse (hash: versions):
# BlockManager.__setstate__ 6720b6b2d17c: 0.10.0 - 0.10.1; bc58b74729a6: 0.13.x; 42c35c12f7e0: 0.14.0; cf6a2b7ed681:
# 0.14.1; 77784f000825: 0.15.0 - 0.23.4; pandas.core.internals.managers.BlockManager.__setstate__ d072ff7fab8e: 0.24 -
# 0.25.0 (0.25.1 - 1.5 not yet parsed under the current parser; an earlier parse names 108efac7a2d4 and 83494f43a21e);
# from 1.3 the class derives from the Cython pandas._libs.internals.BlockManager, an external base not yet described
# in EXTERNAL_BASES; SingleBlockManager has no __setstate__ of its own in the parsed 0.13 - 0.25.0 (d0400cb5bb39
# 2.0, 4b3e9e756d6e 2.1, 4d6a7befa7dc 2.2 - 3.0). What the Python hooks do with the state (read at the pinned commits):
# - every version: `ax_arrays, bvalues, bitems = state[:3]` (0.10 - 0.13; from 0.14.1 only when state[3] has no
#   '0.14.1' key), each axis through _ensure_index/ensure_index (an Index is kept as it is: methods later called on
#   it - equals, get_indexer - are looked up on the instance; anything else goes to Index(x), which from 0.14.1
#   duck-types x by its _typ attribute: the MultiIndex refusal's reason), make_block(values, ...) per block (reads
#   values.dtype; 0.13 - 0.22 compare it with 'M8[us]' and call values.astype on a match);
# - 0.14.1 on: `'0.14.1' in state[3]` (state[3]'s __contains__), then state = state[3]['0.14.1'] and the block values
#   and mgr_locs of each dict of state['blocks'] (the VM resolves these `state.<key>` labels in every reachable dict);
# - 0.10 - 0.13 also _handle_legacy_indexes(self.axes); 0.13 - 0.23 _post_setstate looks _set_has_sparse /
#   _rebuild_blknos_and_blklocs up on the instance (no BUILD can plant them: the class's __setstate__ takes the state).
# The sinks a verdict must add beyond the hooks' own text: method:equals and method:get_indexer of state[0]'s items;
# the duck-typed Index(x) of every axis that is not an Index (dtype, values, view of an object whose _typ is 'series');
# method:astype and the dtype comparison of each block's values. Real files: 54 of the 64 blocked pandas test pickles
# name BlockManager and 45 SingleBlockManager, none of them alone (they also need Panel, sparse.*, DatetimeIndex,
# MultiIndex, FrozenNDArray, _new_Index).
# pandas.core.index.MultiIndex's levels are list items; lists keep their code-bearing items, and the `any` sink below walks every one of them.
NOT_ADMITTED = {}

# ---------------------------------------------------------------------------------------------------------------------
# The old-location block managers, Panel, the pandas.sparse classes, the old DatetimeIndex,
# MultiIndex and FrozenNDArray - what pandas 0.10 - 0.20 legacy pickles name. Every hook each version runs is read here.
# Three pieces of the effect model are hand-reviewed rather than derived from the hook's text (class_effects reads a
# hook's own text only, not the library code it calls):
# - `any` (src/analyzers/pickle/class-sinks.ts): the old managers' __setstate__ (and MultiIndex's, and NDFrame's in its
#   dict branch) hand the state's axes, block values and levels to library code (_ensure_index/Index(x), make_block,
#   extract_array, numpy's conversions, and - through the attributes a dict state sets - NDFrame.__setattr__/
#   __setitem__), which may look up and call any attribute of what they are given. Modelled as: every class, function
#   or lost value reachable in the state (containers, and every object's own BUILD states and items) counts as called.
# - the VM checks `items` and `frame-state` (callable-effects.ts HistoryCheck), for hooks that act on shapes pandas
#   never wrote: __setitem__/append/extend (the stream would have to give items to the object) and NDFrame's legacy
#   state readers (np.load of the state's items: a pickle loader with numpy < 1.16.3).
# - lookups: a class with a __getattr__ (NDFrame's answers a label with self[name]) counts every name it lacks in every
#   version as answered by the stream (callable-effects.ts lookupAnsweredBy; the derivation records what it has).
_ANY = {"state": ["any"]}
_MGR = ("the manager's state: {what}; the axes go through _ensure_index (an Index is kept, anything else is Index(x), "
        "which duck-types it), each block's values through make_block (dtype/ndim/len read, numpy conversions) - "
        "library code that may call any attribute of what the state holds: modelled as the `any` sink")
_MGR_SETSTATE = {
    "6720b6b2d17c": "pandas 0.10: (axes, values, items) unpacked from state[:3], _handle_legacy_indexes(axes), "
                    "make_block(values, items, axes[0]) per block",
    "bc58b74729a6": "pandas 0.13: as 0.10, plus values.astype('M8[ns]') where values.dtype == 'M8[us]', then "
                    "_post_setstate()",
    "42c35c12f7e0": "pandas 0.14.0: as 0.13, placement = axes[0].get_indexer(items) (a method of the first axis)",
    "cf6a2b7ed681": "pandas 0.14.1: state[3]['0.14.1'] when state is a tuple of 4+ whose item 3 holds it (its "
                    "__contains__), axes and blocks ({'values', 'mgr_locs'}) read from it; else the 0.14.0 reading",
    "77784f000825": "pandas 0.15 - 0.23: as 0.14.1, the old reading uses axes[0].equals(bitems[0]) and "
                    "get_indexer of each block's items",
}
REVIEW.update({f"pandas.core.internals.BlockManager.__setstate__@{h}": ("data", _MGR.format(what=w), None, _ANY)
               for h, w in _MGR_SETSTATE.items()})
# Hooks that run only when the stream gives the object items (SETITEMS/APPENDS/ADDITEMS): pandas never does; the VM
# reports any (`items`).
_ITEMS = ("runs only when the stream gives the object items (SETITEMS/APPENDS), which pandas never writes for it: "
          "the VM refuses them on every value that may be of this class (items)")
# NDFrame.__setstate__ of pandas 0.13 - 0.24 (Panel, SparseDataFrame, TimeSeries...) and Panel's own of 0.10 - 0.12.
_FRAME = ("a block manager state is stored (self._data = state); a dict whose '_typ' is set is stored key by key with "
          "object.__setattr__ (property setters of the class run for keys that name one: reviewed below), then "
          "self._item_cache = {} (NDFrame.__setattr__: with attributes the dict set, it may route through getattr, "
          "the info axis and __setitem__ - library code on what the state holds: the `any` sink); any other state "
          "goes to _unpickle_series/frame/sparse_frame/panel/matrix_compat, which np.load the state's items (a pickle "
          "loader with numpy < 1.16.3): refused by the VM (frame-state)")
REVIEW.update({
    "pandas.core.generic.NDFrame.__setstate__@69c496d7a452": ("checked", _FRAME, "frame-state", _ANY),
    "pandas.core.generic.NDFrame.__setstate__@8dcc8533890d": ("checked", _FRAME, "frame-state", _ANY),
    "pandas.core.panel.Panel.__setstate__@8cb03ff85287": (
        "checked", "pandas 0.10 - 0.12: a block manager state is stored; a 4-item state goes to _unpickle_panel_compat "
                   "(np.load of each item: refused by the VM, frame-state; a dict of identifier keys there only "
                   "raises); then self._item_cache = {}", "frame-state", _ANY),
    "pandas.core.generic.NDFrame.__hash__@53c18c71688b": ("data", "raises TypeError (mutable)"),
    "pandas.core.generic.NDFrame.__getattr__@32878c41ebf9": (
        "data", "internal/metadata/accessor names through object.__getattribute__; a label of the info axis is "
                "self[name] (an item of the object's data), else AttributeError: the VM counts every name the class "
                "lacks as answered by the stream (lookups)"),
    "pandas.core.panel.Panel.__getattr__@feb916452255": (
        "data", "a label of the info axis is self[name], else AttributeError (lookups, as NDFrame's)"),
})
_SETATTR = ("runs for the attributes the hooks assign themselves (self._data, self._item_cache): internal names are "
            "stored with object.__setattr__; with attributes a dict state set it may take the getattr/info-axis/"
            "__setitem__ route - covered by the `any` sink of the __setstate__ that makes the assignment")
for _h in ("2b41d10f247f", "866d86243a5d", "9bdab76c0c44", "196516db0b89"):
    REVIEW[f"pandas.core.generic.NDFrame.__setattr__@{_h}"] = ("data", _SETATTR)
for _h in ("063a8dd97c97", "0bdc168c7478", "11386d86ab56", "36e160a6a068", "4e60228bbca0", "79cb8d29e821",
           "8647de8fbe6d", "8cb98c3ea5e4", "8eb38c66e4e4", "9753ba453a81", "e1f7979b5c01"):
    REVIEW[f"pandas.core.panel.Panel.__setitem__@{_h}"] = ("checked", _ITEMS, "items")
# The ndarray subclasses of pandas <= 0.14 (indexes) and <= 0.23 (SparseArray), and FrozenNDArray: pickled as numpy's
# _reconstruct(cls, (0,), 'b') + a BUILD of (nd_state, own_state); their __new__ never runs (reference only).
FAMILIES["numpy.ndarray"].update({
    n: "pandas <= 0.14 (indexes) / <= 0.23 (SparseArray) pickle it as numpy's _reconstruct(cls, (0,), 'b') + BUILD"
    for n in ("pandas.tseries.index.DatetimeIndex", "pandas.core.index.MultiIndex", "pandas.sparse.array.SparseArray",
              "pandas.core.sparse.array.SparseArray", "pandas.core.base.FrozenNDArray",
              "pandas.core.indexes.frozen.FrozenNDArray")})
REFERENCE_ONLY.update({n: _REF for n in ("pandas.sparse.array.SparseArray", "pandas.core.sparse.array.SparseArray",
                                         "pandas.core.base.FrozenNDArray", "pandas.core.indexes.frozen.FrozenNDArray",
                                         "pandas.tseries.index.DatetimeIndex", "pandas.core.index.MultiIndex")})
# The effect record of pandas.core.index._new_Index (callable-effects.json's form): it returns a new instance of its
# argument 0 (cls.__new__(cls, **d) in 0.15 - 0.17; 0.25 - 1.5's re-export of pandas.core.indexes.base's does the same),
# so the VM names the class of what it builds; its call shape is checked by call-hooks.ts.
CALLABLES = {
    "pandas.core.index._new_Index": {
        "returns": [{"new": 0}], "written": "call", "newKwargs": 1,
        "source": "pandas/core/index.py _new_Index (0.15 - 0.17): cls.__new__(cls, **d); 0.25 - 1.5 re-export "
                  "pandas.core.indexes.base._new_Index",
    },
}
# MultiIndex (pandas.core.index 0.10 - 0.17; re-exported there by 0.18 - 1.5): __setstate__ rebuilds every level with
# Index(x) (duck typing: numpy's conversion calls an object's __array__, pandas reads _typ, dtype, values...), sets the
# labels/codes (FrozenNDArray views, their len() and max() in _verify_integrity) and the names: the `any` sink.
_MI = ("state (nd_state, (levels, labels, sortorder, names)) or, 0.15 on, a dict of those keys: numpy's "
       "ndarray.__setstate__ of nd_state (0.10 - 0.14), then each level through Index(x), the labels, names and "
       "sortorder set and checked - library code that duck-types the levels and labels: the `any` sink")
for _h in ("05c8fc8990c3", "9c59981ad4a6", "6ec36769da58", "b01f29b8d837"):
    REVIEW[f"pandas.core.index.MultiIndex.__setstate__@{_h}"] = ("data", _MI, None, _ANY)
    REVIEW[f"pandas.core.indexes.multi.MultiIndex.__setstate__@{_h}"] = ("data", _MI, None, _ANY)
    REVIEW[f"pandas.indexes.multi.MultiIndex.__setstate__@{_h}"] = ("data", _MI, None, _ANY)
_FINAL = ("run by numpy on every new array of the class (numpy's _reconstruct passes None): attributes copied from the "
          "array it views with getattr(obj, name, default) and stored (ndim 0: self.item(), C)")
for _o, _hs in (("pandas.core.index.MultiIndex", ("9af481893f8e", "c7640df10b27")),
                ("pandas.tseries.index.DatetimeIndex", ("483c249beeff", "58135fc79c44")),
                ("pandas.sparse.array.SparseArray", ("c420209e373e", "22498c4592f3")),
                ("pandas.core.sparse.array.SparseArray", ("22498c4592f3",))):
    for _h in _hs:
        REVIEW[f"{_o}.__array_finalize__@{_h}"] = ("data", _FINAL)
_DTI = ("tuple state (nd_state, (name, offset, tz)): stores name, offset and tz as attributes (no tz is resolved), "
        "numpy's ndarray.__setstate__ of nd_state (0.15 on: into a new np.empty(shape, dtype) array stored as _data), "
        "compares nd_state[2] with 'M8[us]' and converts the new array's own copy; 0.15 on, a dict state goes to "
        "Index.__setstate__ (setattr of every key: the setattr sink, as Index's)")
for _h in ("07fa96451957", "7c420a3d0986"):
    REVIEW[f"pandas.tseries.index.DatetimeIndex.__setstate__@{_h}"] = ("data", _DTI)
REVIEW["pandas.tseries.index.DatetimeIndex.__setstate__@e80cfd40ed3b"] = ("data", _DTI, None, {"state{}": ["setattr"]})
_SA = ("tuple state (nd_state, (fill_value, sp_index, ...)): numpy's ndarray.__setstate__ of nd_state, then sp_index "
       "and the fill value stored as attributes (plain attributes: the fill_value property of 0.19 on is not assigned "
       "here, _fill_value is)")
for _o in ("pandas.sparse.array.SparseArray", "pandas.core.sparse.array.SparseArray"):
    for _h in ("24d5c52d2290", "ef40bca1baef"):
        REVIEW[f"{_o}.__setstate__@{_h}"] = ("data", _SA)
    for _h in ("3b3ca69e1837", "6937cac72b43", "c8b8b11d826d"):
        REVIEW[f"{_o}.__setitem__@{_h}"] = ("data", "raises (SparseArray is immutable)")
    for _h in ("9a65d7fce05b", "e4d7dca58c36", "046b87bd613f"):
        REVIEW[f"{_o}.setter fill_value@{_h}"] = (
            "data", "runs only when code assigns fill_value: no hook of these versions does while loading (their "
                    "__setstate__ and __array_finalize__ assign _fill_value; the class has __setstate__, so BUILD sets "
                    "no attribute itself); it checks the value is a scalar and stores it")
REVIEW["pandas.core.indexes.frozen.FrozenNDArray.__setitem__@assigned:_disabled"] = ("data", "_disabled: raises TypeError")
for _h in ("4d1d771f88e5", "6a41ec5ad986", "9a800a0d86ab", "a917f81676c8"):
    REVIEW[f"pandas.core.generic.NDFrame.__getattr__@{_h}"] = REVIEW["pandas.core.generic.NDFrame.__getattr__@32878c41ebf9"]
REVIEW["pandas.core.generic.NDFrame.setter is_copy@7afb4ba3b2fb"] = (
    "data", "warns (deprecated attribute) and stores the value as _is_copy (a dict state's is_copy key reaches it "
            "through object.__setattr__)")
_UNHASHABLE_EQ = ("never runs while loading: instances are unhashable (NDFrame/Index __hash__ raises), so an instance "
                  "is never a dict key or set member")
for _o in ("pandas.core.panel.Panel", "pandas.core.frame.DataFrame", "pandas.tseries.index.DatetimeIndex"):
    REVIEW[f"{_o}.__eq__@assigned:<expr>"] = ("data", _UNHASHABLE_EQ)
REVIEW["pandas.core.index.Index.__hash__@1d1ea07992ac"] = ("data", "hash(self.view(np.ndarray)): raises TypeError "
                                                                  "(ndarray is unhashable)")
REVIEW["pandas.core.index.Index.__setitem__@47d7bb2bd69b"] = ("data", "raises (immutable)")
REVIEW["pandas.core.frame.DataFrame.__getattr__@b98e34fa4c4c"] = (
    "data", "pandas 0.10 - 0.12: a column label is self[name], else AttributeError (lookups, as NDFrame's)")
REVIEW["pandas.core.frame.DataFrame.__setattr__@00686b35a663"] = ("data", _SETATTR)
REVIEW["pandas.sparse.frame.SparseDataFrame.__setstate__@7a516bd60166"] = (
    "checked", "pandas 0.10 - 0.12: a 5-item state (series, columns, index, fill_value, kind): columns/index that are "
               "not an Index go to _unpickle_array (np.load: refused by the VM, frame-state; a dict of identifier "
               "keys there only raises), SparseSeries(...) per column", "frame-state", _ANY)
# Items given to the object: pandas never writes them (the VM refuses them: items).
for _o, _hs in (("pandas.core.frame.DataFrame.__setitem__", ("067de4974021", "19fbba0ca743", "1ba770841a5f",
                                                             "9e82cb2f57c3", "e93ccc0dfe66")),
                ("pandas.core.frame.DataFrame.append", ("2de03a74db47", "7b755aec401a", "90adbf82096d",
                                                        "a8ce770104e1", "af1236671fac", "c0116964fe80",
                                                        "d783c9a39830")),
                ("pandas.core.index.MultiIndex.append", ("06d4d13db556", "c00b5e1aa747", "d85cc0f6bdd9")),
                ("pandas.core.indexes.multi.MultiIndex.append", ("73bace2d3456",)),
                ("pandas.tseries.index.DatetimeIndex.append", ("e165cc38693d",))):
    for _h in _hs:
        REVIEW[f"{_o}@{_h}"] = ("checked", _ITEMS, "items")
# The same manager hooks under pandas.core.internals.managers (0.24 on; pandas.core.internals re-exports the classes).
_MGR_SETSTATE_24 = {
    "d072ff7fab8e": "pandas 0.24 - 0.25.0: as 0.15 - 0.23's, ensure_index for the axes",
    "83494f43a21e": "pandas 0.25.1 - 1.0: state[3]['0.14.1'] only (any other state raises NotImplementedError), "
                    "ensure_index per axis, make_block per block",
    "108efac7a2d4": "pandas 1.1 - 1.2: as 0.25.1's, with ndim = len(axes) passed to make_block",
}
REVIEW.update({f"pandas.core.internals.managers.BlockManager.__setstate__@{h}": ("data", _MGR.format(what=w), None, _ANY)
               for h, w in _MGR_SETSTATE_24.items()})
_SBM_SETSTATE = ("pandas 2.0 - 3.0 SingleBlockManager: state[3]['0.14.1'] only (else NotImplementedError), ensure_index per "
                 "axis, extract_array/maybe_coerce_values/BlockPlacement/new_block per block (extract_array reads the "
                 "value's _typ and calls its to_numpy)")
for _h in ("d0400cb5bb39", "4b3e9e756d6e", "4d6a7befa7dc"):
    REVIEW[f"pandas.core.internals.managers.SingleBlockManager.__setstate__@{_h}"] = (
        "data", _MGR.format(what=_SBM_SETSTATE), None, _ANY)
REVIEW["pandas.core.indexes.multi.MultiIndex.__setstate__@8ed80e6e2f4c"] = ("data", _MI, None, _ANY)
REVIEW["pandas.indexes.multi.MultiIndex.__setstate__@8ed80e6e2f4c"] = ("data", _MI, None, _ANY)
REVIEW["pandas.tseries.index.DatetimeIndex.__array_finalize__@186147e51928"] = ("data", _FINAL)
REVIEW["pandas.core.index.Index.__array_finalize__@083ca1e16d78"] = (
    "data", "pandas 0.10 - 0.12: for a view of an Index, self.name = the viewed index's name (stored); numpy's "
            "_reconstruct passes None: nothing")
# The Index hooks pandas.core.index re-exports from pandas.indexes.base (0.18 - 0.19) and pandas.core.indexes.base
# (0.20 - 0.24, star imports): the same code as the hashes reviewed above under pandas.core.index.Index.
for _o in ("pandas.indexes.base.Index", "pandas.core.indexes.base.Index"):
    for _k in ("__setstate__@5a5392eba01f", "__hash__@17a11a017940", "__setitem__@b957bb66f056"):
        REVIEW[f"{_o}.{_k}"] = REVIEW[f"pandas.core.index.Index.{_k}"]
# Index.append of 0.18 - 0.24 (and MultiIndex's, DataFrame's): reached only by APPENDS on the instance, which the VM
# refuses for these names (items).
for _o, _hs in (("pandas.indexes.base.Index.append", ("34ccd6dace1d", "7b4c7e5920a7", "8368f760af8d")),
                ("pandas.core.indexes.base.Index.append", ("1605ce2a8e37", "c41627c4b7f8")),
                ("pandas.core.indexes.multi.MultiIndex.append", ("17a4ecf1c65d", "b34925b60164", "cbc45938bb58")),
                ("pandas.indexes.multi.MultiIndex.append", ("c00b5e1aa747",)),
                ("pandas.core.frame.DataFrame.__setitem__", ("6c86cb9b51a4",))):
    for _h in _hs:
        REVIEW[f"{_o}@{_h}"] = ("checked", _ITEMS, "items")
for _h in ("294b17083edf", "bf3001a6c28d"):
    REVIEW[f"pandas.core.frame.DataFrame.setter _verbose_info@{_h}"] = (
        "data", "pandas 0.10 - 0.12: warns and sets the display option max_info_rows to None or 1000000 (no value of "
                "the stream is called); reached only by assigning _verbose_info, which SparseDataFrame's 0.10 - 0.12 "
                "__setstate__ (a 5-item state) never does")
# PeriodIndex at pandas.tseries.period (0.10 - 0.19; pandas.read_pickle maps it to the current class): an ndarray
# subclass up to 0.14 (pickled as numpy's _reconstruct + BUILD), then rebuilt through _new_Index (its call shape
# checked): its __new__ never runs on the stream's values otherwise (reference only).
FAMILIES["numpy.ndarray"]["pandas.tseries.period.PeriodIndex"] = FAMILIES["numpy.ndarray"]["pandas.core.index.MultiIndex"]
REFERENCE_ONLY["pandas.tseries.period.PeriodIndex"] = _REF
_PI = ("tuple state (nd_state, (name, freq)): numpy's ndarray.__setstate__ of nd_state (0.15 on: into a new "
       "np.empty(shape, dtype) stored as _data), name and freq stored (0.17: freq through Period._maybe_convert_freq: "
       "to_offset of a str, an offset's n compared with 0); 0.15 on, a dict state goes to Index.__setstate__ (setattr "
       "of every key: the setattr sink)")
REVIEW["pandas.tseries.period.PeriodIndex.__setstate__@22032f1107ac"] = ("data", _PI)
for _h in ("08b61b1b9f64", "702ac7becf96"):
    REVIEW[f"pandas.tseries.period.PeriodIndex.__setstate__@{_h}"] = ("data", _PI, None, {"state{}": ["setattr"]})
for _h in ("8e218ac8cc92", "f793234c596c", "d21a6278fabc"):
    REVIEW[f"pandas.tseries.period.PeriodIndex.__array_finalize__@{_h}"] = ("data", _FINAL)
for _h in ("01def968bc88", "453d7caed037"):
    REVIEW[f"pandas.tseries.period.PeriodIndex.append@{_h}"] = ("checked", _ITEMS, "items")
REVIEW["pandas.tseries.period.PeriodIndex.__eq__@assigned:<expr>"] = ("data", _UNHASHABLE_EQ)


def _mapped_targets():
    """{old name: the names pandas.read_pickle's class-location table maps it to in some version, which this pack
    reviews} from docs/packs/history/pandas-compat.json (scripts/data/derive-pandas-compat.py): the old name is read as
    that target in those versions, so its admission carries the target's review (effect model, checks) too."""
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "docs", "packs", "history",
                        "pandas-compat.json")
    with open(path) as fh:
        names = json.load(fh)["names"]
    return {old: sorted(t for t in rec.get("mapped", {}) if t in HELD and t != old)
            for old, rec in names.items() if any(t in HELD and t != old for t in rec.get("mapped", {}))}


MAPPED = _mapped_targets()
# DataFrame.__setitem__/append of 0.20 - 0.25 (pandas.core.sparse.frame.SparseDataFrame's base): items only (refused).
for _o, _hs in (("pandas.core.frame.DataFrame.__setitem__", ("0ce203d57a37", "66bd8e0fd8ea")),
                ("pandas.core.frame.DataFrame.append", ("4f87a7f6c3bd", "61d358c943ef", "dfda8bf187c3"))):
    for _h in _hs:
        REVIEW[f"{_o}@{_h}"] = ("checked", _ITEMS, "items")
# DateRange (pandas.core.daterange, 0.10 - 0.13): an Index subclass pickled as numpy's _reconstruct + BUILD of
# (index_state, offset, tzinfo); its __new__ never runs on the stream's values (reference only).
FAMILIES["numpy.ndarray"]["pandas.core.daterange.DateRange"] = FAMILIES["numpy.ndarray"]["pandas.core.index.MultiIndex"]
REFERENCE_ONLY["pandas.core.daterange.DateRange"] = _REF
REVIEW["pandas.core.daterange.DateRange.__setstate__@aea31029661a"] = (
    "data", "state (index_state, offset[, tzinfo]): offset and tzinfo stored as attributes (not resolved), then "
            "Index.__setstate__(self, index_state) (0.10 - 0.13: numpy's ndarray.__setstate__ of the array state and "
            "the name stored; reviewed above)")

# The other NDFrame classes the installed pack admits under names older pandas resolved too (pandas.core.series.Series
# in every version; the sparse series at pandas.sparse.series (0.10 - 0.19) and pandas.core.sparse.series (0.20 - 0.25),
# which read_pickle maps to _LoadSparseSeries): NDFrame.__setstate__ of 0.13 - 0.24 hands a non-dict state whose item 0
# is a dict, or whose length is not 2, to _unpickle_frame/sparse_frame/panel/matrix_compat, which np.load its items
# (a pickle loader with numpy < 1.16.3; pandas 0.13 - 0.18.0 import _unpickle_array successfully). A 2-item state goes
# to _unpickle_series_compat (numpy's ndarray.__setstate__ and a SingleBlockManager: no load). pandas wrote a dict (0.13
# on) or, for 0.10 - 0.12's ndarray-based Series, a 2-item state. Modelled as a loader of the `state[legacy]` label
# (class-sinks.ts: such a state), beside the installed version's model.
_LEGACY = ("pandas 0.13 - 0.24 NDFrame.__setstate__: a non-dict state with item 0 a dict or a length other than 2 goes to "
           "the legacy frame/panel/matrix readers: _unpickle_array -> numpy's read_array -> pickle.load (numpy < 1.16.3)")
for _n in ("pandas.core.series.Series", "pandas.sparse.series.SparseSeries", "pandas.core.sparse.series.SparseSeries"):
    MODELLED[_n] = {"setstate": ({"state[legacy]": ["loader"]}, _LEGACY)}
# Every version's NDFrame.__setstate__ (0.13 - 1.5) stores a dict state key by key with object.__setattr__, which runs
# the class's property setters for keys that name one: attrs (1.0 on: dict(value) calls value.keys() and its items),
# index/columns/items (AxisProperty: ensure_index(value), which duck-types it - numpy's conversion calls an object's
# __array__), name (hashes it). pandas 1.5.3's pickle.load of a DataFrame whose state has 'attrs' (or 'index') set to
# an object with a planted keys (__array__) calls it. Modelled with the `any` sink over the state, for the frame and
# series classes the installed pack admits (and the old names read_pickle maps to them).
_SETTERS_ANY = ("NDFrame.__setstate__ (0.13 - 1.5): object.__setattr__ of each key of a dict state runs the class's "
                "property setters (attrs: dict(value); index/columns: ensure_index(value); name: hash(value)) on what "
                "the state holds")
for _n in ("pandas.core.frame.DataFrame", "pandas.core.series.Series", "pandas.sparse.series.SparseSeries",
           "pandas.core.sparse.series.SparseSeries", "pandas.compat.pickle_compat._LoadSparseSeries",
           "pandas.compat.pickle_compat._LoadSparseFrame"):
    _had = MODELLED.get(_n, {}).get("setstate")
    MODELLED[_n] = {"setstate": ([_had] if _had else []) + [({"state": ["any"]}, _SETTERS_ANY)]}

# ---------------------------------------------------------------------------------------------------------------------
# Series (the current name, which every version resolves; pandas 0.10 - 0.12 pickled it - and TimeSeries, SparseSeries,
# SparseTimeSeries - as a numpy.ndarray subclass: _reconstruct + BUILD of (nd_state, own_state)); pandas 0.13 on wrote
# NEWOBJ with no arguments + a dict state. The installed pack reviews pandas 1.5's Series; the hooks of every other
# version are reviewed here.
for _n in ("pandas.core.series.Series", "pandas.core.series.TimeSeries", "pandas.sparse.series.SparseSeries",
           "pandas.sparse.series.SparseTimeSeries"):
    FAMILIES["numpy.ndarray"][_n] = "pandas 0.10 - 0.12 pickle it as numpy's _reconstruct(cls, (0,), 'b') + BUILD"
_NDFRAME_1X = ("pandas 0.25 - 3.0: a block manager state is stored; a dict whose '_typ' is set is stored key by key with "
               "object.__setattr__ (after _attrs and, 1.2 on, Flags(self, **state['_flags'])), property setters of "
               "the class running for keys that name one (the `any` sink over the state); a dict without _typ and, "
               "up to 0.25, a 2-item state go to _unpickle_series_compat (no load), other states raise or are ignored: "
               "the VM admits the states pandas wrote (frame-state)")
for _h in ("401cd6522c37", "6769451599e9", "7b420aee00b6", "9a91597e0d22", "c837f751ec9f", "cac4f0677343"):
    REVIEW[f"pandas.core.generic.NDFrame.__setstate__@{_h}"] = ("checked", _NDFRAME_1X, "frame-state", _ANY)
for _h in ("5fc793d64af1", "81f5e9f6409b", "8b805a5048de"):
    REVIEW[f"pandas.core.generic.NDFrame.__getattr__@{_h}"] = REVIEW["pandas.core.generic.NDFrame.__getattr__@32878c41ebf9"]
for _h in ("178a425ee89c", "56b4906fa529", "574aa593207b", "b2d158b1e06c"):
    REVIEW[f"pandas.core.generic.NDFrame.__setattr__@{_h}"] = ("data", _SETATTR)
for _k in ("pandas.core.generic.NDFrame.__hash__@b5d93e702d47", "pandas.core.series.Series.__hash__@874a3ab733af",
           "pandas.core.series.Series.__hash__@assigned:generic.NDFrame.__hash__"):
    REVIEW[_k] = ("data", "raises TypeError (mutable)")
for _h in ("54a646a6b454", "788e2ffcea8c"):
    REVIEW[f"pandas.core.generic.NDFrame.setter attrs@{_h}"] = (
        "data", "self._attrs = dict(value): dict() calls the value's keys() and __getitem__ (a dict state's attrs key "
                "reaches it through object.__setattr__: the `any` sink of NDFrame.__setstate__ covers the value)")
REVIEW["pandas.core.series.Series.__array_finalize__@e1e2c45733e3"] = ("data", _FINAL)
REVIEW["pandas.sparse.series.SparseSeries.__array_finalize__@9de8f21b0fcf"] = ("data", _FINAL)
REVIEW["pandas.core.series.Series.__eq__@assigned:<expr>"] = ("data", _UNHASHABLE_EQ)
REVIEW["pandas.core.series.Series.__setstate__@7a7d383b708b"] = (
    "checked", "pandas 0.10 - 0.12: (nd_state, own_state): numpy's ndarray.__setstate__, then the index "
               "(_handle_legacy_indexes, the index setter) and name set from own_state - library code on the stream's "
               "values (the `any` sink); any other state raises (the VM admits the series tuple: frame-state)",
    "frame-state", _ANY)
REVIEW["pandas.sparse.series.SparseSeries.__setstate__@1c33bd2c515d"] = (
    "checked", "pandas 0.10 - 0.12: (nd_state, (index, fill_value, sp_index[, name])): numpy's ndarray.__setstate__, "
               "then sp_index, fill_value, index and name set (the `any` sink); any other state raises (frame-state)",
    "frame-state", _ANY)
_NEW_EMPTY = ("pandas 0.10 - 0.12's __new__ builds the series from its arguments (data, index, dtype, name...): it runs "
              "only on NEWOBJ's arguments (numpy's _reconstruct does not call it), and pandas 0.13 on write NEWOBJ with "
              "none: the VM refuses arguments (new-empty)")
for _o, _hs in (("pandas.core.series.Series", ("7e8d488b5cd3", "c63c8e5e58a8", "ff557aaaab73")),
                ("pandas.sparse.series.SparseSeries", ("70e5021897f5", "aac54eb0e9d1"))):
    for _h in _hs:
        REVIEW[f"{_o}.__new__@{_h}"] = ("checked", _NEW_EMPTY, "new-empty")
for _h in ("273eab4737f8", "31ebab4671b8", "4e345415d614", "6e4809841e9a", "e9c9b7c900e8", "f3f2c001fd0c"):
    REVIEW[f"pandas.core.series.Series.setter name@{_h}"] = (
        "data", "checks the value is hashable (hash(value): its class's own __hash__) and stores it as _name")
for _k in ("pandas.core.series.Series.setter imag@48c3a4ac327b", "pandas.core.series.Series.setter real@b2fba8119c6c"):
    REVIEW[_k] = ("data", "self.values.real/imag = v: numpy stores v into the array's real or imaginary part (converted "
                          "through its type's number slots)")
REVIEW["pandas.sparse.series.SparseSeries.setter fill_value@9e55ba742db6"] = (
    "data", "self.block.fill_value = v: stores the fill value on the series' sparse block (the `any` sink of the "
            "__setstate__ whose dict state reaches it covers the value)")
for _h in ("199553d1632f", "2194fcb26a43", "2240fdac5522", "28cc593ab116", "28f900472fd5", "2b4a5cc4b979", "2fb5d5ef60a4",
           "3702b6af04d8", "4568dc1e2ad4", "69185c24ac7e", "6bc0ee06383c", "84c5ba1fd7a8", "92c8bbb5bb75", "a9a7afecacc0",
           "b583fff5cd31", "b90968939fea", "bea1c78e4f51", "c31663b3537f", "c799aa02175e", "cfe4800ce873", "d0ce8e23ccb1",
           "d7400a6aac24", "da93b171305e", "f250ba1660b9", "fad03f8fdd18", "fd0bec72627d"):
    REVIEW[f"pandas.core.series.Series.__setitem__@{_h}"] = ("checked", _ITEMS, "items")
for _h in ("15ae4c773090", "377082fc8a68", "5fd6d4be1ac2", "9fa45a8ec587", "a3728e1708f4", "b0a6a9b0b21e", "ef875fbcda24",
           "fecb4fe1af22"):
    REVIEW[f"pandas.core.series.Series.append@{_h}"] = ("checked", _ITEMS, "items")
# Checks on names the installed pack admits, for hooks of every version the stream can reach only through shapes pandas
# never writes (name -> (checks, why)).
EXTRA_CHECKS = {
    "pandas.core.frame.DataFrame": (
        ("items",),
        "DataFrame.__setitem__ runs com.apply_if_callable(key, self) (pandas 1.5.3: SETITEMS on a DataFrame whose key is "
        "xgboost's Booster calls it) and library code on the value in every version; pandas never gives a frame items "
        "while pickling"),
}
