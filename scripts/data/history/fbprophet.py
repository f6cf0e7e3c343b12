"""fbprophet history pack: Prophet's releases before 1.0 (module `fbprophet`, the package's former name) define the
same forecaster, read by scripts/data/derive-history.py with prophet.py's review. A Prophet pickles through its
__dict__; the Stan backends of 0.6 - 0.7 (prophet.models) are their __dict__ too. Only CmdStanPyBackend is admitted:
PyStanBackend holds a pystan model, which no pack admits (pystan rebuilds a model by loading its compiled module), so
a pickle that holds one stays blocked. docs/packs/history/fbprophet.json lists the versions each name is found in.
The releases are pinned from the repository's tags (pins.json; v0.1 - v0.7, and the untagged-v 0.6)."""

import importlib.util
import os

_spec = importlib.util.spec_from_file_location(
    "history_prophet_table", os.path.join(os.path.dirname(__file__), "prophet.py"))
_prophet = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_prophet)

LIB = "fbprophet"
PACK = "fbprophet"
TITLE = "Prophet forecasters, as released versions of the `fbprophet` module pickle them"
PACKAGE = "fbprophet"
SOURCE_ROOT = _prophet.SOURCE_ROOT
SAVED_BASES = ()
HELD = {"fb" + k: v for k, v in _prophet.HELD.items()}
EXTRA_NAMES = {}
EXTERNAL_BASES = _prophet.EXTERNAL_BASES
EFFECTS = False
REVIEW = {"fb" + k if k.startswith("prophet.") else k: v for k, v in _prophet.REVIEW.items()}
FUNCTIONS = {}
NOT_ADMITTED = {}
