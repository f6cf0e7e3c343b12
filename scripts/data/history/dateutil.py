"""dateutil history pack: the time zones and relative deltas dateutil's released versions pickle (what pandas and
datetime values reference), read by scripts/data/derive-history.py. REVIEW keys are owner.hook@hash of the hook's
syntax tree."""

LIB = "dateutil"
PACK = "pytz-dateutil"
TITLE = "dateutil time zones and relative deltas as released versions pickle them"
PACKAGE = "dateutil"
SOURCE_ROOT = ("", "src")  # dateutil/ up to 2.8, src/dateutil from 2.9
SAVED_BASES = ()
_TZ = "a time zone a datetime or pandas index references"
HELD = {
    "dateutil.tz.tz.tzutc": _TZ,
    "dateutil.tz.tz.tzoffset": _TZ,
    "dateutil.tz.tz.tzlocal": _TZ,
    "dateutil.tz.tz.tzfile": _TZ + " (pickled through its __reduce__ as tzfile(None, filename) with its parsed state)",
    "dateutil.tz.tz._ttinfo": "one transition type a tzfile holds",
    "dateutil.relativedelta.relativedelta": "a calendar offset (pandas DateOffset keeps one)",
    "dateutil._common.weekday": "a weekday a relativedelta holds (2.7+)",
    "dateutil.relativedelta.weekday": "a weekday a relativedelta holds (before 2.7)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "datetime.tzinfo": {"why": "CPython's tzinfo: no state hook (its __reduce__ writes the class and __dict__)",
                        "hooks": {}},
}
REVIEW = {
    # __eq__/__hash__ run when an instance is a dict key or set member while loading: attribute reads, comparisons and
    # hash() of the pickled fields (each field's own hooks are those of its admitted class).
    "dateutil._common.weekday.__eq__@500ff43e0206": ("data", "compares weekday and n of both objects"),
    "dateutil._common.weekday.__hash__@a94d2062adf3": ("data", "hash((weekday, n))"),
    "dateutil.relativedelta.relativedelta.__eq__@9733b900c51e": ("data", "compares the date fields of both objects"),
    "dateutil.relativedelta.relativedelta.__hash__@6b73c4936fc0": ("data", "hash of the tuple of its date fields"),
    # Property setter: runs only for BUILD's slot state (setattr), which dateutil never writes.
    "dateutil.relativedelta.relativedelta.setter weeks@020e31b98ded": (
        "data", "days = days - weeks * 7 + value * 7 (arithmetic on its fields)"),
    "dateutil.tz.tz._ttinfo.__setstate__@4f01fee74c11": (
        "data", "setattr of each of its fixed __slots__ names found in the state"),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
