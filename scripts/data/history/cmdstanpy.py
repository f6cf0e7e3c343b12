"""cmdstanpy history pack (no Debian package, so no pack of an installed version): the model and fit objects a
pickled Prophet holds (its CmdStanPyBackend keeps the CmdStanModel and the CmdStanMLE of an optimize run, or the
CmdStanMCMC of a sampling run), and what they hold in turn: the RunSet of the run (the CmdStanArgs and method
arguments it was run with, file names, return codes), the InferenceMetadata read from the output CSV, the
CompilerOptions of the model, and the Method and BaseType enums, as cmdstanpy's released versions define them, read
by scripts/data/derive-history.py. Every class is its __dict__ (strings, numbers, dicts, lists, numpy arrays, pandas
frames; InferenceMetadata's stan_vars are stanio Variables from 1.2 on, reviewed by the stanio pack); the enums
pickle as a call of their class with their value. CmdStanMLE and CmdStanMCMC (1.0.2 on) answer a name the
instance lacks with __getattr__ (fit.stan_variable(name)): their lookups are recorded (HISTORY_LOOKUPS).
docs/packs/history/cmdstanpy.json lists the versions each name is found in. The releases are pinned from the
repository's tags (pins.json)."""

from python_bases import ENUM, ENUM_CALLED

LIB = "cmdstanpy"
PACK = "cmdstanpy"
TITLE = "cmdstanpy models, fits and run records, as released versions pickle them"
PACKAGE = "cmdstanpy"
SAVED_BASES = ()
_FIT = "a cmdstanpy {} fit a Stan backend holds (pickled through its __dict__: its RunSet, metadata, numpy draws)"
_ARGS = "the {} a cmdstanpy run was made with (pickled through its __dict__: numbers, strings, lists, dicts)"
HELD = {
    "cmdstanpy.model.CmdStanModel": (
        "a compiled Stan model's record (pickled through its __dict__: names and paths of its files, compiler "
        "options, its info)"),
    "cmdstanpy.stanfit.CmdStanMLE": _FIT.format("optimize"),
    "cmdstanpy.stanfit.mle.CmdStanMLE": _FIT.format("optimize"),
    "cmdstanpy.stanfit.CmdStanMCMC": _FIT.format("sampling"),
    "cmdstanpy.stanfit.mcmc.CmdStanMCMC": _FIT.format("sampling"),
    "cmdstanpy.stanfit.RunSet": _ARGS.format("files and return codes of runs"),
    "cmdstanpy.stanfit.runset.RunSet": _ARGS.format("files and return codes of runs"),
    "cmdstanpy.stanfit.InferenceMetadata": "the output's metadata a fit holds (pickled through its __dict__: dicts)",
    "cmdstanpy.stanfit.metadata.InferenceMetadata": (
        "the output's metadata a fit holds (pickled through its __dict__: dicts)"),
    "cmdstanpy.cmdstan_args.CmdStanArgs": _ARGS.format("arguments"),
    "cmdstanpy.cmdstan_args.OptimizeArgs": _ARGS.format("optimize arguments"),
    "cmdstanpy.cmdstan_args.SamplerArgs": _ARGS.format("sampler arguments"),
    "cmdstanpy.cmdstan_args.Method": "the method of a cmdstanpy run (an Enum member, called with its value)",
    "cmdstanpy.compiler_opts.CompilerOptions": _ARGS.format("compiler options"),
    "cmdstanpy.compilation.CompilerOptions": _ARGS.format("compiler options"),
    "cmdstanpy.utils.BaseType": "a Stan variable's base type in a fit's metadata (an Enum member, called with its value)",
    "cmdstanpy.utils.stancsv.BaseType": (
        "a Stan variable's base type in a fit's metadata (an Enum member, called with its value)"),
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "enum.Enum": ENUM,
}
EFFECTS = True
# The enums are called with their value (Enum.__reduce_ex__).
CALLED = {n: ENUM_CALLED for n in ("cmdstanpy.cmdstan_args.Method", "cmdstanpy.utils.BaseType",
                                    "cmdstanpy.utils.stancsv.BaseType")}
HISTORY_LOOKUPS = True
# CmdStanMLE and CmdStanMCMC (1.0.2 on) answer a name the instance and its class lack with fit.stan_variable(name),
# which reads the fit's own state (its metadata's variable table, its draws or optimum, numpy reshapes of them); from
# 1.0.3 a name starting with '_' raises AttributeError first. No release defines __setstate__, so BUILD's lookup of
# __setstate__ reaches the hook: on the instance NEWOBJ made, before any state, 1.0.3 on refuses the name, 1.0.2's
# stan_variable looks up self._metadata through the hook again and ends in RecursionError (the load fails). The VM
# counts every name the class lacks as answered by the stream (lookups).
_GETATTR = ("answers a name the instance and its class lack with self.stan_variable(name) (the fit's own metadata and "
            "draws, numpy reshapes){}: the VM counts every name the class lacks as answered by the stream (lookups)")
_FITS = ("cmdstanpy.stanfit.mle.CmdStanMLE", "cmdstanpy.stanfit.mcmc.CmdStanMCMC")
REVIEW = {
    **{f"{c}.__getattr__@5dcbf0d50ac3": ("data", _GETATTR.format("")) for c in _FITS},
    **{f"{c}.__getattr__@279abb2fe247": ("data", _GETATTR.format(", a name starting with '_' refused first"))
       for c in _FITS},
}
# '__setstate__' (BUILD's lookup, made before the state is set) is never answered from the stream: 1.0.3 on refuse it;
# 1.0.2's stan_variable looks self._metadata up through the hook again on the still empty instance and the load ends
# in RecursionError.
_REFUSED = (("__setstate__",), "refused by 1.0.3 on (a name starting with '_'); 1.0.2's lookup fails the load")
LOOKUP_REFUSED = {n: _REFUSED for n in HELD if n.endswith(("CmdStanMLE", "CmdStanMCMC"))}
FUNCTIONS = {}
NOT_ADMITTED = {}
