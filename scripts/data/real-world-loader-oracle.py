#!/usr/bin/env python3
"""Ask the real loaders: the blocked files of the real-world measure whose only blocking finding is a native
__setstate__ read past a tuple state (src/analyzers/pickle/native-states.ts: "reads the items of a tuple or list state
without a length check"), loaded by released scikit-learn builds of the distributions, each in its own chroot
(Debian bullseye's python3-sklearn 0.23.2, Ubuntu focal's 0.22.2.post1, Ubuntu bionic's 0.19.1), with what each load
did: returned, raised (which exception), or died (which signal, in which Python frame), and under valgrind
(PYTHONMALLOC=malloc, so each object is its own malloc block) the first invalid read and the block it is past.
Writes test/fixtures/real-world/loader-oracle.json; scripts/real-world-report.ts counts a file whose load a released
version resolving its names makes memory-unsafe apart from the false blocks, in the "loader refuses/unsafe too" column.

Only files blocked by that finding alone are loaded (every name they import is admitted by the packs: no finding
says otherwise), each as user nobody, without network (unshare -n), in a chroot that holds only distribution packages.
The distributions' packages, not upstream's wheels: Debian and Ubuntu build scikit-learn without its vendored
sklearn.externals.joblib, which upstream's 0.21 - 0.22 keep as a shim of the installed joblib
(sklearn/externals/joblib/__init__.py `from joblib import *`, numpy_pickle.py `from joblib.numpy_pickle import *`)
and 0.15 - 0.20 as a vendored copy (Ubuntu bionic's 0.19.1 fills sklearn.externals.joblib with the installed joblib's
namespace, so importing sklearn.externals.joblib.numpy_pickle loads a second copy of joblib's module whose
NumpyArrayWrapper no load recognises). A file the distribution's build raises on is loaded once more with that module
answered as upstream answers it (UPSTREAM_MODULES; the run's "names"), the rest unchanged: that run is the hook of the
distribution's build on the file's own state, as an upstream build of that version reaches it. The
versions in which upstream's tree has the module are read from the scikit-learn mirror at the pinned commits
(scripts/data/history/pins.json), and recorded.

Usage: /usr/bin/python3 scripts/data/real-world-loader-oracle.py --setup      (debootstrap the chroots, once)
       node --import tsx scripts/real-world-report.ts --all --json /tmp/rw.json
       /usr/bin/python3 scripts/data/real-world-loader-oracle.py /tmp/rw.json [--mirror /work/.mirror]
Needs root (chroot, mount, unshare), debootstrap and apt-get on the host, and Debian's and Ubuntu's archives
(deb.debian.org, archive.ubuntu.com). The Ubuntu archive key is Debian's ubuntu-keyring package, fetched by apt from
Debian sid (verified by the host's Debian archive key).
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from real_world_files import FIXTURES, MANIFESTS, blob  # noqa: E402
CHROOT_ROOT = "/srv/chroots"
# The finding the oracle checks: the only blocking evidence of a file it loads.
NATIVE_STATE = "__setstate__ reads the items of a tuple"  # (the report keeps 160 characters of each)
PACKAGES = ["python3-sklearn", "python3-joblib", "python3-pandas", "valgrind"]
CHROOTS = [
    {"name": "bionic", "distribution": "Ubuntu 18.04 bionic", "mirror": "http://archive.ubuntu.com/ubuntu",
     "components": "main,universe", "ubuntu": True},
    {"name": "focal", "distribution": "Ubuntu 20.04 focal", "mirror": "http://archive.ubuntu.com/ubuntu",
     "components": "main,universe", "ubuntu": True},
    {"name": "bullseye", "distribution": "Debian 11 bullseye", "mirror": "http://deb.debian.org/debian",
     "components": "main", "ubuntu": False},
]
# Modules upstream scikit-learn answers that the distributions' builds do not ship: old module -> the module upstream's
# shim imports every name from. The versions whose tree has the shim file are recorded from the pinned commits.
UPSTREAM_MODULES = {"sklearn.externals.joblib": "joblib"}
UPSTREAM_FILES = {"sklearn.externals.joblib": ["sklearn/externals/joblib/__init__.py",
                                               "sklearn/externals/joblib/numpy_pickle.py"]}

# Runs in the chroot (python3 -X faulthandler CHILD FILE MODE): the loader's own entry point, sklearn.externals.joblib.load
# where the build has it, else joblib.load (either reads joblib's containers and plain pickles alike, with pickle's
# pure-Python unpickler underneath), and a one-line outcome.
CHILD = r'''
import sys, warnings
warnings.simplefilter("ignore")
path, mode = sys.argv[1], sys.argv[2]
import pickle, joblib
if mode == "upstream":
    import importlib
    MAP = %r
    base = pickle._Unpickler.find_class
    def find_class(self, module, name):
        for old, new in MAP.items():
            if module == old or module.startswith(old + "."):
                module = new + module[len(old):]
        return base(self, module, name)
    pickle._Unpickler.find_class = find_class
load, call = joblib.load, "joblib.load"
if mode == "distribution":
    try:
        # The library's own joblib where its build ships one (scikit-learn <= 0.22 upstream; bionic's links the
        # installed joblib there under a second module name, whose NumpyArrayWrapper only its own load recognises).
        from sklearn.externals import joblib as own
        load, call = own.load, "sklearn.externals.joblib.load"
    except ImportError:
        pass
print("CALL " + call, flush=True)
try:
    obj = load(path)
    print("OUTCOME returned a %%s.%%s" %% (type(obj).__module__, type(obj).__name__), flush=True)
except BaseException as e:
    print("OUTCOME raised %%s: %%s" %% (type(e).__name__, str(e)[:160]), flush=True)
''' % (UPSTREAM_MODULES,)

VERSIONS = r'''
import sys, sklearn, numpy, joblib
print("Python %s, scikit-learn %s, numpy %s, joblib %s" % (sys.version.split()[0], sklearn.__version__,
      numpy.__version__, joblib.__version__))
'''


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def mounted(path):
    return run(["mountpoint", "-q", path]).returncode == 0


def prepare(root):
    """proc (valgrind and faulthandler read it) and a /dev/shm (joblib's semaphores) in the chroot."""
    if not mounted(os.path.join(root, "proc")):
        subprocess.run(["mount", "-t", "proc", "proc", os.path.join(root, "proc")], check=True)
    shm = os.path.join(root, "dev", "shm")
    os.makedirs(shm, exist_ok=True)
    if not mounted(shm):
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", shm], check=True)


def ubuntu_keyring(work):
    """Ubuntu's archive keyring from Debian's ubuntu-keyring package (apt verifies it with the host's Debian key)."""
    lists = os.path.join(work, "lists")
    os.makedirs(os.path.join(lists, "partial"), exist_ok=True)
    with open(os.path.join(work, "sid.list"), "w") as f:
        f.write("deb http://deb.debian.org/debian sid main\n")
    opts = ["-o", f"Dir::Etc::SourceList={work}/sid.list", "-o", "Dir::Etc::SourceParts=/nonexistent",
            "-o", f"Dir::State::Lists={lists}"]
    subprocess.run(["apt-get", *opts, "update", "-q"], check=True)
    subprocess.run(["apt-get", *opts, "download", "ubuntu-keyring"], check=True, cwd=work)
    deb = glob.glob(os.path.join(work, "ubuntu-keyring_*.deb"))[0]
    subprocess.run(["dpkg", "-x", deb, os.path.join(work, "x")], check=True)
    return os.path.join(work, "x", "usr", "share", "keyrings", "ubuntu-archive-keyring.gpg")


def setup():
    work = tempfile.mkdtemp(prefix="sentinel-oracle-")
    keyring = None
    for c in CHROOTS:
        root = os.path.join(CHROOT_ROOT, c["name"])
        if not os.path.exists(os.path.join(root, "usr", "bin", "python3")):
            opts = ["--variant=minbase", f"--components={c['components']}"]
            if c["ubuntu"]:
                keyring = keyring or ubuntu_keyring(work)
                opts.append(f"--keyring={keyring}")
            subprocess.run(["debootstrap", *opts, c["name"], root, c["mirror"]], check=True)
        prepare(root)
        subprocess.run(["chroot", root, "apt-get", "update", "-q"], check=True)
        subprocess.run(["chroot", root, "apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES],
                       check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    shutil.rmtree(work, ignore_errors=True)


def upstream_versions(mirror):
    """{old module: [scikit-learn versions whose pinned tree has every file of its shim or vendored copy]}."""
    pins = json.load(open(os.path.join(HERE, "history", "pins.json")))["scikit-learn"]
    out = {}
    for module, files in UPSTREAM_FILES.items():
        have = []
        for version, commit, _date, repo, *_ in pins["versions"]:
            git = os.path.join(mirror, repo.replace("/", "+"), "repo")
            if all(run(["git", "-C", git, "cat-file", "-e", f"{commit}:{f}"]).returncode == 0 for f in files):
                have.append(version)
        out[module] = have
    return out


def in_chroot(root, args, env, timeout=900):
    cmd = [shutil.which("unshare"), "-n", shutil.which("chroot"), "--userspec=65534:65534", root, *args]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", **env})
    except subprocess.TimeoutExpired:
        return None, "", "timeout"
    return p.returncode, p.stdout, p.stderr


def outcome(rc, out, err):
    """What the load did, in one line: its OUTCOME line, or the signal it died of and the innermost Python frame."""
    if rc is None:
        return "timed out"
    line = next((l[8:] for l in out.splitlines() if l.startswith("OUTCOME ")), None)
    if line is not None and rc == 0:
        return line
    sig = -rc if rc < 0 else rc - 128 if rc > 128 else None
    names = {11: "SIGSEGV", 6: "SIGABRT", 7: "SIGBUS", 4: "SIGILL"}
    frames = [l.strip() for l in err.splitlines() if l.strip().startswith("File ")]
    where = f" in {frames[0]}" if frames else ""
    if sig is not None:
        return f"died of {names.get(sig, f'signal {sig}')}{where}"
    return f"exit status {rc}: {err.strip().splitlines()[-1] if err.strip() else ''}"


def valgrind_reads(err):
    """The first invalid read valgrind reports: its size, the object file it is in, and what the address is."""
    lines = [l.split("== ", 1)[-1].strip() for l in err.splitlines() if l.startswith("==")]
    for i, l in enumerate(lines):
        if l.startswith("Invalid read"):
            where = next((x for x in lines[i + 1:i + 3] if x.startswith("at ")), "")
            obj = where[where.find("(in ") + 4:-1] if "(in " in where else where
            addr = next((x for x in lines[i + 1:i + 20] if x.startswith("Address ")), "")
            return f"{l} in {obj}; {addr}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report", nargs="?")
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--setup", action="store_true")
    args = ap.parse_args()
    if args.setup:
        setup()
        if args.report is None:
            return
    if args.report is None:
        ap.error("the report JSON of scripts/real-world-report.ts --json")
    report = json.load(open(args.report))
    selected = {b["sha256"]: b["signals"] for b in report["blockedFiles"]
                if b["inScope"] and b.get("repository") and b["signals"]
                and all(NATIVE_STATE in s for s in b["signals"])}
    entries = {e["sha256"]: e for m in MANIFESTS for e in json.load(open(os.path.join(FIXTURES, m)))["files"]
               if e.get("repository") and e["sha256"] in selected}.values()
    loaders = []
    for c in CHROOTS:
        root = os.path.join(CHROOT_ROOT, c["name"])
        if not os.path.exists(root):
            sys.exit(f"{root} is missing: run with --setup first")
        prepare(root)
        rc, out, err = in_chroot(root, ["/usr/bin/python3", "-c", VERSIONS], {})
        pkg = run(["chroot", root, "dpkg-query", "-W", "-f", "${Version}", "python3-sklearn"]).stdout
        loaders.append({**c, "root": root, "versions": out.strip(), "package": f"python3-sklearn {pkg}"})
    upstream = upstream_versions(args.mirror)
    files = []
    for e in sorted(entries, key=lambda e: (e["repository"], e["path"], e["commit"])):
        data = blob(args.mirror, e)
        if data is None:
            continue
        runs = []
        for ld in loaders:
            stage = os.path.join(ld["root"], "tmp", "sentinel-oracle")
            os.makedirs(stage, exist_ok=True)
            os.chmod(stage, 0o755)
            for name, text in (("file", data), ("child.py", CHILD.encode())):
                with open(os.path.join(stage, name), "wb") as f:
                    f.write(text)
                os.chmod(os.path.join(stage, name), 0o644)
            py = ["/usr/bin/python3", "-X", "faulthandler", "/tmp/sentinel-oracle/child.py",
                  "/tmp/sentinel-oracle/file"]
            modes = ["distribution"]
            rc, out, err = in_chroot(ld["root"], [*py, "distribution"], {})
            first = outcome(rc, out, err)
            call = next((l[5:] for l in out.splitlines() if l.startswith("CALL ")), "joblib.load")
            # Raised (a module the build dropped, or bionic's second instance of joblib's module under the old name,
            # whose NumpyArrayWrapper its load does not recognise): once more with the names upstream's build answers.
            refused_module = next((m for m in UPSTREAM_MODULES if first.startswith("raised")), None)
            results = {"distribution": first}
            if refused_module is not None:
                modes.append("upstream")
                results["upstream"] = outcome(*in_chroot(ld["root"], [*py, "upstream"], {}))
            for mode in modes:
                r = {"loader": f"{ld['distribution']} {ld['package']} ({ld['versions']})",
                     "names": "as the distribution's build answers them" if mode == "distribution" else
                              f"{refused_module} answered as upstream answers it ({UPSTREAM_MODULES[refused_module]})",
                     "call": call if mode == "distribution" else "joblib.load", "default allocator": results[mode]}
                if results[mode].startswith("died"):
                    r["PYTHONMALLOC=debug"] = outcome(*in_chroot(ld["root"], [*py, mode], {"PYTHONMALLOC": "debug"}))
                    rc, _out, err = in_chroot(ld["root"], ["valgrind", "--error-limit=no", *py, mode],
                                              {"PYTHONMALLOC": "malloc"})
                    r["valgrind (PYTHONMALLOC=malloc)"] = (valgrind_reads(err) or "no invalid read") + \
                        f"; {outcome(rc, _out, err)}"
                runs.append(r)
        unsafe = [r for r in runs if r["default allocator"].startswith("died")
                  or "Invalid read" in r.get("valgrind (PYTHONMALLOC=malloc)", "")]
        returned = [r for r in runs if r["default allocator"].startswith("returned")]
        if unsafe:
            real = [r for r in unsafe if r["names"].startswith("as the distribution")]
            summary = ("memory-unsafe: " + "; ".join(
                f"{r['loader'].split(' (')[0]}{'' if r in real else ' (' + r['names'] + ')'}: "
                f"{r['default allocator']}" + (f", valgrind: {r['valgrind (PYTHONMALLOC=malloc)'].split('; ')[0]}, "
                                                 f"{r['valgrind (PYTHONMALLOC=malloc)'].split('; ')[1]}"
                                                 if "Invalid read" in r.get("valgrind (PYTHONMALLOC=malloc)", "")
                                                 else "")
                for r in unsafe[:2])
                + (f"; loads safely in " + ", ".join(
                    r["loader"].split(" (")[0] + ("" if r["names"].startswith("as the distribution") else
                                                  f" ({r['names']})") for r in returned) if returned else ""))
            verdict = "unsafe" if real else "unsafe (upstream names)"
        elif all(r["default allocator"].startswith("raised") for r in runs):
            summary, verdict = "every released build tried raises: " + "; ".join(
                f"{r['loader'].split(' (')[0]}: {r['default allocator']}" for r in runs), "refused"
        elif returned and all(r["default allocator"].startswith(("returned", "raised")) for r in runs):
            summary, verdict = "no released build tried died or read invalid memory", "loads"
        else:
            summary, verdict = "not settled: " + "; ".join(r["default allocator"] for r in runs), "unsettled"
        files.append({"repository": e["repository"], "commit": e["commit"], "path": e["path"],
                      "sha256": e["sha256"], "blocked for": selected[e["sha256"]][0],
                      "verdict": verdict, "summary": summary, "runs": runs})
    with open(os.path.join(FIXTURES, "loader-oracle.json"), "w") as f:
        json.dump({"generated_by": "scripts/data/real-world-loader-oracle.py",
                   "loaders": [{k: v for k, v in ld.items() if k not in ("root", "ubuntu")} for ld in loaders],
                   "upstream modules": {m: {"answered by": UPSTREAM_MODULES[m], "files": UPSTREAM_FILES[m],
                                            "pinned versions whose tree has them": upstream[m]}
                                        for m in UPSTREAM_MODULES},
                   "files": files}, f, indent=1)
        f.write("\n")
    print(f"{len(files)} files loaded; unsafe in a released build that resolves their names: "
          f"{sum(1 for x in files if x['verdict'].startswith('unsafe'))}", file=sys.stderr)


if __name__ == "__main__":
    main()
