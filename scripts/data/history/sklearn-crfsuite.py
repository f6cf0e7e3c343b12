"""sklearn-crfsuite history pack (no Debian package, so no pack of an installed version): the CRF estimator users pickle
after fitting a sequence tagger (named-entity and part-of-speech models), as the released versions define it, read by
scripts/data/derive-history.py. A CRF pickles through its __dict__ (its hyper-parameters, training_log_ - python-
crfsuite's TrainLogParser, its own pack - and modelfile, a FileResource that owns the trained CRFsuite model file).
FileResource's __getstate__ embeds the model file's bytes under '__FILE_RESOURCE_DATA__' and sets 'name' to None;
its __setstate__ updates the instance __dict__ with the rest of the state and, when bytes were embedded, writes them
to a new temporary file made by tempfile.mkstemp(suffix, prefix) - the suffix and the prefix come from the state, so
a prefix holding a path separator or an absolute path would put a file of the stream's bytes anywhere. Its __del__
(cleanup) closes self.fd and unlinks self.name when the resource is automatic and its files are not kept. The pack
admits FileResource only in the state the library writes (HistoryCheck 'file-resource', the pickle VM's
file-resource.ts): a literal dict of its own keys, 'auto' and 'keep_tempfiles' booleans, 'name' None when automatic
(a str model path otherwise, which the library opens only when it predicts), suffix and prefix short strings without a
path separator, and the embedded data bytes. The load then writes one file of the stream's bytes, under a random name,
in the system's temporary folder; nothing else. The releases are pinned from the repository's tags, and its default
branch after 0.3.6 (the model_filename and keep_tempfiles parameters real files carry) as one more version
(pins.json)."""

from sklearn_bases import SKLEARN_BASES  # noqa: E402

LIB = "sklearn-crfsuite"
PACK = "sklearn-crfsuite"
TITLE = "sklearn-crfsuite's CRF estimator, as released versions pickle it"
PACKAGE = "sklearn_crfsuite"
SAVED_BASES = ()
HELD = {
    "sklearn_crfsuite.estimator.CRF": "a fitted CRF (pickled through its __dict__: hyper-parameters, its training log "
                                      "and the FileResource of its model file)",
    "sklearn_crfsuite._fileresource.FileResource": "the model file of a CRF (pickled through its __dict__ with the "
                                                   "file's bytes; rebuilt only in the state the library writes)",
}
EXTRA_NAMES = {}
# CRF(BaseEstimator) from 0.3.4: scikit-learn's base class, whose hooks the scikit-learn pack reviews.
EXTERNAL_BASES = {**SKLEARN_BASES}
_FILE = ("pops '__FILE_RESOURCE_DATA__', updates the instance __dict__ with the rest and, when data was embedded, "
         "asserts name is None, makes a file with tempfile.mkstemp(self.suffix, self.prefix) and writes the data to "
         "it: admitted only in the state the library writes (literal keys, no path separator in suffix or prefix, "
         "name None when automatic, data bytes)")
_DEL = ("cleanup(): when automatic and not keeping files, os.close(self.fd) and os.unlink(self.name) of a name that "
        "is not None: the state check admits no name with an automatic resource, so only the file the load made is "
        "removed")
_CHECK = "file-resource"
REVIEW = {
    "sklearn_crfsuite._fileresource.FileResource.__setstate__@8eb073d30d43": ("checked", _FILE, _CHECK),
    "sklearn_crfsuite._fileresource.FileResource.__del__@07f430b70235": ("checked", _DEL, _CHECK),
    "sklearn_crfsuite._fileresource.FileResource.__del__@dfb6c5ba08f0": ("checked", _DEL, _CHECK),
    "sklearn_crfsuite._fileresource.FileResource.__del__@e28c408643c5": ("checked", _DEL, _CHECK),
}
FUNCTIONS = {}
EFFECTS = True
NOT_ADMITTED = {}
