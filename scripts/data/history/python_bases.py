"""External bases from CPython's standard library that several history packs' classes derive from (not a review
module: scripts/data/derive-history.py reads no pack of this name)."""

# CPython's enum.Enum (Lib/enum.py): a member pickles as a call of its class with its value (Enum.__reduce_ex__), and
# the call (EnumType.__call__ with one argument) runs Enum.__new__(cls, value): a lookup of the value among the members
# the class body defined (hashed, then compared with each member's value; a class's own _missing_ is asked last; none
# of these packs' enums defines one). Enum.__hash__ hashes the member's _name_. The same model as the python pack's
# enum.Enum (callable-effects.json).
ENUM = {
    "why": "an Enum: a call of the class looks its value up among the members the class defines (python pack)",
    "hooks": {"__new__": "enum.Enum.__new__", "__hash__": "enum.Enum.__hash__"},
    "sinks": {"__new__": {"arg:0": ["dunder:__eq__", "dunder:__hash__", "dunder:__index__"]},
              "__hash__": {"state._name_": ["dunder:__hash__"]}},
    "params": {"__new__": ("value",)},
}

# The call of an Enum class a member's pickle writes (CALLED in a review module: the stream may call the class): the
# class defines no __init__ (Enum.__init__ does nothing with its arguments); what EnumType.__call__ does with the value
# is Enum.__new__'s model above.
ENUM_CALLED = {"init": {}, "sinks": {}, "params": ["value"]}
