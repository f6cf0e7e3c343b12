"""MyST-Parser history pack: the parser settings the MyST extension stores in a Sphinx build environment (the
environment's configuration holds `myst_*` values and, from 0.17 on, the resolved MdParserConfig), as MyST-Parser's
released versions from 0.17 define it, read by scripts/data/derive-history.py. MdParserConfig is a dataclass from
0.17.2 (`@dataclasses.dataclass()`) and an attrs class in 0.17.0 - 0.17.1 (`@attr.s()`); neither is frozen or slotted,
so neither generates a __setattr__, and both compare by value (eq), which sets __hash__ to None: an instance is never a
dict key or set member while loading. A pickled instance is NEWOBJ of the class and a BUILD of its __dict__ (str, bool,
int, set, list and dict settings; a stored function would be a global of its own, admitted or not by its own pack). Its
__post_init__ and validators run only on a call of the class, which the pack does not admit (the decorators are
checked in every pinned release: two @attr.s(), fourteen @dc.dataclass()). Releases before 0.17 keep the settings
elsewhere and are not read.
docs/packs/history/myst-parser.json lists the versions each name is found in. The releases are pinned from the
repository's tags (pins.json)."""

LIB = "myst-parser"
PACK = "sphinx-docutils"
TITLE = "MyST-Parser settings, as released versions pickle them in a Sphinx build environment"
PACKAGE = "myst_parser"
SAVED_BASES = ()
_WHY = ("the MyST extension's parser settings a Sphinx build environment holds (a dataclass pickled through its "
        "__dict__)")
HELD = {
    "myst_parser.main.MdParserConfig": _WHY + " (0.17)",
    "myst_parser.config.main.MdParserConfig": _WHY + " (0.18 on)",
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
