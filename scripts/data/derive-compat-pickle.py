#!/usr/bin/env python3
"""Write CPython's protocol<3 import-name mapping (_compat_pickle) as data for the pickle VM and the rules.

The C unpickler applies these mappings inside find_class when the stream's protocol is < 3 and
fix_imports is on (the default): e.g. GLOBAL '__builtin__ set' imports builtins.set.
Stdlib only; any python3. Two outputs from the same facts:
  python3 scripts/data/derive-compat-pickle.py > src/analyzers/pickle/data/compat-pickle.json
      flat form used by the pickle analyzer: {"m.n": "m2.n2"} name mapping + import mapping.
  python3 scripts/data/derive-compat-pickle.py --facts-out src/rules/data/compat-pickle.json
      full facts: import/name mappings as exact (module, name) pairs, the REVERSE_* maps the pickler uses to
      WRITE Python-2 names at protocol < 3 (why real protocol 0-2 pickles say `__builtin__`, `copy_reg`,
      `commands`), and a "behaviour" block measured here on harmless globals, never on an artifact.
"""
import _compat_pickle
import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys


def flat():
    return {
        "generated_by": "scripts/data/derive-compat-pickle.py",
        "python": sys.version.split()[0],
        "import_mapping": dict(sorted(_compat_pickle.IMPORT_MAPPING.items())),
        "name_mapping": {
            f"{m}.{n}": f"{m2}.{n2}" for (m, n), (m2, n2) in sorted(_compat_pickle.NAME_MAPPING.items())
        },
    }


def _pairs(mapping):
    return [{"from": [k[0], k[1]], "to": [v[0], v[1]]} for k, v in sorted(mapping.items())]


def _measure():
    """Facts measured on this interpreter with harmless globals."""
    seen = []

    class Rec(pickle.Unpickler):
        def find_class(self, module, name):
            seen.append([module, name])
            return super().find_class(module, name)

    def attempt(data, **kw):
        del seen[:]
        try:
            value = Rec(io.BytesIO(data), **kw).load()
            if isinstance(value, type):
                shown = f"class {value.__module__}.{value.__qualname__}"
            elif callable(value):
                shown = f"callable {getattr(value, '__qualname__', type(value).__name__)}"
            else:
                shown = repr(value)
            return {"find_class_received": list(seen), "result": shown}
        except Exception as exc:  # noqa: BLE001 - the failure is the fact
            msg = re.sub(r" from '[^']*'", "", str(exc))  # drop interpreter paths so the output is stable
            return {"find_class_received": list(seen), "error": f"{type(exc).__name__}: {msg}"}

    builtin_set = b"c__builtin__\nset\n)R."
    return {
        "mapping_applied_inside_default_find_class": {
            "proto2": attempt(b"\x80\x02" + builtin_set),
            "proto0_no_PROTO_opcode": attempt(builtin_set),
            "proto3": attempt(b"\x80\x03" + builtin_set),
            "proto2_fix_imports_false": attempt(b"\x80\x02" + builtin_set, fix_imports=False),
        },
        "protocol_is_last_PROTO_opcode": {
            "PROTO2_then_PROTO4": attempt(b"\x80\x02" + builtin_set[:-1] + b"0\x80\x04" + builtin_set),
            "PROTO4_then_PROTO2": attempt(b"\x80\x04" + b"ccollections\nOrderedDict\n0\x80\x02" + builtin_set),
        },
        "dotted_name": {
            "proto2": attempt(b"\x80\x02ccollections\nOrderedDict.fromkeys\n."),
            "proto4": attempt(b"\x80\x04ccollections\nOrderedDict.fromkeys\n."),
        },
        "name_mapping_before_import_mapping": {
            "proto2_UserDict": attempt(b"\x80\x02cUserDict\nUserDict\n."),
            "proto2_exceptions_StandardError": attempt(b"\x80\x02cexceptions\nStandardError\n."),
        },
    }


def facts():
    return {
        "generated_by": "scripts/data/derive-compat-pickle.py --facts-out",
        "python": sys.version.split()[0],
        "semantics": (
            "Unpickling: when the current protocol (last PROTO opcode; 0 when none) is < 3 and fix_imports is true "
            "(default), the default find_class(module, name) first looks up (module, name) in name_mapping and, if "
            "found, uses both mapped parts; otherwise it replaces module via import_mapping. Names are then imported "
            "as mapped. An overriding find_class receives the unmapped names. Pickling at protocol < 3 with "
            "fix_imports writes the reverse_* mappings (e.g. builtins -> __builtin__, copyreg -> copy_reg, "
            "subprocess -> commands)."
        ),
        "import_mapping": dict(sorted(_compat_pickle.IMPORT_MAPPING.items())),
        "name_mapping": _pairs(_compat_pickle.NAME_MAPPING),
        "reverse_import_mapping": dict(sorted(_compat_pickle.REVERSE_IMPORT_MAPPING.items())),
        "reverse_name_mapping": _pairs(_compat_pickle.REVERSE_NAME_MAPPING),
        "behaviour": _measure(),
        "counts": {
            "import_mapping": len(_compat_pickle.IMPORT_MAPPING),
            "name_mapping": len(_compat_pickle.NAME_MAPPING),
            "reverse_import_mapping": len(_compat_pickle.REVERSE_IMPORT_MAPPING),
            "reverse_name_mapping": len(_compat_pickle.REVERSE_NAME_MAPPING),
        },
    }


def main(argv):
    if argv[:1] == ["--facts-out"] and len(argv) == 2:
        path = argv[1]
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(facts(), fh, indent=2)
            fh.write("\n")
        # src/**/*.json is under the repo's prettier check: let the repo's own prettier lay the file out.
        if shutil.which("npx"):
            repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
            subprocess.run(["npx", "--no-install", "prettier", "--write", os.path.abspath(path)], cwd=repo,
                           check=True, stdout=subprocess.DEVNULL)
        else:
            sys.stderr.write("warning: npx not found; run `npx prettier --write` on the output\n")
        return 0
    if argv:
        sys.stderr.write("usage: derive-compat-pickle.py [--facts-out PATH]\n")
        return 2
    json.dump(flat(), sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
