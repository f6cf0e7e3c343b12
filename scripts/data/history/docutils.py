"""docutils history pack: the document-tree nodes and settings that Sphinx's build caches pickle (the environment's
titles and tables of contents, each doctree under _build/doctrees), as docutils' released versions define them, read
by scripts/data/derive-history.py. A node is its __dict__ (children, attributes, parent, source and line, rawsource);
a Text node is a str subclass rebuilt by str.__new__ of its value. REVIEW keys are owner.hook@hash of the hook's
syntax tree; docs/packs/history/docutils.json lists the versions each name is found in. The releases are pinned from
the version file of the repository's history (pins.json), as the repository carries no release tags."""

LIB = "docutils"
PACK = "sphinx-docutils"
TITLE = "docutils document-tree nodes and settings, as released versions pickle them in Sphinx build caches"
PACKAGE = "docutils"
SOURCE_ROOT = "docutils"
SAVED_BASES = ("docutils.nodes.Node",)
SAVED_WHAT = "a document-tree node a Sphinx build cache pickles through its __dict__"
HELD = {
    "docutils.frontend.Values": "a doctree's settings (an optparse.Values subclass pickled through its __dict__)",
    "docutils.nodes.reprunicode": "a str subclass of older releases that Sphinx caches hold as a title's or a caption's "
                                  "text (NEWOBJ with its value)",
}
EXTRA_NAMES = {}
# Releases up to 0.15 are Python 2 code that setup.py converts with 2to3 at install time: read as converted.
TWO_TO_THREE = True
EXTERNAL_BASES = {
    # str.__new__(cls, value) (a subclass without a __new__ of its own: reprunicode) returns the value's text: str()
    # of any other object would run its __str__, so a subclass is admitted with one plain value (the VM checks it).
    "builtins.str": {"why": "C str: __new__ takes the text of its value (a str or number as docutils writes it)",
                     "hooks": {"__new__": "ext-str-new"}, "checked": {"__new__": "scalar-value"}},
    # reprunicode derives from the name unicode: the unicode type on Python 2, which releases up to 0.18 bind to str
    # under Python 3 (2to3 reads it as str).
    "builtins.unicode": {"why": "str under Python 3 (docutils binds unicode = str): __new__ takes the text of its value",
                         "hooks": {"__new__": "ext-str-new"}, "checked": {"__new__": "scalar-value"}},
    # CPython's optparse.Values (Lib/optparse.py): __init__ from a defaults dict, __eq__ against a Values or a dict,
    # which sets __hash__ to None (never a dict key or set member while loading); no __setstate__, __setattr__ or
    # __getattr__, so a pickled instance is NEWOBJ plus a BUILD of its __dict__.
    "optparse.Values": {"why": "CPython's optparse.Values: NEWOBJ + its pickled __dict__; unhashable",
                        "hooks": {"__eq__": "ext-optparse-values-eq", "__hash__": "none"}},
}
_ITEMS = ("checked", "setup_child(item) (sets the item's parent and reads its source and line), then stores it in self.children "
          "or self.attributes: docutils and Sphinx never give a node items (a node pickles through its __dict__), so "
          "the node is admitted without items", "items")
REVIEW = {
    **{f"docutils.nodes.Element.{hook}@{h}": _ITEMS for hook, hashes in (
        ("__setitem__", ("b4f8d8c1de4c", "d1488396393f", "e2ae126c8d4d")),
        ("append", ("afcacc28ca0b", "bb7445a2ec4e")),
        ("extend", ("008a3cbfced3", "47db59369127"))) for h in hashes},
    # Property setter: runs only for BUILD's slot state, which no node has (nodes have no __slots__).
    **{f"docutils.nodes.Node.setter document@{h}": ("data", "stores the value as self._document")
       for h in ("148c9b231768", "ad3b04713b97")},
    # NEWOBJ of a Text node with its string value (str's __getnewargs__): str.__new__(cls, data) after a bytes check.
    **{f"docutils.nodes.Text.__new__@{h}": (
        "checked", "refuses bytes, warns on a rawsource argument, then str.__new__(cls, data) (str() of any other "
        "object would run its __str__): admitted with one plain value", "scalar-value")
       for h in ("cee85f337039", "ee28871a40ee")},
}
FUNCTIONS = {}
NOT_ADMITTED = {}
EFFECTS = True
# Every admitted class is a Python class (read from .py source; its external bases are builtins and Python classes):
# its instances are heap types, whose deallocation CPython guards (see derive-history.py "heapTypes").
HEAP_TYPES = True
