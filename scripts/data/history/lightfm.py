"""LightFM history pack (no Debian package, so no pack of an installed version): the fitted recommender model and the
Dataset that maps user and item ids to matrix rows, as LightFM's released versions define them and users pickle them
(pickle.dump or joblib.dump of the object), read by scripts/data/derive-history.py. Neither class defines a rebuild
hook in any release: a LightFM pickles its __dict__ (hyper-parameters, float32 embedding, bias, gradient and momentum
arrays, and a numpy RandomState, which the numpy pack reviews), a Dataset its id and feature mappings (dicts of str
to int) and flags. The training kernels (the Cython module _lightfm_fast) are functions and typed buffers that a
fitted model never holds, so no pack admits them. docs/packs/history/lightfm.json lists the versions each name is
found in. The releases are pinned from the repository's tags (pins.json)."""

LIB = "lightfm"
PACK = "lightfm"
TITLE = "LightFM models and datasets, as released versions pickle them"
PACKAGE = "lightfm"
SAVED_BASES = ()
HELD = {
    "lightfm.lightfm.LightFM": "a fitted LightFM model (pickled through its __dict__: parameters and numpy arrays)",
    "lightfm.data.Dataset": "a LightFM Dataset (pickled through its __dict__: id and feature mappings, flags)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
