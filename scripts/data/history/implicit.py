"""implicit history pack (no Debian package, so no pack of an installed version): the CPU matrix-factorization models
users pickle (pickle.dump or joblib.dump of a fitted AlternatingLeastSquares, BayesianPersonalizedRanking or
LogisticMatrixFactorization), as implicit's released versions from 0.5 on (the implicit.cpu modules) define them,
read by scripts/data/derive-history.py. A model pickles through its __dict__ (hyper-parameters, numpy user and item
factor arrays, a random state the numpy pack reviews, cached norms); none defines a rebuild hook in any release. BPR
and LMF are Python classes of Cython modules (bpr.pyx, lmf.pyx), read from the .pyx text (PYX_PYTHON).
Not admitted: the GPU models (implicit.gpu.*), whose __setstate__ builds implicit.gpu.Matrix (CUDA memory) from the
state, and the nearest-neighbour recommenders, whose __setstate__ builds the Cython NearestNeighboursScorer from the
stored similarity matrix. docs/packs/history/implicit.json lists the versions each name is found in. The releases
are pinned from the repository's tags (pins.json)."""

LIB = "implicit"
PACK = "implicit"
TITLE = "implicit CPU matrix-factorization models, as released versions pickle them"
PACKAGE = "implicit"
SAVED_BASES = ()
_MODEL = "a fitted {} model (pickled through its __dict__: parameters and numpy factor arrays)"
HELD = {
    "implicit.cpu.als.AlternatingLeastSquares": _MODEL.format("ALS"),
    "implicit.cpu.bpr.BayesianPersonalizedRanking": _MODEL.format("BPR"),
    "implicit.cpu.lmf.LogisticMatrixFactorization": _MODEL.format("LMF"),
}
PYX_PYTHON = ("implicit.cpu.bpr", "implicit.cpu.lmf")
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "abc.ABCMeta": {"why": "abstract base metaclass: no rebuild hook", "hooks": {}},
}
EFFECTS = False
REVIEW = {}
FUNCTIONS = {}
_GPU = ("its __setstate__ builds implicit.gpu.Matrix (CUDA memory) from the state's factor arrays; a GPU model is "
        "not loaded as data")
NOT_ADMITTED = {
    "implicit.gpu.als.AlternatingLeastSquares": _GPU,
    "implicit.gpu.bpr.BayesianPersonalizedRanking": _GPU,
}
