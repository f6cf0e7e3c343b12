"""pytz-dateutil pack: the time-zone objects pandas and datetime values reference (pytz zones, UTC and fixed
offsets; dateutil tzutc/tzoffset/tzlocal/tzfile and relativedelta)."""

import datetime

import dateutil
import pytz
from dateutil import relativedelta, tz as dtz

PACK = "pytz-dateutil"
TITLE = "pytz and dateutil time zones and relative deltas (what pandas date/time data references)"
MODULES = ("pytz", "dateutil")


def versions():
    return {"pytz": pytz.__version__, "dateutil": dateutil.__version__}


def objects():
    return [
        ("pytz utc", pytz.utc),
        ("pytz zone", pytz.timezone("Europe/Berlin")),
        ("pytz static zone", pytz.timezone("Asia/Kolkata")),
        ("pytz localized datetime", pytz.timezone("America/New_York").localize(datetime.datetime(2020, 6, 1))),
        ("pytz fixed offset", pytz.FixedOffset(90)),
        ("dateutil utc", dtz.tzutc()),
        ("dateutil offset", dtz.tzoffset("X", -3600)),
        ("dateutil local", dtz.tzlocal()),
        ("dateutil file", dtz.gettz("Asia/Tokyo")),
        ("dateutil datetime", datetime.datetime(2020, 1, 1, tzinfo=dtz.gettz("Europe/Paris"))),
        ("relativedelta", relativedelta.relativedelta(months=1, days=2, weekday=relativedelta.MO(1))),
    ]


def streams():
    return []


FUNCTIONS = {
    "pytz._UTC": ("reconstructor", "_UTC() takes no argument and returns the pytz.utc singleton"),
    "pytz._p": (
        "reconstructor",
        "_p(zone, utcoffset, dstoffset, tzname) -> pytz.timezone(zone): the zone name must be in pytz's fixed "
        "all_timezones_set (a name outside it raises UnknownTimeZoneError; names with '..' or separators are refused "
        "before any file is opened); only that zone's file of the packaged tz database is read",
    ),
    "pytz.FixedOffset": ("reconstructor", "FixedOffset(minutes): a cached fixed-offset zone from an int"),
}
REVIEW = {
    "datetime.tzinfo.__new__": ("data", "CPython's tzinfo base allocation"),
    "pytz.tzinfo.BaseTzInfo.__setstate__": ("data", "(not defined)"),
    "pytz.tzinfo.DstTzInfo.__init__": ("data", "builds the per-offset instances from the class's transition data"),
    "dateutil.tz.tz.tzfile.__setstate__": (
        "data",
        "_read_tzfile is not called: the state holds the parsed transition lists, set with __dict__.update",
    ),
    "dateutil.tz.tz.tzfile.__init__": (
        "shape",
        "tzfile.__reduce_ex__ writes tzfile(None, filename) and with fileobj None nothing is read (filename is only "
        "stored); tzfile(path) with a str opens and reads that file and any other fileobj has its read() called, so "
        "a call is admitted only as tzfile(None) or tzfile(None, <str or None>) with those literal arguments",
    ),
    "dateutil.tz._common._tzinfo.__init__": ("data", "no fields"),
    "dateutil.tz.tz.tzlocal.__init__": ("data", "reads time.timezone/time.altzone/time.tzname of this process"),
    "dateutil.tz.tz.tzoffset.__init__": ("data", "stores a name and an offset (timedelta or seconds)"),
    "dateutil.tz.tz.tzutc.__init__": ("data", "no fields"),
    "dateutil.relativedelta.relativedelta.__init__": ("data", "date arithmetic fields (ints, weekday objects)"),
    "dateutil.relativedelta.weekday.__init__": ("data", "weekday number and n"),
    "dateutil.tz.tz._ttinfo.__setstate__": ("data", "setattr of its fixed slot names from the state"),
    "dateutil.tz.tz._ttinfo.__init__": ("data", "sets its fixed slots to None"),
}
