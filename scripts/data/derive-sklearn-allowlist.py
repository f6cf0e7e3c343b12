#!/usr/bin/python3
"""Derive src/rules/data/sklearn-allowlist.json from the installed scikit-learn (Debian /usr/bin/python3, 1.2.1).

Method: every public estimator class from sklearn.utils.all_estimators() (pickled name = __module__ + "." +
__qualname__), plus every global that real pickles of fitted estimators reference. The pickles are produced here
(pickle.dumps at protocols 0, 2, 4, 5 and joblib.dump) and only walked as bytes with pickletools.genops and a small
stack model (for STACK_GLOBAL and memo lookups); nothing is ever unpickled.

Usage: /usr/bin/python3 scripts/data/derive-sklearn-allowlist.py [--out src/rules/data/sklearn-allowlist.json]
"""

import argparse
import importlib
import io
import json
import os
import pickle
import pickletools
import shutil
import subprocess
import sys
import types
import warnings
from collections import defaultdict

import numpy as np
import scipy
import scipy.stats
import joblib
import joblib.numpy_pickle as joblib_np
import sklearn
from sklearn.utils import all_estimators
N_PUBLIC_DEFAULT = len(all_estimators())  # before the experimental modules register theirs
from sklearn.experimental import enable_halving_search_cv  # noqa: F401  (registers experimental estimators)
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.utils import estimator_checks as ec
from sklearn.utils._testing import set_random_state
from sklearn.base import is_classifier, is_regressor, ClusterMixin, TransformerMixin

PROTOCOLS = (0, 2, 4, 5)
SCRIPT = "scripts/data/derive-sklearn-allowlist.py"

# ---------------------------------------------------------------------------------------------------------------
# Pickle byte walker: records every global an opcode stream names, never executes anything.

_MARK = object()


class _Global:
    """Stack placeholder for a global reference; remembers how the stream used it."""

    def __init__(self, key):
        self.key = key


_STRING_OPS = {
    "SHORT_BINUNICODE",
    "BINUNICODE",
    "BINUNICODE8",
    "UNICODE",
    "STRING",
    "BINSTRING",
    "SHORT_BINSTRING",
}


def walk_globals(data, usage):
    """Walk one pickle stream in `data` (bytes); add (module, name) -> set(usage) into `usage`. Returns end offset."""
    stack = []
    memo = {}
    end = 0

    def pop():
        return stack.pop() if stack else None

    def note(item, how):
        if isinstance(item, _Global):
            usage[item.key].add(how)

    def pop_to_mark():
        items = []
        while stack:
            item = stack.pop()
            if item is _MARK:
                break
            items.append(item)
        items.reverse()
        return items

    for op, arg, pos in pickletools.genops(data):
        name = op.name
        end = pos + 1
        if name in ("GLOBAL", "INST"):
            module, qual = arg.split(" ", 1)
            key = (module, qual)
            usage.setdefault(key, set())
            if name == "INST":
                usage[key].add("INST")
                for item in pop_to_mark():
                    note(item, "value")
                stack.append(None)
            else:
                stack.append(_Global(key))
        elif name == "STACK_GLOBAL":
            qual = pop()
            module = pop()
            key = (module if isinstance(module, str) else "?", qual if isinstance(qual, str) else "?")
            usage.setdefault(key, set())
            stack.append(_Global(key))
        elif name in _STRING_OPS:
            stack.append(arg if isinstance(arg, str) else None)
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1] if stack else None
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1] if stack else None
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(arg))
        elif name == "DUP":
            stack.append(stack[-1] if stack else None)
        elif name == "MARK":
            stack.append(_MARK)
        elif name == "REDUCE":
            args = pop()
            note(args, "value")
            note(pop(), "REDUCE")
            stack.append(None)
        elif name == "NEWOBJ":
            note(pop(), "value")
            note(pop(), "NEWOBJ")
            stack.append(None)
        elif name == "NEWOBJ_EX":
            note(pop(), "value")
            note(pop(), "value")
            note(pop(), "NEWOBJ_EX")
            stack.append(None)
        elif name == "OBJ":
            items = pop_to_mark()
            if items:
                note(items[0], "OBJ")
                for item in items[1:]:
                    note(item, "value")
            stack.append(None)
        elif name == "STOP":
            break
        else:
            before = op.stack_before
            if pickletools.markobject in before:
                for item in pop_to_mark():
                    note(item, "value")
                for _ in range(before.index(pickletools.markobject)):
                    note(pop(), "value")
            else:
                for _ in before:
                    note(pop(), "value")
            for _ in op.stack_after:
                stack.append(None)
    return end


# ---------------------------------------------------------------------------------------------------------------
# joblib: record where NumpyArrayWrapper writes raw array bytes / nested object-array pickles, so the walker can
# splice them out of the outer stream (joblib interleaves them with pickle opcodes; they are not pickle opcodes).

_joblib_regions = []
_orig_write_array = joblib_np.NumpyArrayWrapper.write_array


def _recording_write_array(self, array, pickler):
    start = pickler.file_handle.tell()
    _orig_write_array(self, array, pickler)
    _joblib_regions.append((start, pickler.file_handle.tell(), bool(array.dtype.hasobject)))


joblib_np.NumpyArrayWrapper.write_array = _recording_write_array


def joblib_globals(obj, usage):
    del _joblib_regions[:]
    buf = io.BytesIO()
    joblib.dump(obj, buf, compress=0)
    data = buf.getvalue()
    outer = bytearray()
    cursor = 0
    for start, stop, nested in sorted(_joblib_regions):
        outer += data[cursor:start]
        if nested:
            walk_globals(data[start:stop], usage)
        cursor = stop
    outer += data[cursor:]
    walk_globals(bytes(outer), usage)


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


def _resolve(module, qual):
    from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING

    if (module, qual) in NAME_MAPPING:
        module, qual = NAME_MAPPING[(module, qual)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    mod = importlib.import_module(module)
    obj = mod
    for part in qual.split("."):
        obj = getattr(obj, part)
    return obj


def classify(module, qual):
    key = f"{module}.{qual}"
    if key in CONSTRUCTORS:
        return "constructor", CONSTRUCTORS[key]
    if qual.startswith("__pyx_unpickle_"):
        return "constructor", PYX_UNPICKLE
    try:
        obj = _resolve(module, qual)
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
            if kind in ("class", "dtype", "constructor") or key in public:
                entries[key] = _reason_for(module, qual, kind, holders[(module, qual)], public)
            else:
                held = sorted(holders[(module, qual)])
                excluded[key] = (
                    f"{kind} ({detail}), not a class/constructor; used as {'/'.join(hows) or 'nothing'} "
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
    }
    doc["stats"].update(entries=len(entries), excluded=len(excluded), companions=len(companions))
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, sort_keys=False)
        fh.write("\n")
    prettier(args.out)
    print(json.dumps(doc["stats"]), file=sys.stderr)


def prettier(path):
    """The repo's format check covers src/**/*.json: let the repo's own prettier lay the file out."""
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if shutil.which("npx") is None:
        print("warning: npx not found; run `npx prettier --write` on the output", file=sys.stderr)
        return
    subprocess.run(["npx", "--no-install", "prettier", "--write", os.path.abspath(path)], cwd=repo, check=True,
                   stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
