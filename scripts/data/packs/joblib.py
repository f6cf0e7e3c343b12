"""joblib pack: the array wrappers joblib writes into its pickles (current and pre-0.10 formats)."""

import joblib
import numpy as np

PACK = "joblib"
TITLE = "joblib's array wrappers (the array bytes follow the wrapper in the file)"
MODULES = ("joblib", "sklearn.externals.joblib")


def versions():
    return {"joblib": joblib.__version__}


def objects():
    return [("array", np.arange(4.0)), ("object array", np.array([1, "a"], dtype=object))]


def streams():
    return []


FUNCTIONS = {}
EXTRA_NAMES = {
    "joblib.numpy_pickle.NumpyArrayWrapper": "",
    "joblib.numpy_pickle_compat.NDArrayWrapper": "",
    "joblib.numpy_pickle_compat.ZNDArrayWrapper": "",
}
OLD_NAMES = {
    "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper": (
        "joblib.numpy_pickle.NumpyArrayWrapper", "scikit-learn < 0.23 vendored joblib under sklearn.externals"),
    "sklearn.externals.joblib.numpy_pickle.NDArrayWrapper": (
        "joblib.numpy_pickle_compat.NDArrayWrapper", "scikit-learn's vendored joblib, pre-0.10 format"),
    "sklearn.externals.joblib.numpy_pickle.ZNDArrayWrapper": (
        "joblib.numpy_pickle_compat.ZNDArrayWrapper", "scikit-learn's vendored joblib, pre-0.10 format"),
    "joblib.numpy_pickle.NDArrayWrapper": ("joblib.numpy_pickle_compat.NDArrayWrapper", "joblib < 0.10 module"),
    "joblib.numpy_pickle.ZNDArrayWrapper": ("joblib.numpy_pickle_compat.ZNDArrayWrapper", "joblib < 0.10 module"),
}
REVIEW = {
    "joblib.numpy_pickle.NumpyArrayWrapper.__init__": (
        "data",
        "stores subclass, shape, order, dtype, allow_mmap; the pickle names it through copyreg/NEWOBJ, never calls it",
    ),
    "joblib.numpy_pickle_compat.NDArrayWrapper.__init__": ("data", "stores filename, subclass and allow_mmap"),
    "joblib.numpy_pickle_compat.ZNDArrayWrapper.__init__": ("data", "stores filename, init_args and state"),
}
