"""NLTK history pack (no Debian package, so no pack of an installed version): the trained classifiers, the
probability objects and the multi-word-expression tokenizer users pickle (pickle.dump of a NaiveBayesClassifier,
DecisionTreeClassifier or MaxentClassifier, as NLTK's book and how-tos show, the frequency and probability
distributions the classifiers hold, and an MWETokenizer kept beside a text model), as NLTK's
released Python 3 versions (3.0 on) define them, read by scripts/data/derive-history.py.

A classifier is its __dict__: labels, numbers, dicts of feature names, numpy weight arrays (Maxent), its probability
distributions and its feature encoding (the Maxent encodings: dicts and lists of feature tuples; the function-backed
encoding holds the function it was given, named by the stream as its own global). A ProbDistI is its __dict__ (its
FreqDist, numbers). A FreqDist is a collections.Counter subclass: Counter.__reduce__ writes a call of the class with a
plain dict of counts, and FreqDist.__init__ hands that argument to Counter.__init__ (Counter.update: a Mapping's items
stored with dict.update, any other iterable counted item by item) and sets self._N = None; FreqDist's own __setitem__,
update and setdefault reset self._N before the dict's own. ConditionalFreqDist is a defaultdict(FreqDist) subclass
whose __reduce__ writes a call of the class with no argument and its (condition, FreqDist) items for SETITEMS; its
__init__ calls defaultdict.__init__(self, FreqDist) and counts the (condition, sample) pairs of an argument.
ConditionalProbDist and DictionaryConditionalProbDist are dict subclasses pickled by copyreg.__reduce_ex__: NEWOBJ
with no arguments, SETITEMS of their items, BUILD of their __dict__ (the factory class and its arguments, stored and
called only by __missing__ on a later lookup).
A RegexpTokenizer (and its subclasses WhitespaceTokenizer, BlanklineTokenizer and WordPunctTokenizer) is its __dict__:
'_pattern' (a str), '_gaps' and '_discard_empty' (bools), '_flags' (the re flags the caller gave, a re.RegexFlag
from Python 3.6 on) and '_regexp' (the compiled pattern, rebuilt by re._compile(pattern, flags), or None before
the first tokenize in releases that compile lazily); no version defines a rebuild hook on these classes (__init__,
_check_regexp, tokenize, span_tokenize and __repr__ only).
An MWETokenizer (the multi-word-expression tokenizer) is its __dict__: '_mwes', a Trie, and '_separator', a str. No
version defines a rebuild hook on it or on TokenizerI (__init__, add_mwe and tokenize only; __init__ runs only on a
call of the class, which the entry refuses). nltk.collections.Trie (3.2.2 on) is a dict subclass from 3.3 on, pickled
by copyreg.__reduce_ex__: NEWOBJ with no arguments and SETITEMS of its items (each token mapped to a nested Trie, True
mapped to None ending an expression), stored by dict's own __setitem__. Its hooks run only after the load: __init__
(on a call, refused), insert (called by the tokenizer's __init__ and add_mwe: indexes self by the string's first item
and recurses on the rest, then stores True -> None) and __missing__ (on a lookup of an absent key, from insert or
tokenize: stores a new empty Trie under the key and returns it); none of them reads a value the stream stored other
than through those lookups. 3.2.2 - 3.2.5 define Trie as a defaultdict subclass whose pickle is a call Trie(Trie) (the
defaultdict's __reduce__); the entry refuses that call, and those versions' own loads fail on it (Trie.__init__
iterates its argument, the class). 3.1 - 3.2.1 define Trie in nltk.util, not admitted.
A PunktSentenceTokenizer (the sentence tokenizers nltk_data publishes as tokenizers/punkt/PY3/<language>.pickle, and
the ones users train) is its __dict__: '_params', a PunktParameters; '_lang_vars', a PunktLanguageVars; '_Token', the
PunktToken class (stored; the tokenizer's methods call it on every token of the text). No version defines a rebuild
hook on it, on PunktBaseClass or on PunktParameters (__init__ and the parameter-adding methods only). A PunktParameters
is its __dict__: 'abbrev_types' and 'sent_starters' (sets of str), 'collocations' (a set of pairs of str) and
'ortho_context' (a defaultdict(int) of flags per word), which the tokenizer reads by membership tests, lookups and `&`.
PunktLanguageVars is a __slots__ class whose __getstate__ returns 1 and whose __setstate__ returns 1 without reading
the state. The pack admits the three in that shape only (HistoryCheck 'punkt-state'); PunktToken only as a stored
class; PunktTrainer is not admitted (nltk_data publishes none, and its pickle holds the training's FreqDists).
docs/packs/history/nltk.json lists the versions each name is found in. The releases are pinned from the repository's
tags (pins.json); NLTK 2.x is Python 2 only."""

LIB = "nltk"
PACK = "nltk"
TITLE = "NLTK classifiers, probability distributions and tokenizers, as released versions pickle them"
PACKAGE = "nltk"
SAVED_BASES = ("nltk.classify.api.ClassifierI", "nltk.probability.ProbDistI",
               "nltk.classify.maxent.MaxentFeatureEncodingI", "nltk.stem.api.StemmerI")
SAVED_WHAT = "a trained classifier, probability distribution or feature encoding, pickled through its __dict__"
_HELD = "held by a trained classifier or probability distribution"
HELD = {
    "nltk.stem.wordnet.WordNetLemmatizer": "the WordNet lemmatizer users pickle beside a text model (no state of its "
                                           "own before 3.9; the corpus is read on the first lemmatize call)",
    "nltk.probability.FreqDist": f"a FreqDist, a collections.Counter subclass ({_HELD})",
    "nltk.probability.ConditionalFreqDist": f"a ConditionalFreqDist, a defaultdict of FreqDists ({_HELD})",
    "nltk.probability.ConditionalProbDist": f"a ConditionalProbDist, a dict of ProbDists ({_HELD})",
    "nltk.probability.DictionaryConditionalProbDist": f"a DictionaryConditionalProbDist, a dict of ProbDists ({_HELD})",
    "nltk.tokenize.mwe.MWETokenizer": "the multi-word-expression tokenizer users pickle beside a text model (its "
                                      "__dict__: a Trie of the expressions and the separator string)",
    "nltk.collections.Trie": "a Trie, a dict subclass nesting Tries keyed by the expressions' tokens, True marking the "
                             "end of one (held by an MWETokenizer)",
    **{f"nltk.tokenize.regexp.{c}": (
        f"the regular-expression tokenizer {c} users pickle beside a text model (its __dict__: the pattern string, "
        "the gaps and discard-empty booleans, the flags (a re.RegexFlag) and the pattern compiled by re._compile)")
       for c in ("RegexpTokenizer", "WhitespaceTokenizer", "BlanklineTokenizer", "WordPunctTokenizer")},
    **{f"nltk.tokenize.punkt.{c}": why for c, why in (
        ("PunktSentenceTokenizer", "the Punkt sentence tokenizer nltk_data publishes and users pickle (its __dict__: "
                                   "its PunktParameters, its PunktLanguageVars and the PunktToken class)"),
        ("PunktParameters", "the trained Punkt parameters a PunktSentenceTokenizer holds (its __dict__: sets of str "
                            "and of pairs of str, a defaultdict(int) of orthographic flags)"),
        ("PunktLanguageVars", "the Punkt language variables a PunktSentenceTokenizer holds (a __slots__ class whose "
                              "__getstate__ writes 1)"),
        ("PunktToken", "the Punkt token class, stored by a PunktSentenceTokenizer as its _Token"),
    )},
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "builtins.dict": {"why": "C dict: SETITEMS stores keys and values", "hooks": {}},
    # CPython's collections.Counter (Lib/collections/__init__.py): a dict subclass with no __new__, __setstate__,
    # __setitem__, __setattr__ or __getattr__; its __reduce__ is (cls, (dict(self),)) and its __init__ counts an
    # iterable's items (a Mapping's through dict.update, hashing the keys).
    "collections.Counter": {"why": "a dict subclass: no rebuild hook; its call counts an iterable (python pack)",
                            "hooks": {}},
    # CPython's C defaultdict: __reduce__ is (cls, (default_factory,), None, None, iter(items)); no __setstate__ or
    # __setitem__ of its own; __missing__ calls the factory only on a lookup of a missing key.
    "collections.defaultdict": {"why": "C defaultdict: SETITEMS stores keys and values (python pack)", "hooks": {}},
    # TokenizerI's base from 3.5 on (MWETokenizer's base class)
    "abc.ABC": {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}},
}
_SETITEM = ("data", "sets self._N = None (the cached count), then stores the item with the dict's own __setitem__")
REVIEW = {
    # Every release's PunktLanguageVars.__setstate__ (3.0.0 - 3.8.1, one text): `return 1`, the state never read; the
    # object keeps the class's own regular expressions (its __slots__ are left unset and read lazily by the class).
    "nltk.tokenize.punkt.PunktLanguageVars.__setstate__@a2708900493a": (
        "data", "returns 1 without reading the state (what __getstate__ writes is 1)"),
    "nltk.probability.FreqDist.__setitem__@8c4688fdf990": _SETITEM,
    "nltk.probability.FreqDist.__setitem__@dedb9cd77acf": _SETITEM,
}
# The classes NLTK's own pickles call (Counter.__reduce__ writes FreqDist(<dict of counts>), ConditionalFreqDist's
# __reduce__ writes ConditionalFreqDist() and SETITEMS): every version's __init__, read here, does with its argument
# only what CPython's Counter.__init__ does (the python pack's collections.Counter model, whose sinks these are:
# truth-tested, iterated, its items() called when it is a Mapping, its elements hashed), then sets self._N = None
# (3.2.2 on); ConditionalFreqDist's makes the dict a defaultdict of FreqDists and counts an argument's (condition,
# sample) pairs: truth-tested, iterated, each pair unpacked, both items hashed and compared with the keys present.
_COUNTER = {"dunders": ["__bool__", "__hash__", "__index__", "__iter__"], "methods": ["items"]}
_FREQ_INIT = "Counter.__init__(self, samples){}: counts the samples (a Mapping's items stored with dict.update)"
CALLED = {
    "nltk.probability.FreqDist": {
        "init": {"nltk.probability.FreqDist.__init__@3430cfc4c76a": _FREQ_INIT.format(""),
                 "nltk.probability.FreqDist.__init__@bd4d58a0be58": _FREQ_INIT.format(", then self._N = None")},
        "sinks": {"arg:0": _COUNTER},
        "params": ["samples"],
        "dict": True,
    },
    "nltk.probability.ConditionalFreqDist": {
        "init": {"nltk.probability.ConditionalFreqDist.__init__@4ee6bd5f3367":
                 "defaultdict.__init__(self, FreqDist), then counts the (condition, sample) pairs of an argument"},
        "sinks": {"arg:0": {"dunders": ["__bool__", "__eq__", "__hash__", "__iter__"]}},
        "params": ["cond_samples"],
        "dict": True,
    },
}
# The Punkt classes in the shape NLTK writes only (HistoryCheck 'punkt-state', src/analyzers/pickle/punkt-state.ts).
_PUNKT = ("punkt-state",)
EXTRA_CHECKS = {
    "nltk.tokenize.punkt.PunktSentenceTokenizer": (
        _PUNKT, "a BUILD state of '_params' (a PunktParameters), '_lang_vars' (a PunktLanguageVars) and '_Token' (the "
                "PunktToken class, which the tokenizer calls on every token of its text) only"),
    "nltk.tokenize.punkt.PunktParameters": (
        _PUNKT, "a BUILD state of 'abbrev_types', 'sent_starters' and 'collocations' (sets whose members are plain "
                "values) and 'ortho_context' (a defaultdict(int) of plain keys and values) only"),
    "nltk.tokenize.punkt.PunktLanguageVars": (_PUNKT, "a BUILD state of 1 (what its __getstate__ returns) only"),
}
# The PunktToken class is stored, never pickled as an instance: the tokenizer calls it on the text's tokens, and its
# __init__ calls the token string's methods (lower, isalpha, ...).
REFERENCE_ONLY = {"nltk.tokenize.punkt.PunktToken": "a stored class reference only (a tokenizer's _Token)"}
EFFECTS = True
FUNCTIONS = {}
NOT_ADMITTED = {}
