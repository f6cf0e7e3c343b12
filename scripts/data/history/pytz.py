"""pytz history pack: the reconstructors pytz's released versions pickle zones with (pytz._p, pytz._UTC,
pytz.FixedOffset), read by scripts/data/derive-history.py. Each is admitted for the reviewed hashes of its own code and
of the pytz functions it calls with the stream's arguments (DEPENDS)."""

LIB = "pytz"
PACK = "pytz-dateutil"
TITLE = "pytz zones as released versions pickle them"
PACKAGE = "pytz"
SOURCE_ROOT = "src"
SAVED_BASES = ()
HELD = {}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {
    "pytz._p": (
        "reconstructor",
        "_p(zone, utcoffset, dstoffset, tzname) = tzinfo.unpickler(...): pytz.timezone(zone), then the zone's cached "
        "instance for those offsets (or a new one of the zone's own class from them)",
        ("a45e8b08e300",),
    ),
    "pytz._UTC": ("reconstructor", "_UTC() takes no argument and returns the pytz.utc singleton", ("7f82da9dcb61",)),
    "pytz.FixedOffset": (
        "reconstructor", "FixedOffset(minutes): UTC for 0, else a cached _FixedOffset (|offset| < 1 day or "
                         "ValueError)", ("6183e98212ff",)),
}
# The code _p runs on the stream's arguments, in every version: timezone(zone) opens a zone file only for a name in
# pytz's fixed all_timezones_set (after case folding and undoing the _plus_/_minus_ munging of old pytz), and
# open_resource refuses '..' and separators in a segment before joining the name under pytz's zoneinfo folder (or
# PYTZ_TZDATADIR); build_tzinfo parses that packaged tzfile(5) into offsets. "absent": pytz 2016.x had no
# case-insensitive lookup.
DEPENDS = {
    "pytz._p": {
        "pytz.tzinfo.unpickler": ("8bdda6b7d178",),
        "pytz.timezone": ("74ee0f593a61", "9c84daf35efd"),
        "pytz.open_resource": ("0e4c56e84694", "30e0dc7154ce", "529b6c1edd1d", "854de99f8ed8", "d7b062d70044",
                               "e7e55111d804"),
        "pytz._case_insensitive_zone_lookup": ("5bfb8ab9551c", "75a60524025c", "dc9c6be63ec2", "e0d25597a9a0",
                                               "absent"),
        "pytz._unmunge_zone": ("598c92aea066",),
        "pytz.tzfile.build_tzinfo": ("27792167e284", "c6bac6b14fdb"),
    },
}
NOT_ADMITTED = {}
