"""quantile-forest history pack (no Debian package, so no pack of an installed version): the fitted quantile
regression forests users pickle (pickle.dump or joblib.dump of a fitted RandomForestQuantileRegressor or
ExtraTreesQuantileRegressor), as the released versions define them, read by scripts/data/derive-history.py.
Both are scikit-learn ForestRegressor subclasses with no rebuild hook of their own: they pickle through their
__dict__ (parameters, scikit-learn's fitted trees in estimators_, numpy arrays) and hold one object of the library's
Cython extension, forest_, a QuantileForest (the training targets and, per tree and leaf, the indices of the training
samples in it).

QuantileForest (quantile_forest/_quantile_forest_fast.pyx, read from the .pyx text) pickles through its __reduce__ as
a call of the class with numpy arrays and a bool (the targets, the leaf indices, from 1.3.4 on the leaf bounds, and
the sparse_pickle flag its fit() takes), then a BUILD of its __getstate__'s dict: empty unless the forest was fitted
with sparse_pickle=True, then the leaf arrays as scipy sparse matrices plus their shapes. Its __cinit__ stores the
arrays into typed fields (the Cython argument types check that each is an ndarray of the dtype and dimension, or
None), and its __setstate__, only when the object's sparse_pickle flag is set, calls the state's
matrix.toarray().reshape(shape) and stores the result into a typed field. That flag comes from the call's arguments,
which the stream chooses; and scipy's toarray hands the matrix's index arrays to compiled code that does not check
them against the shape. The class is therefore admitted with the state the library writes by default only: the pickle
VM requires every BUILD state of a value that may be a QuantileForest to be an empty dict (HistoryCheck
'empty-state'); the hook then does nothing, or raises KeyError when the flag is set. A forest fitted with
sparse_pickle=True (its state the sparse matrices) is reported. The flag is converted with the argument's truth
value: every call (or NEWOBJ) of the class must give it numpy arrays, None, bools and numbers only (HistoryCheck
'array-args').

Not checked: the arrays' values (the leaf arrays index the targets in predict, which the library compiles without
bounds checks): a forest's later predictions trust them, as scikit-learn's trees trust their node arrays.

docs/packs/history/quantile-forest.json lists the versions each name is found in. The releases are pinned from the
repository's tags (pins.json)."""

from sklearn_bases import SKLEARN_BASES

LIB = "quantile-forest"
PACK = "quantile-forest"
TITLE = "quantile-forest's quantile regression forests, as released versions pickle them"
PACKAGE = "quantile_forest"
SAVED_BASES = ()
_FOREST = ("a fitted quantile regression forest (a scikit-learn ForestRegressor subclass pickled through its __dict__: "
           "parameters, scikit-learn trees, numpy arrays and the QuantileForest forest_)")
HELD = {
    "quantile_forest._quantile_forest.RandomForestQuantileRegressor": _FOREST,
    "quantile_forest._quantile_forest.ExtraTreesQuantileRegressor": _FOREST,
}
EXTRA_NAMES = {}
_SK = "scikit-learn's own class; its hooks are those the scikit-learn pack reviews"
EXTERNAL_BASES = {
    **SKLEARN_BASES,
    **{name: {"why": _SK, "hooks": {}} for name in (
        "sklearn.ensemble._forest.ForestRegressor", "sklearn.ensemble.forest.ForestRegressor")},
}
CYTHON = {
    "quantile_forest._quantile_forest_fast.QuantileForest": (
        "the forest_ of a fitted quantile forest (training targets and per-leaf sample indices), written as a call "
        "of the class with numpy arrays and a bool", None),
}
EFFECTS = True
_QF = "quantile_forest._quantile_forest_fast.QuantileForest"
_CINIT = ("stores its array arguments into typed fields (Cython checks each is an ndarray of the declared dtype and "
          "dimension, or None{}) and the flag as a C bool (the argument's truth value)")
_REDUCE = "writes QuantileForest({}, sparse_pickle) and the __getstate__ dict"
_GETSTATE = ("writes an empty dict, or with sparse_pickle the leaf arrays as scipy csc matrices and their shapes ({})")
_SETSTATE = ("with the object's sparse_pickle flag set, stores state[{}].toarray().reshape(state[{}]) into typed "
             "fields (scipy's toarray hands the matrix's unchecked index arrays to compiled code); without it does "
             "nothing. Admitted only with the empty dict the library writes by default, which the VM checks: the hook "
             "then does nothing or raises KeyError")
REVIEW = {
    f"{_QF}.__cinit__@pyx-b35d2a71da7c": ("data", _CINIT.format("; targets 1-d, leaves 3-d")),
    f"{_QF}.__cinit__@pyx-0f89adc7858a": ("data", _CINIT.format("; targets 2-d, leaves 4-d")),
    f"{_QF}.__cinit__@pyx-f7d9bcaddfc3": ("data", _CINIT.format("; targets 2-d, leaves 4-d")),
    f"{_QF}.__cinit__@pyx-244d0bb515f7": ("data", _CINIT.format(
        "; targets 2-d copied element by element into a C++ vector of vectors of doubles, leaves 4-d, bounds 3-d: "
        "an empty array when None")),
    f"{_QF}.__reduce__@pyx-13632b61b4a3": ("data", _REDUCE.format("targets, leaves")),
    f"{_QF}.__reduce__@pyx-51b0a9c2f5d5": ("data", _REDUCE.format("targets, leaves")),
    f"{_QF}.__reduce__@pyx-219a8bedfbf1": ("data", _REDUCE.format("targets, leaves, bounds")),
    f"{_QF}.__getstate__@pyx-bee142fe2488": ("data", _GETSTATE.format("'matrix', 'shape'")),
    f"{_QF}.__getstate__@pyx-5d4f59c67b88": ("data", _GETSTATE.format("'matrix', 'shape'")),
    f"{_QF}.__getstate__@pyx-9e342c779300": ("data", _GETSTATE.format("'matrix1', 'shape1', 'matrix2', 'shape2'")),
    f"{_QF}.__getstate__@pyx-d0af76e35fb6": ("data", _GETSTATE.format("'matrix1', 'shape1', 'matrix2', 'shape2'")),
    f"{_QF}.__setstate__@pyx-3f47e6d69cd6": ("checked", _SETSTATE.format("'matrix'", "'shape'"), "empty-state"),
    f"{_QF}.__setstate__@pyx-d26cf87a20ad": ("checked", _SETSTATE.format("'matrix1/2'", "'shape1/2'"),
                                             "empty-state"),
}
# The constructor's flag is converted to a C bool with the argument's truth value (an object's __bool__ or __len__
# would run): every call of the class is held to the arguments the library writes.
EXTRA_CHECKS = {_QF: (("array-args",), "a call gives it numpy arrays, None, bools and numbers only, no keywords")}
FUNCTIONS = {}
NOT_ADMITTED = {}
