"""stable-baselines3 history pack (no Debian package, so no pack of an installed version): the VecNormalize wrapper
users pickle beside a model (VecNormalize.save is pickle.dump of the wrapper; VecNormalize.load unpickles it and calls
set_venv) and the RunningMeanStd statistics it holds, as stable-baselines3's released versions define them, read by
scripts/data/derive-history.py. VecNormalize pickles through __getstate__ (its __dict__ without venv,
class_attributes and returns): flags, clip and discount numbers, the RunningMeanStd objects (obs_rms, a dict of them
for dict observations, and ret_rms), old_obs/old_reward numpy arrays and the observation and action spaces (the
gymnasium pack reviews them; releases before 2.0 held gym's). A RunningMeanStd is a plain class: its __dict__ holds
two float64 arrays and a count. docs/packs/history/stable-baselines3.json lists the versions each name is found in.
The releases are pinned from the repository's tags (pins.json)."""

LIB = "stable-baselines3"
PACK = "stable-baselines3"
TITLE = "stable-baselines3 VecNormalize statistics, as released versions pickle them"
PACKAGE = "stable_baselines3"
SAVED_BASES = ()
HELD = {
    "stable_baselines3.common.vec_env.vec_normalize.VecNormalize": (
        "a VecNormalize wrapper as VecNormalize.save pickles it (its __dict__ without the wrapped environment)"),
    "stable_baselines3.common.running_mean_std.RunningMeanStd": (
        "the running mean and variance a VecNormalize holds (two numpy arrays and a count, pickled through its "
        "__dict__)"),
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
FUNCTIONS = {}
NOT_ADMITTED = {}
EXTERNAL_BASES["abc.ABC"] = {"why": "abstract base (ABCMeta metaclass): no rebuild hook", "hooks": {}}
