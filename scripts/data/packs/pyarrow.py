"""pyarrow pack: the functions pyarrow's own reduce writes for the arrays pandas keeps text columns in (string[pyarrow],
pandas 3's default str dtype) and for arrays pickled on their own. pyarrow is not in Debian's stable stack, so the
pack reads no installed version: its pickles are the real files of test/fixtures/pyarrow-arrays/ (pyarrow 25.0.0 with
pandas 3.0.5, pyarrow 25.0.1 with pandas 2.3.3; scripts/fixtures/pyarrow-arrays.py) and the real files of
test/fixtures/pandas3-arrow/, and each function's review is read from pyarrow's source (python/pyarrow/array.pxi,
types.pxi, io.pxi and table.pxi of apache/arrow 25.0.0). Every call of them is checked by the pickle analysis
(src/analyzers/pickle/arrow-arrays.ts): an array is admitted only when Arrow's full validation would accept it, for the
text and fixed-width types; docs/pyarrow-arrays.md says what and why."""

import glob
import json
import os

PACK = "pyarrow"
TITLE = "pyarrow arrays as pyarrow's reduce writes them (pandas' pyarrow-backed text columns)"
MODULES = ("pyarrow",)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")


def versions():
    return {"pyarrow": "25.0.0 (with pandas 3.0.5) and 25.0.1 (with pandas 2.3.3): the committed real files"}


def objects():
    return []


def streams():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "test", "fixtures", "pyarrow-arrays", "*", "*"))):
        with open(path, "rb") as fh:
            out.append((os.path.relpath(path, ROOT), fh.read()))
    arrow = os.path.join(ROOT, "test", "fixtures", "pandas3-arrow")
    with open(os.path.join(arrow, "manifest.json")) as fh:
        manifest = json.load(fh)
    for f in manifest["files"]:
        if f["expect"] == "pass" and f["file"].startswith(("str_df", "chunked_series", "sliced_series", "storage_df")):
            with open(os.path.join(arrow, f["file"]), "rb") as fh:
                out.append((f"test/fixtures/pandas3-arrow/{f['file']}", fh.read()))
    return out


FUNCTIONS = {
    "pyarrow.lib._restore_array": (
        "reconstructor",
        "_restore_array((type, length, null_count, offset, buffers, children, dictionary)): Arrow's MakeArray over "
        "the tuple, unvalidated; admitted only for an array Arrow's full validation accepts (buffer count and sizes "
        "of the type's layout, offsets within the data, the null count the bitmap holds), of the text and "
        "fixed-width types (arrow-arrays.ts)",
    ),
    "pyarrow.lib.py_buffer": (
        "reconstructor",
        "py_buffer(obj): an Arrow buffer over obj's bytes; admitted with one bytes or bytearray argument of the stream, "
        "a bytearray the stream does not use again (arrow-arrays.ts)",
    ),
    "pyarrow.lib.type_for_alias": (
        "reconstructor",
        "type_for_alias(name): name.lower() looked up in pyarrow's fixed alias table (ValueError when absent); "
        "admitted with one str argument (arrow-arrays.ts)",
    ),
    "pyarrow.lib.chunked_array": (
        "reconstructor",
        "chunked_array(arrays, type): a ChunkedArray over the arrays (items that are not arrays are converted by "
        "pyarrow.asarray); admitted with arrays _restore_array made and an admitted type (arrow-arrays.ts)",
    ),
    "pyarrow.lib.timestamp": (
        "reconstructor",
        "timestamp(unit, tz=None): a TimestampType (how TimestampType.__reduce__ writes it); the unit is parsed as a "
        "str, a tz that is not a str is converted by calling its methods, a tz str is kept and resolved by name "
        "later; admitted with a unit of s/ms/us/ns and a tz of None, a time-zone key or a fixed offset "
        "(arrow-arrays.ts)",
    ),
}
VALUES = {}
REVIEW = {}
