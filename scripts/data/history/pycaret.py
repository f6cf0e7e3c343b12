"""PyCaret history pack (no Debian package, so no pack of an installed version): the preprocessing transformers a
PyCaret pipeline holds, as PyCaret's released versions define them, read by scripts/data/derive-history.py. Every
transformer is a scikit-learn estimator (BaseEstimator; the 2.x imputers through scikit-learn's _BaseImputer) whose
fitted state is plain data. PyCaret 2.x pipelines are scikit-learn Pipelines of these transformers, and pass. PyCaret
3.x pipelines are its own Pipeline, whose load hooks are not data (NOT_ADMITTED says why), so they stay reported.
REVIEW keys are owner.hook@hash of the hook's syntax tree; docs/packs/history/pycaret.json lists the versions each
name is found in."""

from sklearn_bases import SKLEARN_BASES

LIB = "pycaret"
PACK = "pycaret"
TITLE = "PyCaret preprocessing transformers, as released versions pickle them"
PACKAGE = "pycaret"
SAVED_BASES = ("sklearn.base.BaseEstimator", "sklearn.impute._base._BaseImputer")
SAVED_WHAT = "a fitted transformer, pickled through its __dict__"
HELD = {}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    **SKLEARN_BASES,
    "sklearn.impute._base._BaseImputer": {
        "why": "scikit-learn's imputer base; its hooks are those the scikit-learn pack reviews", "hooks": {}},
}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {
    "pycaret.internal.pipeline.Pipeline": (
        "3.0 - 3.3.2: __setstate__ reads the installed distributions' metadata and imports PyCaret's required "
        "libraries to compare versions, calls get() and != on the '_pycaret_versions' value the state holds and formats "
        "it into a warning (repr of any object the file puts there); __getattr__ answers every missing name from the "
        "last step. Not data from any state, and no shape check of it exists. 2.2 - 2.3.10 define it too, as an "
        "imbalanced-learn Pipeline subclass this review does not read: not admitted either"),
    "pycaret.internal.pipeline.TimeSeriesPipeline": "3.0 - 3.3.2: a subclass of pycaret.internal.pipeline.Pipeline",
    "pycaret.internal.memory.FastMemory": (
        "3.0 - 3.3.2: a joblib Memory whose __del__ runs reduce_size(): when the object dies, the cache under the "
        "'location' the file names is pruned (files deleted) down to the 'bytes_limit' the file names"),
    "pycaret.internal.memory.FastMemorizedFunc": (
        "3.0 - 3.3.2: a joblib MemorizedFunc subclass (no load hook of its own; joblib's MemorizedFunc is admitted by "
        "the joblib pack) held by PyCaret 3's Pipeline and FastMemory, neither of which is admitted: not reviewed "
        "apart from them"),
}
