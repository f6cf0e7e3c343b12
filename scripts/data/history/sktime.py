"""sktime history pack (no Debian package, so no pack of an installed version): the forecasters, transformers and
pipelines users pickle, as sktime's released versions define them, read by scripts/data/derive-history.py. Every sktime
estimator derives from sktime's BaseObject, which derives from scikit-base's BaseObject (skbase, a repository of its
own, from sktime 0.16) or from scikit-learn's BaseEstimator (before); its fitted state is plain data: pandas objects
(the series seen in fit, the cutoff), numbers, the ForecastingHorizon, and the statsmodels and scikit-learn objects a
wrapper holds (reviewed by their own packs). A class whose own hooks rebuild something on load (the deep-learning
estimators' __setstate__ rebuild Keras models from bytes in the state) has a hook without a data verdict and is not
admitted. REVIEW keys are owner.hook@hash of the hook's syntax tree; docs/packs/history/sktime.json lists the versions
each name is found in."""

from sklearn_bases import SKLEARN_BASES

LIB = "sktime"
PACK = "sktime"
TITLE = "sktime forecasters, transformers and pipelines, as released versions pickle them"
PACKAGE = "sktime"
SAVED_BASES = ("sktime.base._base.BaseObject",)
SAVED_WHAT = "a fitted sktime estimator, pickled through its __dict__"
HELD = {
    "sktime.forecasting.base._fh.ForecastingHorizon": (
        "the forecasting horizon a fitted forecaster holds (its values as a pandas Index, and a bool)"),
}
EXTRA_NAMES = {}
# scikit-base (github.com/sktime/skbase), read at every release tag v0.1.0 - v1.1.0 (commits: `git -C <mirror>
# rev-parse <tag>`): its base classes define no __reduce__, __reduce_ex__, __getstate__, __setstate__, __new__,
# __getattr__, __getattribute__, __setattr__ or __hash__; BaseObject defines __eq__ without __hash__, so its instances
# (every sktime estimator) are unhashable and never a dict key or set member while loading.
_SKBASE = ("scikit-base base class: no rebuild hook in any release (v0.1.0 - v1.1.0); __eq__ without __hash__ makes "
           "instances unhashable, so __eq__ never runs while loading")
EXTERNAL_BASES = {
    **SKLEARN_BASES,
    **{name: {"why": _SKBASE, "hooks": {}} for name in (
        "skbase.base.BaseObject", "skbase.base._base.BaseObject", "skbase.base.BaseEstimator",
        "skbase.base._base.BaseEstimator", "skbase.base._tagmanager._FlagManager", "skbase._base.BaseObject",
        "skbase.base.BaseMetaObject", "skbase.base.BaseMetaEstimator", "skbase.base._meta.BaseMetaObject",
        "skbase.base._meta.BaseMetaEstimator", "skbase.base._meta._MetaObjectMixin",
        "skbase.base._meta._MetaTagLogicMixin", "skbase.base._meta.BaseMetaObjectMixin",
        "skbase.base._meta.BaseMetaEstimatorMixin", "skbase.base._base.TagAliaserMixin",
        "skbase.base.TagAliaserMixin")},
    "abc.ABC": {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}},
    # scikit-learn's forest bases, which sktime's interval forests (TimeSeriesForestClassifier/Regressor,
    # SupervisedTimeSeriesForest, RandomIntervalSpectralForest, the composable forests) derive from: the scikit-learn
    # history pack admits each of these names itself, with every hook along its bases reviewed, in every release that
    # defines it (sklearn.ensemble.forest 0.15.0 - 0.21.3, sklearn.ensemble._forest 0.22 - 1.9.0); a forest pickles
    # through its __dict__ (parameters, the fitted trees in estimators_, numpy arrays).
    **{f"sklearn.ensemble.{m}.{c}": {
        "why": ("scikit-learn forest base, admitted by the scikit-learn history pack in every release that defines "
                "it, its hooks reviewed there"), "hooks": {}}
       for m in ("forest", "_forest") for c in ("BaseForest", "ForestClassifier", "ForestRegressor")},
}
# Property setters run only for BUILD's slot state (setattr), which sktime never writes (its estimators pickle
# through __dict__).
_SETS = "stores the value on the object (self.<name> = value)"
_FH_NEW = ("ignores its arguments; sets each name of the module constant DELEGATED_METHODS on the class to a "
           "delegator closure defined in the module (no value of the stream), then object.__new__(cls)")
_FH_FREQ = ("coerces the value with the module's _check_freq: isinstance tests against pandas' offsets, Period and "
            "Index, a 'cutoff' attribute followed the same way, pandas' to_offset of a string, else None; compares it "
            "with the frequency already stored and stores it (or raises ValueError)")
# The releases read (scripts/data/history/pins.json): every tag v0.5.2 - v0.24.0, and the newest, v1.1.0. Those between
# are not read yet; `derive-history.py --pin sktime --repo sktime/sktime --since 2021-01-01 --tag-pattern
# 'v\d+\.\d+\.\d+'` pins them all (91 tags), and a run over them reads each hook they add.
ENTRY_NOTE = "releases read: every tag v0.5.2 - v0.24.0 and v1.1.0 (v0.24.1 - v1.0.2 not read)"
REVIEW = {
    # ForecastingHorizon: NEWOBJ calls __new__ with the arguments the stream gives (sktime writes none).
    **{f"sktime.forecasting.base._fh.ForecastingHorizon.__new__@{h}": ("data", _FH_NEW)
       for h in ("34d47708fca6", "6ee82f833c92", "a1f7ce731ef8", "f97993508c72", "fb8cdcffa0f4")},
    **{f"sktime.forecasting.base._fh.ForecastingHorizon.setter freq@{h}": ("data", _FH_FREQ)
       for h in ("206ac650e8ff", "93d5c31dffde")},
    "sktime.forecasting.base._base.BaseForecaster.setter _is_fitted@ad081b4ecc4f": (
        "data", "a truth test of the value, then stores the constant 'fitted' or 'new' as _state"),
    "sktime.forecasting.compose._pipeline._Pipeline.setter _steps@d1bdcdb43de6": ("data", _SETS),
    "sktime.transformations.compose.TransformerPipeline.setter _steps@d1bdcdb43de6": ("data", _SETS),
    "sktime.transformations.compose._pipeline.TransformerPipeline.setter _steps@d1bdcdb43de6": ("data", _SETS),
    "sktime.detection.compose._pipeline.DetectorPipeline.setter _steps@d1bdcdb43de6": ("data", _SETS),
    "sktime.forecasting.compose._multiplexer.MultiplexForecaster.setter _forecasters@335a8025aebe": ("data", _SETS),
    "sktime.transformations.compose.MultiplexTransformer.setter _transformers@3ecaea9bddfb": ("data", _SETS),
    "sktime.transformations.compose._multiplex.MultiplexTransformer.setter _transformers@3ecaea9bddfb": (
        "data", _SETS),
    "sktime.classification.compose._multiplexer.MultiplexClassifier.setter _classifiers@b6828f46de70": (
        "data", _SETS),
    "sktime.classification.ensemble._weighted.WeightedEnsembleClassifier.setter _classifiers@b6828f46de70": (
        "data", _SETS),
    "sktime.regression.compose._multiplexer.MultiplexRegressor.setter _regressors@2ade4698d21f": ("data", _SETS),
    "sktime.dists_kernels.algebra.CombinedDistance.setter _pw_trafos@2aecabfd748e": ("data", _SETS),
    # Not admitted: rebuilds from what the state holds.
    **{f"{owner}.__setstate__@87b8623adc25": (
        "loader", "imports TensorFlow's Keras and deserializes an optimizer config from the state (keras' "
                  "deserialize: classes by name)")
       for owner in ("sktime.classification.deep_learning.base._base_tf.BaseDeepClassifier",
                     "sktime.regression.deep_learning.base._base_tf.BaseDeepRegressor",
                     "sktime.classification.deep_learning.base.BaseDeepClassifier",
                     "sktime.regression.deep_learning.base.BaseDeepRegressor")},
}
FUNCTIONS = {}
NOT_ADMITTED = {}
