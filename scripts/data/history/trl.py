"""TRL history pack (no Debian package, so no pack of an installed version): the trainer configurations TRL's trainers
save as training_args.bin (transformers' Trainer writes torch.save of its arguments: a TRL config is a
TrainingArguments dataclass subclass, pickled through its __dict__ as the transformers pack describes), as TRL's
released versions define them, read by scripts/data/derive-history.py.
No config class defines a rebuild hook (__setstate__, __reduce__, __setattr__, __getattr__) in the releases read;
their bases are TrainingArguments (the transformers pack reviews it: no rebuild hook in the releases it read), TRL's
own _BaseConfig (1.x), OnPolicyConfig and OnpolicyRuntimeConfig, or another config.
docs/packs/history/trl.json lists the versions each name is found in. The releases are pinned from the repository's
tags (pins.json)."""

LIB = "trl"
PACK = "trl"
TITLE = "TRL trainer configurations (training_args.bin), as released versions pickle them"
PACKAGE = "trl"
SAVED_BASES = ()
_WHY = ("the arguments TRL's {} saves as training_args.bin (a TrainingArguments subclass, pickled through its "
        "__dict__)")
HELD = {f"trl.trainer.{m}_config.{c}Config": _WHY.format(f"{c}Trainer") for m, c in (
    ("sft", "SFT"), ("dpo", "DPO"), ("grpo", "GRPO"), ("reward", "Reward"), ("kto", "KTO"), ("orpo", "ORPO"),
    ("cpo", "CPO"), ("bco", "BCO"), ("ppo", "PPO"), ("rloo", "RLOO"), ("online_dpo", "OnlineDPO"), ("gkd", "GKD"),
    ("prm", "PRM"), ("xpo", "XPO"), ("nash_md", "NashMD"))}
EXTRA_NAMES = {}
_TA = {"why": "transformers' TrainingArguments dataclass (the transformers pack reviews it: no rebuild hook)",
       "hooks": {}}
EXTERNAL_BASES = {
    "transformers.TrainingArguments": _TA,
    "transformers.training_args.TrainingArguments": _TA,
}
EFFECTS = True
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
