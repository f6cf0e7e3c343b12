#!/usr/bin/python3
"""Derive src/rules/data/sklearn-allowlist.json from the installed scikit-learn (Debian /usr/bin/python3, 1.2.1).

Method: every public estimator class from sklearn.utils.all_estimators() (pickled name = __module__ + "." +
__qualname__), plus every global that real pickles of fitted estimators reference. The pickles are produced here
(pickle.dumps at protocols 0, 2, 4, 5 and joblib.dump) and only walked as bytes with pickletools.genops and a small
stack model (for STACK_GLOBAL and memo lookups); nothing is ever unpickled.

Usage: /usr/bin/python3 scripts/data/derive-sklearn-allowlist.py [--out src/rules/data/sklearn-allowlist.json]
"""

import argparse
import inspect
import json
import os
import pickle
import re
import sys
import types
import warnings
from collections import defaultdict

import numpy as np
import scipy
import scipy.stats
import joblib
import sklearn
from sklearn.utils import all_estimators
N_PUBLIC_DEFAULT = len(all_estimators())  # before the experimental modules register theirs
from sklearn.experimental import enable_halving_search_cv  # noqa: F401  (registers experimental estimators)
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.utils import estimator_checks as ec
from sklearn.utils._testing import set_random_state
from sklearn.base import is_classifier, is_regressor, ClusterMixin, TransformerMixin

from allowlist_derivation import PROTOCOLS, joblib_globals, resolve, walk_globals, write_json  # noqa: E402

SCRIPT = "scripts/data/derive-sklearn-allowlist.py"

# ---------------------------------------------------------------------------------------------------------------
# Tiny training data and estimator construction.

RNG = np.random.RandomState(0)
N = 60
X = RNG.uniform(0.1, 1.0, size=(N, 4))
Y_BIN = np.array([0, 1] * (N // 2))
Y_MULTI = np.array([0, 1, 2] * (N // 3))
Y_REG = X @ np.array([1.0, 2.0, -1.0, 0.5]) + RNG.normal(0, 0.05, N) + 3.0
Y_MULTIOUT_REG = np.c_[Y_REG, Y_REG * 2 + 1]
Y_MULTILABEL = np.c_[Y_BIN, 1 - Y_BIN, Y_MULTI == 2].astype(int)
TEXT = [
    "the cat sat on the mat",
    "the dog ate my homework",
    "a cat and a dog are friends",
    "model weights are just numbers",
    "pickles can execute code when loaded",
    "numbers and weights and models",
] * 5
TEXT_Y = np.array([0, 1, 0, 1, 1, 0] * 5)
DICTS = [{"a": float(i % 3), "b": "x" if i % 2 else "y", "c": 1.0} for i in range(N)]


def _kind(cls):
    kinds = []
    if is_classifier(cls):
        kinds.append("classifier")
    if is_regressor(cls):
        kinds.append("regressor")
    if issubclass(cls, ClusterMixin):
        kinds.append("clusterer")
    if issubclass(cls, TransformerMixin):
        kinds.append("transformer")
    return "/".join(kinds) or "estimator"


def _construct(name, cls):
    """Instances to fit for one class (possibly several variants)."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.preprocessing import StandardScaler
    from sklearn.decomposition import PCA

    special = {
        "ColumnTransformer": lambda: [
            cls([("num", StandardScaler(), [0, 1]), ("pca", PCA(n_components=1), [2, 3])], remainder="drop"),
            cls([("num", StandardScaler(), [0])], remainder="passthrough"),
        ],
        "Pipeline": lambda: [cls([("scale", StandardScaler()), ("clf", LogisticRegression())])],
        "FeatureUnion": lambda: [cls([("scale", StandardScaler()), ("pca", PCA(n_components=2))])],
        "GridSearchCV": lambda: [cls(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3)],
        "RandomizedSearchCV": lambda: [
            cls(LogisticRegression(), {"C": scipy.stats.uniform(0.1, 2.0)}, n_iter=2, cv=3, random_state=0)
        ],
        "HalvingGridSearchCV": lambda: [cls(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3, random_state=0)],
        "HalvingRandomSearchCV": lambda: [
            cls(LogisticRegression(), {"C": scipy.stats.loguniform(0.1, 2.0)}, cv=3, random_state=0)
        ],
        "SparseCoder": lambda: [cls(dictionary=np.eye(4)[:2])],
        "MultiOutputClassifier": lambda: [cls(LogisticRegression())],
        "MultiOutputRegressor": lambda: [cls(Ridge())],
        "ClassifierChain": lambda: [cls(LogisticRegression(), random_state=0)],
        "RegressorChain": lambda: [cls(Ridge(), random_state=0)],
        "TransformedTargetRegressor": lambda: [
            cls(regressor=Ridge(), transformer=StandardScaler()),
            cls(regressor=Ridge(), func=np.log1p, inverse_func=np.expm1),
        ],
        "FunctionTransformer": lambda: [cls(np.log1p), cls()],
        "OneHotEncoder": lambda: [cls(), cls(sparse_output=False, handle_unknown="ignore")],
    }
    if name in special:
        return special[name]()
    inst = ec._construct_instance(cls)
    ec._set_checking_parameters(inst)
    return [inst]


def _variants():
    """Extra configurations that make estimators hold other internal types (losses, trees, kernels, optimizers)."""
    from sklearn import ensemble, linear_model, multiclass, neighbors, neural_network, gaussian_process as gp
    from sklearn import calibration
    from sklearn.gaussian_process import kernels as K

    out = []
    for loss in ("squared_error", "absolute_error", "huber", "quantile"):
        out.append(("reg", ensemble.GradientBoostingRegressor(loss=loss, n_estimators=3, random_state=0)))
    out.append(("bin", ensemble.GradientBoostingClassifier(loss="exponential", n_estimators=3, random_state=0)))
    out.append(("bin", ensemble.GradientBoostingClassifier(n_estimators=3, random_state=0)))
    out.append(("multi", ensemble.GradientBoostingClassifier(n_estimators=3, random_state=0)))
    for loss in ("squared_error", "absolute_error", "poisson", "quantile"):
        kw = {"quantile": 0.5} if loss == "quantile" else {}
        out.append(("reg", ensemble.HistGradientBoostingRegressor(loss=loss, max_iter=3, **kw)))
    out.append(("bin", ensemble.HistGradientBoostingClassifier(max_iter=3)))
    out.append(("multi", ensemble.HistGradientBoostingClassifier(max_iter=3, early_stopping=True)))
    for loss in (
        "hinge",
        "log_loss",
        "modified_huber",
        "squared_hinge",
        "perceptron",
        "squared_error",
        "huber",
        "epsilon_insensitive",
        "squared_epsilon_insensitive",
    ):
        out.append(("multi", linear_model.SGDClassifier(loss=loss, max_iter=5, tol=None, random_state=0)))
    for loss in ("squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive"):
        out.append(("reg", linear_model.SGDRegressor(loss=loss, max_iter=5, tol=None, random_state=0)))
    for algo in ("kd_tree", "ball_tree", "brute"):
        for metric in ("minkowski", "manhattan", "chebyshev"):
            out.append(("multi", neighbors.KNeighborsClassifier(n_neighbors=3, algorithm=algo, metric=metric)))
    out.append(("multi2d", neighbors.KNeighborsClassifier(metric="haversine", algorithm="ball_tree")))
    out.append(("X", neighbors.KernelDensity(kernel="gaussian")))
    out.append(("X", neighbors.KernelDensity(kernel="tophat", algorithm="ball_tree")))
    out.append(("X", neighbors.NearestNeighbors(algorithm="kd_tree")))
    out.append(("X", neighbors.NearestNeighbors(algorithm="ball_tree")))
    for kernel in (
        K.RBF() + K.WhiteKernel(),
        K.ConstantKernel() * K.Matern(nu=1.5),
        K.RationalQuadratic(),
        K.ExpSineSquared() + K.WhiteKernel(noise_level=1.0),
        K.DotProduct() ** 2,
        K.PairwiseKernel(metric="rbf"),
    ):
        out.append(("reg", gp.GaussianProcessRegressor(kernel=kernel, optimizer=None, alpha=0.1)))
    out.append(("multi", gp.GaussianProcessClassifier(kernel=K.RBF(), optimizer=None)))
    for solver in ("sgd", "adam", "lbfgs"):
        out.append(("multi", neural_network.MLPClassifier(hidden_layer_sizes=(3,), solver=solver, max_iter=5)))
        out.append(("reg", neural_network.MLPRegressor(hidden_layer_sizes=(3,), solver=solver, max_iter=5)))
    out.append(
        ("multi", neural_network.MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=np.random.RandomState(1)))
    )
    for method in ("sigmoid", "isotonic"):
        out.append(("bin", calibration.CalibratedClassifierCV(linear_model.LogisticRegression(), method=method, cv=3)))
    out.append(("multi", linear_model.LogisticRegression(multi_class="multinomial")))
    out.append(("multi", linear_model.LogisticRegressionCV(cv=3)))
    for cls in (linear_model.PoissonRegressor, linear_model.GammaRegressor, linear_model.TweedieRegressor):
        out.append(("regpos", cls()))
    out.append(("multi", ensemble.RandomForestClassifier(n_estimators=2, random_state=np.random.RandomState(0))))
    out.append(("multilabel", ensemble.RandomForestClassifier(n_estimators=2, random_state=0)))
    out.append(("multiout", ensemble.RandomForestRegressor(n_estimators=2, random_state=0)))
    # a label column with one class makes OneVsRest store sklearn.multiclass._ConstantPredictor
    out.append(("multilabel_const", multiclass.OneVsRestClassifier(linear_model.LogisticRegression())))
    return out


def _fit(est, mode):
    if mode == "bin":
        return est.fit(X, Y_BIN)
    if mode == "multi":
        return est.fit(X, Y_MULTI)
    if mode == "reg":
        return est.fit(X, Y_REG)
    if mode == "regpos":
        return est.fit(X, np.abs(Y_REG) + 0.5)
    if mode == "multiout":
        return est.fit(X, Y_MULTIOUT_REG)
    if mode == "multilabel":
        return est.fit(X, Y_MULTILABEL)
    if mode == "multi2d":
        return est.fit(X[:, :2], Y_MULTI)
    if mode == "multilabel_const":
        return est.fit(X, np.c_[Y_MULTILABEL, np.ones(N, dtype=int)])
    if mode == "X":
        return est.fit(X)
    raise ValueError(mode)


def _fit_public(name, cls, est):
    """Fit a public estimator instance on data that suits it; returns the list of fitted objects."""
    fitted = []
    text = {"CountVectorizer", "TfidfVectorizer", "HashingVectorizer"}
    if name in text:
        return [est.fit(TEXT, TEXT_Y)]
    if name in ("DictVectorizer", "FeatureHasher"):
        return [est.fit(DICTS)]
    if name == "PatchExtractor":
        return [est.fit(RNG.uniform(size=(2, 8, 8)))]
    if name in ("LabelBinarizer", "LabelEncoder"):
        return [est.fit(Y_MULTI)]
    if name == "MultiLabelBinarizer":
        return [est.fit([[1, 2], [3], [1, 3]])]
    if name == "IsotonicRegression":
        return [est.fit(X[:, 0], Y_REG)]
    if name in ("MultiOutputClassifier", "ClassifierChain"):
        return [est.fit(X, Y_MULTILABEL)]
    if name in ("MultiOutputRegressor", "RegressorChain"):
        return [est.fit(X, Y_MULTIOUT_REG)]
    if name == "TfidfTransformer":
        return [est.fit(np.floor(X * 5))]
    Xe = ec._enforce_estimator_tags_X(est, X)
    if is_classifier(est):
        for y in (Y_BIN, Y_MULTI):
            fitted.append(_clone_fit(est, Xe, ec._enforce_estimator_tags_y(est, y)))
        return fitted
    if is_regressor(est):
        return [est.fit(Xe, ec._enforce_estimator_tags_y(est, Y_REG))]
    try:
        return [est.fit(Xe)]
    except (TypeError, ValueError):
        return [est.fit(Xe, ec._enforce_estimator_tags_y(est, Y_MULTI))]


def _clone_fit(est, Xe, y):
    from sklearn.base import clone

    return clone(est).fit(Xe, y)


# ---------------------------------------------------------------------------------------------------------------
# Objects estimators hold as parameters (scoring=, cv=, score_func=, loss objects, metric=, column selectors),
# each pickled on its own and inside a fitted estimator that stores it.

SPLITTER_ARGS = {"LeavePGroupsOut": {"n_groups": 2}, "LeavePOut": {"p": 2}, "PredefinedSplit": {"test_fold": [0, 1, -1, 1]}}
LOSS_ARGS = {
    "PinballLoss": {"quantile": 0.3},
    "HalfTweedieLoss": {"power": 1.5},
    "HalfTweedieLossIdentity": {"power": 1.5},
    "CyPinballLoss": {"quantile": 0.3},
    "CyHalfTweedieLoss": {"power": 1.5},
    "CyHalfTweedieLossIdentity": {"power": 1.5},
    "Interval": {"low": 0.0, "high": 1.0, "low_inclusive": False, "high_inclusive": True},
}
METRIC_ARGS = {
    "seuclidean": {"V": np.ones(4)},
    "mahalanobis": {"V": np.eye(4) * 2.0},
    "minkowski": {"p": 3},
    "p": {"p": 3},
    "wminkowski": {"p": 3, "w": np.ones(4)},
}
# Wraps a Python callable taken from the pickle and calls it on every distance (like numpy.vectorize, which stays
# out of the allowlist too); a real pickle holding one also names its user-defined function.
CALLABLE_HOLDERS = {
    "sklearn.metrics._dist_metrics.PyFuncDistance": "metric=callable: wraps a function taken from the pickle",
    "sklearn.metrics._dist_metrics.PyFuncDistance32": "metric=callable: wraps a function taken from the pickle",
}


def _splitter_classes():
    from sklearn import model_selection
    from sklearn.model_selection._split import BaseCrossValidator, BaseShuffleSplit, _RepeatedSplits

    out = []
    for name in model_selection.__all__:
        cls = getattr(model_selection, name)
        if (
            isinstance(cls, type)
            and issubclass(cls, (BaseCrossValidator, BaseShuffleSplit, _RepeatedSplits))
            and not inspect.isabstract(cls)
        ):
            out.append(cls)
    return out


def _loss_classes():
    from sklearn._loss import _loss as cy_loss, link, loss

    out = []
    for mod in (loss, cy_loss, link):
        for obj in vars(mod).values():
            if isinstance(obj, type) and obj.__module__ == mod.__name__ and not inspect.isabstract(obj):
                out.append(obj)
    return out


def _parameter_objects():
    """(label, object) pairs pickled on their own: every scorer, splitter, loss, distance metric, column selector."""
    from sklearn import metrics, neighbors
    from sklearn.compose import make_column_selector
    from sklearn.metrics import _dist_metrics as dm

    out = []
    for name in metrics.get_scorer_names():
        out.append((f"scorer {name}", metrics.get_scorer(name)))
    out.append(("make_scorer(fbeta_score)", metrics.make_scorer(metrics.fbeta_score, beta=2)))
    out.append(("make_scorer(log_loss)", metrics.make_scorer(metrics.log_loss, greater_is_better=False, needs_proba=True)))
    out.append(("make_scorer(roc_auc_score)", metrics.make_scorer(metrics.roc_auc_score, needs_threshold=True)))
    for cls in _splitter_classes():
        out.append((f"splitter {cls.__name__}", cls(**SPLITTER_ARGS.get(cls.__name__, {}))))
        if "shuffle" in inspect.signature(cls).parameters:
            out.append((f"splitter {cls.__name__}", cls(shuffle=True, random_state=np.random.RandomState(0))))
    for cls in _loss_classes():
        kw = LOSS_ARGS.get(cls.__name__, {})
        if cls.__name__ == "BaseLoss":
            from sklearn._loss import _loss as cy_loss, link

            kw = {"closs": cy_loss.CyHalfSquaredError(), "link": link.IdentityLink()}
        out.append((f"loss {cls.__name__}", cls(**kw)))
    for base, mapping in ((dm.DistanceMetric, dm.METRIC_MAPPING), (dm.DistanceMetric32, dm.METRIC_MAPPING32)):
        for name in mapping:
            if name != "pyfunc":
                out.append((f"metric {name}", base.get_metric(name, **METRIC_ARGS.get(name, {}))))
    for tree in (neighbors.BallTree, neighbors.KDTree):
        for name in tree.valid_metrics:
            if name == "pyfunc":
                continue
            data = X[:, :2] if name == "haversine" else (X > 0.5) if name in dm.BOOL_METRICS else X
            out.append((f"{tree.__name__} {name}", tree(data, leaf_size=20, metric=name, **METRIC_ARGS.get(name, {}))))
    for kw in (
        {"dtype_include": np.number},
        {"pattern": "^num"},
        {"dtype_exclude": [object, "category"]},
        {"dtype_include": [np.floating, np.integer, np.bool_]},
    ):
        out.append(("make_column_selector", make_column_selector(**kw)))
    return out


def _parameter_variants():
    """(mode, estimator) pairs that store the parameter objects above once fitted."""
    from sklearn import feature_selection as fs, linear_model, metrics, model_selection as ms, neighbors

    logreg = linear_model.LogisticRegression
    out = []
    for scoring in ("f1_macro", "accuracy", "roc_auc", ["accuracy", "f1_macro"]):
        refit = "accuracy" if isinstance(scoring, list) else True
        out.append(("bin", ms.GridSearchCV(logreg(), {"C": [0.1, 1.0]}, scoring=scoring, refit=refit, cv=3)))
    out.append(("bin", ms.GridSearchCV(logreg(), {"C": [1.0]}, scoring=metrics.make_scorer(metrics.fbeta_score, beta=2))))
    out.append(("reg", ms.GridSearchCV(linear_model.Ridge(), {"alpha": [1.0]}, scoring="neg_mean_squared_error", cv=3)))
    for cv in (
        ms.KFold(3),
        ms.TimeSeriesSplit(3),
        ms.RepeatedStratifiedKFold(n_splits=2, n_repeats=2, random_state=0),
        ms.ShuffleSplit(3, random_state=0),
        ms.StratifiedShuffleSplit(3, random_state=0),
        ms.LeaveOneOut(),
    ):
        out.append(("multi", ms.GridSearchCV(logreg(), {"C": [1.0]}, cv=cv)))
    for score_func in (fs.chi2, fs.f_classif, fs.mutual_info_classif):
        out.append(("multi", fs.SelectKBest(score_func, k=2)))
    for score_func in (fs.f_regression, fs.r_regression, fs.mutual_info_regression):
        out.append(("reg", fs.SelectPercentile(score_func, percentile=50)))
    for power in (0, 1, 1.5, 2, 3):
        for link in ("auto", "identity", "log"):
            out.append(("regpos", linear_model.TweedieRegressor(power=power, link=link, max_iter=20)))
    out.append(("X", neighbors.NearestNeighbors(algorithm="kd_tree", p=3)))
    out.append(("X", neighbors.NearestNeighbors(algorithm="ball_tree", metric="mahalanobis", metric_params={"V": np.cov(X.T)})))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Functions stored as values (scorer metric functions, feature-selection score functions). A function in the
# allowlist can be called by the pickle itself (REDUCE), so only pure computations qualify: documented parameters
# that take no callable or estimator, and a body that does no I/O, no dynamic lookup and no nested loading.

NOT_METRICS = {
    "sklearn.metrics._scorer.make_scorer": "builds a scorer around a callable",
    "sklearn.metrics._scorer.get_scorer": "looks up or passes through a scorer (accepts a callable)",
    "sklearn.metrics._scorer.check_scoring": "calls estimator methods and accepts a callable scoring",
    "sklearn.metrics._scorer.get_scorer_names": "not a metric (lists registry names)",
}
_IMPURE_SOURCE = re.compile(
    r"\b(open|exec|eval|compile|__import__|getattr|setattr|delattr|import_module|urlopen|Popen|system|load|loads|"
    r"dump|dumps|callable)\s*\("
)


def _documented_params(fn):
    doc = inspect.getdoc(fn) or ""
    m = re.search(r"Parameters\n-+\n(.*?)(?:\n\n[A-Z][A-Za-z ]+\n-+\n|$)", doc, re.S)
    return [line for line in (m.group(1) if m else "").split("\n") if line and not line.startswith(" ")]


# Functions newer releases store inside a fitted estimator, read in their source: a stored reference only (the
# pack's functions are; a stream that calls one is refused), so the vetting of a stream's call does not apply.
# HistGradientBoosting* of scikit-learn 1.4 on (categorical_features="from_dtype" by default from 1.6) keep
# FunctionTransformer(functools.partial(check_array, dtype=[float64], ensure_all_finite=False)) for the numerical
# columns of a frame with categorical ones (_hist_gradient_boosting/gradient_boosting.py _preprocess_X, read in 1.9);
# the VM vets that partial's keywords (vetted-uses.ts PARTIAL_TARGETS).
STORED_ONLY = {
    "sklearn.utils.validation.check_array": "input validation a HistGradientBoosting estimator of scikit-learn >= 1.4 "
                                            "stores as a functools.partial in its numerical-feature FunctionTransformer",
}


def vet_function(fn):
    """Why calling `fn` from a pickle could do more than compute, or None when it cannot."""
    key = f"{fn.__module__}.{fn.__qualname__}"
    if key in NOT_METRICS:
        return NOT_METRICS[key]
    if key in STORED_ONLY:
        return None
    for head in _documented_params(fn):
        low = head.lower()
        if "callable" in low or "estimator" in low or "function" in low:
            return f"parameter takes a callable or an estimator ({head.strip()})"
    try:
        src = inspect.getsource(fn)
    except (OSError, TypeError):
        return "no Python source to check"
    body = src.split(":", 1)[1] if src.lstrip().startswith("def ") else src
    hit = _IMPURE_SOURCE.search(re.sub(r'"""(.*?)"""', "", body, flags=re.S))
    if hit:
        return f"source calls {hit.group(1)}()"
    return None


def _function_candidates():
    """Public metric functions of sklearn.metrics, the scorer registry's score functions, and the public
    feature-selection score functions: {function: where it comes from}."""
    from sklearn import feature_selection, metrics

    out = {}
    for mod in (metrics, feature_selection):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                out.setdefault(obj, f"public {mod.__name__}.{name}")
    for name in metrics.get_scorer_names():
        fn = metrics.get_scorer(name)._score_func
        out.setdefault(fn, f"score function of the '{name}' scorer")
    from sklearn.cluster import _kmeans
    from sklearn.metrics import _scorer

    out.setdefault(_scorer._passthrough_scorer, "default scorer search estimators store (calls estimator.score)")
    out.setdefault(_kmeans._kmeans_single_lloyd, "k-means iteration function BisectingKMeans stores")
    from sklearn.utils import validation

    out.setdefault(validation.check_array, STORED_ONLY["sklearn.utils.validation.check_array"])
    return out


# ---------------------------------------------------------------------------------------------------------------
# Unpickling hooks of every allowlisted class: which classes in its MRO define __setstate__/__reduce__ and friends.

# What loading runs: __new__ (NEWOBJ), __setstate__ (BUILD), __setitem__ (SETITEMS on a dict subclass); __reduce__ and
# __reduce_ex__ show that a class chooses its own reconstructor (which then appears in the pickles walked above).
HOOKS = ("__new__", "__setstate__", "__setitem__", "__reduce__", "__reduce_ex__")


def unpickle_hooks(obj):
    """{"Defining.Class.__hook__": "python: suspicious calls ..." | "python" | "C/Cython"} over the MRO."""
    out = {}
    if not isinstance(obj, type):
        return out
    for klass in obj.__mro__:
        if klass.__module__ == "builtins":
            continue
        for hook in HOOKS:
            if hook not in klass.__dict__:
                continue
            where = f"{klass.__module__}.{klass.__qualname__}.{hook}"
            fn = klass.__dict__[hook]
            try:
                src = inspect.getsource(fn)
            except (OSError, TypeError):
                out[where] = "C/Cython"
                continue
            hit = _IMPURE_SOURCE.search(src)
            out[where] = f"python; calls {hit.group(1)}()" if hit else "python"
    return out


# ---------------------------------------------------------------------------------------------------------------
# Classification of the globals found.

# Functions that only build an instance of one fixed type from plain data (facts about numpy / CPython).
CONSTRUCTORS = {
    "numpy.core.multiarray._reconstruct": "ndarray reconstructor (builds an empty ndarray of a given subtype)",
    "numpy.core.multiarray.scalar": "numpy scalar constructor (dtype + raw bytes)",
    "numpy.core.numeric._frombuffer": "ndarray from a buffer (protocol 5 numpy pickles)",
    "numpy.random._pickle.__randomstate_ctor": "numpy RandomState constructor",
    "numpy.random._pickle.__generator_ctor": "numpy Generator constructor",
    "numpy.random._pickle.__bit_generator_ctor": "numpy BitGenerator constructor",
    "copyreg._reconstructor": "copyreg object reconstructor (protocol < 2 default reduce)",
    "copy_reg._reconstructor": "Python 2 spelling of copyreg._reconstructor (mapped when protocol < 3)",
    "copyreg.__newobj__": "copyreg cls.__new__ helper",
    "numpy.ma.core._mareconstruct": "MaskedArray reconstructor (masked arrays in GridSearchCV.cv_results_)",
    # sklearn's Cython modules define `def newObj(obj): return obj.__new__(obj)` for their __reduce__; verified here:
    # it builds an instance of ANY class passed without calling __init__ (the same power as the NEWOBJ opcode).
    "sklearn.neighbors._kd_tree.newObj": "generic newObj(cls) = cls.__new__(cls); accepts any class, like NEWOBJ",
    "sklearn.neighbors._ball_tree.newObj": "generic newObj(cls) = cls.__new__(cls); accepts any class, like NEWOBJ",
    "sklearn.metrics._dist_metrics.newObj": "generic newObj(cls) = cls.__new__(cls); accepts any class, like NEWOBJ",
}

# Cython-generated `__pyx_unpickle_<Type>(type, checksum, state)`: verified here to refuse a layout checksum it does
# not know and any type that is not a subtype of <Type>, then call <Type>.__new__ and restore state.
PURE_FUNCTION = "pure function stored as a value: computes on its array arguments; takes no callable or estimator, no I/O"
FUNCTION_SOURCES = {}
PYX_UNPICKLE = "Cython __pyx_unpickle helper: rebuilds only its own extension type (checksum + subtype checked)"

# Facts about common non-sklearn globals, so the reviewer sees why each one shows up.
COMPANION_NOTES = {
    "_codecs.encode": "CPython pickler writes bytes as _codecs.encode(text, 'latin1') at protocol < 3; a function",
    "__builtin__.bytes": "empty bytes at protocol < 3 (bytes() via REDUCE); Python-2 name of builtins.bytes",
    "__builtin__.set": "set at protocol < 4 (set(list) via REDUCE); Python-2 name of builtins.set",
    "__builtin__.object": "argument of copy_reg._reconstructor at protocol < 2",
    "builtins.slice": "slice objects (ColumnTransformer column selections)",
    "__builtin__.slice": "slice objects at protocol < 3",
    "numpy.mean": "FeatureAgglomeration.pooling_func default: a function stored as a value",
    "joblib.numpy_pickle.NumpyArrayWrapper": "joblib's array placeholder; raw array bytes follow the pickled wrapper",
}


def classify(module, qual):
    key = f"{module}.{qual}"
    if key in CONSTRUCTORS:
        return "constructor", CONSTRUCTORS[key]
    if qual.startswith("__pyx_unpickle_"):
        return "constructor", PYX_UNPICKLE
    try:
        obj = resolve(module, qual)
    except Exception as exc:  # noqa: BLE001 - report, never fail
        return "unresolved", f"{type(exc).__name__}: {exc}"
    if isinstance(obj, type):
        if issubclass(obj, np.dtype):
            return "dtype", f"numpy dtype class {obj.__name__}"
        return "class", "class" if obj.__flags__ & (1 << 9) else "class (C/Cython extension type)"
    if isinstance(obj, np.ufunc):
        return "ufunc", "numpy ufunc (a callable object)"
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return "function", "function"
    if callable(obj):
        return "callable", f"callable {type(obj).__name__}"
    return "other", type(obj).__name__


def _reason_for(module, qual, obj_kind, holders, public):
    key = f"{module}.{qual}"
    if key in public:
        return f"public estimator class ({public[key]})"
    held = sorted(holders)
    who = ", ".join(held[:3]) + (f" and {len(held) - 3} more" if len(held) > 3 else "")
    if obj_kind == "dtype":
        return f"numpy dtype class in pickles of {who}"
    if obj_kind == "function" and key in STORED_ONLY:
        return f"function stored as a value, never called by the stream: {STORED_ONLY[key]}"
    if obj_kind == "function":
        return f"{PURE_FUNCTION} ({FUNCTION_SOURCES[key]}; held by {who})"
    if module == "sklearn.metrics._scorer":
        return f"scorer object (scoring=): a metric function, its sign and keyword arguments; held by {who}"
    if module == "sklearn.model_selection._split":
        return f"cross-validation splitter (cv=): split parameters only; held by {who}"
    if key == "sklearn.compose._column_transformer.make_column_selector":
        return f"column selector (a name pattern and dtype filters) held by {who}"
    if qual.startswith("__pyx_unpickle_"):
        return f"Cython unpickle constructor for {qual[len('__pyx_unpickle_'):]} (held by {who})"
    if qual == "newObj":
        return f"constructor called by {module.rsplit('.', 1)[1]} __reduce__ ({who}); FLAG: {CONSTRUCTORS[key]}"
    if module.startswith("sklearn.linear_model._sgd_fast"):
        return f"SGD loss function object held by {who}"
    if module.startswith("sklearn.tree._tree"):
        return f"tree structure used by fitted trees ({who})"
    if module.startswith("sklearn._loss") or "loss" in module or "Loss" in qual or "Deviance" in qual:
        return f"loss object held by {who}"
    if module.startswith("sklearn.neighbors._kd_tree") or module.startswith("sklearn.neighbors._ball_tree"):
        return f"neighbour search tree held by {who}"
    if module.startswith("sklearn.metrics._dist_metrics"):
        return f"distance metric object held by {who}"
    if module.startswith("sklearn.gaussian_process.kernels"):
        return f"Gaussian-process kernel held by {who}"
    if module.startswith("sklearn.neural_network._stochastic_optimizers"):
        return f"optimizer state held by {who}"
    if obj_kind == "constructor":
        return f"constructor ({CONSTRUCTORS.get(key, '')}) called by pickles of {who}"
    return f"internal {obj_kind} held by {who}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="src/rules/data/sklearn-allowlist.json")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")

    estimators = all_estimators()
    public = {}
    for name, cls in estimators:
        public[f"{cls.__module__}.{cls.__qualname__}"] = _kind(cls)

    usage_total = defaultdict(set)
    holders = defaultdict(set)
    pickles_seen = defaultdict(int)
    fit_ok, fit_failed = [], {}
    n_pickles = 0

    def record(label, obj):
        nonlocal n_pickles
        usages = []
        for proto in PROTOCOLS:
            u = defaultdict(set)
            walk_globals(pickle.dumps(obj, protocol=proto), u)
            usages.append(u)
        u = defaultdict(set)
        joblib_globals(obj, u)
        usages.append(u)
        for u in usages:
            n_pickles += 1
            for key, how in u.items():
                usage_total[key] |= how
                holders[key].add(label)
                pickles_seen[key] += 1

    for name, cls in estimators:
        np.random.seed(0)  # estimators left at random_state=None draw from the global RNG
        try:
            instances = _construct(name, cls)
            for inst in instances:
                set_random_state(inst, 0)
        except Exception as exc:  # noqa: BLE001
            fit_failed[name] = f"construct: {type(exc).__name__}: {exc}"[:200]
            continue
        for inst in instances:
            record(name, inst)  # unfitted instance
            try:
                fitted = _fit_public(name, cls, inst)
            except Exception as exc:  # noqa: BLE001
                fit_failed[name] = f"fit: {type(exc).__name__}: {exc}"[:200]
                continue
            for f in fitted:
                record(name, f)
            fit_ok.append(name)

    for mode, est in _variants():
        np.random.seed(0)
        label = type(est).__name__
        try:
            _fit(est, mode)
        except Exception as exc:  # noqa: BLE001 - keep the unfitted instance: its parameters still pickle
            fit_failed[f"variant {label} {est.get_params(deep=False)}"] = (
                f"recorded unfitted; {type(exc).__name__}: {exc}"[:200]
            )
        record(label, est)

    for label, obj in _parameter_objects():
        record(label, obj)
    for mode, est in _parameter_variants():
        np.random.seed(0)
        label = type(est).__name__
        try:
            _fit(est, mode)
        except Exception as exc:  # noqa: BLE001
            fit_failed[f"variant {label} {est.get_params(deep=False)}"] = (
                f"recorded unfitted; {type(exc).__name__}: {exc}"[:200]
            )
        record(label, est)
    vetting = {}
    for fn, where in _function_candidates().items():
        key = f"{fn.__module__}.{fn.__qualname__}"
        FUNCTION_SOURCES[key] = where
        vetting[key] = vet_function(fn)
        record(f"function {fn.__name__}", fn)

    entries, excluded, companions, evidence = {}, {}, {}, {}
    for key in public:
        module, qual = key.rsplit(".", 1)
        usage_total.setdefault((module, qual), set())
    for (module, qual), how in sorted(usage_total.items()):
        key = f"{module}.{qual}"
        kind, detail = classify(module, qual)
        hows = sorted(how)
        if module == "sklearn" or module.startswith("sklearn."):
            evidence[key] = {"kind": kind, "usage": hows, "pickles": pickles_seen[(module, qual)]}
            if key in CALLABLE_HOLDERS:
                excluded[key] = CALLABLE_HOLDERS[key]
            elif kind in ("class", "dtype", "constructor") or key in public:
                entries[key] = _reason_for(module, qual, kind, holders[(module, qual)], public)
            elif kind == "function" and key in vetting and vetting[key] is None:
                entries[key] = _reason_for(module, qual, kind, holders[(module, qual)], public)
            else:
                held = sorted(holders[(module, qual)])
                why = f"not a pure computation: {vetting[key]}" if vetting.get(key) else "not a class/constructor"
                excluded[key] = (
                    f"{kind} ({detail}), {why}; used as {'/'.join(hows) or 'nothing'} "
                    f"in pickles of {', '.join(held[:3])}{' and more' if len(held) > 3 else ''}; "
                    "allowing it would let a pickle call it"
                )
        else:
            companions[key] = {
                "kind": kind,
                "detail": COMPANION_NOTES.get(key, detail),
                "usage": hows,
                "pickles": pickles_seen[(module, qual)],
                "example_holders": sorted(holders[(module, qual)])[:3],
            }

    for key, why in CALLABLE_HOLDERS.items():
        excluded.setdefault(key, why)
    hooks = {}
    for key in entries:
        module, qual = key.rsplit(".", 1)
        if qual.startswith("__pyx_unpickle_") or key in CONSTRUCTORS:
            continue
        for where, what in unpickle_hooks(resolve(module, qual)).items():
            hooks.setdefault(where, {"kind": what, "classes": 0})["classes"] += 1

    doc = {
        "generated_by": SCRIPT,
        "python": sys.version.split()[0],
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "method": (
            "all_estimators() public classes (cls.__module__ + '.' + cls.__qualname__) plus every global referenced "
            f"by pickle.dumps at protocols {list(PROTOCOLS)} and joblib.dump (compress=0) of unfitted and fitted "
            "estimators, found by walking the bytes with pickletools.genops + a stack model; never unpickled. "
            "usage: REDUCE = called, NEWOBJ/NEWOBJ_EX/OBJ = instantiated via cls.__new__, INST = called by INST, "
            "value = referenced as data (e.g. argument of copyreg._reconstructor or a stored attribute)."
        ),
        "stats": {
            "public_estimators": len(public),
            "public_estimators_without_experimental_imports": N_PUBLIC_DEFAULT,
            "pickles_walked": n_pickles,
            "estimators_fitted": len(set(fit_ok)),
            "entries": 0,
            "excluded": 0,
            "companions": 0,
        },
        "entries": entries,
        "excluded": excluded,
        "companions": companions,
        "evidence": evidence,
        "not_fitted": dict(sorted(fit_failed.items())),
        "unpickle_hooks": dict(sorted(hooks.items())),
    }
    doc["stats"].update(entries=len(entries), excluded=len(excluded), companions=len(companions))
    write_json(args.out, doc)
    print(json.dumps(doc["stats"]), file=sys.stderr)


if __name__ == "__main__":
    main()
