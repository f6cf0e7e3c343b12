#!/usr/bin/python3
"""Which libraries' names the public pickles of the real-world measure hold that no pack reviews, ranked.

Reads the real-world manifests (test/fixtures/real-world/*manifest.json): each row lists, under `outside`, the
top-level modules its pickles name that are neither a measured library nor the standard library. Those modules are
counted per file and per repository, and each is classed as a published library (LIBRARIES below: the module name a
library's import uses, and the distribution it comes from) or a project's own module (anything else: `__main__`,
`src`, `app`, a script's module). Packs that exist are read from src/rules/data/packs (a module a pack's entries start
with is reviewed). Prints a Markdown table, most files first.

    /usr/bin/python3 scripts/data/real-world-libraries.py [--json]
"""

import argparse
import collections
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")

# Import name -> the library (distribution) it comes from. Every other module a pickle names is a project's own.
LIBRARIES = {
    "neat": "neat-python",
    "keras": "Keras",
    "imblearn": "imbalanced-learn",
    "hmmlearn": "hmmlearn",
    "pycaret": "PyCaret",
    "pmdarima": "pmdarima",
    "pyramid": "pmdarima (released as pyramid-arima before 1.0)",
    "prophet": "Prophet",
    "fbprophet": "Prophet (fbprophet before 1.0)",
    "pystan": "PyStan (held by Prophet models)",
    "_loss": "scikit-learn >= 1.1's compiled loss module (sklearn._loss), pickled by its top-level name",
    "category_encoders": "category_encoders",
    "igraph": "python-igraph",
    "torchvision": "torchvision",
    "ultralytics": "Ultralytics",
    "pyarrow": "PyArrow",
    "dbt": "dbt-core",
    "dbt_common": "dbt-common",
    "sktime": "sktime",
    "lightfm": "LightFM",
    "surprise": "scikit-surprise",
    "implicit": "implicit",
    "river": "river",
    "statsforecast": "statsforecast",
    "darts": "darts",
    "spacy": "spaCy",
    "flair": "flair",
    "docutils": "docutils",
    "jcopml": "jcopml",
    "feature_engine": "feature-engine",
    "jax": "JAX",
    "sphinx": "Sphinx (a docs build cache)",
    "__torch__": "TorchScript class names (torch.jit), never a pickle-importable module",
}


def reviewed_roots():
    roots = set()
    for path in glob.glob(os.path.join(ROOT, "src", "rules", "data", "packs", "**", "*.json"), recursive=True):
        for name in json.load(open(path)).get("entries", {}):
            roots.add(name.split(".", 1)[0])
    return roots


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    files, repos, examples = collections.Counter(), collections.defaultdict(set), {}
    total_files, total_repos = 0, set()
    for path in sorted(glob.glob(os.path.join(ROOT, "test", "fixtures", "real-world", "*manifest.json"))):
        data = json.load(open(path))
        rows = data["files"] if isinstance(data, dict) and "files" in data else data
        for row in rows:
            total_files += 1
            total_repos.add(row.get("repository"))
            for root in sorted({o.split(".", 1)[0] for o in row.get("outside", [])}):
                files[root] += 1
                repos[root].add(row.get("repository"))
                examples.setdefault(root, f"{row.get('repository')}:{row.get('path')}")
    packs = reviewed_roots()
    ranked = []
    for root, n in sorted(files.items(), key=lambda kv: (-kv[1], -len(repos[kv[0]]), kv[0])):
        ranked.append({"module": root, "library": LIBRARIES.get(root), "files": n, "repositories": len(repos[root]),
                       "pack": root in packs, "example": examples[root]})
    if args.json:
        print(json.dumps({"files": total_files, "repositories": len(total_repos), "ranked": ranked}, indent=1))
        return
    print(f"{total_files} files of {len(total_repos)} repositories read\n")
    print("| module | library | files | repositories | pack |")
    print("|---|---|---|---|---|")
    for r in ranked:
        lib = r["library"] or "a project's own module"
        print(f"| `{r['module']}` | {lib} | {r['files']} | {r['repositories']} | {'yes' if r['pack'] else 'no'} |")


if __name__ == "__main__":
    main()
