#!/usr/bin/python3
"""List real benign files the libraries themselves ship (test data written by their own released versions) into
test/fixtures/real-world/manifest.json: repository, commit, path and sha256 of every pickle-family file (pickle, joblib,
.npy/.npz, compressed pickles, recognised by content) found in the test/data folders of the pinned repositories at
every release tag (the first tag a file appears in is recorded; a file is listed once per content), plus the
same kind of files the Debian packages install. The files themselves are never copied or committed:
test/rules/packs/real-world.test.ts reads them from the git mirrors (`git clone --bare https://github.com/OWNER/NAME`) and from the Debian
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
         # pandas-dev/pandas is too large to mirror here: forks that carry its commits and release tags unchanged
         # (sarvex/pandas: tags to v1.4.1; mb6ockatf/pandas: main to 2025-03).
         "sarvex/pandas", "mb6ockatf/pandas",
         # scikit-learn ships no pickles: projects built on it ship fitted estimators as test data and examples
         # (jpmml-sklearn's converter tests, regenerated with each scikit-learn release; model servers' examples).
         "jpmml/jpmml-sklearn", "kserve/kserve", "SeldonIO/MLServer", "SeldonIO/seldon-core",
         # torch ships no checkpoints of its own that can be mirrored here (pytorch/pytorch and pytorch/vision are over its
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
# Other public repositories (the measure's scope: "from the libraries' test data and other public repositories"): projects that
# commit models and data their own code wrote with the libraries (deployment tutorials, course work, dbt projects'
# networkx graphs, model servers' examples), listed in scripts/data/public-repositories.txt with why each was chosen.
# Every pickle-family file any of their commits holds is listed (a file is listed once per content), under
# test/fixtures/real-world/public-manifest.json, with the library read from the file's own names (never from its path).
PUBLIC_LIST = os.path.join(HERE, "public-repositories.txt")
PUBLIC_OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "real-world", "public-manifest.json")
# File names a project's own pickles, checkpoints and arrays go by (content decides; the name only narrows the read).
PUBLIC_NAME = re.compile(r"\.(pkl|pickle|pck|pcl|p|joblib|jbl|sav|pt|pth|th|ckpt|bin|model|mdl|npy|npz|gpickle|dat|db"
                         r"|gz|bz2|xz|lzma|z|zip)$|(^|/)[^./]+$", re.I)
# A virtual environment or installed package committed by mistake holds the libraries' own files, not the project's.
VENDORED = re.compile(r"(^|/)(site-packages|dist-packages|node_modules|\.?venv[^/]*|env|\.git)/", re.I)
PUBLIC_COMMITS = 400  # commits read per repository (the newest first; a model re-trained in older commits is listed)
PUBLIC_PER_REPO = 25  # files listed per project at most (evenly over its sorted paths): one project that commits a
# thousand generated graphs would otherwise be most of the measure
PUBLIC_VERSIONS = 2  # contents listed per path of a project (its first and its newest): a file rewritten at every
# commit (dbt's graph.gpickle) would otherwise outweigh the projects that wrote theirs once
# The order a file's library is chosen in when its pickles name several listed libraries: the most specific model
# library first (an XGBoost model inside a scikit-learn pipeline counts as XGBoost's), the containers last.
PRECEDENCE = ["catboost", "lightgbm", "xgboost", "statsmodels", "gensim", "networkx", "torch", "sklearn", "pandas",
              "scipy", "joblib", "pytz", "dateutil", "numpy"]
LIB_NAME = {"sklearn": "scikit-learn"}


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


def _globals(data):
    """The module names a pickle stream imports, read with pickletools (never loaded): GLOBAL/INST operands, and
    STACK_GLOBAL's two operands (the last two values pushed, strings or memo reads of strings)."""
    import pickletools

    quiet = {"MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT", "FRAME", "PROTO", "MARK", "STOP", "POP", "POP_MARK"}
    strs = {"SHORT_BINUNICODE", "BINUNICODE", "UNICODE", "BINUNICODE8", "SHORT_BINSTRING", "BINSTRING", "STRING"}
    mods, pushed, memo = set(), [None, None], {}
    try:
        for op, arg, _ in pickletools.genops(data):
            name = op.name
            if name in ("GLOBAL", "INST"):
                mods.add(arg.split(" ")[0])
            if name == "STOP":
                break
            if name == "MEMOIZE":
                memo[len(memo)] = pushed[-1]
            elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
                memo[arg] = pushed[-1]
            elif name == "STACK_GLOBAL":
                if isinstance(pushed[-2], str):
                    mods.add(pushed[-2])
                pushed.append(None)
            elif name in ("GET", "BINGET", "LONG_BINGET"):
                pushed.append(memo.get(arg))
            elif name in strs:
                pushed.append(arg if isinstance(arg, str) else str(arg))
            elif name not in quiet:
                pushed.append(None)
            del pushed[:-2]
    except Exception:  # noqa: BLE001 - a truncated or non-pickle stream: what was read so far
        pass
    return mods


# torch.save's legacy (non-zip) format: four pickles in a row (the magic number, the protocol version, the system
# info, the object), then the storages' raw bytes. The first pickle names nothing; the fourth holds the names.
LEGACY_TORCH = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"


def _legacy_torch_globals(data):
    """The module names of a legacy torch.save file's four pickles (read with pickletools, never loaded)."""
    import pickletools

    mods, pos = set(), 0
    for _ in range(4):
        mods |= _globals(data[pos:])
        end = None
        try:
            for op, _, at in pickletools.genops(data[pos:]):
                if op.name == "STOP":
                    end = at
                    break
        except Exception:  # noqa: BLE001 - a truncated stream: what was read so far
            break
        if end is None:
            break
        pos += end + 1
    return mods


def _modules(data, kind):
    """The modules a file's pickles name (zip members ending in .pkl, a .npy object array's pickle, a compressed
    stream's content), read without loading anything."""
    import io
    import zipfile

    if kind == "zip":
        mods = set()
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for n in z.namelist():
                    if n.endswith(".pkl") or n.endswith("/data") or n == "data":
                        mods |= _globals(z.read(n)[:MAX_BYTES])
                    elif n.endswith(".npy"):
                        mods |= _modules(z.read(n)[:MAX_BYTES], "npy")
        except Exception:  # noqa: BLE001 - an unreadable zip names nothing
            pass
        return mods
    if kind == "npy":
        try:
            hl = int.from_bytes(data[8:10], "little") if data[6] == 1 else int.from_bytes(data[8:12], "little")
            start = (10 if data[6] == 1 else 12) + hl
            return _globals(data[start:]) if b"'O'" in data[:start] or b"|O" in data[:start] else set()
        except Exception:  # noqa: BLE001
            return set()
    if kind == "compressed":
        return _globals(_content(data))
    if kind == "pickle":
        return _legacy_torch_globals(data) if data.startswith(LEGACY_TORCH) else _globals(data)
    return set()


def _holds_arrays(data):
    """Whether a zip holds a pickle or an array: a torch checkpoint's data.pkl, an npz's .npy members, a joblib pickle."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return any(n.endswith((".pkl", ".npy", "/data")) or n == "data" for n in z.namelist())
    except Exception:  # noqa: BLE001 - not a readable zip
        return False


# The top-level modules of the measured libraries (scripts/real-world-report.ts LIBRARY_OF): a file whose pickles name a
# module outside them and the standard library is out of the measure's scope (recorded in `outside`).
LISTED = {"torch", "xgboost", "lightgbm", "catboost", "pytz", "dateutil", "networkx", "sklearn", "pandas", "numpy",
          "scipy", "gensim", "statsmodels", "joblib"}


def _stdlib():
    """Python's standard library top-level names: this CPython's, Python 2's (pickle's fix_imports) and builtins."""
    with open(os.path.join(HERE, "..", "..", "src", "analyzers", "pickle", "data", "compat-pickle.json"),
              encoding="utf-8") as fh:
        py2 = {m.split(".")[0] for m in json.load(fh)["import_mapping"]}
    return set(sys.stdlib_module_names) | py2 | {"builtins", "__builtin__"}


STDLIB = _stdlib()


def outside(mods):
    """The top-level modules a file's pickles name that are neither a listed library nor the standard library."""
    return sorted({m.split(".")[0] for m in mods} - LISTED - STDLIB)


def library_of(mods, kind):
    """The listed library a file belongs to, from the modules its pickles name (PRECEDENCE), else numpy for arrays,
    "python" for a pickle of the standard library alone, or the first other top-level module (out of scope)."""
    tops = sorted({m.split(".")[0] for m in mods})
    for lib in PRECEDENCE:
        if lib in tops:
            return LIB_NAME.get(lib, lib)
    if kind in ("npy",) or (kind == "zip" and not tops):
        return "numpy"
    others = [t for t in tops if t not in sys.stdlib_module_names and t not in ("__builtin__", "copy_reg")]
    return others[0] if others else "python"


# A version the project pinned for the library, at the commit that holds the file (requirements files, conda
# environments, Pipfiles, pyproject): the writer as the project declared it; absent, the report bounds it by date.
PIN_FILES = re.compile(r"(^|/)(requirements[^/]*\.txt|environment[^/]*\.ya?ml|Pipfile|pyproject\.toml|setup\.py"
                       r"|runtime\.txt|conda[^/]*\.ya?ml)$", re.I)
PIP_NAME = {"scikit-learn": r"(?:scikit-learn|sklearn)", "torch": r"torch", "numpy": r"numpy", "pandas": r"pandas",
            "scipy": r"scipy", "xgboost": r"xgboost", "lightgbm": r"lightgbm", "catboost": r"catboost",
            "statsmodels": r"statsmodels", "gensim": r"gensim", "networkx": r"networkx", "joblib": r"joblib",
            "pytz": r"pytz", "dateutil": r"python-dateutil"}


def pinned(repo, commit, lib, cache):
    """The version `lib` is pinned to (==, or conda's single =) in the project's dependency files at `commit`."""
    key = (commit, lib)
    if key in cache:
        return cache[key]
    name = PIP_NAME.get(lib)
    found = None
    if name:
        files = cache.setdefault(("files", commit), [p for p in git(repo, "ls-tree", "-r", "--name-only", commit)
                                                      .decode("utf-8", "replace").split("\n") if PIN_FILES.search(p)])
        pat = re.compile(rf"(?im)^[\s\"'-]*{name}\s*(?:===?|=)\s*[\"']?v?(\d+\.\d+(?:\.\d+)?)")
        for f in sorted(files, key=len):
            try:
                text = git(repo, "show", f"{commit}:{f}").decode("utf-8", "replace")
            except subprocess.CalledProcessError:
                continue
            m = pat.search(text)
            if m:
                found = (m.group(1), f)
                break
    cache[key] = found
    return found


def from_public_repo(repo_name, mirror):
    """Every pickle-family file in the newest PUBLIC_COMMITS commits of a public project, with its library (from its
    names) and writer (the scikit-learn version the file records, else the project's pin at that commit)."""
    repo = os.path.join(mirror, repo_name.replace("/", "+"), "repo")
    commits = git(repo, "rev-list", "--all", f"--max-count={PUBLIC_COMMITS}").decode().split()
    seen = {}
    for commit in reversed(commits):  # oldest first: a blob is listed at the first commit that holds it
        for line in git(repo, "ls-tree", "-r", "-l", commit).decode("utf-8", "replace").split("\n"):
            if "\t" not in line:
                continue
            meta, path = line.split("\t", 1)
            _, typ, blob, size = meta.split()
            if typ != "blob" or not size.isdigit() or not 8 <= int(size) <= MAX_BYTES:
                continue
            if PUBLIC_NAME.search(path) and not VENDORED.search(path) and blob not in seen:
                seen[blob] = (commit, path)
    by_path = {}
    for blob, (commit, path) in seen.items():
        by_path.setdefault(path, []).append(blob)
    keep = {b for blobs in by_path.values() for b in (blobs[:1] + blobs[1:][-(PUBLIC_VERSIONS - 1):])}
    seen = {b: v for b, v in seen.items() if b in keep}
    proc = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, cache = [], {}
    for blob, (commit, path) in seen.items():
        proc.stdin.write(f"{blob}\n".encode())
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if header[1:2] == [b"missing"]:
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        kind = kind_of(data[:8], path, data)
        if not kind or kind == "tar" or (kind == "zip" and not _holds_arrays(data)):
            continue  # a zip of templates or documents is not a pickle-family file
        mods = _modules(data, kind)
        if kind in ("pickle", "compressed") and not mods and not path.lower().endswith((".pkl", ".pickle", ".joblib")):
            continue  # a stream that names nothing under a name that does not say pickle: not a project's pickle
        lib = library_of(mods, kind)
        v = SKLEARN_VERSION.search(_content(data)) if lib == "scikit-learn" else None
        writer, source = (v.group(1).decode(), "_sklearn_version in the file") if v else (None, None)
        if writer is None:
            pin = pinned(repo, commit, lib, cache)
            if pin:
                writer, source = pin[0], f"pinned in {pin[1]}"
        out.append({"source": "git", "repository": repo_name, "library": lib, "origin": "public", "commit": commit,
                    "path": path, "writer": writer, "writer_source": source, "outside": outside(mods),
                    "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "kind": kind})
    proc.stdin.close()
    proc.wait()
    return out


def public_repositories():
    """The public projects listed in PUBLIC_LIST (owner/name, then why, one a line; # starts a comment)."""
    if not os.path.exists(PUBLIC_LIST):
        return []
    with open(PUBLIC_LIST, encoding="utf-8") as fh:
        return [ln.split()[0] for ln in fh if ln.strip() and not ln.startswith("#")]


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
    ap.add_argument("--public", action="store_true", help="write only the public manifest (PUBLIC_LIST's projects)")
    args = ap.parse_args()
    if args.public:
        write_public(args.mirror)
        return
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
            print(f"skipped {repo}: no mirror (git clone --bare https://github.com/{repo})", file=sys.stderr)
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


def write_public(mirror):
    """public-manifest.json: the files of PUBLIC_LIST's projects not already listed by the other manifests."""
    shas = set()
    for out in (OUT, SKLEARN_OUT):
        if os.path.exists(out):
            with open(out, encoding="utf-8") as fh:
                shas |= {f["sha256"] for f in json.load(fh)["files"]}
    # A project without a mirror here keeps the rows already listed for it (its pinned commits do not move), so the
    # manifest can grow by fetching only the projects added to PUBLIC_LIST.
    listed = {}
    if os.path.exists(PUBLIC_OUT):
        with open(PUBLIC_OUT, encoding="utf-8") as fh:
            for f in json.load(fh)["files"]:
                listed.setdefault(f["repository"], []).append(f)
    files, missing = [], []
    for repo in public_repositories():
        if not os.path.isdir(os.path.join(mirror, repo.replace("/", "+"), "repo")):
            missing.append(repo)
            for f in listed.get(repo, []):
                if f["sha256"] not in shas:
                    shas.add(f["sha256"])
                    files.append(f)
            continue
        found = [f for f in from_public_repo(repo, mirror) if f["sha256"] not in shas]
        if len(found) > PUBLIC_PER_REPO:
            found.sort(key=lambda f: (f["path"], f["commit"]))
            step = len(found) / PUBLIC_PER_REPO
            found = [found[int(i * step)] for i in range(PUBLIC_PER_REPO)]
        print(f"{repo}: {len(found)} files", file=sys.stderr)
        for f in found:
            if f["sha256"] not in shas:
                shas.add(f["sha256"])
                files.append(f)
    if missing:
        print(f"{len(missing)} without a mirror, their listed rows kept: {' '.join(missing)}", file=sys.stderr)
    with open(PUBLIC_OUT, "w", encoding="utf-8") as fh:
        # The standard library's top-level names this manifest's scope was read with: the test applies them to the
        # names Sentinel itself reads (a joblib file's names past its first array are not read by pickletools here).
        json.dump({"generated_by": "scripts/data/real-world-manifest.py --public", "listed": sorted(LISTED),
                   "stdlib": sorted(STDLIB), "files": files}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
