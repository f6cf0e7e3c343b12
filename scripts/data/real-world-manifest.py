#!/usr/bin/python3
"""List real benign files the libraries themselves ship (test data written by their own released versions) into
test/fixtures/real-world/manifest.json: repository, commit, path and sha256 of every pickle-family file (pickle, joblib,
.npy/.npz, compressed pickles, recognised by content) found in the test/data folders of the pinned repositories at
every release tag (the first tag a file appears in is recorded; a file is listed once per content), plus the
same kind of files the Debian packages install. The files themselves are never copied or committed:
test/rules/packs/real-world.test.ts reads them from the git mirrors (`fetch github:OWNER/NAME`) and from the Debian
installation when present.

Usage: /usr/bin/python3 scripts/data/real-world-manifest.py [--mirror /work/.mirror]
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "real-world", "manifest.json")
# Files of projects built on scikit-learn (not the library's own test data): a manifest of their own, measured with
# `node --import tsx scripts/real-world-report.ts --manifest test/fixtures/real-world/sklearn-manifest.json`.
SKLEARN_OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "real-world", "sklearn-manifest.json")
REPOS = ["piskvorky/gensim", "numpy/numpy", "scipy/scipy", "statsmodels/statsmodels", "joblib/joblib",
         "networkx/networkx", "microsoft/LightGBM", "dmlc/xgboost", "stub42/pytz", "dateutil/dateutil",
         # pandas-dev/pandas is over fetch's size limit: forks that carry its commits and release tags unchanged
         # (sarvex/pandas: tags to v1.4.1; mb6ockatf/pandas: main to 2025-03).
         "sarvex/pandas", "mb6ockatf/pandas",
         # scikit-learn ships no pickles: projects built on it ship fitted estimators as test data and examples
         # (jpmml-sklearn's converter tests, regenerated with each scikit-learn release; model servers' examples).
         "jpmml/jpmml-sklearn", "kserve/kserve", "SeldonIO/MLServer", "SeldonIO/seldon-core",
         # torch ships no checkpoints of its own that fetch can bring (pytorch/pytorch and pytorch/vision are over its
         # size limit): projects built on it keep torch.save output as test data, rewritten across torch 0.3 - 2.x
         # (AllenNLP's trained-model fixtures, skorch's pickled net, torchtext's expected
         # outputs, Captum's tutorial models).
         "allenai/allennlp", "skorch-dev/skorch", "pytorch/text", "pytorch/captum"]
# The library whose test data a repository holds (a fork stands for its upstream).
LIBRARY = {"sarvex/pandas": "pandas", "mb6ockatf/pandas": "pandas", "piskvorky/gensim": "gensim",
           "numpy/numpy": "numpy", "scipy/scipy": "scipy", "statsmodels/statsmodels": "statsmodels",
           "joblib/joblib": "joblib", "networkx/networkx": "networkx", "microsoft/LightGBM": "lightgbm",
           "dmlc/xgboost": "xgboost", "stub42/pytz": "pytz", "dateutil/dateutil": "dateutil",
           "jpmml/jpmml-sklearn": "scikit-learn", "kserve/kserve": "scikit-learn", "SeldonIO/MLServer": "scikit-learn",
           "SeldonIO/seldon-core": "scikit-learn", "allenai/allennlp": "torch", "skorch-dev/skorch": "torch", "pytorch/text": "torch", "pytorch/captum": "torch"}
# The scikit-learn version a pickled estimator records (BaseEstimator.__getstate__ adds _sklearn_version from 0.18):
# the key, then a short string opcode (SHORT_BINUNICODE, BINUNICODE, UNICODE of protocol 0) with the version.
SKLEARN_VERSION = re.compile(rb"_sklearn_version\n?(?:q.|r....|\x94|p\d+\n)?(?:\x8c.|X....|V|U.|T....|S')"
                             rb"(\d+\.\d+(?:\.\d+)?(?:\.post\d+|rc\d+)?)", re.S)
# The version that wrote a file, where its path says it: a folder or a name part like 0.20.3, py27_0.19.2, 0.9.
WRITER = re.compile(r"(?:^|[/_-])v?(\d+\.\d+(?:\.\d+)?)(?=[/_.-])")
DEBIAN = ["joblib", "numpy", "scipy", "pandas", "statsmodels", "sklearn", "gensim", "networkx", "xgboost"]
TEXT = re.compile(r"\.(py|pyx|pxd|pyi|txt|csv|rst|md|json|c|h|cpp|hpp|cc|cu|html|js|css|yml|yaml|toml|cfg|ini|in|sh"
                  r"|r|f|f90|xml|svg|png|jpg|gif|ipynb|tex|m|mat|dta|sas7bdat|xpt|sav|xls|xlsx|ods|feather|parquet"
                  r"|orc|h5|hdf|hdf5|mtx|arff|wav|tsv|dat|ogg|mp3|jsonl|java|scala|go|rs|ts|cmake|bat|ps1|def|inc"
                  r"|template|tpl|pxi|src|patch|diff|lock|log)$", re.I)
WHERE = re.compile(r"(test|data|fixture|example|tutorial)", re.I)
MAX_BYTES = 30_000_000
SINCE = "2010-01-01"  # every release tag: old test data that later releases dropped is still real files users hold


def _peek(data):
    """The first bytes of a gzip/bz2/xz/zlib stream's content, or None."""
    import bz2
    import lzma
    import zlib

    for make in (lambda: zlib.decompressobj(47), bz2.BZ2Decompressor, lzma.LZMADecompressor):
        try:
            out = make().decompress(data[:65536])
            if out:
                return out[:16]
        except Exception:  # noqa: BLE001 - not this codec
            continue
    return None


def _tar(data):
    """Whether a gzip stream holds a tar archive (the ustar magic of its first header)."""
    import zlib

    try:
        return zlib.decompressobj(47).decompress(data[:65536], 512)[257:262] == b"ustar"
    except Exception:  # noqa: BLE001 - not gzip
        return False


def kind_of(head, path, data=b""):
    """The pickle-family format of a file from its first bytes (and, for ambiguous magic, its name), or None."""
    low = path.lower()
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "pickle"
    if head[:6] == b"\x93NUMPY":
        return "npy"
    if head[:4] == b"PK\x03\x04" and re.search(r"\.(npz|pt|pth|th|ckpt|zip|pkl|joblib)$", low):
        return "zip"
    if head[:2] == b"\x1f\x8b" and re.search(r"\.(tar\.gz|tgz)$", low) and _tar(data):
        return "tar"
    if head[:2] == b"ZF":
        return "compressed"
    if head[:2] == b"\x1f\x8b" or head[:3] == b"BZh" or head[:6] == b"\xfd7zXZ\x00" or head[:1] == b"\x78":
        inner = _peek(data)
        if inner is not None and kind_of(inner[:8], low.rsplit(".", 1)[0], inner) in ("pickle", "npy"):
            return "compressed"
    if head[:1] in (b"(", b"c", b"}", b"]") and re.search(r"\.(pkl|pickle|p)$|pickle|pkl", low):
        return "pickle"
    return None


def _content(data):
    """The pickle bytes of a file: a compressed stream's content (bounded), else the file."""
    import bz2
    import lzma
    import zlib

    for make in (lambda: zlib.decompressobj(47), bz2.BZ2Decompressor, lzma.LZMADecompressor):
        try:
            out = make().decompress(data, MAX_BYTES)
            if out:
                return out
        except Exception:  # noqa: BLE001 - not this codec
            continue
    return data


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=True).stdout


def from_repo(repo_name, mirror):
    repo = os.path.join(mirror, repo_name.replace("/", "+"), "repo")
    fmt = "%(refname:short)\t%(objectname)\t%(*objectname)\t%(creatordate:short)"
    tags = []
    for line in git(repo, "for-each-ref", "--sort=creatordate", f"--format={fmt}", "refs/tags").decode().split("\n"):
        if line:
            tag, obj, peeled, date = line.split("\t")
            if date >= SINCE:
                tags.append((tag, peeled or obj))
    tags.append(("HEAD", git(repo, "rev-parse", "HEAD").decode().strip()))
    seen = {}
    for tag, commit in tags:
        for line in git(repo, "ls-tree", "-r", "-l", commit).decode("utf-8", "replace").split("\n"):
            if "\t" not in line:
                continue
            meta, path = line.split("\t", 1)
            _, typ, blob, size = meta.split()
            if typ != "blob" or not size.isdigit() or not 8 <= int(size) <= MAX_BYTES:
                continue
            if WHERE.search(path) and not TEXT.search(path) and blob not in seen:
                seen[blob] = (tag, commit, path)
    proc = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = []
    for blob, (tag, commit, path) in seen.items():
        proc.stdin.write(f"{blob}\n".encode())
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if header[1:2] == [b"missing"]:  # a snapshot lacks its largest files
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        kind = kind_of(data[:8], path, data)
        if kind:
            m = WRITER.search(path)
            writer = m.group(1) if m else None
            if LIBRARY.get(repo_name) == "torch":  # a version in these paths is the project's (skorch's), not torch's
                writer = None
            if LIBRARY.get(repo_name) == "scikit-learn":
                v = SKLEARN_VERSION.search(_content(data))
                writer = v.group(1).decode() if v else None
            out.append({"source": "git", "repository": repo_name, "library": LIBRARY.get(repo_name, repo_name),
                        "tag": tag, "commit": commit, "path": path, "writer": writer,
                        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "kind": kind})
    proc.stdin.close()
    proc.wait()
    return out


def from_debian():
    out = []
    root = "/usr/lib/python3/dist-packages"
    for lib in DEBIAN:
        base = os.path.join(root, lib)
        for dirpath, _, files in os.walk(base):
            for f in files:
                p = os.path.join(dirpath, f)
                if TEXT.search(f) or not WHERE.search(p[len(root):]) or not 8 <= os.path.getsize(p) <= MAX_BYTES:
                    continue
                with open(p, "rb") as fh:
                    data = fh.read()
                kind = kind_of(data[:8], p, data)
                if kind:
                    pkg = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True).stdout.split(":")[0]
                    ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                                         text=True).stdout if pkg else ""
                    out.append({"source": "debian", "package": pkg, "version": ver, "path": p,
                                "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "kind": kind})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--only", nargs="*", help="re-read only these repositories; keep the listed files of the others")
    args = ap.parse_args()
    files, shas = [], set()
    if args.only:
        kept = []
        for out in (OUT, SKLEARN_OUT):
            if os.path.exists(out):
                with open(out, encoding="utf-8") as fh:
                    kept += [f for f in json.load(fh)["files"] if f.get("repository") not in args.only]
        files, shas = kept, {f["sha256"] for f in kept}
    for repo in args.only or REPOS:
        if not os.path.isdir(os.path.join(args.mirror, repo.replace("/", "+"), "repo")):
            print(f"skipped {repo}: no mirror (fetch github:{repo})", file=sys.stderr)
            continue
        found = from_repo(repo, args.mirror)
        if LIBRARY.get(repo) == "scikit-learn":  # regenerated with every release: one file per path and writer
            firsts = {}
            for f in found:
                firsts.setdefault((f["path"], f["writer"]), f)
            found = list(firsts.values())
        print(f"{repo}: {len(found)} files", file=sys.stderr)
        for f in found:
            if f["sha256"] not in shas:
                shas.add(f["sha256"])
                files.append(f)
    deb = [] if args.only else [f for f in from_debian() if f["sha256"] not in shas]
    print(f"debian: {len(deb)} files not already listed", file=sys.stderr)
    files += deb
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    for out, part in ((OUT, [f for f in files if f.get("library") != "scikit-learn"]),
                      (SKLEARN_OUT, [f for f in files if f.get("library") == "scikit-learn"])):
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({"generated_by": "scripts/data/real-world-manifest.py", "files": part}, fh, indent=1)
            fh.write("\n")


if __name__ == "__main__":
    main()
