"""imbalanced-learn history pack (no Debian package, so no pack of an installed version): the samplers and the
sampling Pipeline users pickle, as imbalanced-learn's released versions define them, read by
scripts/data/derive-history.py. Samplers, ensembles and the pipeline are scikit-learn estimators; the Pipeline
subclasses scikit-learn's and holds its steps (scikit-learn objects or other samplers). REVIEW keys are
owner.hook@hash of the hook's syntax tree; docs/packs/history/imbalanced-learn.json lists the versions each is found
in."""

from sklearn_bases import SKLEARN_BASES

LIB = "imbalanced-learn"
PACK = "imbalanced-learn"
TITLE = "imbalanced-learn samplers, ensembles and the sampling Pipeline, as released versions pickle them"
PACKAGE = "imblearn"
SAVED_BASES = ("sklearn.base.BaseEstimator",)
SAVED_WHAT = "a fitted sampler or estimator, pickled through its __dict__"
HELD = {
    "imblearn.pipeline.Pipeline": "the sampling Pipeline (a scikit-learn Pipeline subclass) users pickle whole",
    # The ensembles subclass scikit-learn's ensembles (outside the chain the candidates are found by).
    **{name: "an imbalanced-learn ensemble built on a scikit-learn ensemble, pickled through its __dict__" for name in (
        "imblearn.ensemble._forest.BalancedRandomForestClassifier",
        "imblearn.ensemble._bagging.BalancedBaggingClassifier",
        "imblearn.ensemble._easy_ensemble.EasyEnsembleClassifier",
        "imblearn.ensemble._weight_boosting.RUSBoostClassifier",
        "imblearn.ensemble.BalancedRandomForestClassifier",
        "imblearn.ensemble.BalancedBaggingClassifier",
        "imblearn.ensemble.EasyEnsembleClassifier",
        "imblearn.ensemble.RUSBoostClassifier")},
}
EXTRA_NAMES = {}
_SK = "scikit-learn's own class; its hooks are those the scikit-learn pack reviews"
EXTERNAL_BASES = {
    **SKLEARN_BASES,
    **{name: {"why": _SK, "hooks": {}} for name in (
        "sklearn.pipeline.Pipeline", "sklearn.utils.metaestimators._BaseComposition",
        "sklearn.base.OneToOneFeatureMixin", "sklearn.base._OneToOneFeatureMixin",
        "sklearn.ensemble.BaggingClassifier", "sklearn.ensemble._bagging.BaggingClassifier",
        "sklearn.ensemble.bagging.BaggingClassifier", "sklearn.ensemble.AdaBoostClassifier",
        "sklearn.ensemble._weight_boosting.AdaBoostClassifier", "sklearn.ensemble.RandomForestClassifier",
        "sklearn.ensemble._forest.RandomForestClassifier")},
}
REVIEW = {
    # imbalanced-learn 0.2 - 0.3 (SamplerMixin): the logger of the module's constant name, then __dict__.update.
    "imblearn.base.SamplerMixin.__setstate__@0c9c8c964bb2": (
        "data", "__dict__.update(state), then self.logger = logging.getLogger(<its module's name>)"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
