"""sphinxcontrib-bibtex history pack: the citation data the extension keeps in a Sphinx build environment (its
domains' data: the parsed .bib files, each bibliography directive's key and settings, each citation and citation
reference) and its document-tree nodes, as its released versions from 2.0 define them, read by
scripts/data/derive-history.py. The records are typing.NamedTuple classes (tuple subclasses with __slots__ = (); a
pickle is NEWOBJ of the class with its field values, tuple.__new__ storing them): no release gives one a __new__,
__setstate__, __reduce__, __eq__ or __hash__ of its own, so one hashes and compares as the tuple of its fields. They
hold strings, ints, lists, dicts, pybtex's bibliography data and formatted entries (the pybtex history pack), document
nodes (the docutils history pack) and a bibliography's parsed filter expression (an ast.Module, CPython's syntax-tree
nodes: the python pack). The nodes (bibliography, footbibliography, raw_latex) are docutils Elements pickled through
their __dict__. 2.0.0 keeps its data in a cache object of another shape (sphinxcontrib.bibtex.cache.Cache and
collections.namedtuple records), which is not read here: such a cache is reported as a documentation build cache.
Releases before 2.0 are not read either. docs/packs/history/sphinxcontrib-bibtex.json lists the versions each name is
found in. The releases are pinned from the repository's tags (pins.json)."""

import importlib.util
import os

LIB = "sphinxcontrib-bibtex"
PACK = "sphinx-docutils"
TITLE = "sphinxcontrib-bibtex's citation data, as released versions pickle it in a Sphinx build environment"
PACKAGE = "sphinxcontrib"
# The package moved under src/ in 2.4.
SOURCE_ROOT = ("", "src")
_HERE = os.path.dirname(os.path.abspath(__file__))
# The docutils classes its nodes derive from, with their hooks as the Sphinx review module reads them.
_spec = importlib.util.spec_from_file_location("history_sphinx_bases", os.path.join(_HERE, "sphinx.py"))
_sphinx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sphinx)
SAVED_BASES = _sphinx.SAVED_BASES
SAVED_WHAT = "a document-tree node a Sphinx build cache pickles through its __dict__"
_B = "sphinxcontrib.bibtex"
HELD = {
    f"{_B}.bibfile.BibFile": "a .bib file's record (a named tuple: its modification time and keys)",
    f"{_B}.bibfile.BibData": "the parsed .bib files (a named tuple: the encoding, the files, pybtex's data)",
    f"{_B}.domain.BibliographyKey": "a bibliography directive's key (a named tuple)",
    f"{_B}.domain.BibliographyValue": "a bibliography directive's settings (a named tuple)",
    f"{_B}.directives.BibliographyKey": "a bibliography directive's key (a named tuple)",
    f"{_B}.directives.BibliographyValue": "a bibliography directive's settings (a named tuple)",
    f"{_B}.domain.Citation": "a citation (a named tuple: its ids, pybtex's entry and formatted entries)",
    f"{_B}.domain.CitationRef": "a citation reference (a named tuple)",
    f"{_B}.roles.CitationRef": "a citation reference (a named tuple)",
    f"{_B}.citation_target.CitationTarget": "a citation reference's target (a named tuple: key, pre- and post-text)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    **{k: v for k, v in _sphinx.EXTERNAL_BASES.items() if k.startswith("docutils.") or k in (
        "builtins.object", "typing.NamedTuple")},
}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
EFFECTS = True
# Every admitted class is a Python class (its external bases are docutils' Python classes and typing's NamedTuple):
# its instances are heap types, whose deallocation CPython guards (see derive-history.py "heapTypes").
HEAP_TYPES = True
