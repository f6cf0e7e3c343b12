"""statsmodels history pack: names statsmodels' released versions pickled that the installed version no longer has,
read by scripts/data/derive-history.py. Only the held names below are read across versions; the current pack's names
stay reviewed in the installed version (scripts/data/packs/statsmodels.py)."""

LIB = "statsmodels"
PACK = "statsmodels"
TITLE = "statsmodels names of older released versions"
PACKAGE = "statsmodels"
SAVED_BASES = ()
HELD = {
    "statsmodels.tools.decorators.ResettableCache": "the results cache (_cache) of statsmodels < 0.10 results",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {"builtins.dict": {"why": "C dict", "hooks": {}}}
REVIEW = {
    "statsmodels.tools.decorators.ResettableCache.__setitem__@c4dfe902be34": (
        "no", "each SETITEMS store also resets the keys the pickled _resetdict lists, recursively: a stream that "
              "builds the _resetdict before its items (BUILD before SETITEMS) makes one store fan out without bound "
              "(cycles end only in RecursionError, wide lists multiply); the VM does not check that order"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
