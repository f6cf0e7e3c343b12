"""sphinxcontrib-programoutput history pack: what the extension keeps in a Sphinx build cache, as its released
versions from 0.8 define it, read by scripts/data/derive-history.py. Its document-tree node (program_output, a docutils
Element pickled through its __dict__, the docutils history pack's hooks) and its output cache, which the environment
holds as programoutput_cache: ProgramOutputCache, a defaultdict subclass whose only method, __missing__, runs a command
on a lookup of a key the cache lacks (never while loading: a pickle stores items, it does not look them up). CPython's
defaultdict pickles as a call of the class with its default factory (None here) and SETITEMS of the items; the class
defines no __init__, __new__, __setitem__, __setstate__ or __setattr__ in any release.
The cache's keys, Command (a named tuple), are not admitted: a pickled Command is NEWOBJ of the class with its four
fields, and every release's Command.__new__ resolves the working-directory field on the file system
(os.path.normpath(os.path.realpath(working_directory)): lstat and readlink of a path the file names, os.fspath of
any other object; on Windows a UNC path reaches a network share), so loading a cache that holds one touches the file
system the file chooses; no shape check would make that data. A cache with run commands is therefore still reported,
as a documentation build cache. docs/packs/history/sphinxcontrib-programoutput.json lists the versions each name is
found in. The releases are pinned from the repository's tags (pins.json)."""

import importlib.util
import os

LIB = "sphinxcontrib-programoutput"
PACK = "sphinx-docutils"
TITLE = "sphinxcontrib-programoutput's document-tree node and output cache, as released versions pickle them"
PACKAGE = "sphinxcontrib"
# 0.8 is one module (src/sphinxcontrib/programoutput.py), later releases a package under src/.
SOURCE_ROOT = ("src", "")
_HERE = os.path.dirname(os.path.abspath(__file__))
# The docutils classes its node derives from, with their hooks as the Sphinx review module reads them.
_spec = importlib.util.spec_from_file_location("history_sphinx_bases", os.path.join(_HERE, "sphinx.py"))
_sphinx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sphinx)
SAVED_BASES = _sphinx.SAVED_BASES
SAVED_WHAT = "a document-tree node a Sphinx build cache pickles through its __dict__"
HELD = {
    "sphinxcontrib.programoutput.ProgramOutputCache": (
        "the output cache a Sphinx build environment holds (a defaultdict subclass: a call with its default factory, "
        "then its items)"),
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    **{k: v for k, v in _sphinx.EXTERNAL_BASES.items() if k.startswith("docutils.") or k == "builtins.object"},
    # CPython's C defaultdict: __reduce__ is (cls, (default_factory,), None, None, iter(items)); no __setstate__ or
    # __setitem__ of its own; __missing__ calls the factory only on a lookup of a missing key.
    "collections.defaultdict": {"why": "C defaultdict: SETITEMS stores keys and values (python pack)", "hooks": {}},
}
REVIEW = {}
# The environment's pickle calls the class (defaultdict's reduce) with its default factory; no release defines an
# __init__, so the call is defaultdict.__init__(self, factory), which stores the factory (None, or a callable the stream
# names, admitted or not by its own pack) without calling it.
CALLED = {"sphinxcontrib.programoutput.ProgramOutputCache": {"init": {}, "sinks": {}, "params": ["default_factory"],
                                                            "dict": True}}
FUNCTIONS = {}
NOT_ADMITTED = {
    "sphinxcontrib.programoutput.Command": (
        "v0.8 - 0.20: a named tuple whose __new__ resolves its working directory on the file system "
        "(os.path.realpath: lstat and readlink of a path the file names, os.fspath of any other object; a UNC path "
        "reaches a network share on Windows); a pickle of it is NEWOBJ with its fields, so loading runs that on the "
        "file's path. Not data from any state, and no shape check of it exists"),
}
EFFECTS = True
# Every admitted class is a Python class (its external bases are docutils' Python classes and CPython's defaultdict):
# its instances are heap types, whose deallocation CPython guards (see derive-history.py "heapTypes").
HEAP_TYPES = True
