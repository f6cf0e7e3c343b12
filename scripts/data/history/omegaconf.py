"""omegaconf history pack (no Debian package, so no pack of an installed version): the configuration objects that
PyTorch Lightning (hyper_parameters of a checkpoint, save_hyperparameters of a Hydra config) and training scripts
(torch.save of a dict holding the run's config) pickle, as OmegaConf's released versions 2.0 - 2.3 define them, read
by scripts/data/derive-history.py.

What a config pickles as (the same in every release): NEWOBJ of DictConfig, ListConfig or a value node (AnyNode,
StringNode, IntegerNode, FloatNode, BooleanNode, BytesNode from 2.2) with no arguments, then one BUILD of a dict:
'_metadata' (a Metadata, ContainerMetadata for containers: NEWOBJ with no arguments and BUILD of their dataclass
fields), '_parent' (the enclosing container or None) and '_content' (containers: a dict of keys to nodes, a list of
nodes, None, or an interpolation / '???' string) or '_val' (value nodes: a scalar or an interpolation string). The
metadata's type fields (ref_type, object_type, key_type, element_type) hold classes: typing.Any, typing.Dict,
typing.List, builtins, or the dataclass of a structured config (a class of the user's code, not admitted).

Hooks (every release; the derivation reads each version's source):
- Node.__setstate__ (2.1 on; 2.0 has none on Node, the object default): self.__dict__.update(state) and
  __dict__['_flags_cache'] = None;
- BaseContainer.__setstate__: 2.0 self.__dict__.update(d); 2.1 on it reads d['_metadata'].key_type (DictConfig),
  .element_type and .ref_type (attribute reads of the metadata object the state holds), sets None ones to typing.Any,
  and when ref_type is a container annotation (is_container_annotation: is_dict_annotation / is_list_annotation read
  getattr(ref_type, '__origin__') and compare it with dict/list, typing.Dict/typing.List) subscripts typing.Dict[
  key_type, element_type] or typing.List[element_type] with the stream's types (typing's __getitem__ type-checks its
  arguments with callable() and hashes them in its cache), then updates the instance __dict__;
- DictConfig/ListConfig __setattr__ (not run by a BUILD: the class has __setstate__), __getattr__ (BUILD finds
  __setstate__ on the class: never asked while loading), __setitem__/append/extend (SETITEMS/APPENDS on an instance,
  which OmegaConf never writes: refused by the 'items' check), __hash__ (hash(str(self)) for containers: the whole
  repr machinery; hash(self._val) for value nodes), __eq__ (the comparison machinery);
- Metadata/ContainerMetadata: dataclasses with no hook of their own (__init__/__post_init__ run only when called,
  which the stream never does here); the dataclass-generated __eq__ makes them unhashable.
The pack admits these classes only in the state the library writes (HistoryCheck 'omegaconf-state', the pickle VM's
omegaconf-state.ts): a literal dict of the keys the class writes; metadata of the exact class the container or node
needs, whose own state is checked at its BUILD (its fields only; the type fields None, typing.Any, typing.Dict,
typing.List or an admitted builtin class; flags a dict of str to bool; key and values plain scalars; resolver_cache
the defaultdict(dict) the library writes, with scalar entries); a parent that is a container or None; content a
dict/list of config nodes or a scalar; a value node's value a scalar. Instances are never hashed (no dict key or set
member) and never given items. docs/packs/history/omegaconf.json lists the versions each name is found in. The
releases are pinned from the repository's tags (pins.json)."""

LIB = "omegaconf"
PACK = "omegaconf"
TITLE = "OmegaConf configuration objects, as released versions pickle them (Lightning / Hydra hyper-parameters)"
PACKAGE = "omegaconf"
SAVED_BASES = ()
_NODE = "a value node of a config (pickled through its __dict__: metadata, parent and the scalar value)"
HELD = {
    "omegaconf.dictconfig.DictConfig": (
        "a config mapping (pickled through its __dict__: metadata, parent and a dict of keys to nodes)"),
    "omegaconf.listconfig.ListConfig": (
        "a config sequence (pickled through its __dict__: metadata, parent and a list of nodes)"),
    "omegaconf.base.Metadata": "a value node's metadata (a dataclass: types, key, flags)",
    "omegaconf.base.ContainerMetadata": "a container's metadata (a dataclass: types, key, flags, key/element types)",
    "omegaconf.nodes.AnyNode": _NODE,
    "omegaconf.nodes.StringNode": _NODE,
    "omegaconf.nodes.IntegerNode": _NODE,
    "omegaconf.nodes.FloatNode": _NODE,
    "omegaconf.nodes.BooleanNode": _NODE,
    "omegaconf.nodes.BytesNode": _NODE,
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    "abc.ABC": {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}},
}
EFFECTS = True
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
# DictConfig(BaseContainer, MutableMapping[Any, Any]) and ListConfig(BaseContainer, MutableSequence[Any]): a
# subscripted base is its origin class.
GENERIC_BASES = True
EXTERNAL_BASES["typing.MutableMapping"] = {
    "why": "abstract base: mixin methods over __getitem__/__setitem__/__iter__ (DictConfig defines its own __eq__, "
           "__hash__ and __setitem__ first in the order), no rebuild hook", "hooks": {}}
EXTERNAL_BASES["typing.MutableSequence"] = {
    "why": "abstract base: mixin methods over __getitem__/__setitem__/insert (ListConfig defines its own append, "
           "extend, __eq__, __hash__ and __setitem__ first in the order), no rebuild hook", "hooks": {}}
_CHECK = "omegaconf-state"
_NODE_STATE = ("updates the instance __dict__ with the state and sets __dict__['_flags_cache'] to None: admitted with "
               "the literal dict of its own keys the library writes")
_CONTAINER_20 = "self.__dict__.update(d): admitted with the literal dict of its own keys the library writes"
_CONTAINER = ("reads d['_metadata'].key_type/.element_type/.ref_type, sets None ones to typing.Any on the metadata, "
              "subscripts typing.Dict[key_type, element_type] / typing.List[element_type] when ref_type is typing.Dict "
              "/ typing.List, sets _flags_cache None and updates the instance __dict__: admitted with a literal dict of "
              "its own keys whose '_metadata' is a ContainerMetadata (a dataclass with no attribute hook) whose every "
              "state holds only its fields, the type fields None or plain admitted types (typing.Any, typing.Dict, "
              "typing.List, builtin classes)")
_HASH = ("hash(str(self)) / hash(self._val) and the library's comparisons: admitted only for instances that are never "
         "a dict key or set member while loading (the library writes none)")
_SETATTR = ("runs the library's assignment and validation: BUILD never calls it (the classes define __setstate__ and "
            "the admitted state is a dict, never a (dict, slots) pair)")
_GETATTR = ("answers a key of the content with the library's resolution: BUILD finds __setstate__ on the class, and "
            "the only other names the load looks up on an instance are the item methods of SETITEMS/APPENDS, refused "
            "on these classes")
_ITEMS = "the library's validated assignment: admitted without items (OmegaConf never writes SETITEMS/APPENDS on them)"
REVIEW = {
    "omegaconf.base.Node.__setstate__@f261e7e804be": ("checked", _NODE_STATE, _CHECK),
    "omegaconf.basecontainer.BaseContainer.__setstate__@46b251b2378f": ("checked", _CONTAINER_20, _CHECK),
    "omegaconf.basecontainer.BaseContainer.__setstate__@746a73495ed9": ("checked", _CONTAINER, _CHECK),
}
for _k in ("dictconfig.DictConfig.__eq__@7bf7464f0075", "dictconfig.DictConfig.__eq__@b8cfe18e0217",
           "dictconfig.DictConfig.__hash__@2df06925cbe5", "listconfig.ListConfig.__eq__@549a282c359e",
           "listconfig.ListConfig.__eq__@a9739e7a45c1", "listconfig.ListConfig.__hash__@2df06925cbe5",
           "nodes.FloatNode.__eq__@917268891035", "nodes.FloatNode.__hash__@d03acd473b5c",
           "nodes.ValueNode.__eq__@892614913772", "nodes.ValueNode.__hash__@d03acd473b5c"):
    REVIEW[f"omegaconf.{_k}"] = ("checked", _HASH, _CHECK)
for _k in ("dictconfig.DictConfig.__setattr__@292486e576a0", "listconfig.ListConfig.__setattr__@8338d6de02cc"):
    REVIEW[f"omegaconf.{_k}"] = ("checked", _SETATTR, _CHECK)
for _k in ("dictconfig.DictConfig.__getattr__@68d69c8bcb9b", "dictconfig.DictConfig.__getattr__@a82fa12505d3",
           "dictconfig.DictConfig.__getattr__@dd1cfa6a998b", "listconfig.ListConfig.__getattr__@9bcd8620095e",
           "listconfig.ListConfig.__getattr__@a9f84d1464c6", "listconfig.ListConfig.__getattr__@b55d69ff0494"):
    REVIEW[f"omegaconf.{_k}"] = ("checked", _GETATTR, "items")
for _k in ("dictconfig.DictConfig.__setitem__@36d6f1826a65", "dictconfig.DictConfig.__setitem__@74915c5dc443",
           "listconfig.ListConfig.__setitem__@105d3ef2b6eb", "listconfig.ListConfig.__setitem__@9395a25a5ba1",
           "listconfig.ListConfig.__setitem__@b39b429aa2b9", "listconfig.ListConfig.append@d93b5277c958",
           "listconfig.ListConfig.append@f5413f07984f", "listconfig.ListConfig.extend@cb72f5673bfb"):
    REVIEW[f"omegaconf.{_k}"] = ("checked", _ITEMS, "items")
# The metadata dataclasses have no hook of their own: their state is still checked at every BUILD (its fields only,
# plain types and scalars), because the containers' __setstate__ reads and subscripts with what it holds.
_META = ("a config's metadata: the containers' __setstate__ reads its type fields and subscripts typing generics with "
         "them, and its fields are the library's own")
EXTRA_CHECKS = {"omegaconf.base.Metadata": (("omegaconf-state",), _META),
                "omegaconf.base.ContainerMetadata": (("omegaconf-state",), _META)}
