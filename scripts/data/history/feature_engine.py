"""feature-engine history pack (no Debian package, so no pack of an installed version): the fitted transformers users
pickle inside a scikit-learn or imbalanced-learn Pipeline (with joblib.dump or pickle.dump), as feature-engine's
released versions define them, read by scripts/data/derive-history.py. Every transformer is a scikit-learn estimator
(BaseEstimator, with TransformerMixin and feature-engine's own mixins, none of which defines a rebuild hook) whose
fitted state is plain data: the variables it works on (lists of column names), learned numbers per column (dicts of
floats: capping limits, imputation values, encoding maps) and the parameters it was built with. A transformer built
with a user function (a MathFeatures or a FunctionTransformer-like parameter) pickles a reference to that function
by name: it is the user's code, not feature-engine's, and no pack admits it. REVIEW keys are owner.hook@hash of the
hook's syntax tree; docs/packs/history/feature_engine.json lists the versions each name is found in. The releases are
pinned from the repository's own tags where it has them and otherwise from the commit that sets feature_engine/VERSION
to the release (pins.json, 5th item)."""

from sklearn_bases import SKLEARN_BASES

LIB = "feature_engine"
PACK = "feature_engine"
TITLE = "feature-engine transformers, as released versions pickle them"
PACKAGE = "feature_engine"
SAVED_BASES = ("sklearn.base.BaseEstimator",)
SAVED_WHAT = "a fitted transformer, pickled through its __dict__"
HELD = {}
EXTRA_NAMES = {}
EXTERNAL_BASES = {**SKLEARN_BASES}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
