"""stable-baselines3 history pack (no Debian package, so no pack of an installed version): the VecNormalize wrapper
users pickle beside a model (VecNormalize.save is pickle.dump of the wrapper; VecNormalize.load unpickles it and calls
set_venv) and the RunningMeanStd statistics it holds, as stable-baselines3's released versions define them, read by
scripts/data/derive-history.py. VecNormalize pickles through __getstate__ (its __dict__ without venv,
class_attributes and returns): flags, clip and discount numbers, the RunningMeanStd objects (obs_rms, a dict of them
for dict observations, and ret_rms), old_obs/old_reward numpy arrays and the observation and action spaces (the
gymnasium pack reviews them; releases before 2.0 held gym's). A RunningMeanStd is a plain class: its __dict__ holds
two float64 arrays and a count. docs/packs/history/stable-baselines3.json lists the versions each name is found in.
The releases are pinned from the repository's tags (pins.json)."""

from python_bases import ENUM, ENUM_CALLED

LIB = "stable-baselines3"
PACK = "stable-baselines3"
TITLE = "stable-baselines3 VecNormalize statistics, as released versions pickle them"
PACKAGE = "stable_baselines3"
SAVED_BASES = ()
_POLICIES = (
    "stable_baselines3.common.policies.ActorCriticPolicy", "stable_baselines3.common.policies.ActorCriticCnnPolicy",
    "stable_baselines3.common.policies.MultiInputActorCriticPolicy",
    *(f"stable_baselines3.{a}.policies.{c}" for a, cs in (("dqn", ("DQNPolicy",)), ("sac", ("SACPolicy",)),
                                                            ("td3", ("TD3Policy",)))
      for c in (*cs, "CnnPolicy", "MultiInputPolicy")))
_BUFFERS = tuple(f"stable_baselines3.common.buffers.{c}" for c in (
    "ReplayBuffer", "RolloutBuffer", "DictReplayBuffer", "DictRolloutBuffer", "NStepReplayBuffer")) + (
    "stable_baselines3.her.her_replay_buffer.HerReplayBuffer",)
HELD = {
    "stable_baselines3.common.vec_env.vec_normalize.VecNormalize": (
        "a VecNormalize wrapper as VecNormalize.save pickles it (its __dict__ without the wrapped environment)"),
    "stable_baselines3.common.running_mean_std.RunningMeanStd": (
        "the running mean and variance a VecNormalize holds (two numpy arrays and a count, pickled through its "
        "__dict__)"),
    # A model's `data` member (save_to_zip_file): values JSON cannot hold are cloudpickle streams. The learning-rate,
    # clip-range and exploration schedules are objects from 2.6 on (plain classes pickled through their __dict__:
    # numbers, or the schedule a FloatSchedule wraps); the training frequency of off-policy models is a TrainFreq
    # namedtuple of a number and a TrainFrequencyUnit member.
    "stable_baselines3.common.utils.FloatSchedule": (
        "a model's learning-rate or clip-range schedule (pickled through its __dict__: the schedule it wraps)"),
    "stable_baselines3.common.utils.LinearSchedule": (
        "a linear schedule (pickled through its __dict__: start, end and end_fraction numbers)"),
    "stable_baselines3.common.utils.ConstantSchedule": "a constant schedule (pickled through its __dict__: a number)",
    "stable_baselines3.common.type_aliases.TrainFreq": (
        "an off-policy model's training frequency (a namedtuple of a number and a TrainFrequencyUnit)"),
    "stable_baselines3.common.type_aliases.TrainFrequencyUnit": (
        "the unit of a training frequency (an Enum member, called with its value)"),
    **{n: "a model's policy class (the class a model's `data` names; stable-baselines3's load calls it)"
       for n in _POLICIES},
    **{n: "a model's replay or rollout buffer class (the class a model's `data` names; stable-baselines3's load calls it)"
       for n in _BUFFERS},
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
EFFECTS = True
# VecEnvWrapper.__getattr__ runs for a name the instance and its class lack: it asks getattr_depth_check and
# getattr_recursive, which read the instance __dict__ and class_attributes and look the name up on self.venv (getattr,
# or venv's own getattr_recursive/getattr_depth_check). __setstate__ sets venv to None and VecNormalize.__getstate__
# drops class_attributes, so on a loaded wrapper such a lookup raises AttributeError (venv None), but the stream may
# put a venv and class_attributes of its choosing in the state: the VM counts every name the class lacks as answered by
# the stream (lookups; every version defines __setstate__, so BUILD's own lookup is not one of them).
HISTORY_LOOKUPS = True
_GETATTR = ("answers a name the instance and its class lack from self.venv (getattr_depth_check and getattr_recursive "
            "read __dict__ and class_attributes, then look the name up on venv or call venv's getattr_recursive): the "
            "VM counts every name the class lacks as answered by the stream (lookups)")
_SETSTATE = ("{}self.__dict__.update(state), assert 'venv' not in state, self.venv = None (VecEnvWrapper defines no "
             "__setattr__)")
_DICT_KEYS = ("where the state lacks norm_obs_keys and its observation_space is a gym{} Dict space, norm_obs_keys = "
              "list(observation_space.spaces.keys()); then ")
REVIEW = {
    "stable_baselines3.common.vec_env.base_vec_env.VecEnvWrapper.__getattr__@348984f77a47": ("data", _GETATTR),
    "stable_baselines3.common.vec_env.base_vec_env.VecEnvWrapper.__getattr__@ae0fc6efb725": ("data", _GETATTR),
    "stable_baselines3.common.vec_env.base_vec_env.VecEnvWrapper.__getattr__@d955e3f4b7d4": ("data", _GETATTR),
    "stable_baselines3.common.vec_env.vec_normalize.VecNormalize.__setstate__@844b040dca32": (
        "data", _SETSTATE.format("")),
    "stable_baselines3.common.vec_env.vec_normalize.VecNormalize.__setstate__@bb1a6262017a": (
        "data", _SETSTATE.format("")),
    "stable_baselines3.common.vec_env.vec_normalize.VecNormalize.__setstate__@77a31cb57257": (
        "data", _SETSTATE.format(_DICT_KEYS.format(""))),
    "stable_baselines3.common.vec_env.vec_normalize.VecNormalize.__setstate__@c769c99e1b05": (
        "data", _SETSTATE.format(_DICT_KEYS.format("/gymnasium"))),
    "stable_baselines3.common.vec_env.vec_normalize.VecNormalize.__setstate__@1117f64e0b6f": (
        "data", _SETSTATE.format(_DICT_KEYS.format("nasium"))),
}
# A model's `data` stores its policy and buffer classes by reference (cloudpickle writes the class's global name);
# stable-baselines3's load calls them with its own arguments and the data's policy_kwargs. The stream never calls or
# builds them: any call, NEWOBJ or reconstructor of them is refused, so their constructors and state hooks never run
# on the stream's values.
_REF = ("admitted only as a reference (a model's `data` names the class; any call of it in the stream is refused, so "
        "its __new__ is not run)")
REFERENCE_ONLY = {n: _REF for n in (*_POLICIES, *_BUFFERS)}
# The buffers' extend (APPENDS on an instance a reconstructor made) calls self.add with each item: an `add` the state
# put on the instance, or the release's add, which writes the values into the buffer's arrays. The library never gives
# a buffer items in a pickle: the VM refuses APPENDS on a value that may be one (the `items` check).
_EXTEND = ("calls self.add(*item) for each item of the batch (the state may choose add; the release's add writes the "
           "values into the buffer's numpy arrays): admitted without items")
REVIEW.update({f"stable_baselines3.common.buffers.BaseBuffer.extend@{h}": ("checked", _EXTEND, "items")
               for h in ("17dbbcf0df88", "583d1d3abcf6")})
REVIEW.update({f"stable_baselines3.her.her_replay_buffer.HerReplayBuffer.__setstate__@{h}": (
    "data", "self.__dict__.update(state), assert 'env' not in state, self.env = None")
    for h in ("1f310e1616c5", "a37752380e75")})
# The policies are torch modules (BaseModel(nn.Module)). torch's Module, as the torch table admits its layer classes:
# __setstate__ updates the instance __dict__ and adds the hook dicts an older release's state lacks; __getattr__
# answers a name from the _parameters, _buffers and _modules dicts of __dict__; __setattr__ and __delattr__ route a
# Parameter, buffer or Module into (or out of) those dicts. None of them calls a value of the state.
EXTERNAL_BASES["torch.nn.Module"] = {
    "why": "torch's nn.Module (the torch table's model of its layer classes): its state hooks store and look up "
           "attributes in the instance's dicts and call none of the state's values",
    "hooks": {"__setstate__": "torch.nn.Module.__setstate__", "__getattr__": "torch.nn.Module.__getattr__",
              "__setattr__": "torch.nn.Module.__setattr__", "__delattr__": "torch.nn.Module.__delattr__"},
}
FUNCTIONS = {}
NOT_ADMITTED = {}
# class TrainFreq(NamedTuple): typing's NamedTupleMeta makes the class with collections.namedtuple (CPython's
# Lib/typing.py), so it is a tuple subclass with __slots__ = () whose __new__ is tuple.__new__(cls, (the field
# arguments)), exactly as many as it has fields (else TypeError); no __init__, __setstate__, __setattr__, __getattr__
# or __del__. Pickled as NEWOBJ of the class with the field values (__getnewargs__ returns tuple(self)).
EXTERNAL_BASES["typing.NamedTuple"] = {"why": "a typing.NamedTuple class: __new__ builds a tuple of its field arguments",
                                       "hooks": {"__new__": "ext-namedtuple-new"}}
EXTERNAL_BASES["enum.Enum"] = ENUM
# TrainFrequencyUnit members are called with their value (Enum.__reduce_ex__).
CALLED = {"stable_baselines3.common.type_aliases.TrainFrequencyUnit": ENUM_CALLED}
EXTERNAL_BASES["abc.ABC"] = {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}}
