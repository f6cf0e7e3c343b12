"""LangChain history pack: the objects a vector store's docstore pickles (FAISS.save_local writes index.pkl, the tuple
of its InMemoryDocstore and the index-to-id dict; the docstore's dict maps ids to Documents), as LangChain's released
versions v0.0.64 - v0.0.205 define them (the pydantic 1 era, before the repository moved the package under libs/),
read by scripts/data/derive-history.py.

InMemoryDocstore is a plain class over two abstract bases (no load hook in any pinned release): NEWOBJ and a BUILD of
its __dict__ ('_dict'). Document is a pydantic 1 model (BaseModel; from v0.0.19x through langchain.load.serializable's
Serializable, which adds properties, a private '_lc_kwargs' attribute and no hook): pickled through BaseModel's
__getstate__ and rebuilt by BaseModel.__setstate__, which pydantic 1.0 - 1.10 define as
    object.__setattr__(self, '__dict__', state['__dict__'])
    object.__setattr__(self, '__fields_set__', state['__fields_set__'])
    for name, value in state.get('__private_attribute_values__', {}).items():   # 1.7 on
        object.__setattr__(self, name, value)
(1.7 - 1.9 skip the Undefined sentinel). The names of the last loop are the stream's: object.__setattr__ runs the
__set__ of a data descriptor of that name on the class (a property setter) and can assign __class__. The VM admits
these classes only with the state pydantic writes ('pydantic-state', src/analyzers/pickle/pydantic-state.ts): a literal
dict of those three keys at most, '__dict__' a plain dict with text keys, '__fields_set__' a set of text, and private
names that are text starting with one underscore and not special names (pydantic 1's private attributes, which it
makes slots); none of the admitted classes defines a property or other descriptor under such a name in any pinned
release (their class bodies are read by the derivation). Releases of the monorepo layout (langchain_community,
langchain_core, pydantic 2) are not read here: their repository is too large to mirror, and no fixture of them could
be made (Debian packages pydantic 1.10 only). docs/packs/history/langchain.json lists the versions each name is found
in."""

LIB = "langchain"
PACK = "langchain"
TITLE = "LangChain docstores and Documents, as released versions of the pydantic 1 era pickle them"
PACKAGE = "langchain"
SAVED_BASES = ()
HELD = {
    "langchain.docstore.in_memory.InMemoryDocstore": "the docstore a FAISS vector store's index.pkl holds",
    "langchain.schema.Document": "a document of a docstore (a pydantic 1 model)",
    "langchain.docstore.document.Document": "a document of a docstore, where releases before langchain.schema's define it",
}
EXTRA_NAMES = {}
_ABC = {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}}
_BASE_MODEL = {
    "why": ("pydantic 1's BaseModel: __setstate__ sets __dict__, __fields_set__ and the private attributes the state "
            "names with object.__setattr__ (checked: pydantic-state); its __setattr__ runs on attribute assignment "
            "only, never on a __setstate__ BUILD; its __eq__ without __hash__ leaves instances unhashable"),
    "hooks": {"__setstate__": "pydantic.main.BaseModel.__setstate__ (1.0 - 1.10)",
              "__setattr__": "pydantic.main.BaseModel.__setattr__ (1.0 - 1.10)",
              "__eq__": "pydantic.main.BaseModel.__eq__ (1.0 - 1.10)",
              "__hash__": "none"},
    "checked": {"__setstate__": "pydantic-state"},
    "sinks": {"__setstate__": {"state": ["method:get"], "state.__private_attribute_values__": ["method:items"]}},
}
# LangChain imports it as pydantic.BaseModel (pydantic's package re-export of pydantic.main.BaseModel)
EXTERNAL_BASES = {"abc.ABC": _ABC, "pydantic.BaseModel": _BASE_MODEL, "pydantic.main.BaseModel": _BASE_MODEL}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
EFFECTS = True
