"""Prophet history pack (no Debian package, so no pack of an installed version): the fitted forecaster users pickle
(pickle.dump or joblib.dump of a Prophet, as many forecasting apps do beside Prophet's own JSON serializer), as
Prophet's released versions (1.0 on, module `prophet`) define it, read by scripts/data/derive-history.py.
A Prophet pickles through its __dict__: settings, pandas frames and series (history, seasonalities' frames, the
changepoints), numpy parameter arrays, an OrderedDict of seasonalities, and its stan_backend. The backend a fit leaves
is CmdStanPyBackend, itself its __dict__: the cmdstanpy CmdStanModel it compiled or loaded and the CmdStanMLE (or
CmdStanMCMC) of the last fit, which the cmdstanpy pack reviews. No class here defines a rebuild hook in any release.
The dataclasses and enum of prophet.models (1.1 on) are listed as held: a fitted Prophet may keep them.
docs/packs/history/prophet.json lists the versions each name is found in. The releases are pinned from the
repository's tags (pins.json; v1.0 - v1.3.0, and the untagged-v 1.1.5)."""

from python_bases import ENUM, ENUM_CALLED

LIB = "prophet"
PACK = "prophet"
TITLE = "Prophet forecasters, as released versions pickle them"
PACKAGE = "prophet"
SOURCE_ROOT = "python"
SAVED_BASES = ()
HELD = {
    "prophet.forecaster.Prophet": (
        "a fitted Prophet forecaster (pickled through its __dict__: settings, pandas frames, numpy parameters, its "
        "Stan backend)"),
    "prophet.models.CmdStanPyBackend": (
        "the Stan backend a fitted Prophet holds (pickled through its __dict__: the cmdstanpy model and fit)"),
    "prophet.models.TrendIndicator": "the trend kind a fitted Prophet may hold (an Enum member, called with its value)",
    "prophet.models.ModelInputData": "the Stan input a fitted Prophet may hold (a dataclass of numbers and arrays)",
    "prophet.models.ModelParams": "the Stan parameters a fitted Prophet may hold (a dataclass of numpy arrays)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "abc.ABC": {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}},
    "enum.Enum": ENUM,
}
EFFECTS = True
# The enums are called with their value (Enum.__reduce_ex__).
CALLED = {"prophet.models.TrendIndicator": ENUM_CALLED}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
