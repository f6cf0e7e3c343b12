"""scipy history pack: the sparse matrix and sparse array classes of SciPy's released versions (their module moved
from scipy.sparse.<format> to scipy.sparse._<format> in 1.8, and the *_array classes moved in 1.11), read by
scripts/data/derive-history.py. REVIEW keys are owner.hook@hash of the hook's syntax tree."""

LIB = "scipy"
PACK = "scipy"
TITLE = "SciPy sparse matrices and arrays as released versions pickle them"
PACKAGE = "scipy"
PATHS = ("scipy/sparse", "scipy/_lib/_sparse.py")  # the sparse classes and their base SparseABC (1.16+)
SAVED_BASES = ("scipy.sparse.base.spmatrix", "scipy.sparse._base.spmatrix", "scipy.sparse._base._spbase",
               "scipy.sparse._base.sparray", "scipy.sparse._matrix.spmatrix")
SAVED_WHAT = "a sparse matrix or array, pickled through its __dict__"
HELD = {}
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
FUNCTIONS = {}
NOT_ADMITTED = {}
