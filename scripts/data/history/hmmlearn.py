"""hmmlearn history pack (no Debian package, so no pack of an installed version): the fitted hidden Markov models
users pickle (pickle.dump or joblib.dump of the model, as hmmlearn's documentation shows), as hmmlearn's released
versions define them, read by scripts/data/derive-history.py. Every model is a scikit-learn estimator (BaseEstimator)
whose fitted state is its __dict__: numbers, strings, numpy arrays (start, transition, emission parameters) and the
ConvergenceMonitor the fit leaves on `monitor_` (its tolerances, iteration count and a collections.deque of the last
log-likelihoods). The compiled forward/backward module (_hmmc) is called by fit and never held.
docs/packs/history/hmmlearn.json lists the versions each name is found in; the package moved from the repository's
top level to lib/ (0.2.2) and src/ (0.3.3). The releases are pinned from the repository's tags (pins.json)."""

from sklearn_bases import SKLEARN_BASES

LIB = "hmmlearn"
PACK = "hmmlearn"
TITLE = "hmmlearn hidden Markov models, as released versions pickle them"
PACKAGE = "hmmlearn"
SOURCE_ROOT = ("src", "lib", "")
SAVED_BASES = ("sklearn.base.BaseEstimator",)
SAVED_WHAT = "a fitted model, pickled through its __dict__"
HELD = {
    "hmmlearn.base.ConvergenceMonitor": "the ConvergenceMonitor a fitted model holds (tolerances, counts and a deque "
                                        "of log-likelihoods, pickled through its __dict__)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {**SKLEARN_BASES}
# GaussianHMM's (and VariationalGaussianHMM's) covars_ property setter runs only for BUILD's slot state (the second
# item of a (dict, slots) state), and only where the installed scikit-learn is older than 0.18 (from 0.18,
# BaseEstimator.__setstate__ takes every BUILD). It copies the value into a numpy array and (0.2.1+) validates its
# shape and values against self.covariance_type and self.n_components (comparisons of the array's items), then stores
# it on self._covars_. hmmlearn writes no slot state (the models have no __slots__): admitted with a dict state only,
# which the VM checks (src/analyzers/pickle/state-hooks.ts).
_SLOTS = "BUILD with a slot state (a (dict, slots) pair) on an hmmlearn Gaussian model is reported as the setattr " \
         "calls it makes (src/analyzers/pickle/state-hooks.ts)"
_COVARS = ("a property setter: runs for a slot state only (scikit-learn < 0.18); copies the value into a numpy array"
           "{}, stores it on self._covars_")
REVIEW = {
    "hmmlearn.hmm.GaussianHMM.setter covars_@e568dc1b2c62": ("checked", _COVARS.format(""), _SLOTS),
    "hmmlearn.hmm.GaussianHMM.setter covars_@0dd8f253f54b": (
        "checked", _COVARS.format(" and validates its shape and values (_utils._validate_covars)"), _SLOTS),
    "hmmlearn.vhmm.VariationalGaussianHMM.setter covars_@0dd8f253f54b": (
        "checked", _COVARS.format(" and validates its shape and values (_utils._validate_covars)"), _SLOTS),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
