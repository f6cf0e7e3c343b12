"""scikit-learn's estimator bases, as other libraries' history packs name them (gensim's sklearn_api, LightGBM's
scikit-learn models): their rebuild hooks are scikit-learn's own, the ones the scikit-learn pack
(scripts/data/derive-sklearn-allowlist.py) admits for every estimator built on them."""

_WHY = "scikit-learn base; its hooks are those the scikit-learn pack reviews for every estimator"
SKLEARN_BASES = {
    name: {"why": _WHY, "hooks": {}}
    for name in ("sklearn.base.BaseEstimator", "sklearn.base.TransformerMixin", "sklearn.base.ClassifierMixin",
                 "sklearn.base.RegressorMixin", "sklearn.base.ClusterMixin")
}
