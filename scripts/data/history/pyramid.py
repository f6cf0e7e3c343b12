"""pyramid history pack (no Debian package, so no pack of an installed version): the fitted ARIMA models, pipelines and
transformers users pickle, as pyramid's released versions define them (pmdarima was released as pyramid-arima, module
`pyramid`, before 1.0), read by scripts/data/derive-history.py. Every model is a scikit-learn estimator; a fitted ARIMA
holds statsmodels' SARIMAX (or ARIMA) results, which the statsmodels packs review. REVIEW keys are owner.hook@hash of
the hook's syntax tree; docs/packs/history/pyramid.json lists the versions each is found in."""

import importlib.util
import os

# The same review as pmdarima.py's: the hooks are pmdarima's, under the module name its releases before 1.0 used.
_spec = importlib.util.spec_from_file_location(
    "history_pmdarima_table", os.path.join(os.path.dirname(__file__), "pmdarima.py"))
_pmdarima = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pmdarima)

LIB = "pyramid"
PACK = _pmdarima.PACK
TITLE = "pmdarima ARIMA models, pipelines and transformers, as released versions of the `pyramid` module pickle them"
PACKAGE = "pyramid"
SAVED_BASES = _pmdarima.SAVED_BASES
SAVED_WHAT = _pmdarima.SAVED_WHAT
HELD = _pmdarima.HELD
EXTRA_NAMES = _pmdarima.EXTRA_NAMES
EXTERNAL_BASES = _pmdarima.EXTERNAL_BASES
# The effect model of the admitted classes (src/analyzers/pickle/data/history-effects-pyramid.json).
EFFECTS = _pmdarima.EFFECTS
REVIEW = {
    "pyramid." + k[len("pmdarima."):] if k.startswith("pmdarima.") else k: v for k, v in _pmdarima.REVIEW.items()
}
FUNCTIONS = _pmdarima.FUNCTIONS
NOT_ADMITTED = _pmdarima.NOT_ADMITTED
