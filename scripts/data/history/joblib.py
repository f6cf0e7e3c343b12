"""joblib history pack: the array wrappers joblib's released versions write into their pickles (joblib.dump), read by
scripts/data/derive-history.py. REVIEW keys are owner.hook@hash of the hook's syntax tree."""

LIB = "joblib"
PACK = "joblib"
TITLE = "joblib array wrappers as released versions write them"
PACKAGE = "joblib"
SAVED_BASES = ()
HELD = {
    "joblib.numpy_pickle.NumpyArrayWrapper": "the wrapper joblib >= 0.10 writes before each array's bytes",
    "joblib.numpy_pickle.NDArrayWrapper": "joblib < 0.10's wrapper naming a companion .npy file (module then)",
    "joblib.numpy_pickle.ZNDArrayWrapper": "joblib < 0.10's wrapper of a zlib-compressed companion file",
    "joblib.numpy_pickle_compat.NDArrayWrapper": "joblib < 0.10's wrapper, where joblib >= 0.10 keeps it",
    "joblib.numpy_pickle_compat.ZNDArrayWrapper": "joblib < 0.10's compressed wrapper, where joblib >= 0.10 keeps it",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
