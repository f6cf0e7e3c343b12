"""scipy pack: sparse matrices of every format, B-splines and optimisation results as estimators and statsmodels
hold them, and scipy.stats distributions (their state hook runs exec of the pickled template: admitted only in the
shape scipy writes, which Sentinel checks on every stream)."""

import pickle

import numpy as np
import scipy
import scipy.interpolate
import scipy.optimize
import scipy.sparse as sp
import scipy.stats as st

PACK = "scipy"
TITLE = "SciPy sparse matrices, splines and optimisation results"
MODULES = ("scipy",)


def versions():
    return {"scipy": scipy.__version__, "numpy": np.__version__}


def _picklable(obj):
    # scipy 1.10's deprecated gilbrat wraps its methods and cannot be pickled at all
    try:
        pickle.dumps(obj)
    except Exception:  # noqa: BLE001
        return False
    return True


def objects():
    m = sp.random(6, 5, density=0.3, random_state=0, format="csr")
    out = [(f"sparse {fmt}", m.asformat(fmt)) for fmt in ("csr", "csc", "coo", "lil", "dok", "dia", "bsr")]
    out += [(f"sparse array {fmt}", getattr(sp, f"{fmt}_array")(m)) for fmt in ("csr", "csc", "coo", "lil", "dok",
                                                                              "dia", "bsr")]
    x = np.linspace(0, 1, 8)
    out.append(("BSpline", scipy.interpolate.make_interp_spline(x, x**2)))
    out.append(("OptimizeResult", scipy.optimize.minimize(lambda v: float((v**2).sum()), np.ones(2), method="BFGS")))
    out.append(("frozen distributions", [st.norm(0, 1), st.uniform(0.1, 2.0), st.randint(1, 5)]))
    out.append(("distributions", [st.norm, st.uniform, st.loguniform, st.reciprocal, st.randint]))
    # every distribution scipy.stats exports, plus the two built from data (rv_histogram, rv_discrete(values=...))
    out.append(("every scipy.stats distribution", sorted(
        (d for d in vars(st).values() if isinstance(d, st.rv_continuous.__mro__[1]) and _picklable(d)),
        key=lambda d: d.name)))
    out.append(("data-built distributions", [st.rv_histogram(np.histogram(x, bins=3)),
                                             st.rv_discrete(values=([0, 1], [0.5, 0.5]))]))
    return out


def streams():
    return []


FUNCTIONS = {
    # Not in this SciPy (1.10): newer releases vendor array_api_compat, and their BSpline keeps the namespace's asarray
    # as its _asarray attribute (scikit-learn's SplineTransformer pickles such splines; seen with SciPy 1.17): the
    # stored function, a wrapper of numpy.array with the array-API keywords. Admitted as a reference only: loading
    # stores it, a stream that calls it is refused.
    "scipy._lib.array_api_compat.numpy._aliases.asarray": (
        "reference", "array-API asarray wrapper of numpy.array that newer SciPy's BSpline keeps as _asarray"),
}
NOT_ADMITTED = {}

REVIEW = {
    "scipy.stats._distn_infrastructure.rv_discrete.__new__": (
        "data",
        "object.__new__ of the class, or of rv_sample when a values argument is not None (no other use of arguments)",
    ),
    "scipy.stats._distn_infrastructure.rv_generic.__setstate__": (
        "shape",
        "updates __dict__ from the state, then _attach_methods() runs exec(self._parse_arg_template): admitted only "
        "when the state is a literal dict whose keys are all literal names, without _attach_methods or "
        "_attach_argparser_methods (methods the hook calls), and whose _parse_arg_template, if present, is exactly "
        "the text scipy generates (its fixed parse_arg_template filled with identifier shape names and the loc/scale "
        "form); a str state re-runs __init__() on the class's own methods; the (ctor_param, random_state) tuple "
        "scipy 1.0 - 1.5 wrote (their __setstate__ ran __init__(**ctor_param)) only with a literal dict of other than "
        "two plain-data constructor keywords (identifier shape names) and a random state object or None "
        "(scipy-distributions.ts)",
    ),
    "scipy.sparse._base._spbase.__setitem__": ("data", "element assignment (SETITEMS would store values)"),
    "scipy.sparse._dok._dok_base.__setitem__": ("data", "element assignment into the dict of keys"),
    "scipy.sparse._lil._lil_base.__setitem__": ("data", "element assignment into the row lists"),
    "scipy.sparse._compressed._cs_matrix.__setitem__": ("data", "element assignment"),
    "scipy.sparse._index.IndexMixin.__setitem__": ("data", "element assignment"),
    "scipy.optimize._optimize.OptimizeResult.__setitem__": ("data", "dict item assignment (OptimizeResult is a dict)"),
    "scipy.sparse._bsr.bsr_matrix.__setitem__": ("data", "raises NotImplementedError"),
    "scipy.sparse._lil.lil_matrix.__setitem__": ("data", "element assignment into the row lists"),
    "scipy.*": ("data", "C type slot: allocates and fills C fields"),
}

# Classes older SciPy wrote that this one keeps: scipy 1.0 - 1.8 pickled a frozen distribution as rv_frozen (1.9 split
# it into rv_continuous_frozen / rv_discrete_frozen, which subclass it and add no hook). Every release 1.0 - 1.18
# defines rv_frozen with __init__ as its only hook (read with `git show vX.Y.0:scipy/stats/_distn_infrastructure.py`
# at the release tags of the scipy/scipy repository, v1.0.0 72971fdb910c ... v1.18.0 7adb8c972443), which NEWOBJ and
# BUILD do not run: derived from this SciPy like any other class.
EXTRA_NAMES = {"scipy.stats._distn_infrastructure.rv_frozen": "scipy 1.0 - 1.8 pickles of frozen distributions",
               "scipy._lib.array_api_compat.numpy._aliases.asarray": "newer SciPy's BSpline (_asarray)"}

OLD_NAMES = {
    f"scipy.sparse.{fmt}.{fmt}_matrix": (f"scipy.sparse._{fmt}.{fmt}_matrix", "scipy < 1.8 module path")
    for fmt in ("csr", "csc", "coo", "lil", "dok", "dia", "bsr")
}
