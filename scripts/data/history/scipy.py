"""scipy history pack: the sparse matrix and sparse array classes of SciPy's released versions (their module moved
from scipy.sparse.<format> to scipy.sparse._<format> in 1.8, and the *_array classes moved in 1.11), the piecewise
polynomial interpolators (PPoly, BPoly, CubicSpline, PCHIP, Akima) and interp1d with the evaluation function it
stores, read by scripts/data/derive-history.py. REVIEW keys are owner.hook@hash of the hook's syntax tree."""

LIB = "scipy"
PACK = "scipy"
TITLE = "SciPy sparse matrices and arrays, piecewise polynomials and interp1d as released versions pickle them"
PACKAGE = "scipy"
# the sparse classes and their base SparseABC (1.16+); the interpolators and the kernel density estimate users pickle
PATHS = ("scipy/sparse", "scipy/_lib/_sparse.py", "scipy/interpolate", "scipy/stats/kde.py", "scipy/stats/_kde.py",
         "scipy/optimize/lbfgsb.py", "scipy/optimize/_lbfgsb_py.py")
SAVED_BASES = ("scipy.sparse.base.spmatrix", "scipy.sparse._base.spmatrix", "scipy.sparse._base._spbase",
               "scipy.sparse._base.sparray", "scipy.sparse._matrix.spmatrix")
SAVED_WHAT = "a sparse matrix or array, pickled through its __dict__"
# _cubic.py's bases are imported from the package (`from . import PPoly`), which re-exports them with `import *`.
STAR_IMPORTS = True
# The effect model of the admitted classes' __setstate__ (src/analyzers/pickle/data/history-effects-scipy.json).
EFFECTS = True
_INTERP = "an interpolator users pickle (its arrays and settings in __dict__)"
# The piecewise polynomials and interp1d, under every module path a release defines them at (scipy.interpolate.
# interpolate before 1.8, _interpolate from 1.8; the cubic interpolators in _cubic). Their evaluation reaches native
# code only through scipy.interpolate._ppoly, whose every entry point checks the coefficient array against the
# breakpoints (c.shape[1] == len(x) - 1, else ValueError) before reading them; interp1d evaluates with numpy
# (interp, searchsorted, bounds-checked indexing) or through its own spline (a BSpline, judged as its own class).
HELD = {
    **{f"scipy.interpolate.{m}.{c}": _INTERP
       for m in ("interpolate", "_interpolate")
       for c in ("PPoly", "BPoly", "interp1d")},
    **{f"scipy.interpolate._cubic.{c}": _INTERP
       for c in ("CubicHermiteSpline", "PchipInterpolator", "Akima1DInterpolator", "CubicSpline")},
    # The inverse-Hessian operator minimize(method='L-BFGS-B') returns as hess_inv (statsmodels keeps it in its
    # results), a LinearOperator whose sk, yk, rho, n_corrs, shape and dtype sit in __dict__. Its uses (_matvec,
    # _matmat, _transpose, todense) run numpy on them: np.dot, np.outer, np.eye and bounds-checked indexing raise on
    # arrays of other shapes or lengths.
    **{f"scipy.optimize.{m}.LbfgsInvHessProduct": "the L-BFGS-B inverse-Hessian operator optimize results hold "
                                                  "(its correction arrays and shape in __dict__)"
       for m in ("lbfgsb", "_lbfgsb_py")},
}
# Objects users pickle whose state native code trusts when the object is used, so that rebuilding them is not data
# unless a model checks that state (none does yet): each is left reported, with the effect the real library shows
# (scripts/fixtures/scipy-objects-hostile.py, run with scipy 1.10.1 and 1.17.1 in a throwaway process).
NATIVE_STATE = {
    **{f"scipy.stats.{m}.gaussian_kde": (
        "evaluating runs gaussian_kernel_estimate (Cython, boundscheck off), which reads one weight per dataset column "
        "without checking the weights' length: a stored weights array shorter than the dataset is read past its end")
       for m in ("kde", "_kde")},
    "scipy.interpolate._rbfinterp.RBFInterpolator": (
        "evaluating runs Pythran kernels that combine the query points with the stored shift, scale and monomial "
        "powers without checking their lengths against the data's dimension: stored arrays of other lengths are read "
        "past their ends"),
    **{f"scipy.interpolate.{m}.RegularGridInterpolator": (
        "linear evaluation of a 2-D grid (scipy 1.10+) runs evaluate_linear_2d (Cython, boundscheck off), which "
        "indexes the stored values by grid-derived indices: stored values smaller than the grid are read past their "
        "end") for m in ("interpolate", "_interpolate", "_rgi")},
    **{f"scipy.interpolate.{m}.{c}": (
        "evaluating runs FITPACK's splev/bispev on the stored knots, coefficients and degree (_eval_args, tck): the "
        "degree is not checked against the knots, and a large one reads past the knots and writes past splev's "
        "20-slot work array (SIGSEGV)")
       for m in ("fitpack2", "_fitpack2")
       for c in ("UnivariateSpline", "InterpolatedUnivariateSpline", "LSQUnivariateSpline", "SmoothBivariateSpline",
                 "LSQBivariateSpline", "RectBivariateSpline")},
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "builtins.dict": {"why": "C dict: SETITEMS stores keys and values", "hooks": {}},
    "abc.ABC": {"why": "abstract base: no rebuild hook", "hooks": {}},
}
# The same verdicts the scipy pack gives these hooks in the installed SciPy, for every version of their code.
REVIEW = {
    "scipy.sparse._base.spmatrix.__getattr__@96c68a3083e6": ("data", "answers A/T/H/real/imag/size from the matrix's own arrays, raises AttributeError for any other name (how BUILD's __setstate__ lookup ends)"),
    "scipy.sparse._bsr._bsr_base.__setitem__@6ba657605ae8": ("data", "raises NotImplementedError"),
    "scipy.sparse._bsr.bsr_matrix.__setitem__@6ba657605ae8": ("data", "raises NotImplementedError"),
    "scipy.sparse._compressed._cs_matrix.setter has_canonical_format@4a625ccd42b9": ("data", "stores the flag"),
    "scipy.sparse._compressed._cs_matrix.setter has_sorted_indices@1b5bd8966b34": ("data", "stores the flag"),
    "scipy.sparse._coo._coo_base.setter col@91e2c0fd46e2": ("data", "converts to a numpy array of the index dtype and stores it in coords"),
    "scipy.sparse._coo._coo_base.setter row@a1336e66cbe0": ("data", "converts to a numpy array of the index dtype and stores it in coords"),
    "scipy.sparse._coo.coo_matrix.__setstate__@8bbadb6660f4": ("data", "moves pickled row/col into coords, updates __dict__"),
    "scipy.sparse._csr._csr_base.__setitem__@5bf33bf029cf": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._data._data_matrix.setter dtype@1ecbf1ad1343": ("data", "sets the data array's dtype (numpy view)"),
    "scipy.sparse._dok._dok_base.__setitem__@183f86e632b6": ("data", "element assignment into the dict of keys (indices validated against the shape)"),
    "scipy.sparse._index.IndexMixin.__setitem__@002d5ef62689": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._index.IndexMixin.__setitem__@0fd1698f62fc": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._index.IndexMixin.__setitem__@15b5486bbfe2": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._index.IndexMixin.__setitem__@2931d8f8c0f6": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._index.IndexMixin.__setitem__@2ef74ca9d906": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._index.IndexMixin.__setitem__@5e792d2ab9b5": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._index.IndexMixin.__setitem__@cc5a45d17845": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._index.IndexMixin.__setitem__@d2d7b6866e44": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._lil._lil_base.__setitem__@67a87c5dd90c": ("data", "element assignment into the row lists (indices validated against the shape)"),
    "scipy.sparse._lil.lil_matrix.__setitem__@e1b4c320f36c": ("data", "element assignment into the row lists (indices validated against the shape)"),
    "scipy.sparse.base.spmatrix.__getattr__@f131346ae94c": ("data", "answers A/T/H/real/imag/size from the matrix's own arrays, raises AttributeError for any other name (how BUILD's __setstate__ lookup ends)"),
    "scipy.sparse.bsr.bsr_matrix.__setitem__@6ba657605ae8": ("data", "raises NotImplementedError"),
    "scipy.sparse.compressed._cs_matrix.__setitem__@86b45b69e399": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse.dok.dok_matrix.__setitem__@fc5fcf98c426": ("data", "element assignment into the dict of keys (indices validated against the shape)"),
    "scipy.sparse.lil.lil_matrix.__setitem__@ad8ae10113c9": ("data", "element assignment into the row lists (indices validated against the shape)"),
    "scipy.sparse.lil.lil_matrix.__setitem__@e1b4c320f36c": ("data", "element assignment into the row lists (indices validated against the shape)"),
    "scipy.sparse.lil.lil_matrix.__setitem__@ee46d2250de0": ("data", "element assignment into the row lists (indices validated against the shape)"),
    "scipy.sparse._coo._coo_base.__setitem__@4b043e263b74": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._coo._coo_base.__setitem__@8e28924f17d2": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._coo.coo_matrix.__setitem__@0ebd955e7c6d": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._data._data_matrix.setter dtype@5945614673ba": ("data", "sets the data array's dtype (numpy view)"),
    "scipy.sparse._index.IndexMixin.__setitem__@46311c0d20c9": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._index.IndexMixin.__setitem__@d7c0e02a4c91": ("data", "element assignment (indices validated against the shape, values stored in its numpy arrays)"),
    "scipy.sparse._lil._lil_base.__setitem__@5f29216f43ef": ("data", "element assignment into the row lists (indices validated against the shape)"),
}
# The piecewise polynomials and interp1d (HELD). Their classes pickle through __dict__ (NEWOBJ, then BUILD
# with a dict state); pickle's APPENDS calls a class's extend with one argument, and every release's PPoly/BPoly
# extend needs two (c, x): it raises TypeError before its body runs.
_EXTEND = ("data", "extend(c, x[, right]) needs two arguments: APPENDS calls it with one, TypeError before the body")
_DELEGATE_SETTER = ("data", "stores the value on the instance's _delegate_to (np-converted only when _xp_internal is a "
                            "namespace named numpy); runs only for a slot state, which scipy does not write")
_ARRAY_SETTER = ("data", "stores numpy.asarray(value) (runs only for a slot state, which scipy does not write)")
_FILL_VALUE = ("data", "compares the value with 'extrapolate', converts it (or its two items) with numpy.asarray and "
                       "broadcasts it to the shape of the instance's y; sets flags (runs only for a slot state)")
_XP_STATE = ("data", "array_namespace(state.pop('_xp')) (with SCIPY_ARRAY_API unset: the numpy namespace without "
                     "reading the value; set: classifies the value by type, numpy-converts an array-like), picks the "
                     "numpy-backend class for it, then __dict__.update(state)")
REVIEW.update({
    **{f"scipy.interpolate.{k}": _EXTEND for k in (
        "_interpolate.BPoly.extend@4a321d1f8d5a", "_interpolate.BPoly.extend@938398ea91c6",
        "_interpolate.BPoly.extend@bcf583ea8463", "_interpolate.BPoly.extend@eb3dfd143470",
        "_interpolate.PPoly.extend@4a321d1f8d5a", "_interpolate._PPolyBase.extend@0d356bf4792d",
        "_interpolate._PPolyBase.extend@2c338cbe6165", "_interpolate._PPolyBase.extend@3f81126b0abc",
        "_interpolate._PPolyBase.extend@72a70a85f023", "_interpolate._PPolyBase.extend@86d82f2e9484",
        "interpolate.BPoly.extend@eb3dfd143470", "interpolate._PPolyBase.extend@2c338cbe6165",
        "interpolate._PPolyBase.extend@b5a8d4d8f0ad")},
    **{f"scipy.interpolate.{k}": _DELEGATE_SETTER for k in (
        "_interpolate.BPoly.setter axis@da848aeaed21",
        "_interpolate.BPoly.setter c@75cd1d5eefca", "_interpolate.BPoly.setter extrapolate@5536aa48e073",
        "_interpolate.BPoly.setter x@e997b1d8a39c", "_interpolate.PPoly.setter axis@da848aeaed21",
        "_interpolate.PPoly.setter c@75cd1d5eefca", "_interpolate.PPoly.setter extrapolate@5536aa48e073",
        "_interpolate.PPoly.setter x@e997b1d8a39c")},
    **{f"scipy.interpolate.{k}": _ARRAY_SETTER for k in (
        "_interpolate._PPolyBase.setter c@34ecdf3ff104", "_interpolate._PPolyBase.setter x@b6de7d3eb180")},
    **{f"scipy.interpolate.{k}": _FILL_VALUE for k in (
        "_interpolate.interp1d.setter fill_value@403e5bf55739", "_interpolate.interp1d.setter fill_value@cda469c3f432",
        "interpolate.interp1d.setter fill_value@403e5bf55739")},
    **{f"scipy.interpolate._cubic.Akima1DInterpolator.extend@{h}": ("data", "raises NotImplementedError")
       for h in ("1fef3925d8c0", "544d6d2af5e9")},
    "scipy.interpolate._interpolate.PPoly.__setstate__@c704cee7b661": _XP_STATE,
    "scipy.interpolate._interpolate.BPoly.__setstate__@ad3d08c3ff13": _XP_STATE,
})
# interp1d keeps the class function its kind selects as self._call (self.__class__._call_linear and the like; pickle
# writes getattr(<interp1d>, '<name>')) and calls it as self._call(self, x_new) when evaluated. Admitted as stored
# references only: getattr on the class finds the def in its body (interp1d has no metaclass, the names no
# descriptor), a stream that calls one is refused. Hashes are filled by the review below.
_CALLS = ("_call_linear_np", "_call_linear", "_call_nearest", "_call_previousnext", "_call_spline", "_call_nan_spline")
FUNCTIONS = {
    f"scipy.interpolate.{m}.interp1d.{fn}": (
        "reference", "interp1d's evaluation function for its kind (numpy searchsorted/arithmetic on the instance's "
                     "arrays, or the instance's spline), stored as _call and called by interp1d.__call__", ())
    for m in ("interpolate", "_interpolate") for fn in _CALLS
}
# The hashes of every release's defs (read with --hooks): numpy interp/searchsorted/clip and fancy indexing on the
# instance's arrays (bounds-checked by numpy), or a call of the instance's own _spline (_call_spline, _call_nan_spline).
_CALL_HASHES = {
    "_call_linear": ('3a60f8f6a199', 'b9044982ec47'),
    "_call_linear_np": ('db6611577c85',),
    "_call_nan_spline": ('35e5ea4338e9',),
    "_call_nearest": ('5b64eac25150', 'aaa7ee3cc5d8'),
    "_call_previousnext": ('fbf1c8b89ac4',),
    "_call_spline": ('8f0da0f510e6',),
}
FUNCTIONS = {n: (role, why, _CALL_HASHES[n.rsplit(".", 1)[1]]) for n, (role, why, _h) in FUNCTIONS.items()}
NOT_ADMITTED = dict(NATIVE_STATE)
# LinearOperator, the base of the L-BFGS-B inverse-Hessian operator (HELD). NEWOBJ runs its __new__ with cls the
# admitted subclass (LinearOperator itself is no admitted name, so the branch that builds a _CustomLinearOperator
# from the arguments never runs): object.__new__(cls), then a comparison of the class's own _matvec/_matmat with
# LinearOperator's (class attributes, no stream value). scipy 1.18 adds a __setstate__ for the array namespace its
# __getstate__ writes as an empty array of that namespace under _xp.
_LINOP_NEW = ("data", "with cls an admitted subclass: object.__new__(cls), then compares the class's _matvec and "
                      "_matmat with LinearOperator's (a warning or TypeError when neither is overridden); the "
                      "arguments are not read")
REVIEW.update({
    **{f"scipy.sparse.linalg.{k}": _LINOP_NEW for k in (
        "_interface.LinearOperator.__new__@a9443017a48e", "_interface.LinearOperator.__new__@ce831f9f71c5",
        "interface.LinearOperator.__new__@906c0a816c7d", "interface.LinearOperator.__new__@a9443017a48e",
        "interface.LinearOperator.__new__@4b185ffdce38")},
    "scipy.sparse.linalg._interface.LinearOperator.__setstate__@aa00aafce3e1": (
        "data", "self._xp = array_namespace(state.pop('_xp')) (with SCIPY_ARRAY_API unset: the numpy namespace "
                "without reading the value; set: classifies the value by type, numpy-converts an array-like), then "
                "__dict__.update(state)"),
})
