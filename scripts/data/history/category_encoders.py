"""category_encoders history pack (no Debian package, so no pack of an installed version): the fitted encoders users
pickle beside a scikit-learn model, as category_encoders' released versions define them, read by
scripts/data/derive-history.py. Every encoder is a scikit-learn estimator (BaseEstimator) whose fitted state is plain
data: mappings held as pandas Series and DataFrames, numbers and lists, and the OrdinalEncoder some encoders hold.
REVIEW keys are owner.hook@hash of the hook's syntax tree; docs/packs/history/category_encoders.json lists the versions
each name is found in."""

from sklearn_bases import SKLEARN_BASES

LIB = "category_encoders"
PACK = "category_encoders"
TITLE = "category_encoders encoders, as released versions pickle them"
PACKAGE = "category_encoders"
SAVED_BASES = ("sklearn.base.BaseEstimator",)
SAVED_WHAT = "a fitted encoder, pickled through its __dict__"
HELD = {}
EXTRA_NAMES = {}
EXTERNAL_BASES = {**SKLEARN_BASES}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
