"""sphinx-external-toc history pack: the table of contents Jupyter Book's extension keeps in a Sphinx build
environment (env.external_site_map: a SiteMap of Document entries, each with its TocTree subtrees of FileItem, GlobItem
and UrlItem items), as the extension's released versions from 0.3 define it, read by scripts/data/derive-history.py.
SiteMap is a MutableMapping (not a dict subclass) pickled through its __dict__ (the documents dict, the root
document, the metadata dict, the file format); its __setitem__ runs only for items, which it never has in a pickle:
admitted without items (HistoryCheck 'items'); its file_format property setter runs only for BUILD's slot state, which
it never has. Document, TocTree and UrlItem are dataclasses (`@dataclass(**DC_SLOTS)`: slotted under Python 3.10 on,
not frozen, in every release read): a pickle is NEWOBJ of the class and a BUILD of its fields (as slot state, set with
object's own setattr, or as its __dict__); their __post_init__ and field validators run only on a call of the class,
which the pack does not admit; dataclass equality sets __hash__ to None, so no instance is a dict key or set member while
loading. FileItem and GlobItem are str subclasses with no method of their own: NEWOBJ of the class with one value runs
str.__new__, which calls a non-str value's __str__, so they are admitted with one plain value only (HistoryCheck
'scalar-value'). Releases before 0.3 decorate the same classes with attrs (`@attr.s(slots=True)`: attrs' own
__getstate__/__setstate__, which differ between attrs releases): they are not read, and a cache they wrote is reported
as a documentation build cache. docs/packs/history/sphinx-external-toc.json lists the versions each name is found in.
The releases are pinned from the repository's tags (pins.json)."""

LIB = "sphinx-external-toc"
PACK = "sphinx-docutils"
TITLE = "sphinx-external-toc's site map (Jupyter Book's table of contents), as released versions pickle it"
PACKAGE = "sphinx_external_toc"
SAVED_BASES = ()
_API = "sphinx_external_toc.api"
HELD = {
    f"{_API}.SiteMap": "the site map a Sphinx build environment holds (a MutableMapping pickled through its __dict__)",
    f"{_API}.Document": "a document of the site map (a dataclass: its name, title and subtrees)",
    f"{_API}.TocTree": "a toctree of a document (a dataclass: its items and options)",
    f"{_API}.UrlItem": "a URL item of a toctree (a dataclass: its URL and title)",
    f"{_API}.FileItem": "a document path of a toctree (a str subclass rebuilt from one plain value)",
    f"{_API}.GlobItem": "a document glob of a toctree (a str subclass rebuilt from one plain value)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "builtins.object": {"why": "object: no rebuild hook", "hooks": {}},
    # NEWOBJ of a str subclass with its value: str.__new__(cls, value), which calls a non-str value's __str__.
    "builtins.str": {"why": "C str: its __new__ takes one value (str() of it)", "hooks": {"__new__": "ext-str-new"},
                     "checked": {"__new__": "scalar-value"}},
    **{f"{m}.MutableMapping": {"why": "CPython's MutableMapping ABC: NEWOBJ + the instance's pickled __dict__; "
                                      "unhashable (Mapping.__eq__ sets __hash__ to None)",
                               "hooks": {"__eq__": "ext-mapping-eq", "__hash__": "none"}}
       for m in ("collections", "collections.abc")},
}
REVIEW = {
    f"{_API}.SiteMap.__setitem__@47389e1b8fe6": (
        "checked", "asserts the item's docname equals the key (an attribute read and ==), then stores it in "
        "self._docs: the extension never gives a SiteMap items (it pickles through its __dict__), so it is admitted "
        "without items", "items"),
    # Property setter: runs only for BUILD's slot state, which a SiteMap never has (no __slots__).
    f"{_API}.SiteMap.setter file_format@eead1b6de846": ("data", "stores the value as self._file_format"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
EFFECTS = True
# Every admitted class is a Python class: its instances are heap types, whose deallocation CPython guards (see
# derive-history.py "heapTypes").
HEAP_TYPES = True
