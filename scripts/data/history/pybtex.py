"""pybtex history pack: the bibliography data sphinxcontrib-bibtex (2.x) keeps in a Sphinx build environment (the
parsed .bib files: a BibliographyData of Entry and Person objects, and each citation's formatted entry, a
FormattedEntry holding pybtex's rich text), as pybtex's released versions from 0.21 define it, read by
scripts/data/derive-history.py. Every class is a plain Python class pickled through its __dict__ (NEWOBJ and a BUILD
of the dict): none defines __reduce__, __setstate__, __setattr__, __getattr__ or __slots__ in any pinned release, and
their __init__ runs only on a call of the class, which the pack does not admit. BibliographyData, Entry, Person and
the rich text classes define __eq__ without __hash__ (unhashable: never a dict key or set member while loading);
FormattedEntry hashes by identity. The case-insensitive containers (pybtex.utils) are MutableMapping and MutableSet
classes, not dict or set subclasses, so they too pickle through their __dict__ (the inner dict, key map, order
list or set); their __setitem__ and the rich text's append run only for items, which pybtex never writes for them:
admitted without items (HistoryCheck 'items'). docs/packs/history/pybtex.json lists the versions each name is found
in. The releases are pinned from the repository's tags (pins.json)."""

LIB = "pybtex"
PACK = "sphinx-docutils"
TITLE = "pybtex bibliography data and rich text, as released versions pickle them in a Sphinx build environment"
PACKAGE = "pybtex"
SAVED_BASES = ("pybtex.richtext.BaseText",)
SAVED_WHAT = "a piece of rich text a formatted entry pickles through its __dict__"
HELD = {
    "pybtex.database.BibliographyData": "a parsed bibliography (its entries, preamble and citation bookkeeping)",
    "pybtex.database.Entry": "a bibliography entry (its type, fields and persons)",
    "pybtex.database.Person": "a person's name (its name parts as lists of strings)",
    "pybtex.style.FormattedEntry": "a formatted bibliography entry (its key, rich text and label)",
    "pybtex.utils.CaseInsensitiveDict": "a case-insensitive mapping (a MutableMapping pickled through its __dict__)",
    "pybtex.utils.CaseInsensitiveDefaultDict": (
        "a case-insensitive mapping with a default factory (stored, called only on a lookup of a missing key)"),
    "pybtex.utils.OrderedCaseInsensitiveDict": "an ordered case-insensitive mapping (pickled through its __dict__)",
    "pybtex.utils.CaseInsensitiveSet": "a case-insensitive set (a MutableSet pickled through its __dict__)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "builtins.object": {"why": "object: no rebuild hook", "hooks": {}},
    **{f"{m}.MutableMapping": {"why": "CPython's MutableMapping ABC: NEWOBJ + the instance's pickled __dict__; "
                                      "unhashable (Mapping.__eq__ sets __hash__ to None)",
                               "hooks": {"__eq__": "ext-mapping-eq", "__hash__": "none"}}
       for m in ("collections", "collections.abc")},
    **{f"{m}.MutableSet": {"why": "CPython's MutableSet ABC: NEWOBJ + the instance's pickled __dict__; "
                                  "unhashable (Set.__eq__ sets __hash__ to None)",
                           "hooks": {"__eq__": "ext-set-eq", "__hash__": "none"}}
       for m in ("collections", "collections.abc")},
}
_TEXT_ITEMS = ("rich text is pybtex's own: pybtex and sphinxcontrib-bibtex never give it items (it pickles through "
               "its __dict__), so it is admitted without items")
_MAP_ITEMS = ("pybtex never gives the mapping items (it is no dict: it pickles through its __dict__), so it is admitted "
              "without items")
REVIEW = {
    "pybtex.richtext.BaseMultipartText.append@024e982c758d": (
        "checked", "returns a new text of its parts and the item (_create_similar); " + _TEXT_ITEMS, "items"),
    "pybtex.richtext.BaseText.append@c4f3165c7595": (
        "checked", "returns self + the item (a new text); " + _TEXT_ITEMS, "items"),
    "pybtex.utils.CaseInsensitiveDict.__setitem__@23d9e8be7334": (
        "checked", "calls the key's lower() and stores the value in self._dict and the key in self._keys; " + _MAP_ITEMS,
        "items"),
    "pybtex.utils.OrderedCaseInsensitiveDict.__setitem__@3e83467a67a9": (
        "checked", "appends a new key to self.order (a membership test: the key's lower()), then the base's store; "
        + _MAP_ITEMS, "items"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
EFFECTS = True
# Every admitted class is a Python class (its external bases are object and CPython's Python ABCs): its instances are
# heap types, whose deallocation CPython guards (see derive-history.py "heapTypes").
HEAP_TYPES = True
