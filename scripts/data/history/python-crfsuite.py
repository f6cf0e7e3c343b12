"""python-crfsuite history pack (no Debian package, so no pack of an installed version): the training log parser a
fitted sklearn-crfsuite CRF keeps as training_log_, as the released versions define it, read by
scripts/data/derive-history.py. TrainLogParser defines no rebuild hook in any release: it is its __dict__ (the parser's
state, the log lines, and the iterations as dicts of numbers and strings). Its module imports nothing compiled; the
package's compiled Tagger and Trainer are not admitted (a CRF pickles none: its tagger is dropped by __getstate__).
The releases are pinned from the repository's tags (pins.json)."""

LIB = "python-crfsuite"
PACK = "python-crfsuite"
TITLE = "python-crfsuite's training log parser, as released versions pickle it"
PACKAGE = "pycrfsuite"
SAVED_BASES = ()
HELD = {
    "pycrfsuite._logparser.TrainLogParser": "the training log a fitted CRF keeps (pickled through its __dict__: log "
                                            "lines and per-iteration dicts)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
