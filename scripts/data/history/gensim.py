"""gensim history pack: review verdicts for the hooks of what gensim's released versions pickle, read by
scripts/data/derive-history.py. Every REVIEW key is owner.hook@hash (the hash of the hook's syntax tree, docstring
dropped); docs/packs/history/gensim.json lists the versions each hook is found in. A hook whose code changes gets a
new hash and has to be reviewed again before the name is admitted."""

LIB = "gensim"
PACK = "gensim"
TITLE = "gensim models as released versions saved them"
PACKAGE = "gensim"
from sklearn_bases import SKLEARN_BASES  # noqa: E402
# What gensim's save() pickles: the SaveLoad object, with what it holds; the scikit-learn API wrappers
# (gensim.sklearn_api, 2.x - 3.x) are pickled as scikit-learn estimators.
SAVED_BASES = ("gensim.utils.SaveLoad", "sklearn.base.BaseEstimator")  # models; scikit-learn API wrappers
# Classes that are not SaveLoad subclasses but that saved models hold (each with where it is held).
HELD = {
    "gensim.models.word2vec.Vocab": "word counts in Word2Vec/KeyedVectors.vocab (gensim < 1.0 defined it here, later "
                                    "an alias of keyedvectors.Vocab)",
    "gensim.models.keyedvectors.Vocab": "word counts in KeyedVectors.vocab",
    "gensim.models.deprecated.keyedvectors.Vocab": "word counts in models loaded through gensim 3.x's deprecated API",
    "gensim.models.poincare.NegativesBuffer": "the negative samples buffer a PoincareModel holds",
    "gensim.models.ensemblelda.Topic": "one topic of an EnsembleLda's clustering result",
    "gensim.models.ensemblelda.Cluster": "one cluster of an EnsembleLda's clustering result",
    "gensim.models.ensemblelda.CBDBSCAN": "the clustering model an EnsembleLda holds",
    # FakeDict (every release since 0.11): num_terms stored by __init__; no __setstate__, __reduce__, __setattr__,
    # __getattr__, __eq__ or __hash__, so BUILD updates its __dict__ and nothing of it runs while loading. Its other
    # methods (__getitem__/get/__contains__ compare an int with num_terms and return str(val); keys() returns
    # [num_terms - 1]; __len__ returns num_terms; iteritems yields num_terms pairs) run only when the model is used.
    "gensim.utils.FakeDict": "the id2word an LdaModel/LdaMulticore/LsiModel holds when trained without a dictionary "
                             "(maps each id < num_terms to str(id))",
    # Not held by a model: the unit of a Doc2Vec training corpus, which users save with pickle.dump.
    "gensim.models.doc2vec.TaggedDocument": "one document of a Doc2Vec training corpus (words and tags), as "
                                           "pickle.dump saves a corpus",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "collections.Mapping": {"why": "abstract mixin: no rebuild hook; __hash__ is None, so never a key while loading",
                            "hooks": {}},
    "collections.abc.Mapping": {"why": "abstract mixin: no rebuild hook; __hash__ is None, so never a key while "
                                       "loading", "hooks": {}},
    "builtins.dict": {"why": "C dict: SETITEMS stores keys and values", "hooks": {}},
    # class C(namedtuple("C", "words tags")): the class collections.namedtuple generates (CPython's
    # Lib/collections/__init__.py) is a tuple subclass with __slots__ = () whose __new__ is tuple.__new__(cls, (the
    # field arguments)), exactly as many as it has fields (else TypeError); no __init__, __setstate__, __setattr__,
    # __getattr__ or __del__; __eq__/__hash__ are tuple's (over the items). Pickled as NEWOBJ of the class with the
    # field values (its __getnewargs__ returns tuple(self)); a subclass with an empty __dict__ writes no BUILD.
    "collections.namedtuple()": {"why": "a namedtuple class: __new__ builds a tuple of its field arguments",
                                 "hooks": {"__new__": "ext-namedtuple-new"}},
    **SKLEARN_BASES,
}

_DATA = "data"
REVIEW = {
    # Property setters: run only for BUILD's slot state (setattr); each stores its value, or a value derived from
    # it, on the object or on one of its own pickled attributes.
    "gensim.corpora.lowcorpus.LowCorpus.setter id2word@431342824430": (_DATA, "stores the mapping and its inverse"),
    "gensim.corpora.lowcorpus.LowCorpus.setter id2word@6aec1ae0be46": (_DATA, "stores the mapping and its inverse"),
    "gensim.corpora.textcorpus.TextDirectoryCorpus.setter exclude_pattern@6eaeaad60594": (
        _DATA, "compiles the pattern with re.compile and stores it"),
    "gensim.corpora.textcorpus.TextDirectoryCorpus.setter pattern@946affebe9b8": (
        _DATA, "compiles the pattern with re.compile and stores it"),
    "gensim.corpora.textcorpus.TextDirectoryCorpus.setter lines_are_documents@a6d3f82340d2": (_DATA, "stores it"),
    "gensim.corpora.textcorpus.TextDirectoryCorpus.setter max_depth@106d7edb1d3d": (_DATA, "stores it"),
    "gensim.corpora.textcorpus.TextDirectoryCorpus.setter min_depth@8507b2e39338": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter cum_table@2ef2d9b8cce9": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter hashfxn@6d69ef458888": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter iter@e07ffda30faa": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter layer1_size@ef04db408643": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter min_count@358a1316d3d3": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter sample@a4bb410ca64a": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter syn0_lockf@bf504bdbd8f2": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter syn1@2f9af6ef2c60": (_DATA, "stores it"),
    "gensim.models.base_any2vec.BaseWordEmbeddingsModel.setter syn1neg@47febaf30540": (_DATA, "stores it"),
    "gensim.models.doc2vec.Doc2Vec.setter docvecs@5a40091af0ba": (_DATA, "stores it"),
    "gensim.models.fasttext.FastText.setter syn0_ngrams_lockf@7baebf53ad6f": (_DATA, "stores it"),
    "gensim.models.fasttext.FastText.setter syn0_ngrams_lockf@d22ded1cd78e": (_DATA, "stores it"),
    "gensim.models.fasttext.FastText.setter syn0_vocab_lockf@1f157207e5b6": (_DATA, "stores it"),
    "gensim.models.fasttext.FastText.setter syn0_vocab_lockf@41f589469b5b": (_DATA, "stores it"),
    "gensim.models.keyedvectors.Doc2VecKeyedVectors.setter index2entity@2414e723c821": (_DATA, "stores it"),
    "gensim.models.keyedvectors.KeyedVectors.setter index2entity@1b4a2d39bf4b": (_DATA, "stores it"),
    "gensim.models.keyedvectors.KeyedVectors.setter index2word@52b7347fb867": (_DATA, "stores it"),
    "gensim.models.keyedvectors.KeyedVectors.setter vectors_norm@2cbe73fe0fd4": (_DATA, "ignores the value"),
    "gensim.models.keyedvectors.KeyedVectors.setter vocab@039c5dc6e3a7": (_DATA, "raises (the attribute is gone)"),
    "gensim.models.keyedvectors.WordEmbeddingsKeyedVectors.setter index2entity@82865ec462f6": (_DATA, "stores it"),
    "gensim.models.keyedvectors.WordEmbeddingsKeyedVectors.setter syn0@26f0ef4c9021": (_DATA, "stores it"),
    "gensim.models.keyedvectors.WordEmbeddingsKeyedVectors.setter syn0@69a4636668fe": (_DATA, "stores it"),
    "gensim.models.keyedvectors.WordEmbeddingsKeyedVectors.setter syn0norm@d531a563e911": (_DATA, "stores it"),
    "gensim.models.keyedvectors.WordEmbeddingsKeyedVectors.setter syn0norm@e826f604cd81": (_DATA, "stores it"),
    "gensim.models.poincare.PoincareKeyedVectors.setter vectors@abb66126c947": (_DATA, "stores it"),
    "gensim.models.poincare.PoincareKeyedVectors.setter index2entity@82865ec462f6": (_DATA, "stores it"),
    "gensim.models.word2vec.Word2Vec.setter index2word@ca0331507388": (_DATA, "logs a warning, stores it"),
    "gensim.models.word2vec.Word2Vec.setter index2word@cd6188e395f6": (_DATA, "logs a warning, stores it"),
    "gensim.models.word2vec.Word2Vec.setter syn0@b50003b65200": (_DATA, "logs a warning, stores it"),
    "gensim.models.word2vec.Word2Vec.setter syn0@f83060e78b7f": (_DATA, "logs a warning, stores it"),
    "gensim.models.word2vec.Word2Vec.setter syn0norm@5b1b525e76a3": (_DATA, "logs a warning, stores it"),
    "gensim.models.word2vec.Word2Vec.setter syn0norm@afdbfe5fd351": (_DATA, "logs a warning, stores it"),
    "gensim.models.word2vec.Word2Vec.setter vocab@4b2b38b85a11": (_DATA, "logs a warning, stores it"),
    "gensim.models.word2vec.Word2Vec.setter vocab@4ecdf5239959": (_DATA, "logs a warning, stores it"),
    "gensim.models.coherencemodel.CoherenceModel.setter model@13510e9dd2eb": (
        "no", "recomputes topics through the pickled model's methods (not reviewed)"),
    "gensim.models.coherencemodel.CoherenceModel.setter topics@a103a83be9fa": (
        "no", "recomputes topics through the pickled model's methods (not reviewed)"),
    "gensim.models.coherencemodel.CoherenceModel.setter topics@c864dbc95891": (
        "no", "recomputes topics through the pickled model's methods (not reviewed)"),
    "gensim.models.coherencemodel.CoherenceModel.setter topn@2f0fe8c5082b": (
        "no", "may recompute topics through the pickled model's methods (not reviewed)"),
    # SETITEMS on a KeyedVectors: add vectors.
    "gensim.models.keyedvectors.BaseKeyedVectors.__setitem__@dcf779855e7d": (_DATA, "add(keys, weights): stores vectors"),
    "gensim.models.keyedvectors.KeyedVectors.__setitem__@84dbccc0b5ad": (
        _DATA, "add_vectors(keys, weights): stores vectors"),
    "gensim.sklearn_api.phrases.PhrasesTransformer.__setstate__@e89c20e56f26": (
        _DATA, "replaces __dict__, resets common_terms to an empty frozenset and phraser to None"),
    "gensim.models.rpmodel.RpModel.__setstate__@661530c28d91": (_DATA, "replaces __dict__, sets a flag"),
    "gensim.models.rpmodel.RpModel.__setstate__@90237f0428b1": (
        _DATA, "replaces __dict__, copies the pickled projection array in Fortran order"),
    "gensim.models.wrappers.ldavowpalwabbit.LdaVowpalWabbit.__del__@2599cbb5941b": (
        "no", "__del__ removes the pickled tmp_dir recursively (shutil.rmtree) when the object is dropped"),
    "gensim.models.wrappers.ldavowpalwabbit.LdaVowpalWabbit.__del__@d88172c8761f": (
        "no", "__del__ removes the pickled tmp_dir recursively (shutil.rmtree) when the object is dropped"),
}
# Functions a saved model stores as a reference that gensim calls later (never called by the stream): admitted in
# every version whose code has one of the reviewed hashes.
FUNCTIONS = {
    "gensim.models.ensemblelda.mass_masking": (
        "reference", "EnsembleLda's masking method: arithmetic on a numpy array", ("4d4c92c7bb4d",)),
    # TfidfModel's SMART weighting functions (3.4+): TfidfModel.__init__ stores functools.partial(f, <scheme>=<one
    # letter>) as wlocal/wglobal/normalize, and transforming a document calls them on numpy data. Each compares its
    # scheme with str literals and does numpy arithmetic (normalize: matutils.unitvec) on the library's arguments.
    "gensim.models.tfidfmodel.smartirs_wlocal": (
        "reference", "TF-IDF local weight: compares the scheme with letters, numpy arithmetic on the term frequencies",
        ("57436c246261", "ecfdcdc1a215")),
    "gensim.models.tfidfmodel.smartirs_wglobal": (
        "reference", "TF-IDF global weight: compares the scheme with letters, numpy arithmetic on the frequencies",
        ("733b557cf603", "930b1fc49c22")),
    "gensim.models.tfidfmodel.smartirs_normalize": (
        "reference", "TF-IDF normalisation: compares the scheme with letters, returns the vector or "
                     "matutils.unitvec of it", ("5e2e8fa05832", "be7591dcd524")),
}
NOT_ADMITTED = {}
