"""scipy pack: sparse matrices of every format, B-splines and optimisation results as estimators and statsmodels
hold them. scipy.stats distribution objects are reviewed and NOT admitted (their state hook runs exec)."""

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
    return out


def streams():
    return []


FUNCTIONS = {}
_EXEC = (
    "rv_generic.__setstate__ updates __dict__ from the state and then runs exec(self._parse_arg_template): the "
    "template is pickled data, so the pickle chooses the code that runs"
)
NOT_ADMITTED = {}
for _d in list(vars(st._continuous_distns).values()) + list(vars(st._discrete_distns).values()):
    if isinstance(_d, type) and issubclass(_d, st.rv_continuous.__mro__[1]):
        NOT_ADMITTED[f"{_d.__module__}.{_d.__qualname__}"] = _EXEC
for _c in (st.rv_continuous, st.rv_discrete, st.rv_histogram):
    NOT_ADMITTED[f"{_c.__module__}.{_c.__qualname__}"] = _EXEC
for _c in ("rv_continuous_frozen", "rv_discrete_frozen", "rv_frozen"):
    NOT_ADMITTED[f"scipy.stats._distn_infrastructure.{_c}"] = (
        "a frozen distribution holds a distribution object (rv_generic.__setstate__ runs exec of its pickled "
        "template) and rebuilds it through dist.__class__(**params) when created"
    )

REVIEW = {
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

OLD_NAMES = {
    f"scipy.sparse.{fmt}.{fmt}_matrix": (f"scipy.sparse._{fmt}.{fmt}_matrix", "scipy < 1.8 module path")
    for fmt in ("csr", "csc", "coo", "lil", "dok", "dia", "bsr")
}
