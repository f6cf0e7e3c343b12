"""statsmodels history pack: names statsmodels' released versions pickled that the installed version no longer has,
read by scripts/data/derive-history.py. Only the held names below are read across versions; the current pack's names
stay reviewed in the installed version (scripts/data/packs/statsmodels.py)."""

LIB = "statsmodels"
PACK = "statsmodels"
TITLE = "statsmodels names of older released versions"
PACKAGE = "statsmodels"
SAVED_BASES = ()
# The effect model of the admitted classes (src/analyzers/pickle/data/history-effects-statsmodels.json): ARIMA's
# __new__ sinks from its review, and the lookups the old results wrappers' __getattribute__ answers.
EFFECTS = True
HISTORY_LOOKUPS = True
HELD = {
    "statsmodels.tools.decorators.ResettableCache": "the results cache (_cache) of statsmodels < 0.10 results",
    # The ARIMA of statsmodels < 0.13 (statsmodels.tsa.arima_model, removed in 0.13: 0.13 - 0.14 keep stub classes
    # whose __init__ raises), as results.save() and pickle.dump wrote its results.
    "statsmodels.tsa.arima_model.ARMA": "the ARMA model of statsmodels < 0.13 (arima_model), held by its results",
    "statsmodels.tsa.arima_model.ARIMA": "the ARIMA model of statsmodels < 0.13 (arima_model), held by its results",
    "statsmodels.tsa.arima_model.ARMAResults": "ARMA results of statsmodels < 0.13 (arima_model)",
    "statsmodels.tsa.arima_model.ARIMAResults": "ARIMA results of statsmodels < 0.13 (arima_model)",
    "statsmodels.tsa.arima_model.ARMAResultsWrapper": "the results wrapper of ARMA results (statsmodels < 0.13)",
    "statsmodels.tsa.arima_model.ARIMAResultsWrapper": "the results wrapper of ARIMA results (statsmodels < 0.13)",
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
    # ResultsWrapper of statsmodels 0.8 - 0.9 (the same code with a commented-out print): __dict__.update(state).
    "statsmodels.base.wrapper.ResultsWrapper.__setstate__@76cb38984fcc": ("data", "sets __dict__ from the state"),
    # The wrapper forwards a name it lacks to its _results (the VM's lookup model: HISTORY_LOOKUPS below records it,
    # every name the wrapper lacks counts as answered by the stream).
    "statsmodels.base.wrapper.ResultsWrapper.__getattribute__@ffa3b0d0b75f": (
        "data", "its own names through object.__getattribute__, any other from getattr(self._results, name), "
                "wrapped by the model data's wrap_output for the names _wrap_attrs lists (lookups)"),
    # Runs only for a slot state (BUILD's setattr per slot key); statsmodels writes a dict state.
    "statsmodels.base.model.LikelihoodModelResults.setter use_t@cc90b6fb09f0": (
        "data", "self._use_t = bool(value) (the value's __bool__)"),
    # statsmodels < 0.13's ARIMA pickles through __getnewargs__ (endog, (p, d, q), exog, dates, freq, missing): NEWOBJ
    # runs __new__, which builds ARMA(endog, (p, q), ...) when d == 0, else object.__new__ and __init__ on the same
    # arguments. Those constructors convert endog/exog to arrays (numpy, pandas: handle_data and ModelData), read the
    # dates index and the freq string (pandas' to_offset), compare missing with 'none'/'drop'/'raise' and unpack the
    # order tuple; nothing opens, imports or evaluates. Library code that duck-types the arguments: modelled as the
    # `any` sink on every argument (a class, function or lost value reachable in them is reported as called).
    "statsmodels.tsa.arima_model.ARIMA.__new__@32cdc31f938b": (
        "data", "ARMA(endog, (p, q), exog, dates, freq, missing) or __init__ on the __getnewargs__ arguments: array "
                "conversion, dates/freq through pandas, missing compared with str literals (modelled: any)",
        None, {f"arg:{i}": ["any"] for i in range(6)}, ("endog", "order", "exog", "dates", "freq", "missing")),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
