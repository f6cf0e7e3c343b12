"""lifelines history pack (no Debian package, so no pack of an installed version): the fitted survival models users
pickle (a Cox proportional-hazards model, a Kaplan-Meier estimate), as the released versions define them, read by
scripts/data/derive-history.py. Each fitter pickles through its __dict__: settings, pandas and numpy results, the
CensoringType member it was fitted under (an Enum: a call of the class with the member's value), and, for a Cox model
since 0.25, the SemiParametricPHFitter (or spline model) it delegates to and the CovariateParameterMappings of its
covariates. From 0.25 CoxPHFitter answers a name it lacks from that delegate (__getattr__: getattr(self._model,
name)): the lookup is modelled as answered by the stream, except BUILD's __setstate__ on a new instance, where
self._model is not yet set and the hook raises AttributeError (LOOKUP_REFUSED); a second BUILD, whose lookup would
reach the delegate the first one set, is reported (HistoryCheck 'one-build'). The releases are pinned from the
repository's tags (pins.json)."""

from python_bases import ENUM, ENUM_CALLED  # noqa: E402

LIB = "lifelines"
PACK = "lifelines"
TITLE = "lifelines' fitted survival models, as released versions pickle them"
PACKAGE = "lifelines"
SAVED_BASES = ()
HELD = {
    "lifelines.fitters.coxph_fitter.CoxPHFitter": "a fitted Cox proportional-hazards model (pickled through its "
                                                  "__dict__)",
    "lifelines.fitters.coxph_fitter.SemiParametricPHFitter": "the semi-parametric model a CoxPHFitter delegates to "
                                                             "(pickled through its __dict__)",
    "lifelines.fitters.kaplan_meier_fitter.KaplanMeierFitter": "a fitted Kaplan-Meier estimate (pickled through its "
                                                               "__dict__)",
    "lifelines.utils.CovariateParameterMappings": "the covariate-to-parameter mapping of a regression model (pickled "
                                                  "through its __dict__)",
    "lifelines.utils.CensoringType": "the censoring type a fitter was fitted under (an Enum member)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "enum.Enum": ENUM,
}
# CensoringType members are called with their value (Enum.__reduce_ex__).
CALLED = {"lifelines.utils.CensoringType": ENUM_CALLED}
_GETATTR = ("answers a name the instance lacks with getattr(self._model, name) (the delegate model the fit set); "
            "'_model' itself raises AttributeError")
_ONE_BUILD = "one-build"
REVIEW = {
    "lifelines.fitters.coxph_fitter.CoxPHFitter.__getattr__@ecd7f15dea9e": ("checked", _GETATTR, _ONE_BUILD),
}
LOOKUP_REFUSED = {
    "lifelines.fitters.coxph_fitter.CoxPHFitter": (
        ("__setstate__",),
        "on the one BUILD a pickle gives a new instance, self._model is not set and the hook raises AttributeError"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
EFFECTS = True
HISTORY_LOOKUPS = True
