"""MyST-NB history pack: the notebook parser settings the MyST-NB extension (Jupyter Book's notebook reader) stores in
a Sphinx build environment (the environment's `mystnb_config`, a resolved NbParserConfig), as MyST-NB's released versions
from 0.14 define it, read by scripts/data/derive-history.py. NbParserConfig is a dataclass in every pinned release
(`@dc.dataclass()`: not frozen, not slotted, so no generated __setattr__; equality by value, which sets __hash__ to None:
an instance is never a dict key or set member while loading); no release defines __setstate__, __reduce__, __getattr__ or
__slots__ on it (checked in every pinned release). A pickled instance is NEWOBJ of the class and a BUILD of its
__dict__ (str, bool, int, float, list, dict and tuple settings; a stored function or class would be a global of its
own, admitted or not by its own pack). Its __post_init__ and field validators run only on a call of the class, which
the pack does not admit; its __getitem__ runs only on a lookup, never while loading. Releases before 0.14 keep their
settings in Sphinx's configuration and are not read.
docs/packs/history/myst-nb.json lists the versions each name is found in. The releases are pinned from the
repository's tags (pins.json)."""

LIB = "myst-nb"
PACK = "sphinx-docutils"
TITLE = "MyST-NB settings, as released versions pickle them in a Sphinx build environment"
PACKAGE = "myst_nb"
SAVED_BASES = ()
HELD = {
    "myst_nb.core.config.NbParserConfig": (
        "the MyST-NB extension's notebook parser settings a Sphinx build environment holds (a dataclass pickled "
        "through its __dict__)"),
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
EFFECTS = True
# The admitted class is a Python class (a dataclass over object): its instances are heap types, whose deallocation
# CPython guards (see derive-history.py "heapTypes").
HEAP_TYPES = True
