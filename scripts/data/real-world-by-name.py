#!/usr/bin/python3
"""The by-name sample of the real-world measure: projects found by the model and data file names they commit
(scripts/data/by-name-repositories.txt), and from each, the files at its newest commit (HEAD of its mirror) whose
name says model or data, written to test/fixtures/real-world/by-name-manifest.json: repository, commit, path, sha256
and size of each. The files themselves are never copied or committed; scripts/real-world-report.ts reads them from
the git mirrors and scans them (`--manifest test/fixtures/real-world/by-name-manifest.json --half dev|held-out`).

Which files, per project (at most PER_REPO, in the order git lists the tree):
- extensions .pkl .pickle .pck .joblib .sav .pt .pth .ckpt .npy .npz .h5 .hdf5 .keras .onnx .safetensors .gguf;
- .bin .model .dat .p only when the path looks like a model (model, pytorch, word2vec, tokenizer, training_args,
  rng_state, ...): these extensions are too generic otherwise;
- not under a vendored folder (site-packages, node_modules, a virtual environment);
- at most MAX_BYTES (the mirrors here hold no larger object), and no Git LFS pointer (the weights are not there).

A project without a mirror keeps the rows already listed for it (its commit does not move), so the sample grows by
fetching only the projects added to the list. The split into halves is by repository (scripts/real-world-half.ts).

Usage: /usr/bin/python3 scripts/data/real-world-by-name.py [--mirror /work/.mirror]
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIST = os.path.join(HERE, "by-name-repositories.txt")
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "real-world", "by-name-manifest.json")
PER_REPO = 12
MAX_BYTES = 4 * 1024 * 1024 - 1
MODEL_EXT = re.compile(r"\.(pkl|pickle|pck|joblib|sav|pt|pth|ckpt|npy|npz|h5|hdf5|keras|onnx|safetensors|gguf)$", re.I)
GENERIC_EXT = re.compile(r"\.(bin|model|dat|p)$", re.I)
MODEL_WORDS = re.compile(r"model|pytorch|word2vec|w2v|fasttext|doc2vec|tokenizer|vectori|encoder|pickle|training_args|"
                         r"optimizer|scheduler|rng_state")
VENDORED = re.compile(r"(^|/)(node_modules|\.venv|venv|site-packages)/", re.I)
LFS = b"version https://git-lfs"


def repositories():
    out = []
    with open(LIST, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line.split("\t")[0])
    return out


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


def wanted(path):
    if VENDORED.search(path):
        return False
    if MODEL_EXT.search(path):
        return True
    return bool(GENERIC_EXT.search(path) and MODEL_WORDS.search(path))


def from_repo(name, mirror):
    repo = os.path.join(mirror, name.replace("/", "+"), "repo")
    commit = git(repo, "rev-parse", "HEAD").decode().strip()
    rows = []
    listing = git(repo, "ls-tree", "-r", "-l", "-z", commit).split(b"\0")
    for item in listing:
        if b"\t" not in item or len(rows) >= PER_REPO:
            continue
        meta, raw = item.split(b"\t", 1)
        _, typ, blob, size = meta.decode().split()
        path = raw.decode("utf-8", "surrogateescape")
        if typ != "blob" or not size.isdigit() or not wanted(path):
            continue
        if int(size) > MAX_BYTES:
            continue
        try:
            data = git(repo, "cat-file", "blob", blob)
        except subprocess.CalledProcessError:
            continue  # an object the mirror does not hold
        if data.startswith(LFS):
            continue
        rows.append({"source": "git", "repository": name, "origin": "public", "commit": commit, "path": path,
                     "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "kind": "by-name"})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    args = ap.parse_args()
    listed = {}
    if os.path.exists(OUT):
        with open(OUT, encoding="utf-8") as fh:
            for f in json.load(fh)["files"]:
                listed.setdefault(f["repository"], []).append(f)
    files, missing = [], []
    for name in repositories():
        if not os.path.isdir(os.path.join(args.mirror, name.replace("/", "+"), "repo")):
            missing.append(name)
            files.extend(listed.get(name, []))
            continue
        try:
            files.extend(from_repo(name, args.mirror))
        except subprocess.CalledProcessError as e:
            print(f"{name}: {e.stderr.decode(errors='replace').strip()[:200]}", file=sys.stderr)
            files.extend(listed.get(name, []))
    if missing:
        print(f"{len(missing)} without a mirror, their listed rows kept", file=sys.stderr)
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump({"generated_by": "scripts/data/real-world-by-name.py", "files": files}, fh, indent=1)
        fh.write("\n")
    print(f"{len(files)} files of {len({f['repository'] for f in files})} repositories", file=sys.stderr)


if __name__ == "__main__":
    main()
