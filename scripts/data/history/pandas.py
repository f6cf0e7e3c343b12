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
# {levels, labels, names, sortorder}) is refused: see NOT_ADMITTED. The stop-38 check was withdrawn because it named
# only the three Index classes and so reported the PeriodIndex calls of six real 0.16 - 0.17 pickles (freq an offset
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
# The block managers at pandas.core.internals (stop 40: facts for the review, no verdict yet; the names stay refused
# by the derivation while any hook below lacks one). Hook versions read from the per-version parse (hash: versions):
# BlockManager.__setstate__ 6720b6b2d17c: 0.10.0 - 0.10.1; bc58b74729a6: 0.13.x; 42c35c12f7e0: 0.14.0; cf6a2b7ed681:
# 0.14.1; 77784f000825: 0.15.0 - 0.23.4; pandas.core.internals.managers.BlockManager.__setstate__ d072ff7fab8e: 0.24 -
# 0.25.0 (0.25.1 - 1.5 not yet parsed under the current parser; the stop-38 log names 108efac7a2d4 and 83494f43a21e);
# from 1.3 the class derives from the Cython pandas._libs.internals.BlockManager, an external base not yet described
# in EXTERNAL_BASES; SingleBlockManager has no __setstate__ of its own in the parsed 0.13 - 0.25.0 (d0400cb5bb39
# 2.0, 4b3e9e756d6e 2.1, 4d6a7befa7dc 2.2 - 3.0). What the Python hooks do with the state (read at the pinned commits):
# - every version: `ax_arrays, bvalues, bitems = state[:3]` (0.10 - 0.13; from 0.14.1 only when state[3] has no
#   '0.14.1' key), each axis through _ensure_index/ensure_index (an Index is kept as it is: methods later called on
#   it - equals, get_indexer - are looked up on the instance; anything else goes to Index(x), which from 0.14.1
#   duck-types x by its _typ attribute: the MultiIndex refusal's reason), make_block(values, ...) per block (reads
#   values.dtype; 0.13 - 0.22 compare it with 'M8[us]' and call values.astype on a match);
# - 0.14.1 on: `'0.14.1' in state[3]` (state[3]'s __contains__), then state = state[3]['0.14.1'] and the block values
#   and mgr_locs of each dict of state['blocks'] (stop 39 resolves these `state.<key>` labels in every reachable dict);
# - 0.10 - 0.13 also _handle_legacy_indexes(self.axes); 0.13 - 0.23 _post_setstate looks _set_has_sparse /
#   _rebuild_blknos_and_blklocs up on the instance (no BUILD can plant them: the class's __setstate__ takes the state).
# The sinks a verdict must add beyond the hooks' own text: method:equals and method:get_indexer of state[0]'s items;
# the duck-typed Index(x) of every axis that is not an Index (dtype, values, view of an object whose _typ is 'series');
# method:astype and the dtype comparison of each block's values. Real files: 54 of the 64 blocked pandas test pickles
# name BlockManager and 45 SingleBlockManager, none of them alone (they also need Panel, sparse.*, DatetimeIndex,
# MultiIndex, FrozenNDArray, _new_Index; see the stop-40 report).
NOT_ADMITTED = {
    "pandas.core.index.MultiIndex": (
        "MultiIndex.__setstate__ (pandas 0.13 - 0.17) rebuilds each level with Index(x) for the stream's level "
        "values; from 0.14.1 Index.__new__ and DatetimeIndex.__new__ duck-type their argument (an object whose _typ "
        "attribute is 'series' is taken as a Series: its dtype, values and the view(...) of its values are read and "
        "called). The levels are list items, which the effect model does not keep, so a method planted there "
        "could not be reported: not admitted"),
}
