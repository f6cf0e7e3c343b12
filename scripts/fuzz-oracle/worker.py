#!/usr/bin/python3
"""Fork server of the oracle fuzzer (scripts/fuzz-oracle.ts): loads ML libraries once, then for each batch of
programs forks a child per loader that installs an audit hook and loads every program of the batch with the real
loader, in memory. The child reports, per program, the audit events that matter (exec, compile, open, import of a
module not loaded before, os.*, subprocess.*, socket.*, ctypes.*) and how the load ended. A child that hangs is
killed at its deadline; the programs it had not finished are reported as 'timeout' / 'not-run' (the driver re-runs
those alone). Test tooling only: never part of a scan. Runs programs that may be hostile: in a throwaway process.

Protocol (binary, stdin -> stdout):
  request  : u32 n_programs, u8 loader_mask, f64 timeout_s, then per program three u32-length-prefixed byte strings:
             the pickle, the same pickle as a torch zip (archive/data.pkl) and as an object .npy
  response : one JSON line per request: {"results": [{"loader": L, "program": i, "end": ..., "events": [...]}...]}
Loaders (mask bits): 1 pickle.load, 2 pandas.read_pickle, 4 joblib.load, 8 torch.load (bytes are a zip),
16 numpy.load(allow_pickle=True) (bytes are an .npy).
"""
import importlib
import io
import json
import os
import select
import signal
import struct
import sys
import time
import warnings

warnings.simplefilter('ignore')
LOADERS = [(1, 'pickle'), (2, 'pandas'), (4, 'joblib'), (8, 'torch'), (16, 'numpy')]
FLAGGED = ('exec', 'compile', 'open', 'import')
FLAGGED_PREFIXES = ('os.', 'subprocess.', 'socket.', 'ctypes.', 'shutil.', 'webbrowser.', 'urllib.')


def preload(modules):
    """Imports the loaders' libraries and the admitted names' modules, so imports during a load are new modules."""
    for m in ['pickle', 'numpy', 'pandas', 'joblib', 'torch', 'scipy', 'sklearn', 'statsmodels.api', 'networkx',
              'pytz', 'dateutil', 'gensim', 'xgboost', 'zipfile', 'collections', 'copyreg', 'argparse',
              'pandas.io.pickle', 'pandas.compat.pickle_compat'] + modules:
        try:
            importlib.import_module(m)
        except BaseException:  # a missing optional library only narrows what can be loaded
            pass


def child(programs, bit, wfd):
    out = os.fdopen(wfd, 'w', buffering=1)
    current = [-1]
    events = []
    known = set(sys.modules)

    def hook(event, args):
        if current[0] < 0:
            return
        if event in FLAGGED or event.startswith(FLAGGED_PREFIXES):
            if event == 'import' and (args[0] in known or args[0] in sys.modules):
                return
            try:
                text = repr(args)[:300]
            except BaseException:
                text = '<unrepresentable>'
            events.append([event, text])

    load = loader_fn(bit)
    which = 1 if bit == 8 else 2 if bit == 16 else 0
    sys.addaudithook(hook)
    for i, forms in enumerate(programs):
        data = forms[which]
        events.clear()
        current[0] = i
        try:
            load(data)
            end = 'ok'
        except BaseException as e:  # the loaders raise anything on random programs
            end = 'error:' + type(e).__name__
        current[0] = -1
        out.write(json.dumps({'program': i, 'end': end, 'events': list(events)}) + '\n')
    out.flush()
    os._exit(0)


def loader_fn(bit):
    if bit == 1:
        import pickle
        return lambda b: pickle.loads(b)
    if bit == 2:
        import pandas
        return lambda b: pandas.read_pickle(io.BytesIO(b))
    if bit == 4:
        import joblib
        return lambda b: joblib.load(io.BytesIO(b))
    if bit == 8:
        import torch
        return lambda b: torch.load(io.BytesIO(b))
    import numpy
    return lambda b: numpy.load(io.BytesIO(b), allow_pickle=True)


def run_loader(programs, bit, timeout):
    """Runs the batch under one loader in a forked child; returns per-program results."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.setpgid(0, 0)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            child(programs, bit, w)
        finally:
            os._exit(1)
    os.close(w)
    buf = b''
    results = {}
    deadline_extra = timeout
    last = time.monotonic()
    while True:
        ready, _, _ = select.select([r], [], [], max(0.0, last + deadline_extra - time.monotonic()))
        if not ready:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        chunk = os.read(r, 65536)
        if not chunk:
            break
        buf += chunk
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            rec = json.loads(line)
            results[rec['program']] = rec
            last = time.monotonic()
    os.close(r)
    os.waitpid(pid, 0)
    out = []
    hung = False
    for i in range(len(programs)):
        rec = results.get(i)
        if rec is None:
            rec = {'program': i, 'end': 'not-run' if hung else 'timeout', 'events': []}
            hung = True
        out.append(rec)
    return out


def read_exact(n):
    b = b''
    while len(b) < n:
        c = sys.stdin.buffer.read(n - len(b))
        if not c:
            return None
        b += c
    return b


def main():
    with open(sys.argv[1]) as f:
        modules = [m for m in f.read().split('\n') if m]
    preload(modules)
    sys.stdout.write(json.dumps({'ready': True, 'python': sys.version.split()[0]}) + '\n')
    sys.stdout.flush()
    while True:
        head = read_exact(13)
        if head is None:
            return
        n, mask, timeout = struct.unpack('<IBd', head)
        programs = []
        for _ in range(n):
            forms = []
            for _ in range(3):
                (ln,) = struct.unpack('<I', read_exact(4))
                forms.append(read_exact(ln))
            programs.append(forms)
        results = []
        for bit, name in LOADERS:
            if mask & bit:
                for rec in run_loader(programs, bit, timeout):
                    rec['loader'] = name
                    results.append(rec)
        sys.stdout.write(json.dumps({'results': results}) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
