"""Gymnasium history pack (no Debian package, so no pack of an installed version): the observation and action spaces
that objects users pickle hold (stable-baselines3's VecNormalize keeps its observation_space and action_space, an
environment wrapper its spaces), as Gymnasium's released versions define them, read by scripts/data/derive-history.py.
A space pickles through its __dict__ (dtype, shape, bounds as numpy arrays, sizes, and the numpy Generator it samples
with, which the numpy pack reviews); its __setstate__ copies the state into a dict, renames two legacy keys and
updates the instance __dict__; Box's also fills low_repr/high_repr from the bounds when missing, Discrete's a start of
0. docs/packs/history/gymnasium.json lists the versions each name is found in. The releases are pinned from the
repository's tags (pins.json)."""

LIB = "gymnasium"
PACK = "gymnasium"
TITLE = "Gymnasium observation and action spaces, as released versions pickle them"
PACKAGE = "gymnasium"
SAVED_BASES = ()
_HELD = "a {} space (pickled through its __dict__: dtype, shape, numpy bounds or sizes, its numpy Generator)"
HELD = {
    "gymnasium.spaces.box.Box": _HELD.format("Box"),
    "gymnasium.spaces.discrete.Discrete": _HELD.format("Discrete"),
    "gymnasium.spaces.multi_discrete.MultiDiscrete": _HELD.format("MultiDiscrete"),
    "gymnasium.spaces.multi_binary.MultiBinary": _HELD.format("MultiBinary"),
    # The composite spaces a model with dict or tuple observations holds (MultiInputPolicy, HER): their __dict__
    # holds the sub-spaces (a dict or a tuple of them) beside the fields every space has.
    "gymnasium.spaces.dict.Dict": "a Dict space (pickled through its __dict__: its sub-spaces by key, its numpy Generator)",
    "gymnasium.spaces.tuple.Tuple": "a Tuple space (pickled through its __dict__: its sub-spaces, its numpy Generator)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    # Tuple(Space, typing.Sequence): the abstract base's mixins (__contains__, __iter__, __reversed__, index, count)
    # read items through the class's own __getitem__ and __len__; it defines no rebuild, hash or comparison hook.
    "collections.abc.Sequence": {"why": "abstract base: mixin methods over __getitem__/__len__, no rebuild hook",
                                 "hooks": {}},
    # Dict(Space, typing.Mapping): the abstract base's mixins (keys, items, values, get, __contains__) read items
    # through the class's own __getitem__/__iter__; its __eq__ compares dict(self.items()) with the other's (the
    # release's Dict defines its own __eq__ first in the MRO); __hash__ is None (instances are unhashable).
    "collections.abc.Mapping": {"why": "abstract base: mixin methods over __getitem__/__iter__, __eq__ over items(), "
                                       "unhashable", "hooks": {"__eq__": "ext-mapping-eq"}},
}
EFFECTS = True
_SPACE = ("copies the state into a dict (dict(state): a mapping's keys and items, or an iterable's pairs), renames the "
          "legacy keys shape -> _shape and np_random -> _np_random in the copy and updates the instance __dict__ with "
          "it")
_BOX = ("Space.__setstate__, then low_repr/high_repr, where the state lacks them, made from the bounds by {} (the "
        "array's size, numpy's min and max of it, an == of the two, str of the result or of the array): library code "
        "that may call any attribute of what state.low and state.high hold (the `any` sink)")
_BOUNDS = {"state.low": ["any"], "state.high": ["any"]}
REVIEW = {
    "gymnasium.spaces.space.Space.__setstate__@dc30c811d0e0": ("data", _SPACE),
    "gymnasium.spaces.space.Space.__setstate__@f8dc67dd9159": ("data", _SPACE),
    "gymnasium.spaces.box.Box.__setstate__@4a0316710666": ("data", _BOX.format("_short_repr"), None, _BOUNDS),
    "gymnasium.spaces.box.Box.__setstate__@953890622f11": ("data", _BOX.format("_short_repr"), None, _BOUNDS),
    "gymnasium.spaces.box.Box.__setstate__@67237687eb65": ("data", _BOX.format("array_short_repr"), None, _BOUNDS),
    "gymnasium.spaces.discrete.Discrete.__setstate__@3a8667d1066a": (
        "data", "copies the state into a dict, sets start to 0 where it lacks one, then Space.__setstate__"),
    "gymnasium.spaces.discrete.Discrete.__setstate__@993545f550c5": (
        "data", "copies the state into a dict, sets start to numpy.int64(0) where it lacks one, then "
                "Space.__setstate__"),
    "gymnasium.spaces.multi_discrete.MultiDiscrete.__setstate__@5f85dc431b5b": (
        "data", "copies the state into a dict; where it lacks start, numpy.zeros(state['_shape'], "
                "dtype=state['dtype']) (numpy's conversion of the shape's items and of the dtype: the `any` sink), then "
                "Space.__setstate__", None, {"state._shape": ["any"], "state.dtype": ["any"]}),
}
FUNCTIONS = {}
NOT_ADMITTED = {}
# Space(Generic[T_cov]) and Box(Space[NDArray[Any]]): a subscripted base is its origin class.
GENERIC_BASES = True
EXTERNAL_BASES["typing.Generic"] = {
    "why": "typing.Generic (Space[T]): __class_getitem__ and __init_subclass__ run when a class is made, no rebuild "
           "hook on instances",
    "hooks": {}}
# Dict.__setitem__ (SETITEMS on a Dict): asserts the value is a Space, then self.spaces[key] = value on the spaces the
# state chose. gymnasium never gives a Dict items in a pickle: the VM refuses SETITEMS on a value that may be one.
for _h in ("de9ec8a2fc51", "20a03c76c229"):
    REVIEW[f"gymnasium.spaces.dict.Dict.__setitem__@{_h}"] = (
        "checked", "asserts isinstance(value, Space), then self.spaces[key] = value: admitted without items", "items")
# From 0.27 the bases are spelled typing.Mapping[...] and typing.Sequence[...]: aliases of the same abstract bases.
EXTERNAL_BASES["typing.Mapping"] = EXTERNAL_BASES["collections.abc.Mapping"]
EXTERNAL_BASES["typing.Sequence"] = EXTERNAL_BASES["collections.abc.Sequence"]
