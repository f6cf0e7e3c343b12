"""joblib history pack: the array wrappers joblib's released versions write into their pickles (joblib.dump), and its
caching objects (a scikit-learn Pipeline(memory=Memory(...)) keeps its Memory and the Memory's store backend; Memory.cache
returns a MemorizedFunc, or a NotMemorizedFunc for Memory(None)), read by scripts/data/derive-history.py.

The caching classes have no load hook in any pinned release (no __setstate__, __getattr__, __del__ or __new__ of their
own; Logger and the ABCMeta base of the store backends add none): rebuilt through __new__ and a __dict__ BUILD, as
joblib 0.13 - 1.5.3 write them (their __getstate__ only copies the __dict__), the load creates, opens and imports
nothing; the cache location stays a stored string until the object is used. joblib 0.9.4 - 0.12.5 write them as a call
of the class (their __reduce__), and the constructor creates the cache directory the stream names (0.12's
MemorizedFunc also writes its function's code there): the entries admit the classes rebuilt through __new__ only, so such a stream
is reported. The function a MemorizedFunc or NotMemorizedFunc wraps is a global of its own, admitted or not by its own
pack. REVIEW keys are owner.hook@hash of the hook's syntax tree."""

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
    "joblib.memory.Memory": "the cache a scikit-learn Pipeline(memory=Memory(...)) holds (its location a stored path)",
    "joblib.memory.MemorizedFunc": "a function wrapped by Memory.cache (the function a global of its own)",
    "joblib.memory.AsyncMemorizedFunc": "Memory.cache of a coroutine function (the function a global of its own)",
    "joblib.memory.NotMemorizedFunc": "Memory(None).cache's pass-through wrapper (the function a global of its own)",
    "joblib.memory.AsyncNotMemorizedFunc": "Memory(None).cache of a coroutine function",
    "joblib._store_backends.FileSystemStoreBackend": "the store a Memory or MemorizedFunc holds (a stored path)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    # StoreBackendBase: ABCMeta as metaclass (0.12's joblib._compat.with_metaclass(ABCMeta) reads as this base)
    "abc.ABCMeta": {"why": "object under the ABCMeta metaclass (with_metaclass(ABCMeta) with no base): no rebuild hook",
                    "hooks": {}},
}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
