"""python pack: the standard library's data types and the pickler's own reconstruction helpers (Python 2 spellings
come through CPython's _compat_pickle mapping, which Sentinel applies before classification)."""

import _ast
import argparse
import ast
import collections
import datetime
import decimal
import fractions
import io
import pathlib
import re
import sys
import types
import typing
import uuid

import dateutil.tz

PACK = "python"
TITLE = "Python standard-library data types and the pickler's reconstruction helpers"
MODULES = ("builtins", "copyreg", "collections", "datetime", "decimal", "fractions", "uuid", "argparse", "types",
           "io", "pathlib", "re", "enum", "codecs", "_codecs", "typing", "ast")


def versions():
    return {"cpython": sys.version.split()[0]}


def objects():
    return [
        ("containers", [{1, 2}, frozenset({3}), bytearray(b"x"), b"", slice(1, 2), range(3), 1j, Ellipsis,
                        NotImplemented]),
        ("collections", [collections.OrderedDict(a=1), collections.defaultdict(list, a=[1]),
                         collections.Counter("ab"), collections.deque([1], maxlen=3)]),
        ("datetime", [datetime.datetime(2020, 1, 1), datetime.date(2020, 1, 1), datetime.time(1, 2),
                      datetime.timedelta(1), datetime.timezone(datetime.timedelta(hours=1)), datetime.timezone.utc]),
        ("numbers", [decimal.Decimal("1.5"), fractions.Fraction(1, 3)]),
        ("uuid", uuid.UUID(int=1)),
        ("namespaces", [argparse.Namespace(lr=0.1), types.SimpleNamespace(a=1)]),
        ("BytesIO", io.BytesIO(b"abc")),
        ("paths", [pathlib.PurePosixPath("a/b"), pathlib.PureWindowsPath("a"), pathlib.PosixPath("a")]),
        ("regex", re.compile(r"\w+", re.I)),
        # A regular expression's flags kept as a value: NLTK's RegexpTokenizer stores its `flags` argument (a
        # re.RegexFlag) beside the compiled pattern.
        ("regex flags stored as values", [re.UNICODE | re.MULTILINE | re.DOTALL, re.IGNORECASE]),
        ("objects", [_Plain(), _Slots()]),
        # A warning category kept as a value, never called: scikit-learn 0.19.1 - 0.20.4's DeprecationDict stores
        # ((message, FutureWarning), {}) per deprecated key of a search's cv_results_.
        ("warning categories stored as values",
         [(("message", FutureWarning), {}), (("message", DeprecationWarning), {})]),
        # OmegaConf's config metadata keeps its field types as values (omegaconf history pack).
        ("typing types stored as values", [typing.Any, typing.Dict, typing.List]),
        # dateutil's zones use object's reduce: protocols 0/1 write copyreg._reconstructor(cls, datetime.tzinfo,
        # datetime.tzinfo()), so the stream calls the tzinfo base with no argument.
        ("tzinfo subclass with object's reduce (dateutil zone)", dateutil.tz.tzutc()),
        # Syntax-tree nodes (sphinxcontrib-bibtex keeps a bibliography's parsed filter expression, an ast.Module, in
        # a Sphinx build environment): one of every node class CPython's C module _ast defines (Python-ast.c), with
        # and without fields. The deprecated node names ast.py defines in Python (Num, Str, Index, Suite, ...) are
        # not among them: their instances are Constant and other C nodes, which is what a pickle names.
        ("syntax-tree nodes", [ast.parse("x = f(1) + y[2:3]"), ast.parse("a < b", mode="eval")]
         + [getattr(_ast, n)() for n in sorted(dir(_ast)) if _is_node_class(getattr(_ast, n))]),
    ]


def _is_node_class(obj):
    return isinstance(obj, type) and issubclass(obj, _ast.AST)


class _Plain:
    def __init__(self):
        self.a = 1


class _Slots:
    __slots__ = ("a",)

    def __init__(self):
        self.a = 1


def streams():
    # re.RegexFlag members as CPython 3.11.5 on (and 3.10 and earlier) write them: a call of the class with the flags'
    # int value (RegexFlag(56) = UNICODE | MULTILINE | DOTALL, the default flags of NLTK's RegexpTokenizer). 3.11.0 -
    # 3.11.4 write the getattr-by-name form instead, which the interpreter here produces for the objects above.
    return [("regex flags written by value (CPython >= 3.11.5, <= 3.10)",
             b"\x80\x04\x95\x15\x00\x00\x00\x00\x00\x00\x00\x8c\x02re\x94\x8c\tRegexFlag\x94\x93\x94K8\x85\x94R\x94.")]


FUNCTIONS = {
    "copyreg._reconstructor": (
        "reconstructor",
        "_reconstructor(cls, base, state): base.__new__(cls, state) (+ base.__init__(obj, state) when base is not "
        "object): protocol 0/1 object reconstruction of a separately imported class",
    ),
    "copyreg.__newobj__": ("reconstructor", "__newobj__(cls, *args) = cls.__new__(cls, *args)"),
    "copyreg.__newobj_ex__": ("reconstructor", "__newobj_ex__(cls, args, kwargs) = cls.__new__(cls, *args, **kwargs)"),
    "copyreg._reduce_ex": ("reconstructor", "default reduction helper"),
    "codecs.encode": (
        "reconstructor",
        "_codecs.encode(str, 'latin1'): how protocol < 3 pickles bytes (the codec is looked up by name in the codec "
        "registry: text codecs only encode)",
    ),
    "re._compile": ("reconstructor", "_compile(pattern, flags): compiles a regular expression (no code execution)"),
    "builtins.hash": (
        "reference",
        "stored as a hash function (gensim Word2Vec.hashfxn); computes an int from its argument",
    ),
    "builtins.FutureWarning": (
        "reference",
        "a warning category stored as a value (scikit-learn 0.19.1 - 0.20.4's DeprecationDict keeps ((message, "
        "FutureWarning), {}) per deprecated key); warnings.warn reads it later, the stream never calls it",
    ),
    "builtins.DeprecationWarning": (
        "reference",
        "a warning category stored as a value, as FutureWarning is; warnings.warn reads it later, the stream never "
        "calls it",
    ),
    # Types OmegaConf's config metadata stores as values (omegaconf history pack): its containers' __setstate__ compares
    # them and subscripts typing.Dict / typing.List with the stream's key and element types, which the pickle VM
    # checks to be plain types (omegaconf-state.ts). Calling any of them builds nothing (TypeError) or an empty dict/list.
    "typing.Any": (
        "reference",
        "the Any type stored as a value (OmegaConf's metadata ref_type / key_type / element_type); the stream never "
        "calls it",
    ),
    "typing.Dict": (
        "reference",
        "the Dict generic stored as a value (OmegaConf's metadata ref_type of a dict field); the stream never calls it",
    ),
    "typing.List": (
        "reference",
        "the List generic stored as a value (OmegaConf's metadata ref_type of a list field); the stream never calls it",
    ),
    "builtins.getattr": ("not", ""),
}
FUNCTIONS.pop("builtins.getattr")
EXTRA_NAMES = {n: "" for n in (
    "builtins.set builtins.frozenset builtins.complex builtins.bytearray builtins.bytes builtins.slice "
    "builtins.object builtins.range builtins.int builtins.float builtins.str builtins.list builtins.dict "
    "builtins.tuple builtins.bool builtins.hash datetime.tzinfo enum.Enum pathlib.Path pathlib.WindowsPath "
    "uuid.SafeUUID copyreg._reduce_ex io.BytesIO"
).split()}
VALUES = {
    "builtins.Ellipsis": "the Ellipsis singleton",
    "builtins.NotImplemented": "the NotImplemented singleton",
}
REVIEW = {
    "collections.Counter.__init__": ("data", "counts the items of its argument (update)"),
    "uuid.SafeUUID.__new__": ("data", "enum member lookup"),
    "re.RegexFlag.__new__": (
        "data",
        "Enum.__new__ of an int flag: a member looked up by value; an int no member has becomes a composite flag of "
        "its bits (no call of a value's own methods: the values looked up are ints)",
    ),
    "builtins.*": ("data", "CPython built-in type"),
    "collections.*": ("data", "CPython C container type"),
    "datetime.*": ("data", "CPython C date/time type: fields from bytes or ints"),
    "decimal.*": ("data", "CPython C decimal type"),
    "uuid.UUID.__init__": ("data", "hex/bytes/fields/int arguments; no I/O"),
    "uuid.UUID.__setstate__": ("data", "sets int and is_safe"),
    "fractions.Fraction.__new__": ("data", "numerator/denominator or a numeric string"),
    "argparse._AttributeHolder.__init__": ("data", "(object default)"),
    "argparse.Namespace.__init__": ("data", "setattr of keyword arguments"),
    "io.*": ("data", "BytesIO: an in-memory buffer (no file access)"),
    "_io.BytesIO.__new__": ("data", "an empty in-memory buffer (no file access)"),
    "_io.BytesIO.__setstate__": ("data", "(value bytes, position, __dict__): fills the in-memory buffer"),
    "types.*": ("data", "SimpleNamespace: attribute bag"),
    "pathlib.PurePath.__new__": ("data", "path parts from strings; touches no file"),
    "pathlib.Path.__new__": ("data", "path parts from strings; touches no file"),
    "pathlib.PurePath.__reduce__": ("data", ""),
    "enum.Enum.__new__": ("data", "looks the value up among the enum's members"),
    "enum.EnumType.__call__": ("data", "looks the value up among the enum's members"),
    "enum.Enum.__init__": ("data", "does nothing (the member is made by __new__)"),
    "uuid.*": ("data", "enum member"),
    "enum.*": ("data", "enum"),
    "re.*": ("data", "compiled pattern"),
    "ast.AST.__new__": ("data", "CPython's generic allocation (PyType_GenericNew): an empty node; arguments unread"),
    "ast.AST.__init__": (
        "data",
        "CPython's Python-ast.c ast_type_init: stores each positional argument under the class's field name of its "
        "position (PyObject_SetAttr with the generic setter: the instance __dict__; more arguments than fields raise "
        "TypeError), and each keyword argument under its name; from 3.13 a field no argument gave is set to None or "
        "an empty list, or a DeprecationWarning is issued. No argument is called, hashed or compared. A node's pickle "
        "(ast_type_reduce) is a call of its class with () (up to 3.12) or the fields' values in order (3.13 on), then "
        "a BUILD of the rest of its __dict__; the class has no __setstate__ or __setattr__ of its own, and hashes and "
        "compares by identity",
    ),
}
# The node classes' older spelling: CPython releases whose C node types are named _ast.<name> pickle them under
# the _ast module, which every CPython 3 still has (the same C classes that ast re-exports).
OLD_NAMES = {f"_ast.{n}": (f"ast.{n}", "the C module that defines the syntax-tree node classes, under which "
                                        "older CPython releases pickle them", "alias")
             for n in sorted(dir(_ast)) if isinstance(getattr(_ast, n), type) and issubclass(getattr(_ast, n), _ast.AST)}
NOT_ADMITTED = {
    "copyreg.__newobj__": "a dunder name: the dangerous table flags special attributes, and CPython writes NEWOBJ instead",
    "copyreg.__newobj_ex__": "a dunder name: the dangerous table flags special attributes; CPython writes NEWOBJ_EX",
    "builtins.getattr": "reaches any attribute, including methods that run code (dangerous table)",
    "functools.partial": "stores a callable and its arguments; library code calls it later (dangerous callables in "
    "it are caught by their own import, but the partial itself is not a data type)",
}
