"""XGBoost history pack: the scikit-learn API models and the Booster that XGBoost's released versions pickle, read by
scripts/data/derive-history.py. REVIEW keys are owner.hook@hash of the hook's syntax tree."""

from sklearn_bases import SKLEARN_BASES

LIB = "xgboost"
PACK = "xgboost"
TITLE = "XGBoost scikit-learn API models and Booster, as released versions pickle them"
PACKAGE = "xgboost"
SOURCE_ROOT = "python-package"
SAVED_BASES = ("xgboost.sklearn.XGBModel",)
HELD = {
    "xgboost.core.Booster": "the trained model an XGBModel holds (_Booster), or pickled on its own",
    # XGBoost 1.0 - 1.5: XGBClassifier keeps its fitted label encoder (_le), a scikit-learn LabelEncoder subclass
    # defined in compat.py when scikit-learn imports (jpmml-sklearn's XGBoost test pickles of that time hold it).
    "xgboost.compat.XGBoostLabelEncoder": "the label encoder an XGBClassifier holds (_le), XGBoost 1.0 - 1.5",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    **SKLEARN_BASES,
    # XGBoostLabelEncoder's base, as compat.py imports it: a BaseEstimator subclass with no hook of its own in any
    # scikit-learn version the scikit-learn history pack reads (0.15 - 1.9: sklearn.preprocessing.label /
    # _label.LabelEncoder, rebuilt by BaseEstimator.__setstate__, which that pack reviews).
    "sklearn.preprocessing.LabelEncoder": {
        "why": "scikit-learn LabelEncoder; its only hooks are BaseEstimator's, which the scikit-learn pack reviews",
        "hooks": {},
    },
}
_FREE = ("frees the native booster (XGBoosterFree) when the object holds one: only ever a handle its __setstate__ "
         "created (BUILD always goes through __setstate__, which replaces a pickled handle or raises before storing "
         "the state); XGBoosterFree(NULL) deletes nothing")
_LOAD = ("the pickled 'handle' (a bytearray: ctypes from_buffer needs a writable buffer, anything else raises before "
         "the state is stored) is parsed by libxgboost into trees and parameters ({}, XGBoost's own model format, "
         "not a pickle, no callable) and replaced by the native handle it returns; None stays None{}")
_ATTR = "stores the value as a string attribute of the native booster (XGBoosterSetAttr)"
_INFO = "stores the names or types as the native booster's feature info (XGBoosterSetStrFeatureInfo)"
REVIEW = {
    "xgboost.core.Booster.__del__@17194602404c": ("data", _FREE),
    "xgboost.core.Booster.__del__@1ff906d2acd6": ("data", _FREE),
    "xgboost.core.Booster.__del__@66fdc2be5fc1": ("data", _FREE),
    "xgboost.core.Booster.__del__@e6e4c8b18bc3": ("data", _FREE),
    "xgboost.core.Booster.__setstate__@5409bb25bbac": (
        "data", _LOAD.format("XGBoosterLoadModelFromBuffer", "; then set_param({'seed': 0})")),
    "xgboost.core.Booster.__setstate__@bbcee515fa24": (
        "data", _LOAD.format("XGBoosterLoadModelFromBuffer", "; then set_param({'seed': 0})")),
    "xgboost.core.Booster.__setstate__@c878006cb549": ("data", _LOAD.format("XGBoosterUnserializeFromBuffer", "")),
    "xgboost.core.Booster.__setstate__@cd2937c34500": ("data", _LOAD.format("XGBoosterUnserializeFromBuffer", "")),
    # Property setters: run only for BUILD's slot state (setattr), which XGBoost never writes.
    "xgboost.core.Booster.setter best_iteration@08a1f50cb33c": ("data", _ATTR),
    "xgboost.core.Booster.setter best_score@91f520dc25f8": ("data", _ATTR),
    "xgboost.core.Booster.setter feature_names@039349a8b67b": ("data", _INFO),
    "xgboost.core.Booster.setter feature_names@7c46a09c6137": ("data", _INFO),
    "xgboost.core.Booster.setter feature_names@a166f3b5b7c2": ("data", _INFO),
    "xgboost.core.Booster.setter feature_types@09d9933ee646": ("data", _INFO),
    "xgboost.core.Booster.setter feature_types@995d01a0f6b4": ("data", _INFO),
    "xgboost.dask.DaskScikitLearnBase.setter client@683f56ab9d01": (
        "data", "stores the client and its asynchronous flag (an attribute read)"),
    "xgboost.dask.DaskScikitLearnBase.setter client@7e0b46d1c5d9": ("data", "stores the client"),
    # XGBoost 0.47 - 1.0.2: a pickled _Booster that is not a Booster is passed to Booster(model_file=...), whose
    # load_model reads a str as a file path or URL (XGBoosterLoadModel) and any other value as a model buffer.
    # XGBoost itself writes a Booster (or None, or raw bytes in the oldest releases); the VM reports a str.
    "xgboost.sklearn.XGBModel.__setstate__@1814d39ea406": (
        "checked",
        "a _Booster that is not a Booster is loaded with Booster(model_file=_Booster): raw model bytes are parsed, a "
        "str is read as a model file path or URL",
        "a str (or unknown) _Booster in the state is reported as a file read (src/analyzers/pickle/state-hooks.ts)",
    ),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
