"""Sphinx history pack: the build environment and document trees that sphinx-build pickles into its doctree cache
(_build/doctrees/environment.pickle and one <docname>.doctree per source file), as Sphinx's released versions define
them, read by scripts/data/derive-history.py; the docutils classes they hold are the docutils history pack's.
The environment is its __dict__ (BuildEnvironment.__getstate__ drops the application, the domains and the event
manager): the configuration (a Config: its __getstate__ keeps serialisable values only, each as a (value, rebuild,
types) tuple), the project (a Project: the source folder and the documents found), plain dicts, sets and lists of
document names, the titles and tables of contents as document-tree nodes, the domains' data (the Python domain's
ObjectEntry and ModuleEntry tuples, the C and C++ domains' symbol trees), the image and download file maps
(FilenameUniqDict and DownloadFiles, dict subclasses) and the translated labels (_TranslationProxy: a translation
function the stream names and its message, called only when the label is read as text).
REVIEW keys are owner.hook@hash of the hook's syntax tree; docs/packs/history/sphinx.json lists the versions each
name is found in. The releases are pinned from the repository's tags (pins.json)."""

import ast
import json
import os
import textwrap

LIB = "sphinx"
PACK = "sphinx-docutils"
TITLE = "Sphinx build environments and doctrees, as released versions pickle them in a documentation build cache"
PACKAGE = "sphinx"
_HERE = os.path.dirname(os.path.abspath(__file__))
# The docutils classes Sphinx's nodes derive from, with their hooks as the docutils history pack read them.
_DOCUTILS = json.load(open(os.path.join(_HERE, "..", "..", "..", "docs", "packs", "history", "docutils.json")))["names"]
# docutils.nodes' element categories: mixin classes with no body (no hook in any release).
_MIXINS = ("Root", "Structural", "SubStructural", "Bibliographic", "Body", "Admonition", "Sequential", "General",
           "Special", "Part", "Decorative", "Inline", "PreBibliographic", "Invisible", "Labeled", "Resolvable",
           "BackLinkable", "Referential", "Targetable", "Titular")
_ITEMS_HOOKS = ("__setitem__", "append", "extend")


def _docutils_bases():
    out = {}
    for name, rec in _DOCUTILS.items():
        hooks = {}
        for key in rec["hooks"]:
            owner_hook, h = key.rsplit("@", 1)
            hook = owner_hook[len(owner_hook.rsplit(".", 1)[0]) + 1:] if not owner_hook.split(".")[-1].startswith(
                "setter ") else owner_hook.rsplit(".", 1)[1]
            if hook == "__init__":
                continue  # runs only on a call of the class, which the pack does not admit
            hooks.setdefault(hook, []).append(f"docutils-{h}")
        checked = {h: "items" for h in hooks if h in _ITEMS_HOOKS}
        if "__new__" in hooks:
            checked["__new__"] = "scalar-value"
        out[name] = {"why": "a docutils class (the docutils history pack reviews its hooks)",
                     "hooks": {k: ",".join(sorted(v)) for k, v in hooks.items()}, "checked": checked}
    for m in _MIXINS:
        out[f"docutils.nodes.{m}"] = {"why": "a docutils element category (an empty mixin class)", "hooks": {}}
    return out


SAVED_BASES = tuple(n for n in _DOCUTILS if n.startswith("docutils.nodes."))
SAVED_WHAT = "a document-tree node a Sphinx build cache pickles through its __dict__"
_ENV = "the build environment sphinx-build pickles as environment.pickle"
HELD = {
    "sphinx.environment.BuildEnvironment": _ENV + " (pickled through its __dict__)",
    "sphinx.config.Config": "the build configuration an environment holds (its serialisable values)",
    "sphinx.project.Project": "the project an environment holds (the source folder and the documents found)",
    "sphinx.util.FilenameUniqDict": "the image file map an environment holds (a dict subclass)",
    "sphinx.util.DownloadFiles": "the download file map an environment holds (a dict subclass)",
    "sphinx.util._files.FilenameUniqDict": "the image file map an environment holds (a dict subclass)",
    "sphinx.util._files.DownloadFiles": "the download file map an environment holds (a dict subclass)",
    "sphinx.locale._TranslationProxy": "a translated label (its translation function and message)",
    "sphinx.domains.python.ObjectEntry": "an object entry of the Python domain's data (a named tuple)",
    "sphinx.domains.python.ModuleEntry": "a module entry of the Python domain's data (a named tuple)",
    "sphinx.domains.changeset.ChangeSet": "a versionadded/versionchanged entry of the changes domain (a named tuple)",
    "sphinx.builders.html._stable_repr_object": "a marker object the HTML builder's configuration defaults hold",
    "sphinx.environment._CurrentDocument": "the per-document scratch data an environment holds (Sphinx 8.2+)",
    **{f"sphinx.domains.{d}.Symbol": f"a node of the {d.upper()} domain's symbol tree (its __dict__)"
       for d in ("c", "cpp", "c._symbol", "cpp._symbol")},
    "sphinx.util._pathlib._StrPath": "a path an environment holds (Sphinx 7.2+: the source and doctree folders), "
                                     "rebuilt by a call of the class with its parts as strings",
    "sphinx.util.nodes.WarningStream": "the warning stream a Sphinx 1.5 environment's settings hold (its __dict__: "
                                       "the warning function, None when pickled, and a compiled pattern)",
    "sphinx.domains.cpp.LookupKey": "a lookup key a C++ symbol holds",
    "sphinx.domains.cpp._symbol.LookupKey": "a lookup key a C++ symbol holds",
}
# The C and C++ domains' declarations: trees of AST node objects (each its __dict__ of names, strings and nodes).
SAVED_BASES = SAVED_BASES + ("sphinx.util.cfamily.ASTBaseBase",)
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    **_docutils_bases(),
    "builtins.dict": {"why": "C dict: SETITEMS stores keys and values", "hooks": {}},
    "builtins.object": {"why": "object: no rebuild hook", "hooks": {}},
    # class C(NamedTuple): typing generates a tuple subclass with __slots__ = () whose __new__ is tuple.__new__(cls,
    # (the field arguments)), exactly as many as it has fields; pickled as NEWOBJ of the class with the field values.
    "typing.NamedTuple": {"why": "a NamedTuple class: __new__ builds a tuple of its field arguments",
                          "hooks": {"__new__": "ext-namedtuple-new"}},
    # CPython's collections.UserString (six.moves.UserString under Python 3): __init__ stores str(seq) as data (run
    # only on a call), __eq__/__hash__ compare and hash self.data, which _TranslationProxy makes a property that calls
    # its stored function: admitted only in the shape Sphinx writes (HistoryCheck 'translation-proxy').
    **{name: {"why": "CPython's UserString: its comparisons and hash read self.data",
              "hooks": {"__eq__": "ext-userstring-eq", "__hash__": "ext-userstring-hash"},
              "checked": {"__eq__": "translation-proxy", "__hash__": "translation-proxy"}}
       for name in ("collections.UserString", "six.moves.UserString")},
}
# CPython's concrete paths (Lib/pathlib.py): PurePath.__reduce__ writes a call of the class with the path's parts, and
# the class's __new__ (with __init__ from 3.12) parses them: os.fspath of each argument (a str is taken as it is; any
# other object's __fspath__ would run), no file is touched; comparisons and the hash read the parsed parts. Admitted
# for a call with str arguments only (HistoryCheck 'str-args').
for _path in ("pathlib.PosixPath", "pathlib.WindowsPath"):
    EXTERNAL_BASES[_path] = {
        "why": "CPython's concrete path: a call of the class parses its str parts; comparisons and hash read them",
        "hooks": {"__new__": "ext-path-new", "__eq__": "ext-path-eq", "__hash__": "ext-path-hash"},
        "checked": {"__new__": "str-args"},
    }
# The stream calls these classes (their pickles are calls with the parts), and no release defines an __init__ of its own.
CALLED = {"sphinx.util._pathlib._StrPath": {"init": {}, "sinks": {}, "params": []}}
# Classes with subscripted generic bases (class FilenameUniqDict(dict[str, tuple[set[str], str]])): read as the base.
GENERIC_BASES = True
_PROXY = ("the translation proxy's state is the one Sphinx writes (HistoryCheck 'translation-proxy': Sphinx's own "
          "translation function and string arguments, or three strings), so what it calls is that function on strings")
_ITEMS = ("sets the configuration value named by the key (setattr): Sphinx never gives a Config items (it pickles "
          "through __setstate__), so it is admitted without items")
REVIEW = {
    **{f"sphinx.config.Config.__getattr__@{h}": (
        "data", "answers a configuration option's name from the stored values (a callable default is called with the "
        "config); runs only on a lookup of a name the instance and its class lack, and a load's only lookup, BUILD's "
        "__setstate__, finds the class's own in every release")
       for h in ("197ef880d7ad", "81ad09184081", "83a71768642b", "8b050ce1f5fa", "8b70f5bcb492")},
    **{f"sphinx.config.Config.__getattr__@{h}": (
        "data", "answers a configuration option's name from the stored values (a callable default is called with the "
        "config); in the releases whose Config has no __setstate__ (1.5 and 1.6), BUILD's lookup of __setstate__ "
        "reaches it and it raises AttributeError for a name starting with '_' before reading anything, so BUILD "
        "updates __dict__") for h in ("843693eb13a3", "c469383201c9")},
    "sphinx.config.Config.__setattr__@a616402f8c8b": (
        "data", "stores the value, and the same value under its alias name (master_doc/root_doc, copyright/"
        "project_copyright), with object.__setattr__"),
    **{f"sphinx.config.Config.__setitem__@{h}": ("checked", _ITEMS, "items") for h in ("61aeaa0b9566", "c694d736f590")},
    **{f"sphinx.config.Config.__setstate__@{h}": (
        "data", "pops '_options' from the state, iterates its items unpacking (value, rebuild) pairs into _Opt "
        "records (object.__setattr__ of four fields), sets empty override and raw-config dicts, then "
        "__dict__.update(state)") for h in ("2dc0821b1a4a", "323f6fa1aa46")},
    **{f"sphinx.config.Config.__setstate__@{h}": ("data", "__dict__.update(state)")
       for h in ("9cad76cebc73", "b4d5c7f6d8d4", "bfc373ff7429")},
    **{f"sphinx.environment.BuildEnvironment.__setstate__@{h}": ("data", "__dict__.update(state)")
       for h in ("978d5830cbda", "9cad76cebc73", "b4d5c7f6d8d4", "bfc373ff7429")},
    # Property setters: run only for BUILD's slot state, which an environment never has (it has __setstate__).
    "sphinx.environment.BuildEnvironment.setter app@16c5744c1cfd": ("data", "warns, then stores the value as _app"),
    "sphinx.environment.BuildEnvironment.setter indexentries@a158738df985": (
        "data", "never runs while loading: BuildEnvironment.__setstate__ takes every BUILD state (no slot state is "
        "set through setattr)"),
    **{f"sphinx.util.FilenameUniqDict.__setstate__@{h}": ("data", "stores the state as self._existing")
       for h in ("419973f62437", "44776c69c4e3", "8c5b60511335")},
    **{f"sphinx.locale._TranslationProxy.{k}@{h}": ("checked", _PROXY, "translation-proxy") for k, h in (
        ("__eq__", "73b313236961"), ("__eq__", "9afb0b8c00b9"), ("__getattr__", "d2c7d1a55f0d"),
        ("__hash__", "0f2656ebcc73"), ("__hash__", "ea5c82e0e47e"), ("__new__", "98b1e6f955d1"),
        ("__setstate__", "1530cd345fd3"), ("__setstate__", "cee1b12b23df"))},
}
REVIEW.update({
    **{f"sphinx.domains.{d}.Symbol.__setattr__@{h}": (
        "data", "refuses the name 'children' (AssertionError), else object.__setattr__: stores the value")
       for d in ("c", "cpp") for h in ("4e7ea64d9f3b", "65cb712b7f21", "7c61d759892c", "c7d1f4dfdebb", "dfd3bcb57a81",
                                       "b1f2c5efb51d")},
    # The declaration nodes' common base (7.3+): compares the two objects' __dict__ (their fields' ==), and hashes a
    # sorted list of its items, which raises TypeError (a list is unhashable).
    "sphinx.util.cfamily.ASTBaseBase.__eq__@53d3785b1b4a": (
        "data", "for objects of one class, compares their __dict__ (the fields' ==)"),
    "sphinx.util.cfamily.ASTBaseBase.__hash__@cd240b3b5d26": (
        "data", "hash(sorted(self.__dict__.items())): sorts the (name, field) pairs by their distinct names, then "
        "raises TypeError (a list is unhashable)"),
    **{f"sphinx.domains.{d}._symbol.Symbol.__setattr__@dfd3bcb57a81": (
        "data", "refuses the name 'children' (AssertionError), else object.__setattr__: stores the value")
       for d in ("c", "cpp")},
    "sphinx.environment._CurrentDocument.__setitem__@8047a10f4d77": (
        "checked", "stores the value under a mapped attribute (setattr) or in the extension data dict: Sphinx never "
        "gives it items (it pickles through its slots), so it is admitted without items", "items"),
    "sphinx.util._files.FilenameUniqDict.__setstate__@8c5b60511335": ("data", "stores the state as self._existing"),
    # The path class (7.2.3+): its text form is PurePath.__str__ of the parsed parts, which a call with str arguments
    # (HistoryCheck 'str-args', on its path base) made.
    **{f"sphinx.util._pathlib._StrPath.__eq__@{h}": (
        "data", "another path: PurePath.__eq__ (the parsed parts); a str: warns, then compares its text form")
       for h in ("2597b90cc48a", "702feb0df8e1", "b8bfa7e5bd35", "cf195a732824")},
    **{f"sphinx.util._pathlib._StrPath.__getattr__@{h}": (
        "data", "a str method's name: warns, then that method of its text form; any other name: AttributeError")
       for h in ("946887c84720", "ae876f1823b3", "e2f5bddd5dcc", "f29ca4b2c92f")},
    **{f"sphinx.util._pathlib._StrPath.__hash__@{h}": ("data", "PurePath.__hash__ (of the parsed parts)")
       for h in ("2d403f458d10", "54fc600d474f")},
    **{f"sphinx.locale._TranslationProxy.{k}@{h}": ("checked", _PROXY, "translation-proxy") for k, h in (
        ("__getattr__", "b237f375d650"), ("__getattr__", "e920c6163eb9"), ("__new__", "00c3eba58806"),
        ("__new__", "1816343fb38a"), ("__new__", "3c3e8d916b8d"), ("__setstate__", "11def759ac39"),
        ("__setstate__", "5795037b7d27"))},
})


def _fields(node):
    """The attribute names of `self.<name>` expressions, or None when `node` is anything else."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return [node.attr]
    return None


def AUTO_REVIEW(key, source):
    """A verdict for the C and C++ domains' declaration nodes' hooks of one strict shape, else None: a __hash__ that
    returns hash() of its own fields (one `self.x`, or a tuple of them), an __eq__ that answers NotImplemented for
    another class and otherwise compares its own fields with the other object's of the same names (== joined by
    and), and a property setter of `name` that stores the value on the object or on one of its own fields."""
    owner_hook = key.rsplit("@", 1)[0]
    if not owner_hook.startswith(("sphinx.domains.c.", "sphinx.domains.cpp.", "sphinx.domains.c._ast.",
                                  "sphinx.domains.cpp._ast.", "sphinx.util.cfamily.")):
        return None
    hook = owner_hook.rsplit(".", 1)[1]
    try:
        fn = ast.parse(textwrap.dedent("    " + source.lstrip())).body[0]
    except (SyntaxError, IndexError):
        return None
    if not isinstance(fn, ast.FunctionDef):
        return None
    body = [b for b in fn.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
    if hook == "__hash__" and len(body) == 1 and isinstance(body[0], ast.Return):
        call = body[0].value
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "hash"
                and len(call.args) == 1 and not call.keywords):
            arg = call.args[0]
            items = arg.elts if isinstance(arg, ast.Tuple) else [arg]
            names = [_fields(x) for x in items]
            if names and all(n is not None for n in names):
                return ("data", "hash() of its own fields " + ", ".join(n[0] for n in names))
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                return ("data", "hash() of a constant string")
        return None
    if hook == "__eq__" and len(fn.args.args) == 2 and fn.args.args[1].arg == "other":
        rest = body
        if (len(rest) == 2 and isinstance(rest[0], ast.If) and not rest[0].orelse
                and isinstance(rest[0].test, ast.UnaryOp) and isinstance(rest[0].test.op, ast.Not)
                and isinstance(rest[0].test.operand, ast.Call)
                and isinstance(rest[0].test.operand.func, ast.Name) and rest[0].test.operand.func.id == "isinstance"
                and len(rest[0].body) == 1 and isinstance(rest[0].body[0], ast.Return)
                and isinstance(rest[0].body[0].value, ast.Name) and rest[0].body[0].value.id == "NotImplemented"):
            rest = rest[1:]
        if len(rest) != 1 or not isinstance(rest[0], ast.Return):
            return None
        expr = rest[0].value
        if (rest is body and isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)
                and expr.func.id == "isinstance" and len(expr.args) == 2 and isinstance(expr.args[0], ast.Name)
                and expr.args[0].id == "other" and isinstance(expr.args[1], ast.Name)):
            return ("data", "isinstance(other, <its class>): reads no field")
        parts = expr.values if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.And) else [expr]
        for c in parts:
            if not (isinstance(c, ast.Compare) and len(c.ops) == 1 and isinstance(c.ops[0], ast.Eq)):
                return None
            left, right = _fields(c.left), c.comparators[0]
            if (left is None or not isinstance(right, ast.Attribute) or not isinstance(right.value, ast.Name)
                    or right.value.id != "other" or right.attr != left[0]):
                return None
        return ("data", "compares its own fields with the other object's of the same class (==)")
    if owner_hook.endswith(".setter name") and len(body) == 1 and isinstance(body[0], ast.Assign):
        target = body[0].targets[0]
        value = body[0].value
        if (len(body[0].targets) == 1 and isinstance(value, ast.Name) and value.id == fn.args.args[1].arg
                and isinstance(target, ast.Attribute)
                and (_fields(target) is not None or _fields(target.value) is not None)):
            # A property setter runs only for BUILD's slot state (setattr), which these nodes never have.
            return ("data", "stores the value on the object or on one of its own fields")
    return None


# The translation functions a translation proxy of Sphinx 1.6 - 5.x stores (stored references: the proxy calls one
# with its message when read as text; a load never calls them itself).
# Every release's body, read: _lazy_translate looks the translator up in Sphinx's registry by (namespace, catalog) and
# returns its gettext of the message; mygettext (up to 2.x, deprecated from 1.8) returns _() of its string.
_TRANSLATE_HASHES = {"_lazy_translate": ("4e82814c7d75", "9cfda38ce8ef"),
                     "mygettext": ("0cb3b9f4faa4", "71a4e170be7d", "8178ef8212bc", "eea8be3aa2dd")}
FUNCTIONS = {
    f"sphinx.locale.{n}": ("reference", "a translation function a translated label stores", _TRANSLATE_HASHES.get(n, ()))
    for n in ("_lazy_translate", "mygettext")
}
NOT_ADMITTED = {}
EFFECTS = True
# Every admitted class is a Python class (read from .py source; its external bases are builtins and Python classes):
# its instances are heap types, whose deallocation CPython guards (see derive-history.py "heapTypes").
HEAP_TYPES = True
