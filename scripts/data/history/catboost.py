"""CatBoost history pack (no Debian package; the catboost/catboost repository is too large to mirror here): the models
CatBoost's released versions pickle, read by scripts/data/derive-history.py. REVIEW keys are owner.hook@hash of the
hook's syntax tree; docs/packs/history/catboost.json lists the versions each is found in.

Sources (scripts/data/history/pins.json): every release 0.1.1 - 1.0.4 (2017-07 - 2022-01): 0.1.1 - 0.23.2 from the
fork dmsivkov/catboost, 0.24 - 1.0.4 from the fork jochenater/catboost (both carry the upstream tags, pinned at the
tags' commits, or at the release commits where a tag is missing); and the newest catboost/catboost core.py the search
tool's index stores (commit 001a0b5b, 2026: it names scikit-learn 1.6's tags and catboost issue #3106), read with
a public code index's file reader into ~/.cache/sentinel-history/index/ (INDEX_READS). Not read: the releases 1.1 - 1.2.x (2022-09 - 2025).
No fork small enough to mirror here reaches them (the forks that hold core.py and were mirrored end by
2022-02; andrey-khropov/catboost and itlab-vision/catboost are over 1 GB), and the index, which stores many versions
of upstream's core.py, gives a version only at a commit one already knows (that reader without a commit answers
001a0b5b). The entries' ranges name what was read, not those releases. Seen but not counted (a fork's snapshot, not
a release): anttilankinen/catboost, whose version.py says '1.2.10+tweediewithuncertainty' (commit 5d9e6ec6), keeps at
core.py commit 1b307779 (offsets 72,000 - 112,000: the whole _CatBoostBase class) the 1.0.4 __getstate__
and __setstate__ (the same dict, '__model' to _load_from_string, which asserts bytes) with one added statement,
self._canonized_params = None, and no __getattr__; its subclasses were not read.
The real CatBoost pickles of test/fixtures/real-world/public-manifest.json name their writer in the model's
catboost_version_info (Branch/Commit/Summary): 1.2.3, 1.2.5, 1.2.7 (commit f903943a), 1.2.8 (0bcf2525), 1.2.10
(b1bd2a6d) and two master builds: all in the unread span, all admitted in the shape the checked hooks read. The index
stores version.py at the 1.2.7 and 1.2.8 release commits ('1.2.7', '1.2.8') but core.py at none of those commits (a
file is stored at the commits that change it): reading 1.1 - 1.2.x needs the commit of core.py's last change before
each release, which no source here gives.

What pickle.dump of a model writes (_CatBoostBase.__getstate__, every version): NEWOBJ (or copyreg._reconstructor)
of the class and one BUILD of a dict: the init parameters (str keys), '__model' (the model serialized by the native
library, bytes), '_test_evals' (a list per eval set of lists of metric values: floats; 0.1 - 0.8 '_test_eval', the
rows of one set), and a few plain attributes ('_prediction_values_change', '_loss_value_change', '_classes',
'_feature_importance').
"""

LIB = "catboost"
PACK = "catboost"
TITLE = "CatBoost models (CatBoost, CatBoostClassifier, CatBoostRegressor, CatBoostRanker), as released versions pickle them"
PACKAGE = "catboost"
SOURCE_ROOT = "catboost/python-package"
PATHS = ("catboost/core.py",)
SAVED_BASES = ("catboost.core._CatBoostBase",)
SAVED_WHAT = "what pickle.dump of a CatBoost model writes: its class, then one BUILD of the dict __getstate__ returns"
HELD = {}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
EFFECTS = True
INDEX_READS = {
    "001a0b5b81cccb27a67ef246ce08e544cc7ae784": (
        "catboost/python-package/catboost/core.py: 352,966 characters read in 16,000-character pages from offset "
        "72,000 to 328,000 (_CatBoostBase and its four subclasses); kept in the store: each class statement and its "
        "methods named by history_derivation.HOOKS, verbatim (the subclasses' own __init__ omitted)"),
}
# 0.1.1 - 0.8.1.1 define _CatBoostBase in _catboost.pyx (a Python class inside the Cython module; core.py imports it),
# which the ast reader does not parse: those releases are not counted in the entries' ranges. Read by hand for the
# review (git show <commit>:catboost/python-package/catboost/_catboost.pyx at the pinned commits): two __setstate__
# variants act on the same dict: '__model' to the native DeserializeModel (a TString: bytes), '_test_eval' (rows of
# floats) to set_test_eval/_set_test_eval (float() of each value), then 0.1.1 - 0.1.1.5 self.__dict__.update(state),
# 0.1.1.6 - 0.8.1.1 setattr of '_classes'/'_feature_importance' and self._init_params.update(state). The check below
# admits the shape they read too, and one BUILD only (a second one on a 0.1.1 model would call what the first planted
# in the instance __dict__).
ENTRY_NOTE = ("0.1.1 - 0.8.1.1 keep the same __setstate__ in _catboost.pyx, reviewed by hand (scripts/data/history/"
              "catboost.py)")

_STATE = (
    "takes the dict CatBoost writes: '__model' goes to the native model reader ({}: CatBoost's own binary format, "
    "parsed into trees and parameters, not a pickle, no callable; a non-bytes value raises), '_test_eval'/'_test_evals' "
    "to _CatBoost._set_test_evals (len(), iteration and float() of every metric value), {} set as attributes, the "
    "rest stored with self._init_params.update(state)")
_CHECK = "catboost-state"
REVIEW = {
    # 0.9 - 0.10.x: '_classes' and '_feature_importance' attributes
    "catboost.core._CatBoostBase.__setstate__@c7a5951ee4da": (
        "checked", _STATE.format("_deserialize_model: DeserializeModel of a TString", "'_classes'/'_feature_importance'"),
        _CHECK),
    "catboost.core._CatBoostBase.__setstate__@e0a6c737605c": (
        "checked", _STATE.format("_deserialize_model: DeserializeModel of a TString", "'_classes'/'_feature_importance'"),
        _CHECK),
    "catboost.core._CatBoostBase.__setstate__@c370e43cc74d": (
        "checked", _STATE.format("_deserialize_model: DeserializeModel of a TString",
                                 "'_classes'/'_prediction_values_change'/'_loss_value_change'"), _CHECK),
    "catboost.core._CatBoostBase.__setstate__@395754e2976c": (
        "checked", _STATE.format("_deserialize_model: DeserializeModel of a TString",
                                 "'_prediction_values_change'/'_loss_value_change'"), _CHECK),
    # 0.24 - 1.0.4: _load_from_string asserts bytes, then DeserializeModel (0.24.2 on ReadZeroCopyModel of the bytes; the
    # native _deserialize_model and _set_test_evals of 0.25 - 1.0.4 are those of 0.24.4, read in _catboost.pyx at the tags)
    "catboost.core._CatBoostBase.__setstate__@c48966754965": (
        "checked", _STATE.format("_load_from_string: bytes asserted, then the native reader",
                                 "'_prediction_values_change'/'_loss_value_change'"), _CHECK),
    # 2026 master: _load_from_blob asserts bytes or memoryview, then ReadZeroCopyModel
    "catboost.core._CatBoostBase.__setstate__@68dc9eecf21a": (
        "checked", _STATE.format("_load_from_blob: bytes or memoryview asserted, then ReadZeroCopyModel",
                                 "'_prediction_values_change'/'_loss_value_change'"), _CHECK),
    "catboost.core._CatBoostBase.__getattr__@4914a5db5134": (
        "data", "answers n_features_in_/feature_names_in_ of a fitted model from the native model (is_fitted() reads "
                "_random_seed through getattr), raises AttributeError for any other name"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
