#!/usr/bin/env python3
"""Write CPython's protocol<3 import-name mapping (_compat_pickle) as data for the pickle VM.

The C unpickler applies these mappings inside the default find_class when the stream's protocol (the last PROTO
seen, 0 if none) is < 3 and fix_imports is on (the default): e.g. GLOBAL '__builtin__ set' imports builtins.set.
The exact (module, name) table is consulted first, then the module table.
Stdlib only: python3 scripts/data/derive-compat-pickle.py > src/analyzers/pickle/data/compat-pickle.json
"""
import _compat_pickle
import json
import sys

out = {
    "generated_by": "scripts/data/derive-compat-pickle.py",
    "python": sys.version.split()[0],
    "import_mapping": dict(sorted(_compat_pickle.IMPORT_MAPPING.items())),
    "name_mapping": {f"{m}.{n}": f"{m2}.{n2}" for (m, n), (m2, n2) in sorted(_compat_pickle.NAME_MAPPING.items())},
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
