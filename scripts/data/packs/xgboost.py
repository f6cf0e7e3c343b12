"""xgboost pack: the scikit-learn API models and Booster as pickle/joblib store them."""

import numpy as np
import xgboost as xgb

PACK = "xgboost"
TITLE = "XGBoost scikit-learn API models and Booster"
MODULES = ("xgboost",)


def versions():
    return {"xgboost": xgb.__version__}


def objects():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 3))
    y = (X[:, 0] > 0.5).astype(int)
    kw = {"n_estimators": 2, "max_depth": 2, "random_state": 0, "n_jobs": 1}
    clf = xgb.XGBClassifier(**kw).fit(X, y)
    return [
        ("XGBClassifier", clf),
        ("XGBClassifier unfitted", xgb.XGBClassifier()),
        ("XGBRegressor", xgb.XGBRegressor(**kw).fit(X, X[:, 1])),
        ("XGBRanker", xgb.XGBRanker(**kw).fit(X, y, qid=np.repeat(np.arange(4), 10))),
        ("XGBRFClassifier", xgb.XGBRFClassifier(**kw).fit(X, y)),
        ("XGBRFRegressor", xgb.XGBRFRegressor(**kw).fit(X, X[:, 1])),
        ("Booster", clf.get_booster()),
    ]


def streams():
    return []


FUNCTIONS = {}
REVIEW = {
    "sklearn.base.BaseEstimator.__setstate__": (
        "data",
        "warns when the pickled _sklearn_version differs, then __dict__.update(state) (or super().__setstate__)",
    ),
    "xgboost.core.Booster.__setstate__": (
        "data",
        "state['handle'] holds the model as bytes in XGBoost's own serialisation (JSON/UBJSON/binary model format), "
        "parsed by libxgboost's XGBoosterUnserializeFromBuffer into trees and parameters: not a pickle, no callable",
    ),
    "xgboost.core.Booster.__init__": (
        "no",
        "Booster(model_file=path) loads a model from a file path given as an argument (the stream chooses the path)",
    ),
    "xgboost.sklearn.XGBModel.__setstate__": ("data", "(not defined)"),
}
