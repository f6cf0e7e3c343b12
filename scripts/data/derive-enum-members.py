#!/usr/bin/python3
"""Collect the Enum members the history packs record (scripts/data/derive-history.py writes an entry's `members`: the
names an admitted Enum class's body defines as members, read from every pinned release in which the class's name
resolves) into src/analyzers/pickle/data/enum-members.json, the table the pickle VM reads to model
getattr(<admitted Enum class>, '<member name>'), the form CPython 3.11.0 - 3.11.4 pickles an Enum member in.

Run: /usr/bin/python3 scripts/data/derive-enum-members.py
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admitted_names import inputs_digest  # noqa: E402
from allowlist_derivation import write_json  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    classes = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "src/rules/data/packs/history/*.json"))):
        with open(path) as f:
            pack = json.load(f)
        for name, entry in pack["entries"].items():
            members = entry.get("members") if isinstance(entry, dict) else None
            if not members:
                continue
            if entry.get("kind") != "class" or name in classes:
                sys.exit(f"{name}: members recorded for a name that is not one pack's class")
            classes[name] = {"pack": pack["pack"], "versions": entry["versions"], "members": members}
    # The standard library's Enum classes the python pack admits, read from the interpreter that derives the pack (an
    # IntFlag such as re.RegexFlag: its members are the flags its class body defines).
    with open(os.path.join(ROOT, "src/rules/data/packs/python.json")) as f:
        python_pack = json.load(f)
    import enum
    import importlib
    for name, entry in python_pack["entries"].items():
        if not isinstance(entry, dict) or entry.get("kind") != "class" or name in classes:
            continue
        module, _, qual = name.rpartition(".")
        cls = getattr(importlib.import_module(module), qual, None)
        if isinstance(cls, type) and issubclass(cls, enum.Enum) and cls is not enum.Enum and cls.__members__:
            classes[name] = {"pack": python_pack["pack"], "versions": f"cpython {sys.version.split()[0]}",
                             "members": sorted(cls.__members__)}
    write_json(os.path.join(ROOT, "src/analyzers/pickle/data/enum-members.json"), {
        "generated_by": "scripts/data/derive-enum-members.py",
        "inputs": inputs_digest(),
        "note": "Enum classes the history packs and the python pack admit, with the names getattr(<class>, name) answers with a member in "
                "every pinned release in which the class's name resolves (a member of its class body there, or a "
                "name the body does not bind at all: the lookup then raises AttributeError)",
        "classes": dict(sorted(classes.items())),
    })


if __name__ == "__main__":
    main()
