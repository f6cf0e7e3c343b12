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
    # Reads self._resetdict only once the instance has one (hasattr), which loading sets only by BUILD; pickle writes
    # a dict subclass's items before its state (SETITEMS, then BUILD), so statsmodels' own files run only the plain
    # dict store. A stream that stores items after the BUILD makes each store fan out through the pickled
    # _resetdict (recursively, cycles end only in RecursionError) and calls its get method: the VM reports that order.
    "statsmodels.tools.decorators.ResettableCache.__setitem__@c4dfe902be34": (
        "checked", "dict.__setitem__, then (only once BUILD has set _resetdict) resets the keys _resetdict.get(key) "
                   "lists, recursively",
        "SETITEM(S) on a ResettableCache after its BUILD is reported (src/analyzers/pickle/item-hooks.ts)"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
