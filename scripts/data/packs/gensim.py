"""gensim pack: models and corpora as their save() writes them (Word2Vec, Doc2Vec, FastText, KeyedVectors, LdaModel,
Dictionary, TfidfModel, Phrases)."""

import gensim
import numpy as np
from gensim.corpora import Dictionary
from gensim.models import Doc2Vec, FastText, LdaModel, TfidfModel, Word2Vec
from gensim.models.doc2vec import TaggedDocument
from gensim.models.phrases import Phrases

from pack_derivation import saved_bytes

PACK = "gensim"
TITLE = "gensim models, keyed vectors and corpora"
MODULES = ("gensim",)
TEXTS = [["human", "computer", "interface"], ["survey", "user", "computer", "system"],
         ["eps", "user", "interface", "system"], ["system", "human", "system", "eps"], ["user", "response", "time"],
         ["trees"], ["graph", "trees"], ["graph", "minors", "trees"]] * 2
KW = {"vector_size": 8, "min_count": 1, "epochs": 1, "workers": 1, "seed": 0}


def versions():
    return {"gensim": gensim.__version__}


def _models():
    dct = Dictionary(TEXTS)
    bow = [dct.doc2bow(t) for t in TEXTS]
    w2v = Word2Vec(TEXTS, **KW)
    return {
        "Dictionary": dct,
        "TfidfModel": TfidfModel(bow),
        "LdaModel": LdaModel(bow, num_topics=2, id2word=dct, random_state=0, passes=1),
        "Word2Vec": w2v,
        "Word2Vec sg hs": Word2Vec(TEXTS, sg=1, hs=1, negative=0, **KW),
        "KeyedVectors": w2v.wv,
        "Doc2Vec": Doc2Vec([TaggedDocument(t, [i]) for i, t in enumerate(TEXTS)], **KW),
        "FastText": FastText(TEXTS, min_n=2, max_n=3, bucket=64, **KW),
        "Phrases": Phrases(TEXTS, min_count=1, threshold=0.1),
        "FrozenPhrases": Phrases(TEXTS, min_count=1, threshold=0.1).freeze(),
    }


def objects():
    return list(_models().items())


def streams():
    out = []
    for label, model in _models().items():
        for fname, data in saved_bytes(model.save):
            if not fname.endswith(".npy"):
                out.append((f"{label}.save {fname}", data))
    return out


FUNCTIONS = {
    "gensim.utils.call_on_class_only": (
        "reference",
        "SaveLoad stores it as the instance's `load` attribute; it only raises AttributeError",
    ),
    "gensim.utils.identity": ("reference", "TfidfModel.normalize/wlocal default: returns its argument"),
    "gensim.models.tfidfmodel.df2idf": ("reference", "TfidfModel.wglobal default: log of document frequencies"),
    "gensim.models.phrases.original_scorer": ("reference", "Phrases scoring function: arithmetic on counts"),
    "gensim.models.phrases.npmi_scorer": ("reference", "Phrases scoring function: arithmetic on counts"),
}
REVIEW = {
    "gensim.models.keyedvectors.KeyedVectors.__setitem__": ("data", "add_vectors(keys, weights): stores vectors"),
    "gensim.utils.SaveLoad.__init__": ("data", "(object default)"),
    "gensim.models.word2vec.Word2Vec.__init__": (
        "no", "Word2Vec(corpus_file=path) reads and trains on a file named by its argument"),
    "gensim.models.ldamodel.LdaModel.__setstate__": ("data", "(not defined)"),
    "gensim.models.keyedvectors.KeyedVectors.__setstate__": ("data", "(not defined)"),
    "gensim.*": ("data", "C type slot"),
}


def _compat_names():
    """Classes gensim 4 keeps so that models saved by gensim 3 load (Word2VecVocab, CompatVocab, Doctag, ...), and
    the old names that are aliases of current classes (Word2VecKeyedVectors = KeyedVectors, Vocab = CompatVocab)."""
    import gensim.models.doc2vec as d
    import gensim.models.fasttext as f
    import gensim.models.keyedvectors as k
    import gensim.models.word2vec as w

    extra, old = {}, {}
    for mod in (k, w, f, d):
        for attr in dir(mod):
            obj = getattr(mod, attr)
            if not isinstance(obj, type) or not obj.__module__.startswith("gensim"):
                continue
            real = f"{obj.__module__}.{obj.__qualname__}"
            here = f"{mod.__name__}.{attr}"
            text = ((obj.__doc__ or "") + attr).lower()
            if obj.__module__ == mod.__name__ and ("compat" in text or "obsolete" in text):
                extra[real] = ""
            elif real != here and attr.endswith(("KeyedVectors", "Vocab")):
                old[here] = (real, "gensim 3 name; gensim 4 keeps it as an alias so old models load")
    return extra, old


EXTRA_NAMES, OLD_NAMES = _compat_names()
