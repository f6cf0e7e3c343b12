"""scikit-surprise history pack (no Debian package, so no pack of an installed version): the fitted prediction
algorithms users pickle (with surprise.dump.dump, which pickles a dict of the algorithm and its predictions, or with
pickle.dump and joblib.dump), the Trainset an algorithm holds, the Prediction tuples, and the Dataset and Reader
objects, as scikit-surprise's released versions (module `surprise`, 1.0.0 on) define them, read by
scripts/data/derive-history.py. SVD, SVDpp, NMF, SlopeOne and CoClustering are plain Python classes defined in Cython
modules (.pyx): they are read from the .pyx text (PYX_PYTHON) and pickle like the others, through __reduce_ex__ and
their __dict__. No class defines a rebuild hook in any release: an algorithm is its __dict__ (options dicts, numpy
arrays of biases, factors or similarities, numbers, its Trainset and, for SVD and the like, a random_state that is
None, an int or a numpy RandomState), a Trainset its rating dicts (collections.defaultdict(list) of (id, rating)
tuples, which the python pack reviews) and id mappings. A Prediction is a namedtuple subclass: NEWOBJ with its five
fields. The compiled similarity and baseline functions (surprise.similarities, optimize_baselines) are called by fit
and never held. docs/packs/history/surprise.json lists the versions each name is found in. The releases are pinned
from the repository's tags (pins.json; the 0.0.x tags are the package's earlier `recsys` name, never released as
`surprise`)."""

LIB = "surprise"
PACK = "surprise"
TITLE = "scikit-surprise prediction algorithms, trainsets and predictions, as released versions pickle them"
PACKAGE = "surprise"
SAVED_BASES = ("surprise.prediction_algorithms.algo_base.AlgoBase",)
SAVED_WHAT = "a fitted prediction algorithm, pickled through its __dict__"
PYX_PYTHON = ("surprise.prediction_algorithms.matrix_factorization", "surprise.prediction_algorithms.slope_one",
              "surprise.prediction_algorithms.co_clustering")
_HELD = "held by a fitted algorithm or written beside it by surprise.dump.dump"
HELD = {
    "surprise.trainset.Trainset": f"the Trainset a fitted algorithm holds ({_HELD})",
    "surprise.dataset.Trainset": f"the Trainset a fitted algorithm holds, before surprise.trainset ({_HELD})",
    "surprise.prediction_algorithms.predictions.Prediction": f"a Prediction namedtuple ({_HELD})",
    "surprise.dataset.Dataset": "a Dataset (raw ratings and its Reader), pickled through its __dict__",
    "surprise.dataset.DatasetAutoFolds": "a Dataset (raw ratings and its Reader), pickled through its __dict__",
    "surprise.dataset.DatasetUserFolds": "a Dataset (rating files' paths and its Reader), pickled through its __dict__",
    "surprise.reader.Reader": "a Reader (line format, separator, rating scale), pickled through its __dict__",
    "surprise.dataset.Reader": "a Reader, before surprise.reader, pickled through its __dict__",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    # class Prediction(namedtuple("Prediction", [...])): the class collections.namedtuple generates (CPython's
    # Lib/collections/__init__.py) is a tuple subclass with __slots__ = () whose __new__ is tuple.__new__(cls, (the
    # field arguments)), exactly as many as it has fields (else TypeError); no __init__, __setstate__, __setattr__,
    # __getattr__ or __del__; __eq__/__hash__ are tuple's (over the items). Pickled as NEWOBJ of the class with the
    # field values (its __getnewargs__ returns tuple(self)); a subclass with an empty __dict__ writes no BUILD.
    "collections.namedtuple()": {"why": "a namedtuple class: __new__ builds a tuple of its field arguments",
                                 "hooks": {"__new__": "ext-namedtuple-new"}},
}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
