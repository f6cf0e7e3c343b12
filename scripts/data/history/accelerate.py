"""accelerate history pack (no Debian package, so no pack of an installed version): the process state a Hugging Face
TrainingArguments object holds when transformers' Trainer writes training_args.bin (torch.save of the arguments:
their __dict__, with the cached `distributed_state`, an accelerate PartialState), as accelerate's released versions
define it, read by scripts/data/derive-history.py.
A PartialState is pickled through its __dict__ (NEWOBJ of the class with no arguments, then one BUILD of a dict: the
`_cpu` flag, the backend name, a torch.device, a DistributedType member, process counts and indexes). The class
defines no __setstate__, __reduce__ or __setattr__; from 0.30 it defines __getattr__, which only raises
AttributeError (for a name of _known_attrs, a class attribute, with a longer message). DistributedType is a str Enum
whose members pickle as a call of the class with their value; it defines no _missing_.
docs/packs/history/accelerate.json lists the versions each name is found in. The releases are pinned from the
repository's tags (pins.json)."""

from python_bases import ENUM, ENUM_CALLED

LIB = "accelerate"
PACK = "accelerate"
TITLE = "accelerate process state, as released versions pickle it inside transformers' TrainingArguments"
PACKAGE = "accelerate"
SOURCE_ROOT = "src"
SAVED_BASES = ()
HELD = {
    "accelerate.state.PartialState": (
        "the process state TrainingArguments caches (pickled through its __dict__: flags, the backend name, a "
        "torch.device, a DistributedType, process counts)"),
    "accelerate.utils.dataclasses.DistributedType": (
        "the kind of distributed setup a PartialState records (a str Enum member, called with its value)"),
}
EXTRA_NAMES = {}
# CPython's Enum.__new__, on a value that is no member's (DistributedType defines no _missing_), raises
# ValueError("%r is not a valid %s" % (value, ...)): repr() of the value runs its class's __repr__, library code the
# derivation does not follow. DistributedType is therefore admitted called with one str, number, bool or None only
# (HistoryCheck 'scalar-value'), the values its members have.
EXTERNAL_BASES = {
    "enum.Enum": ENUM,
    # class DistributedType(str, enum.Enum): the members are str values; a call of the class is Enum.__new__'s lookup
    # of the value among them (EnumType.__call__), which str's own __new__ never joins.
    "builtins.str": {"why": "C str: the value type of a str Enum's members (a call of the class is Enum.__new__'s "
                            "lookup)", "hooks": {}},
}
EFFECTS = True
HISTORY_LOOKUPS = True
# The enums are called with their value (Enum.__reduce_ex__).
CALLED = {"accelerate.utils.dataclasses.DistributedType": ENUM_CALLED}
EXTRA_CHECKS = {"accelerate.utils.dataclasses.DistributedType": (
    ("scalar-value",), "an Enum: a value that is no member's is formatted with repr()")}
# PartialState.__getattr__ (0.30 on) runs for a name the instance and its class lack: `name in self._known_attrs`
# (a list of str the class body defines, unless a BUILD put another value in the instance __dict__), then raise
# AttributeError. It answers no name. On the one BUILD a pickle gives a new instance, the __dict__ is empty, so BUILD's
# lookup of __setstate__ tests the class's list and fails (LOOKUP_REFUSED); a second BUILD, whose lookup would test a
# value the first one set, is reported (HistoryCheck 'one-build'). Any other name the class lacks is counted as
# answered by the stream (lookups).
_GETATTR = ("tests `name in self._known_attrs` (the class's list of str unless a BUILD set another value) and raises "
            "AttributeError for every name: admitted with one BUILD")
REVIEW = {
    "accelerate.state.PartialState.__getattr__@8c70126ce40c": ("checked", _GETATTR, "one-build"),
}
LOOKUP_REFUSED = {
    "accelerate.state.PartialState": (
        ("__setstate__",),
        "on the one BUILD a pickle gives a new instance, the __dict__ is empty: the hook tests the class's list and "
        "raises AttributeError"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
