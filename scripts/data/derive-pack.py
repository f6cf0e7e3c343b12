#!/usr/bin/python3
"""Derive one allowlist pack from the library Debian installs: src/rules/data/packs/<pack>.json (what the scanner
loads: the admitted entries and the review log) and docs/packs/<pack>.json (the derivation record: method, what was
walked, every unpickling hook read, with a hash of its source).

Usage: /usr/bin/python3 scripts/data/derive-pack.py PACK [--hooks] [--out FILE]
       /usr/bin/python3 scripts/data/derive-pack.py --all
PACK is a module in scripts/data/packs/ (numpy, scipy, pandas, pytz-dateutil, joblib, statsmodels, xgboost, gensim,
networkx, keras-preprocessing, python). The method is in scripts/data/pack_derivation.py; the review verdicts live in each pack module.
--hooks prints the source of every hook that has no verdict yet (the run fails while any is missing).
"""

import argparse
import importlib.util
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from allowlist_derivation import write_json  # noqa: E402
from pack_derivation import derive  # noqa: E402

PACKS = ["python", "numpy", "scipy", "pandas", "pytz-dateutil", "joblib", "statsmodels", "xgboost", "gensim",
         "networkx", "keras-preprocessing", "pyarrow"]


def load(name):
    spec = importlib.util.spec_from_file_location(f"pack_{name.replace('-', '_')}", os.path.join(HERE, "packs",
                                                                                               name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(name, hooks, out):
    doc, unreviewed = derive(load(name))
    if unreviewed:
        if hooks:
            for key, (kind, src) in sorted(unreviewed.items()):
                print(f"### {key} ({kind})\n{src or ''}")
        print(f"error: {name}: hooks without a review verdict: {sorted(unreviewed)}", file=sys.stderr)
        return False
    # What the scanner loads (entries and the review log) and, apart, the derivation record (method, what was walked,
    # every hook read with a hash of its source) that reviewers read: docs/packs/<pack>.json.
    record = {k: doc[k] for k in ("pack", "generated_by", "versions", "method", "stats", "hooks")}
    runtime = {k: v for k, v in doc.items() if k not in ("method", "stats", "hooks")}
    write_json(out or os.path.join(HERE, "..", "..", "src", "rules", "data", "packs", name + ".json"), runtime)
    if out is None:
        write_json(os.path.join(HERE, "..", "..", "docs", "packs", name + ".json"), record)
    print(f"{name}: {json.dumps({k: v for k, v in doc['stats'].items() if k != 'not_pickled'})}", file=sys.stderr)
    return True


def main():
    warnings.filterwarnings("ignore")
    ap = argparse.ArgumentParser()
    ap.add_argument("pack", nargs="?")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--hooks", action="store_true")
    ap.add_argument("--out")
    args = ap.parse_args()
    names = PACKS if args.all else [args.pack]
    ok = all([run(n, args.hooks, None if args.all else args.out) for n in names])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
