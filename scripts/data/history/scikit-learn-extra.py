"""scikit-learn-extra history pack (no Debian package and no wheel here, so no pack of an installed version): the
fitted estimators users pickle (pickle.dump or joblib.dump of a fitted KMedoids, CLARA, CommonNNClustering,
EigenProRegressor/EigenProClassifier, RobustWeightedClassifier/Regressor/KMeans or a Fastfood transformer), as the
released versions define them, read by scripts/data/derive-history.py.

Every estimator is a scikit-learn BaseEstimator subclass (with scikit-learn's mixins) and defines no rebuild hook of its
own in any release (no __reduce__, __reduce_ex__, __getstate__, __setstate__, __new__, __setattr__, __getattr__ or
__hash__): it pickles through its __dict__ (its parameters as given: numbers, strings, None, a metric name or callable
the user gave; and what fit sets: numpy arrays such as cluster_centers_, medoid_indices_, labels_, coef_, weights_,
the random state, and the scikit-learn estimators the robust estimators wrap in base_estimator_, judged by the
scikit-learn pack). A RobustWeightedClassifier with more than two classes holds a scikit-learn OneVsRest or OneVsOne
classifier of _RobustWeightedEstimator objects (HELD). The Cython loss classes of
sklearn_extra/robust/_robust_weighted_estimator_helper.pyx (Hinge, Huber, ...) are built inside fit and never stored
on the estimator; they are not admitted. The one library function a fitted estimator holds, the k-means loss of a
RobustWeightedKMeans, is admitted as a stored reference (CYTHON_FUNCTIONS). docs/packs/history/scikit-learn-extra.json lists the versions each name is
found in. The releases are pinned from the repository's tags (pins.json)."""

from sklearn_bases import SKLEARN_BASES

LIB = "scikit-learn-extra"
PACK = "scikit-learn-extra"
TITLE = "scikit-learn-extra's estimators, as released versions pickle them"
PACKAGE = "sklearn_extra"
SAVED_BASES = ("sklearn.base.BaseEstimator",)
SAVED_WHAT = "a fitted estimator, pickled through its __dict__"
HELD = {}
EXTRA_NAMES = {}
EXTERNAL_BASES = {**SKLEARN_BASES}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
# A RobustWeightedKMeans (0.2.0 on) holds, in its base_estimator_ (a _RobustWeightedEstimator), loss=_kmeans_loss: a
# module-level cpdef of the .pyx, pickled by name. Only fit calls it (squared distances of numpy arrays to their nearest
# center); loading stores the reference.
CYTHON_FUNCTIONS = {
    "sklearn_extra.robust._robust_weighted_estimator_helper._kmeans_loss": (
        "reference", "the k-means loss a robust k-means estimator holds; only fit calls it (typed numpy arrays: "
        "per-sample squared distances to the label's center)", ("pyx-af3621637075",)),
}
