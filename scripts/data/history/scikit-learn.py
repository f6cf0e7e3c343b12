"""scikit-learn history pack: the estimators (and the Python objects they hold) that scikit-learn's released versions
pickle, at the module locations each version defined them (sklearn.linear_model.logistic.LogisticRegression in
0.15 - 0.21, sklearn.linear_model._logistic from 0.22, ...), read by scripts/data/derive-history.py at the commits
pinned in pins.json. scikit-learn/scikit-learn is too large to mirror here: the commits are read from forks that carry
them unchanged (the release tags where a fork has them, otherwise the maintenance branch's commit that sets
__version__ to the release). REVIEW keys are owner.hook@hash of the hook's syntax tree (docstring dropped);
docs/packs/history/scikit-learn.json lists the versions each hook is found in. The current names stay reviewed in the
installed version (scripts/data/derive-sklearn-allowlist.py); Cython classes (.pyx: trees, neighbors' KD/Ball trees,
distance metrics, SGD losses) are not read here."""

LIB = "scikit-learn"
PACK = "scikit-learn"
TITLE = "scikit-learn estimators as released versions pickle them"
PACKAGE = "sklearn"
# Write the effect model of every admitted class (src/analyzers/pickle/data/history-effects-scikit-learn.json).
EFFECTS = True
# What a fitted estimator is and holds: estimators (BaseEstimator), and the Python objects that estimators keep as
# fitted attributes: gradient-boosting losses (loss_) of every generation, Gaussian-process kernels (kernel_), the
# MLP's optimizer (_optimizer), scorers (GridSearchCV.scorer_), cross-validation splitters (cv).
SAVED_BASES = (
    "sklearn.base.BaseEstimator",
    "sklearn.ensemble.gradient_boosting.LossFunction",
    "sklearn.ensemble._gb_losses.LossFunction",
    "sklearn.ensemble._hist_gradient_boosting.loss.BaseLoss",
    "sklearn._loss.loss.BaseLoss",
    "sklearn._loss.link.BaseLink",
    "sklearn._loss.link.Interval",
    "sklearn.gaussian_process.kernels.Kernel",
    "sklearn.neural_network._stochastic_optimizers.BaseOptimizer",
    "sklearn.metrics.scorer._BaseScorer",
    "sklearn.metrics._scorer._BaseScorer",
    "sklearn.model_selection._split.BaseCrossValidator",
    "sklearn.model_selection._split.BaseShuffleSplit",
    "sklearn.model_selection._split._RepeatedSplits",
)
SAVED_WHAT = "what fitted scikit-learn estimators are and hold"
# Plain classes (object subclasses) that fitted estimators hold, at each location a version defined them.
_INIT = "the initial estimator a GradientBoosting model of scikit-learn <= 0.20 holds (init_)"
HELD = {
    "sklearn.ensemble.gradient_boosting.LogOddsEstimator": _INIT,
    "sklearn.ensemble.gradient_boosting.PriorProbabilityEstimator": _INIT,
    "sklearn.ensemble.gradient_boosting.MeanEstimator": _INIT,
    "sklearn.ensemble.gradient_boosting.QuantileEstimator": _INIT,
    "sklearn.ensemble.gradient_boosting.ScaledLogOddsEstimator": _INIT,
    "sklearn.ensemble.gradient_boosting.ZeroEstimator": _INIT,
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor": "a tree of a HistGradientBoosting model",
    "sklearn.cluster.birch._CFNode": "a node of Birch's clustering feature tree",
    "sklearn.cluster.birch._CFSubcluster": "a subcluster of Birch's clustering feature tree",
    "sklearn.cluster._birch._CFNode": "a node of Birch's clustering feature tree",
    "sklearn.cluster._birch._CFSubcluster": "a subcluster of Birch's clustering feature tree",
    "sklearn.calibration._CalibratedClassifier": "a calibrated classifier CalibratedClassifierCV holds",
    "sklearn.utils.Bunch": "the dict of named values datasets and some fitted attributes are",
    "sklearn.utils._bunch.Bunch": "the dict of named values datasets and some fitted attributes are",
    "sklearn.datasets.base.Bunch": "the dict of named values datasets are (scikit-learn <= 0.21's location)",
    # Metadata routing (1.3 on): what set_{method}_request leaves on an estimator (_metadata_request), and the scorer
    # a search holds when it scores with the estimator's own score method (scorer_ with scoring=None, a class from 1.4).
    "sklearn.utils._metadata_requests.MetadataRequest": "the metadata requests an estimator keeps (_metadata_request)",
    "sklearn.utils._metadata_requests.MethodMetadataRequest": "one method's metadata requests (held by MetadataRequest)",
    "sklearn.metrics._scorer._PassthroughScorer": "the scorer a search holds with scoring=None (scorer_)",
    # 0.19.1 - 0.20.4: a search's cv_results_ is a dict subclass that warns when a deprecated key is read; pickled
    # as NEWOBJ of the class, SETITEMS of the results and a BUILD of its __dict__ ({'_deprecations': {key: (message,
    # FutureWarning, {})}}: the warning class only stored, its reference admitted by the python pack).
    "sklearn.utils.deprecation.DeprecationDict": "the dict a search of 0.19.1 - 0.20.4 keeps cv_results_ in",
    # 1.5 - 1.6 (force_int_remainder_cols=True, the default): the remainder's column indices in transformers_.
    "sklearn.compose._column_transformer._RemainderColsList": (
        "the list of remainder column indices a fitted ColumnTransformer of 1.5 - 1.6 holds (transformers_[-1][-1])"),
    # A search's grid_scores_ (sklearn.grid_search until its removal in 0.20; model_selection's searches of 0.18 -
    # 0.19 keep it as a deprecated attribute, and model_selection._search defines the class until 0.20.4): one
    # (parameters, mean_validation_score, cv_validation_scores) per
    # candidate, a namedtuple subclass with __slots__ = () and only __repr__ of its own, pickled as NEWOBJ of the class
    # with the three values (protocol 2+).
    "sklearn.grid_search._CVScoreTuple": "one candidate's scores in a search's grid_scores_",
    "sklearn.model_selection._search._CVScoreTuple": "one candidate's scores in a model_selection search's grid_scores_",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "abc.ABC": {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}},
    # six.with_metaclass(ABCMeta) with no base class (0.18 - 0.21's splitters, losses): object with ABCMeta as its
    # metaclass; the parser reads the call's last argument as the base
    "abc.ABCMeta": {"why": "six.with_metaclass(ABCMeta) with no base: object under the ABCMeta metaclass, no rebuild "
                           "hook", "hooks": {}},
    "builtins.dict": {"why": "C dict: SETITEMS stores keys and values", "hooks": {}},
    # class C(namedtuple("C", "a b")): the class collections.namedtuple generates (CPython's
    # Lib/collections/__init__.py) is a tuple subclass with __slots__ = () whose __new__ is tuple.__new__(cls, (the
    # field arguments)), exactly as many as it has fields (else TypeError); no __init__, __setstate__, __setattr__,
    # __getattr__ or __del__; __eq__/__hash__ are tuple's (over the items). Pickled as NEWOBJ of the class with the
    # field values (its __getnewargs__ returns tuple(self)).
    "collections.namedtuple()": {"why": "a namedtuple class: __new__ builds a tuple of its field arguments",
                                 "hooks": {"__new__": "ext-namedtuple-new"}},
    # CPython's collections.UserList (read in Lib/collections/__init__.py of 3.11): no __new__, __setstate__,
    # __setattr__, __getattr__, __del__ or __reduce__ of its own, so a pickled instance is copyreg's NEWOBJ of the class
    # and a BUILD of its __dict__ (the list in `data`; no list items, as it is no list subclass). __eq__ without
    # __hash__ sets __hash__ to None: never a dict key or set member while loading. __setitem__/append/extend call
    # self.data's __setitem__/append/extend (a state value's method): the library never writes items for it, and the
    # VM refuses items given to it (HistoryCheck "items").
    "collections.UserList": {
        "why": "CPython's UserList: NEWOBJ + its pickled __dict__ (data: the list); unhashable",
        "hooks": {"__init__": "ext-userlist-init", "__setitem__": "ext-userlist-setitem", "append": "ext-userlist-append",
                  "extend": "ext-userlist-extend", "__eq__": "ext-userlist-eq", "__hash__": "none"},
        "checked": {"__setitem__": "items", "append": "items", "extend": "items"},
    },
}
_POP = ("pops '_sklearn_version' from the state (state.pop), compares it with the running version and may warn "
        "(formatting the value), then stores the state in the instance __dict__ (__dict__.update, after "
        "super().__setstate__, which object lacks)")
# Property setters run only for BUILD's slot state (the second item of a (dict, slots) state), and only for a class
# without __setstate__: from 0.18 every estimator has BaseEstimator.__setstate__, which BUILD calls with any state
# (a tuple state raises in state.pop), so an estimator's setter of 0.18+ never runs while loading.
_DEAD = "a setter of an estimator of 0.18+ (BaseEstimator.__setstate__ takes every BUILD): never runs while loading; "
_ISO = ("then rebuilds the interpolation function with self._build_f(X, y), looked up on the instance (a state key "
        "_build_f would be called: modelled), which builds scipy's interp1d over the pickled thresholds")
# Gaussian-process kernels are not estimators and have no __setstate__: BUILD's slot state runs the theta setters,
# which call get_params/set_params looked up on the instance (the state can plant both). scikit-learn never writes a
# slot state (no kernel has __slots__): admitted with a dict state only, which the VM checks.
_SLOTS = ("BUILD with a slot state (a (dict, slots) pair) on a scikit-learn kernel or TfidfVectorizer is reported as the "
          "setattr calls it makes (src/analyzers/pickle/state-hooks.ts)")
REVIEW = {
    "sklearn.base.BaseEstimator.__setstate__@a0156911f2ef": ("data", _POP.replace(" (__dict__.update, after "
                                                                                  "super().__setstate__, which "
                                                                                  "object lacks)", "")),
    "sklearn.base.BaseEstimator.__setstate__@578a00c9569d": ("data", _POP),
    "sklearn.base.BaseEstimator.__setstate__@d4b86b350c84": ("data", _POP),
    "sklearn.base.BaseEstimator.__setstate__@ec5075a8379d": ("data", _POP),
    "sklearn.base.BaseEstimator.__setstate__@a7b73596a610": ("data", _POP),
    "sklearn.base.BaseEstimator.__setstate__@3ea63849eaaa": ("data", _POP + " (the warning object stores the values)"),
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor.__setstate__@2fa1b55616dc": (
        "data", "stores the state in the instance __dict__, then casts self.nodes to the record dtype with "
                "self.nodes.astype when its dtype differs (a method of a state value: modelled)"),
    "sklearn.isotonic.IsotonicRegression.__setstate__@3a75dca24f68": (
        "data", "stores the state in the instance __dict__, " + _ISO, None, {"state._build_f": ["call"]}),
    "sklearn.isotonic.IsotonicRegression.__setstate__@8f9f92a72020": (
        "data", "BaseEstimator.__setstate__, " + _ISO, None, {"state._build_f": ["call"], "state": ["method:pop"]}),
    "sklearn.isotonic.IsotonicRegression.__setstate__@4ecc8adb3afb": (
        "data", "BaseEstimator.__setstate__, " + _ISO, None, {"state._build_f": ["call"], "state": ["method:pop"]}),
    "sklearn.isotonic.IsotonicRegression.__setstate__@f4111b0d47a6": (
        "data", "BaseEstimator.__setstate__, " + _ISO, None, {"state._build_f": ["call"], "state": ["method:pop"]}),
    "sklearn.frozen._frozen.FrozenEstimator.__getattr__@316ae789d98f": (
        "data", "answers a failed attribute lookup from the wrapped estimator (getattr(self.estimator, name)); BUILD "
                "finds __setstate__ on the class (BaseEstimator's), so loading never reaches it"),
    "sklearn.compose._column_transformer.ColumnTransformer.setter _transformers@ff13f0934abf": (
        "data", _DEAD + "rebuilds the transformers list from the value and self.transformers"),
    "sklearn.compose._column_transformer.ColumnTransformer.setter _transformers@b37b488b6c2f": (
        "data", _DEAD + "rebuilds the transformers list from the value and self.transformers, else stores it"),
    "sklearn.feature_extraction.text.TfidfTransformer.setter idf_@1ef735dba87d": (
        "data", _DEAD + "np.asarray of the value and a scipy diagonal matrix"),
    "sklearn.feature_extraction.text.TfidfVectorizer.setter idf_@08084144f789": (
        "checked", _DEAD + "calls self._validate_vocabulary() (looked up on the instance) and stores the value on "
                           "self._tfidf", _SLOTS),
    "sklearn.feature_extraction.text.TfidfVectorizer.setter idf_@00f13acffc6c": (
        "checked", _DEAD + "may build a TfidfTransformer, calls self._validate_vocabulary() (looked up on the "
                           "instance) and stores the value on self._tfidf", _SLOTS),
    # 0.15 - 0.17 (no BaseEstimator.__setstate__): these run for a slot state and set an attribute of self._tfidf.
    "sklearn.feature_extraction.text.TfidfVectorizer.setter norm@eb6ec42ec3f5": (
        "checked", "sets self._tfidf.norm", _SLOTS),
    "sklearn.feature_extraction.text.TfidfVectorizer.setter smooth_idf@65036e09acf1": (
        "checked", "sets self._tfidf.smooth_idf", _SLOTS),
    "sklearn.feature_extraction.text.TfidfVectorizer.setter sublinear_tf@8f7404482e05": (
        "checked", "sets self._tfidf.sublinear_tf", _SLOTS),
    "sklearn.feature_extraction.text.TfidfVectorizer.setter use_idf@e90b78d222ef": (
        "checked", "sets self._tfidf.use_idf", _SLOTS),
    "sklearn.gaussian_process.kernels.Kernel.setter theta@279237cf3463": (
        "checked", "calls self.get_params() and self.set_params(**params) (looked up on the instance) with "
                   "np.exp of the value's items", _SLOTS),
    "sklearn.gaussian_process.kernels.KernelOperator.setter theta@75b8a519f659": (
        "checked", "sets theta on self.k1 and self.k2 (their setters)", _SLOTS),
    "sklearn.gaussian_process.kernels.Exponentiation.setter theta@8de9373ea047": (
        "checked", "sets theta on self.kernel (its setter)", _SLOTS),
    "sklearn.gaussian_process.kernels.CompoundKernel.setter theta@7efaddbda36a": (
        "checked", "sets theta on each of self.kernels (their setters)", _SLOTS),
    "sklearn.isotonic.IsotonicRegression.setter X_@95655912a398": ("data", _DEAD + "stores it"),
    "sklearn.isotonic.IsotonicRegression.setter y_@6a5533e793fa": ("data", _DEAD + "stores it"),
    "sklearn.linear_model._glm.glm.GammaRegressor.setter family@44cf1bc70cc9": ("data", _DEAD + "compares, raises"),
    "sklearn.linear_model._glm.glm.PoissonRegressor.setter family@e0def27c45b8": ("data", _DEAD + "compares, raises"),
    "sklearn.linear_model._glm.glm.TweedieRegressor.setter family@45cc0ef77e37": (
        "data", _DEAD + "isinstance check, stores value.power"),
    "sklearn.utils._estimator_html_repr._HTMLDocumentationLinkMixin.setter _doc_link_template@8d00a7b614e4": (
        "data", _DEAD + "stores it"),
    "sklearn.utils._repr_html.base._HTMLDocumentationLinkMixin.setter _doc_link_template@8d00a7b614e4": (
        "data", _DEAD + "stores it"),
    # Bunch: a dict whose attributes are its items. Every version that defines it at sklearn.utils (0.19 on) has the
    # no-op __setstate__, so BUILD never asks __getattr__ for it; sklearn.datasets.base.Bunch of 0.17 does not (below).
    "sklearn.utils.Bunch.__setstate__@bcd0c5bb3ba2": ("data", "does nothing (the pickled __dict__ is ignored)"),
    "sklearn.utils._bunch.Bunch.__setstate__@bcd0c5bb3ba2": ("data", "does nothing (the pickled __dict__ is ignored)"),
    "sklearn.datasets.base.Bunch.__setstate__@bcd0c5bb3ba2": ("data", "does nothing (the pickled __dict__ is ignored)"),
    "sklearn.utils.Bunch.__setattr__@5fd60a51ec45": ("data", "stores the value as an item (self[key] = value)"),
    "sklearn.utils._bunch.Bunch.__setattr__@5fd60a51ec45": ("data", "stores the value as an item (self[key] = value)"),
    "sklearn.datasets.base.Bunch.__setattr__@5fd60a51ec45": ("data", "stores the value as an item (self[key] = value)"),
    "sklearn.utils.Bunch.__getattr__@8dda81b85826": (
        "data", "answers a failed attribute lookup with the item of that key; BUILD finds __setstate__ on the class"),
    "sklearn.utils._bunch.Bunch.__getattr__@8dda81b85826": (
        "data", "answers a failed attribute lookup with the item of that key; BUILD finds __setstate__ on the class"),
    "sklearn.utils._metadata_requests.MetadataRequest.__getattr__@6559ed9d9d44": (
        "data", "answers a failed attribute lookup only for the names of the module's constant COMPOSITE_METHODS table "
                "(fit_transform, fit_predict: a MethodMetadataRequest composed from the instance's fit/transform/"
                "predict requests); any other name, such as the __setstate__ BUILD asks for, raises AttributeError"),
    "sklearn.datasets.base.Bunch.__getattr__@8dda81b85826": (
        "data", "answers a failed attribute lookup with the item of that key; BUILD finds __setstate__ on the class"),
}
# Score functions a feature selector stores (SelectKBest(score_func=...), GenericUnivariateSelect, SelectPercentile,
# SelectFpr/Fdr/Fwe: score_func), at their module locations of 0.15 - 0.21 (the installed pack reviews the current
# ones). The selector calls score_func(X, y) in fit only; loading never calls it. Admitted as stored references
# (calls "none"): a stream that calls one, or uses it as a reconstructor, is refused. Every hash below was read:
# each computes statistics of its array arguments (numpy/scipy, check_X_y/check_array validation, a LabelBinarizer
# fit for chi2, the k-nearest-neighbour estimate for mutual information), with no I/O, no import, no callable taken.
_SCORE = "a feature selector's score function, stored as score_func and called by fit only (never while loading)"
# Cython classes at the module locations of 0.15 - 0.21 (read from each version's .pyx by derive-history.py, not by
# the ast parse): the SGD losses an SGDClassifier/SGDRegressor of those versions holds (loss_function_, the class
# called as their __reduce__ writes: Hinge(threshold), Log()). The installed pack reviews the same classes at
# sklearn.linear_model._sgd_fast. Their bases (LossFunction, Classification, Regression) have no fields and no
# building method in the source; Cython >= 0.26 adds the generated __reduce_cython__/__setstate_cython__ to such a
# field-less base, which checks the state's length before it reads an item and sets no field.
_SGD = "an SGD loss function object an SGDClassifier/SGDRegressor of scikit-learn <= 0.21 holds (loss_function_)"
CYTHON = {f"sklearn.linear_model.sgd_fast.{n}": (_SGD, None) for n in (
    "Hinge", "Log", "ModifiedHuber", "SquaredHinge", "SquaredLoss", "Huber", "EpsilonInsensitive",
    "SquaredEpsilonInsensitive")}
_DOUBLE = "stores its one argument in a C double field (Cython converts it with float(), else raises TypeError)"
REVIEW.update({
    f"sklearn.linear_model.sgd_fast.{key}": ("data", why) for key, why in (
        ("Hinge.__init__@pyx-20aceb282f80", _DOUBLE),
        ("SquaredHinge.__init__@pyx-20aceb282f80", _DOUBLE),
        ("Huber.__init__@pyx-1468d75c06cb", _DOUBLE),
        ("EpsilonInsensitive.__init__@pyx-98c3757b564c", _DOUBLE),
        ("SquaredEpsilonInsensitive.__init__@pyx-98c3757b564c", _DOUBLE),
        ("Hinge.__reduce__@pyx-899cfbba6e93", "writes Hinge(threshold)"),
        ("SquaredHinge.__reduce__@pyx-5c2b06f036b0", "writes SquaredHinge(threshold)"),
        ("Huber.__reduce__@pyx-78ccf682c835", "writes Huber(c)"),
        ("EpsilonInsensitive.__reduce__@pyx-6044c4f916e0", "writes EpsilonInsensitive(epsilon)"),
        ("SquaredEpsilonInsensitive.__reduce__@pyx-2d5d09490d71", "writes SquaredEpsilonInsensitive(epsilon)"),
        ("Log.__reduce__@pyx-c2f3287028d3", "writes Log()"),
        ("ModifiedHuber.__reduce__@pyx-30c0fcbe82cc", "writes ModifiedHuber()"),
        ("SquaredLoss.__reduce__@pyx-8fb408520da4", "writes SquaredLoss()"),
    )
})
# The scorer a search of 0.15 - 1.2.1 stores as scorer_ with scoring=None (later a _PassthroughScorer object, HELD):
# scoring a fit calls estimator.score(*args, **kwargs); loading never calls it. At sklearn.metrics.scorer through
# 0.21 and sklearn.metrics._scorer from 0.23 (0.22 defines none).
_PASSTHROUGH = ("reference", "the default scorer a search stores as scorer_ (scoring=None): returns "
                "estimator.score(*args, **kwargs), called by the search after loading, never by the stream",
                ("b4deb1989fed",))
FUNCTIONS = {
    "sklearn.metrics.scorer._passthrough_scorer": _PASSTHROUGH,
    "sklearn.metrics._scorer._passthrough_scorer": _PASSTHROUGH,
    "sklearn.feature_selection.univariate_selection.chi2": (
        "reference", _SCORE + ": chi-squared statistics of non-negative features", (
            "4609091c94b9", "5691dfaa278a", "731e2d00a1ff")),
    "sklearn.feature_selection.univariate_selection.f_classif": (
        "reference", _SCORE + ": ANOVA F-values per class through f_oneway", ("33a9f8dff78e", "f21d3ad96c75")),
    "sklearn.feature_selection.univariate_selection.f_oneway": (
        "reference", _SCORE + ": one-way ANOVA of the per-class arrays", ("cd26dcc80cba", "f1dd7aaf194d")),
    "sklearn.feature_selection.univariate_selection.f_regression": (
        "reference", _SCORE + ": univariate linear-regression F-values", (
            "50e643a643bf", "564a9ce8220d", "b091368e47cd", "b4f8ace9b0de")),
    "sklearn.feature_selection.mutual_info_.mutual_info_classif": (
        "reference", _SCORE + ": mutual information with a discrete target (_estimate_mi)", ("a3bc04db2d8e",)),
    "sklearn.feature_selection.mutual_info_.mutual_info_regression": (
        "reference", _SCORE + ": mutual information with a continuous target (_estimate_mi)", ("d14442fa3c65",)),
}
NOT_ADMITTED = {
    "sklearn.datasets.base.Bunch": "resolves in 0.15.0 - 0.21.3; in 0.17 Bunch has __getattr__ (answering from its items) "
                                   "and no __setstate__: BUILD's lookup of __setstate__ is answered by a pickled item, "
                                   "which BUILD then calls",
}
# Neighbour search trees and their distance metrics at their module locations of 0.15 - 0.21 (and 0.22 - 0.23, whose
# generated deprecation shims answer every name of sklearn.neighbors.kd_tree from sklearn.neighbors._kd_tree): what a
# KDTree/BallTree (a NearestNeighbors estimator's _tree) and its dist_metric are. kd_tree.pyx and ball_tree.pyx each
# include binary_tree.pxi, which defines BinaryTree and newObj in the module; 0.15 - 0.19 alias KDTree = BinaryTree and
# write newObj(BinaryTree) with a 12-item state, 0.20 on subclass it and write newObj(type(self)) with 13 items.
# BinaryTree.__setstate__ and DistanceMetric.__setstate__ store the items of a tuple state at constant indices
# (compiled with boundscheck=False: no length check) into typed C fields: numpy arrays (a typed buffer, dtype and ndim
# checked, else ValueError), C numbers (converted with the item's __int__/__index__/__float__), a DistanceMetric (a C
# type check, else TypeError); BinaryTree then reads dist_metric.__class__.__name__ of that checked C object. The
# history pack admits them with the state lengths every version in which the name resolves reads within its items,
# and numbers where the library writes int()/float() (data/history-native-states-scikit-learn.json).
_TREE = "a neighbour search tree a NearestNeighbors/KNeighbors*/KernelDensity estimator of scikit-learn <= 0.23 holds (_tree)"
_METRIC = "a distance metric a scikit-learn <= 0.23 BallTree/KDTree holds (dist_metric)"
_METRICS = ("EuclideanDistance", "SEuclideanDistance", "ManhattanDistance", "ChebyshevDistance", "MinkowskiDistance",
            "WMinkowskiDistance", "MahalanobisDistance", "HammingDistance", "CanberraDistance", "BrayCurtisDistance",
            "MatchingDistance", "JaccardDistance", "DiceDistance", "KulsinskiDistance", "RogersTanimotoDistance",
            "RussellRaoDistance", "SokalMichenerDistance", "SokalSneathDistance", "HaversineDistance")
CYTHON.update({f"sklearn.neighbors.{m}.{c}": (_TREE, "new") for m, cs in (("kd_tree", ("KDTree", "BinaryTree")),
                                                                          ("ball_tree", ("BallTree", "BinaryTree")))
               for c in cs})
CYTHON.update({f"sklearn.neighbors.dist_metrics.{c}": (_METRIC, "new") for c in _METRICS})
_NEWOBJ = ("newObj(obj) = obj.__new__(obj): the reconstructor the module's Cython classes' __reduce__ writes "
           "(an instance of the class passed, like NEWOBJ)")
CYTHON_FUNCTIONS = {f"sklearn.neighbors.{m}.newObj": ("reconstructor", _NEWOBJ, ("pyx-a310e1aea6da",))
                    for m in ("kd_tree", "ball_tree", "dist_metrics")}
NOT_ADMITTED["sklearn.neighbors.dist_metrics.PyFuncDistance"] = (
    "holds a Python callable (func) that every distance computation calls, and its __setstate__ reads 5 items where "
    "the other metrics read 3")
# 0.22 - 0.23's shims answer sklearn.linear_model.sgd_fast's names from sklearn.linear_model._sgd_fast: the same hooks
# (same hashes) under the new module.
REVIEW.update({k.replace(".sgd_fast.", "._sgd_fast."): v for k, v in list(REVIEW.items()) if ".sgd_fast." in k})
_NATIVE_TREE = ("stores the items of a tuple state at constant indices into typed C fields (boundscheck=False: no "
                "length check): arrays into np.ndarray fields and typed buffers (dtype and ndim checked), C integers "
                "(the item's __int__/__index__), the DistanceMetric (C type check); then dist_metric.__class__.__name__ "
                "of that checked C object")
_NATIVE_METRIC = ("stores items 0 - 2 of a tuple state into typed C fields (boundscheck=False: no length check): p as a "
                  "C double (the item's __float__), vec and mat as typed buffers (dtype and ndim checked); items 3 and "
                  "4 only for PyFuncDistance (not admitted)")
_TREE_HOOKS = {
    "__setstate__": {"24ff5b4b6e67": ("native", _NATIVE_TREE + " (12 items: 0.15 - 0.19)"),
                     "2eb6b35ab892": ("native", _NATIVE_TREE + " (13 items: the sample weights, 0.20)"),
                     "cab3bdfa41b1": ("native", _NATIVE_TREE + " (13 items; the sample weights and memory views are "
                                                               "rebuilt by the class's own cdef methods, 0.20.4 on)")},
    "__cinit__": {h: ("data", "allocates empty typed arrays and zeroes the C fields") for h in ("0cf20e521b80",
                                                                                                "8088c9fb1bb5")},
    "__init__": {h: ("data", "runs only when the stream calls the class, which the entry refuses (calls new)")
                 for h in ("d237b8a5635a", "e3cf06084c06", "f672b829c633")},
    "__getstate__": {h: ("data", "runs when pickling") for h in ("0ec52e200f4e", "abf3a5d533cb", "db2daea6dc98")},
    "__reduce__": {h: ("data", "runs when pickling: writes newObj(BinaryTree or type(self)) and the state")
                   for h in ("2b384d9c6dbc", "3815d36fde67")},
}
_METRIC_HOOKS = {
    "DistanceMetric.__setstate__": {h: ("native", _NATIVE_METRIC) for h in ("7acf44d255a5", "8fd8b3d54e42",
                                                                           "cb1e06709b7f", "40a1eff820c1")},
    "DistanceMetric.__cinit__": {h: ("data", "allocates zeroed typed arrays and sets p = 2") for h in (
        "f8283aa64cdf", "d7867868f9a0")},
    "DistanceMetric.__getstate__": {h: ("data", "runs when pickling") for h in ("923b1e5b2f70", "ffacf245cbdb",
                                                                                 "9f12e8e912c0")},
    "DistanceMetric.__reduce__": {"456aeda44f58": ("data", "runs when pickling: writes newObj(self.__class__) and the "
                                                           "state")},
}
for _c, _h in (("DistanceMetric", "31e06885dc22"), ("ChebyshevDistance", "5436fd2cedb8"),
               ("EuclideanDistance", "7ba23d470b24"), ("MahalanobisDistance", "620f3b51e0b7"),
               ("MahalanobisDistance", "6f3cdb5ca748"), ("ManhattanDistance", "6bd98f5b3953"),
               ("MinkowskiDistance", "c4cb24b62568"), ("SEuclideanDistance", "0899185f4d71"),
               ("WMinkowskiDistance", "1349676a4023"), ("MahalanobisDistance", "7adeb130f966"),
               ("SEuclideanDistance", "4f5a3bcb61dd"), ("WMinkowskiDistance", "406f4c028410")):
    _METRIC_HOOKS.setdefault(f"{_c}.__init__", {})[_h] = (
        "data", "runs only when the stream calls the class, which the entry refuses (calls new)")
for _mod in ("kd_tree", "_kd_tree", "ball_tree", "_ball_tree"):
    for _hook, _by in _TREE_HOOKS.items():
        REVIEW.update({f"sklearn.neighbors.{_mod}.BinaryTree.{_hook}@pyx-{h}": v for h, v in _by.items()})
for _mod in ("dist_metrics", "_dist_metrics"):
    for _key, _by in _METRIC_HOOKS.items():
        REVIEW.update({f"sklearn.neighbors.{_mod}.{_key}@pyx-{h}": v for h, v in _by.items()})
# 0.22 - 1.0.1 kept the metrics at sklearn.neighbors._dist_metrics (1.0.2 moved them to sklearn.metrics._dist_metrics,
# which the installed pack reviews).
CYTHON.update({f"sklearn.neighbors._dist_metrics.{c}": (_METRIC, "new") for c in _METRICS})
CYTHON_FUNCTIONS["sklearn.neighbors._dist_metrics.newObj"] = ("reconstructor", _NEWOBJ, ("pyx-a310e1aea6da",))
NOT_ADMITTED["sklearn.neighbors._dist_metrics.PyFuncDistance"] = NOT_ADMITTED[
    "sklearn.neighbors.dist_metrics.PyFuncDistance"]
# 1.3 on: the metrics' 64-bit classes are generated from _dist_metrics.pyx.tp with the name suffix "64"
# (EuclideanDistance64, ... on DistanceMetric64, itself on the Python-facing DistanceMetric factory base; 1.2 wrote
# them without a suffix, which the installed pack reviews), read from the template's rendering (history_derivation's
# expand_template). What a KDTree/BallTree (dist_metric) and the estimators that keep a metric (HDBSCAN, ...) hold.
_METRIC64 = "a distance metric a scikit-learn >= 1.3 BallTree/KDTree or estimator holds (dist_metric)"
CYTHON.update({f"sklearn.metrics._dist_metrics.{c}64": (_METRIC64, "new") for c in _METRICS})
NOT_ADMITTED["sklearn.metrics._dist_metrics.PyFuncDistance64"] = NOT_ADMITTED[
    "sklearn.neighbors.dist_metrics.PyFuncDistance"]
_NATIVE_METRIC64 = _NATIVE_METRIC.replace("items 3 and 4 only for PyFuncDistance", "items 3 and 4 only for "
                                          "PyFuncDistance64") + "; then self.vec.shape[0] of that typed buffer"
REVIEW.update({f"sklearn.metrics._dist_metrics.{key}": v for key, v in (
    ("DistanceMetric64.__setstate__@pyx-6e9c545d023f", ("native", _NATIVE_METRIC64)),
    ("MahalanobisDistance64.__setstate__@pyx-9744124d92ab", (
        "native", "runs DistanceMetric64.__setstate__ on the state (super(), read with it: 3 items), then sets size "
                  "from self.mat.shape[0] (the typed buffer it stored) and allocates a zeroed float64 buffer")),
    ("DistanceMetric64.__cinit__@pyx-2f83ba0482c5", ("data", "allocates zeroed typed arrays and sets p = 2")),
    ("DistanceMetric64.__getstate__@pyx-9f4be60a5b51", ("data", "runs when pickling")),
    ("DistanceMetric64.__reduce__@pyx-456aeda44f58", ("data", "runs when pickling: writes newObj(self.__class__) and "
                                                              "the state")),
    *((f"{c}.__init__@pyx-{h}", ("data", "runs only when the stream calls the class, which the entry refuses "
                                         "(calls new)"))
      for c, h in (("DistanceMetric64", "af6aa6e619fd"), ("ChebyshevDistance64", "7951bfe8739f"),
                   ("EuclideanDistance64", "7ba23d470b24"), ("MahalanobisDistance64", "fff1b726811e"),
                   ("ManhattanDistance64", "6bd98f5b3953"), ("MinkowskiDistance64", "a3be77aad4cc"),
                   ("MinkowskiDistance64", "dac6b7fbc5d8"), ("SEuclideanDistance64", "2655b9f06d23"))),
)})
