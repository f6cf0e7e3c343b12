"""numpy history pack: the names NumPy's released versions keep for pickles written by older NumPy, read by
scripts/data/derive-history.py (FUNCTIONS entries are admitted for the reviewed hashes of their code only)."""

LIB = "numpy"
PACK = "numpy"
TITLE = "NumPy names kept for pickles of older NumPy"
PACKAGE = "numpy"
# Only the modules that define the names below are read (NumPy's other modules define no name admitted here).
PATHS = ("numpy/core/_internal.py", "numpy/_core/_internal.py")
SAVED_BASES = ()
HELD = {}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {
    # Kept in numpy/core/_internal.py up to 1.26 for arrays pickled by NumPy before 1.0.
    "numpy.core._internal._reconstruct": (
        "reconstructor",
        "_reconstruct(subtype, shape, dtype) = ndarray.__new__(subtype, shape, dtype): an empty array of the "
        "subtype, the same effect as numpy.core.multiarray._reconstruct (the state follows through "
        "ndarray.__setstate__); written by NumPy < 1.0",
        ("eb51521792ea", "cd2c44fbe652"),  # the two spellings: ndarray imported at module level, or locally
    ),
}
NOT_ADMITTED = {}
