"""LightGBM history pack (no Debian package, so no pack of an installed version): the scikit-learn models and the
Booster that LightGBM's released versions pickle, read by scripts/data/derive-history.py. REVIEW keys are
owner.hook@hash of the hook's syntax tree; docs/packs/history/lightgbm.json lists the versions each is found in."""

from sklearn_bases import SKLEARN_BASES

LIB = "lightgbm"
PACK = "lightgbm"
TITLE = "LightGBM scikit-learn models and Booster, as released versions pickle them"
PACKAGE = "lightgbm"
SOURCE_ROOT = "python-package"
SAVED_BASES = ("lightgbm.sklearn.LGBMModel",)
HELD = {
    "lightgbm.basic.Booster": "the trained model an LGBMModel holds (_Booster), or pickled on its own",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {**SKLEARN_BASES}
_PARSE = ("the pickled model text (state 'handle', from 4.0 also '_handle') is parsed by LightGBM's native "
          "LGBM_BoosterLoadModelFromString into trees and parameters (not a pickle, no callable) and replaced by the "
          "handle it returns; any other value raises before the state is stored, so a pickled handle is never kept")
_FREE = ("frees the native booster (only ever a handle its __setstate__ created: the pickled value is replaced or the "
         "load raised) and the network configuration (LGBM_NetworkFree, no argument); AttributeError tolerated")
REVIEW = {
    # Versions 2.0.3 - 3.3.5 use 'handle' in both hooks; 4.0.0 - 4.6.0 read '_handle' (or 'handle') and free
    # '_handle' only (docs/packs/history/lightgbm.json has the hook hashes per version).
    "lightgbm.basic.Booster.__setstate__@fe5a282e51ac": ("data", _PARSE),
    "lightgbm.basic.Booster.__setstate__@6ac16b554d4b": ("data", _PARSE),
    "lightgbm.basic.Booster.__del__@f8d522fcb6ec": ("data", _FREE),
    "lightgbm.basic.Booster.__del__@0288945a7e53": ("data", _FREE),
    "lightgbm.basic.Booster.__del__@1a7fb17a5f98": ("data", _FREE),
    "lightgbm.basic.Booster.__del__@2e42fd8f1410": ("data", _FREE),
    "lightgbm.sklearn.LGBMModel.setter n_features_in_@ddcb8cdb1b03": ("data", "stores it"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
