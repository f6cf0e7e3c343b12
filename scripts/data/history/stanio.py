"""stanio history pack (no Debian package, so no pack of an installed version): the variable descriptions cmdstanpy
(1.2 on) keeps in a fit's InferenceMetadata (stan_vars: a dict of names to stanio.reshape.Variable), which a pickled
Prophet or cmdstanpy fit holds, as stanio's released versions define them, read by scripts/data/derive-history.py.
Variable is a dataclass (name, start index, dimensions, type, contained variables of a tuple) with no rebuild hook;
VariableType is an Enum whose members pickle as a call of the class with their value.
docs/packs/history/stanio.json lists the versions each name is found in. The releases are pinned from the
repository's tags (pins.json)."""

from python_bases import ENUM, ENUM_CALLED

LIB = "stanio"
PACK = "stanio"
TITLE = "stanio variable descriptions, as released versions pickle them"
PACKAGE = "stanio"
SAVED_BASES = ()
HELD = {
    "stanio.reshape.Variable": (
        "a Stan variable's description a cmdstanpy fit holds (a dataclass: name, numbers, a tuple of dimensions, its "
        "VariableType, contained Variables)"),
    "stanio.reshape.VariableType": "a Stan variable's type (an Enum member, called with its value)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "enum.Enum": ENUM,
}
EFFECTS = True
# The enums are called with their value (Enum.__reduce_ex__).
CALLED = {"stanio.reshape.VariableType": ENUM_CALLED}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
