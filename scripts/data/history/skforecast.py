"""skforecast history pack (no Debian package, so no pack of an installed version): the fitted forecasters users
pickle (with joblib.dump, as skforecast's own save_forecaster does), as skforecast's released versions define them,
read by scripts/data/derive-history.py. A forecaster is a plain object pickled through its __dict__: it holds a
scikit-learn regressor (or statsmodels results through skforecast's Sarimax wrapper), optional scikit-learn
transformers, and its fitted data (the last window as a pandas Series or DataFrame, index values, lag lists, numbers
and strings). No skforecast class defines __setstate__, __reduce__ or __getattr__ in any release read. A forecaster
built with a user function (the window features of ForecasterAutoregCustom, a weight_func) pickles a reference to that
function by name: it is the user's code, not skforecast's, and no pack admits it. REVIEW keys are owner.hook@hash of
the hook's syntax tree; docs/packs/history/skforecast.json lists the versions each name is found in."""

from sklearn_bases import SKLEARN_BASES

LIB = "skforecast"
PACK = "skforecast"
TITLE = "skforecast forecasters and transformers, as released versions pickle them"
PACKAGE = "skforecast"
# The forecasters of 0.4 and later derive from ForecasterBase (an abc.ABC with no hooks); the transformers and the
# Sarimax wrapper are scikit-learn estimators.
SAVED_BASES = ("skforecast.ForecasterBase.ForecasterBase.ForecasterBase", "sklearn.base.BaseEstimator")
SAVED_WHAT = "a fitted forecaster or transformer, pickled through its __dict__"
_WHY = "a fitted forecaster users pickle (a plain object pickled through its __dict__)"
# The forecasters that derive from no base: every one before 0.4 (then modules at the package's top level),
# ForecasterSarimax and ForecasterEquivalentDate after.
HELD = {name: _WHY for name in (
    "skforecast.ForecasterAutoreg.ForecasterAutoreg",
    "skforecast.ForecasterAutoregCustom.ForecasterAutoregCustom",
    "skforecast.ForecasterAutoregMultiOutput.ForecasterAutoregMultiOutput",
    "skforecast.ForecasterCustom.ForecasterCustom",
    "skforecast.ForecasterSarimax.ForecasterSarimax.ForecasterSarimax",
    "skforecast.ForecasterBaseline.ForecasterEquivalentDate.ForecasterEquivalentDate",
)}
EXTRA_NAMES = {}
EXTERNAL_BASES = {**SKLEARN_BASES, "abc.ABC": {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}}}
EFFECTS = True
# Sarimax (0.10+) wraps statsmodels' SARIMAX results; its append and extend methods (new observations) are what a
# pickle's APPEND(S) would call on an instance. skforecast writes no APPEND(S) to a Sarimax (its state is a BUILD of
# its __dict__), and the VM refuses any (check "items"), so neither runs while loading.
_ITEMS = ("self.sarimax_res = self.sarimax_res.append/extend(y, exog, ...): calls a method of a value the state set; "
          "skforecast writes no APPEND(S) to a Sarimax, and the VM refuses any (items check)")
REVIEW = {
    "skforecast.Sarimax.Sarimax.Sarimax.append@147b5758fe03": ("checked", _ITEMS, "items"),
    "skforecast.Sarimax.Sarimax.Sarimax.extend@a45b1b152b6f": ("checked", _ITEMS, "items"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
