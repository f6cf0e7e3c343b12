"""sklearn-som history pack (no Debian package, so no pack of an installed version): the fitted self-organizing map
users save with joblib or pickle. SOM defines no rebuild hook in any release (no __reduce__, __setstate__ or
__getstate__, no __setattr__ or __getattr__, no base but object): it is its __dict__ (the grid size, learning rates,
iteration count, random_state as given, the weight and location arrays, judged by the numpy and joblib packs). Its
__init__ runs only when called, which the stream is not admitted to do. docs/packs/history/sklearn-som.json lists the
versions each name is found in. The repository has no tags: the releases are the commits that set setup.py's
version (pins.json)."""

LIB = "sklearn-som"
PACK = "sklearn-som"
TITLE = "sklearn-som's SOM, as released versions pickle it"
PACKAGE = "sklearn_som"
SAVED_BASES = ()
HELD = {
    "sklearn_som.som.SOM": "a fitted self-organizing map (pickled through its __dict__)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
