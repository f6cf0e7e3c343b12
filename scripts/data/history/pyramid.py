"""pyramid history pack (no Debian package, so no pack of an installed version): the fitted ARIMA models, pipelines and
transformers users pickle, as pyramid's released versions define them (pmdarima was released as pyramid-arima, module
`pyramid`, before 1.0), read by scripts/data/derive-history.py. Every model is a scikit-learn estimator; a fitted ARIMA
holds statsmodels' SARIMAX (or ARIMA) results, which the statsmodels packs review. REVIEW keys are owner.hook@hash of
the hook's syntax tree; docs/packs/history/pyramid.json lists the versions each is found in."""

from sklearn_bases import SKLEARN_BASES

LIB = "pyramid"
PACK = "pmdarima"
TITLE = "pmdarima ARIMA models, pipelines and transformers, as released versions of the `pyramid` module pickle them"
PACKAGE = "pyramid"
SAVED_BASES = ("sklearn.base.BaseEstimator",)
SAVED_WHAT = "a fitted model or transformer, pickled through its __dict__"
HELD = {}
EXTRA_NAMES = {}
EXTERNAL_BASES = {**SKLEARN_BASES}
# The effect model of the admitted classes (src/analyzers/pickle/data/history-effects-pyramid.json): ARIMA's
# __setstate__ sinks from its review below.
EFFECTS = True
_DICT = "self.__dict__ = state (a dict: anything else raises TypeError)"
# Before 1.1 (pyramid 0.6 - 0.9, pmdarima 1.0) ARIMA's __getstate__ saved the statsmodels results to a file of its own
# and pickled its path as 'tmp_pkl_'; __setstate__ unpickles that file (statsmodels' TimeSeriesModelResults.load is
# pickle.load of open(path)). From 1.1 the results are pickled inline and only a state that still carries 'tmp_pkl_'
# takes that path. The path is the stream's: modelled as the open and loader sinks of state.tmp_pkl_, so a state
# holding it is reported (the file it names is not part of the artifact), and one without it is plain data.
_TMP = {"state.tmp_pkl_": ["open", "loader"]}
# 0.8.1+: _warn_for_older_version compares the state's pkg_version_ with the installed version's str (!=) and formats
# it into a warning (%s); hasattr(self, 'arima_res_') reads the instance dict.
_WARN = {"state.pkg_version_": ["dunder:__ne__", "dunder:__str__"]}
REVIEW = {
    "pyramid.arima.arima.ARIMA.__setstate__@d1b774739f61": (
        "data", _DICT + "; unpickles the file state['tmp_pkl_'] names (modelled: open, loader)", None, _TMP),
    "pyramid.arima.arima.ARIMA.__setstate__@a24071d6a9f6": (
        "data", _DICT + "; unpickles the file state['tmp_pkl_'] names (modelled: open, loader); warns when "
                "pkg_version_ differs", None, {**_TMP, **_WARN}),
    "pyramid.arima.arima.ARIMA.__setstate__@4e0b97f93fb5": (
        "data", _DICT + "; with a 'tmp_pkl_' key, unpickles the file it names (modelled: open, loader); warns when "
                "pkg_version_ differs", None, {**_TMP, **_WARN}),
    "pyramid.arima.arima.ARIMA.__setstate__@0ee47dd19d48": (
        "data", _DICT + "; warns when pkg_version_ differs from the installed version", None, _WARN),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
