"""hdbscan history pack (no Debian package, so no pack of an installed version): the fitted clusterers users save with
joblib or pickle, HDBSCAN and RobustSingleLinkage, as hdbscan's released versions define them, read by
scripts/data/derive-history.py. Both are scikit-learn estimators (BaseEstimator and ClusterMixin) with no rebuild hook
of their own in any release: a pickled model is NEWOBJ of the class and a BUILD of its __dict__ (the parameters as
given, among them the joblib Memory that `memory` defaults to, judged by the joblib pack; the labels, probabilities
and the condensed, single-linkage and spanning trees as numpy arrays). Their __init__ runs only when called, which the
stream is not admitted to do. The prediction data a model fitted with prediction_data=True holds
(hdbscan.prediction.PredictionData) keeps hdbscan's Cython distance metrics (hdbscan.dist_metrics), which this pack
does not review: such a model stays reported. docs/packs/history/hdbscan.json lists the versions each name is found
in; the releases are the repository's tags (pins.json)."""

from sklearn_bases import SKLEARN_BASES

LIB = "hdbscan"
PACK = "hdbscan"
TITLE = "hdbscan's clusterers, as released versions pickle them"
PACKAGE = "hdbscan"
SAVED_BASES = ()
HELD = {
    "hdbscan.hdbscan_.HDBSCAN": "a fitted HDBSCAN clusterer (pickled through its __dict__)",
    "hdbscan.robust_single_linkage_.RobustSingleLinkage": "a fitted robust single linkage clusterer (its __dict__)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {**SKLEARN_BASES}
# HDBSCAN's property setters (0.8.28 on): each stores its value under a private name. They run only for a BUILD's slot
# state (setattr), never for the __dict__ state hdbscan writes: data either way.
_SETTERS = {
    "branch_detection_data_@9775b619d4aa": "_branch_detection_data",
    "condensed_tree_@5af0d86583f0": "_condensed_tree",
    "exemplars_@07601ff244c2": "_exemplars",
    "minimum_spanning_tree_@4c43421bfbf5": "_min_spanning_tree",
    "outlier_scores_@906633e1ea0d": "_outlier_scores",
    "prediction_data_@af7c0fda83da": "_prediction_data",
    "relative_validity_@40a32e5f98cc": "_relative_validity",
    "single_linkage_tree_@593d84f271d0": "_single_linkage_tree",
}
REVIEW = {f"hdbscan.hdbscan_.HDBSCAN.setter {k}": ("data", f"stores the value as self.{v}") for k, v in _SETTERS.items()}
FUNCTIONS = {}
NOT_ADMITTED = {}
