"""nbresult history pack (no Debian package, so no pack of an installed version): the ChallengeResult that Le Wagon's
bootcamp challenges write (`ChallengeResult(name, **values).write()` pickles the object to tests/<name>.pickle, which
the challenge's tests load and compare; students commit those files with their solutions, so public repositories
hold many of them). ChallengeResult defines no rebuild hook in any release: it is its __dict__ (the name, the
sub-folder and the values the student passed: numbers, strings, lists, numpy arrays, pandas objects, judged by their
own packs). Its __init__ runs only when called, which the stream is not admitted to do.
docs/packs/history/nbresult.json lists the versions each name is found in. The repository has no tags: the releases
are the commits that set setup.py's version (pins.json)."""

LIB = "nbresult"
PACK = "nbresult"
TITLE = "nbresult's ChallengeResult, as released versions pickle it"
PACKAGE = "nbresult"
SAVED_BASES = ()
HELD = {
    "nbresult.ChallengeResult": "the ChallengeResult a challenge writes with write() (pickled through its __dict__)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
