"""transformers history pack (no Debian package; huggingface/transformers is too large to mirror here): the arguments
object transformers' Trainer writes as training_args.bin (torch.save of the TrainingArguments, or of its subclass
Seq2SeqTrainingArguments: the dataclass's __dict__), with the Enums and the AcceleratorConfig dataclass its fields
hold, read by scripts/data/derive-history.py.

What torch.save writes (protocol 2): NEWOBJ of the arguments class with no arguments, then one BUILD of its __dict__:
str, number, bool, None, list and dict fields; Enum members of IntervalStrategy, SaveStrategy, HubStrategy,
SchedulerType, OptimizerNames (and FSDPOption, DebugOption, ShardedDDPOption in lists when those options are set),
each a call of its class with its value; an AcceleratorConfig (NEWOBJ, one BUILD of its __dict__); a torch.device
(the cached _setup_devices); the cached accelerate PartialState (the accelerate pack).
None of these classes defines __setstate__, __reduce__, __reduce_ex__, __getstate__, __setattr__ or __getattr__ in
the releases read: a BUILD of a dict stores it in the instance __dict__ and runs no code of transformers.
The Enums derive from transformers' ExplicitEnum(str, Enum), whose _missing_ (asked by Enum.__new__ when the value is
no member's) raises ValueError with an f-string of the value and the member values: format() of the value, which
runs the value's class's __format__/__str__/__repr__ (history_derivation reads no _missing_ hook): the Enums are
admitted called with one str, number, bool or None only (HistoryCheck 'scalar-value').

Sources (scripts/data/history/pins.json): releases read from installed wheels that public repositories committed
(a virtual environment's site-packages), each file checked against the wheel's own dist-info RECORD sha256 (after
undoing the CRLF line ends and the one added final newline the commits carry): transformers 4.44.2
(shravyanandyal/Swar, .venv/Lib/site-packages) and 4.55.0 (RishitTandon7/Human-Detection-ML, venv/Lib/site-packages).
Other committed wheels were seen but not read: their training_args.py differs from their RECORD (4.34.0, 4.44.2,
4.57.3: a local edit) or is a Git LFS pointer or a symlink. The entries' ranges name the two releases read, not the
releases between or around them (files written by transformers 3.x - 4.57 were measured; see the pack's doc)."""

from python_bases import ENUM, ENUM_CALLED

LIB = "transformers"
PACK = "transformers"
TITLE = "transformers' TrainingArguments (training_args.bin), as released versions pickle it"
PACKAGE = "transformers"
SOURCE_ROOT = [".venv/Lib/site-packages", "venv/Lib/site-packages"]
PATHS = ("transformers/training_args.py", "transformers/training_args_seq2seq.py", "transformers/trainer_utils.py",
         "transformers/trainer_pt_utils.py", "transformers/debug_utils.py", "transformers/utils/generic.py",
         "transformers/utils/__init__.py")
SAVED_BASES = ()
_ENUM = "{} (an ExplicitEnum member, called with its value)"
HELD = {
    "transformers.training_args.TrainingArguments": (
        "the arguments Trainer saves as training_args.bin (a dataclass pickled through its __dict__: settings, Enum "
        "members, an AcceleratorConfig, a torch.device, accelerate's PartialState)"),
    "transformers.training_args_seq2seq.Seq2SeqTrainingArguments": (
        "the arguments Seq2SeqTrainer saves as training_args.bin (a TrainingArguments subclass, pickled the same way)"),
    "transformers.trainer_pt_utils.AcceleratorConfig": (
        "the accelerator settings TrainingArguments holds (a dataclass of bools, None and a dict)"),
    "transformers.trainer_utils.IntervalStrategy": _ENUM.format("an evaluation, logging or saving interval"),
    "transformers.trainer_utils.SaveStrategy": _ENUM.format("a saving interval"),
    "transformers.trainer_utils.HubStrategy": _ENUM.format("a Hub push strategy"),
    "transformers.trainer_utils.SchedulerType": _ENUM.format("a learning-rate scheduler kind"),
    "transformers.trainer_utils.FSDPOption": _ENUM.format("an FSDP option"),
    "transformers.training_args.OptimizerNames": _ENUM.format("an optimizer name"),
    "transformers.debug_utils.DebugOption": _ENUM.format("a debug option"),
}
EXTRA_NAMES = {}
# transformers' ExplicitEnum(str, Enum): a call of the class is Enum.__new__'s lookup of the value among the members
# (hash, then ==), then ExplicitEnum._missing_: raise ValueError(f"{value} is not a valid {cls.__name__}, please select
# one of {list(cls._value2member_map_.keys())}"), which formats the value: format() runs the __format__ (object's:
# __str__, then __repr__) of the value's class, library code the derivation does not follow. The Enums are therefore
# admitted called with one str, number, bool or None only (HistoryCheck 'scalar-value'), the values their members
# have; format() of such a value runs no code of a pack's class.
EXTERNAL_BASES = {
    "enum.Enum": {**ENUM, "why": ENUM["why"] + "; transformers' ExplicitEnum._missing_ formats a value that is no "
                                               "member's: called with one scalar only (scalar-value)"},
    "builtins.str": {"why": "C str: the value type of a str Enum's members (a call of the class is Enum.__new__'s "
                            "lookup)", "hooks": {}},
}
EFFECTS = True
ENTRY_NOTE = ("read: the two releases 4.44.2 and 4.55.0 (installed wheels committed to public repositories, checked "
              "against their RECORD), not the releases between or around them (scripts/data/history/transformers.py)")
# The Enums are called with their value (Enum.__reduce_ex__).
CALLED = {n: ENUM_CALLED for n, why in HELD.items() if "ExplicitEnum" in why}
EXTRA_CHECKS = {n: (("scalar-value",), "an ExplicitEnum: _missing_ formats a value that is no member's")
                for n in CALLED}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
