#!/usr/bin/python3
"""Load server of the oracle fuzzer (scripts/fuzz-oracle.ts). Test tooling only, never part of a scan. It runs
programs that may be hostile, so it never runs them in itself: it imports the ML libraries once (pristine), then forks
a long-lived child that loads batch after batch of programs with the real loaders, in memory, under an audit hook that
records every watched event (exec, compile, open, import of a module not loaded before, os.*, subprocess.*, socket.*,
ctypes.*, shutil.*, webbrowser.*, urllib.*) and VETOES (raises on) the ones a load of data must never raise
(flagged(), the same rule as scripts/fuzz-oracle/events.ts), so a payload is seen but takes no effect. The child is
recycled (exits; the server forks a fresh one from its pristine state and the batch resumes there) after RECYCLE
programs, right after a load stopped by its CPU limit or ended by an exception outside Exception other than our veto
(SystemExit...), after a crash, and whenever the driver asks for a fresh child (a candidate failure is re-run alone in
one). A veto does not recycle: the vetoed operation did not happen (each child costs ~0.4 s of CPU in page copies). Each load
has a CPU-time limit (ITIMER_PROF); a load stuck in C code past the server's wall-clock watchdog is killed with its
child, reported as 'timeout', and the batch resumes after it in a new child. Address space is capped (RLIMIT_AS).
Under Python < 3.8, which has no audit hooks, the same events come from the server's own wrappers (emulate_audit; a
weaker monitor: the ready line's "monitor" says "emulated").

Protocol with the driver (binary requests on stdin, JSON lines on stdout):
  first line : {"ready": true, "python": ..., "versions": {...}, "unloadable": [indexes of names no loader resolves]}
  request    : u32 n_programs, u8 loader_mask, f64 timeout_s, u8 fresh, then per program three u32-length-prefixed
               byte strings: the pickle, the same pickle as a torch zip (archive/data.pkl) and as an object .npy
  response   : {"results": [{"loader": L, "program": i, "end": ..., "events": [[event, repr], ...], "veto": bool,
                "pid": the child's pid when the load ended it (crash, timeout), else null}...],
                "children": forks so far, "killed": children killed by the watchdog}
Loaders (mask bits): 1 pickle.loads, 2 pandas.read_pickle, 4 joblib.load, 8 torch.load (bytes are a zip; with
weights_only=False wherever torch has that argument: torch >= 2.6 defaults to True, a restricted unpickler, and the
oracle's case is the user who loads a checkpoint with the pickle loader; the ready line's "torchLoad" says which),
16 numpy.load(allow_pickle=True) (bytes are an .npy), 32 torch.load(f, weights_only=True) (the zip; where torch has
the argument, else the bit loads nothing: the ready line's "torchWeightsOnly" says which). Every program is loaded by
every loader of the mask.
argv: names file (one "module name" a line), admitted roots (comma-separated), and optionally the reviewed hooks
file (one "entry_module entry_name hook_module hook_class" a line: an admitted class and the class whose __setstate__
the pack's review names for it, `rebuild`).

Reviewed native parses. A hook the packs admitted after review may call into its library's native code
(XGBoost's Booster.__setstate__ hands the pickled model bytes to libxgboost: ctypes.dlsym, ctypes.cdata/buffer). Such
an event is recorded with the hook that raised it and not flagged only when the stack at the event shows that reviewed
hook as the entry into library code: the hook's frame runs on an instance of a class the review admits with it, every
frame outside it is the loaders' own machinery (the C unpickler's caller, or the pure-Python unpickler's load_build),
and every frame between it and the event is the hook's own module or ctypes (nothing the stream chose in between).
Any other route to the same event (the same native function reached from a planted call, from another library's hook,
from a rebuild helper that calls __setstate__) is still flagged. ctypes.dlopen is never a parse. A __del__
hook is never allowed (reviewed.ts reads __setstate__ hooks only). A CDLL caches each symbol it resolves, so a later lookup would raise no event: the server makes every CDLL the
libraries hold at start-up resolve symbols it had not resolved then anew at each use (uncached_cdlls), so a planted
call after an allowed parse raises its own ctypes.dlsym.
"""
import gc
import importlib
import importlib.util
import io
import json
import os
import re
import resource
import select
import signal
import struct
import sys
import time
import warnings

warnings.simplefilter('ignore')
LOADERS = [(1, 'pickle'), (16, 'numpy'), (2, 'pandas'), (4, 'joblib'), (8, 'torch'), (32, 'torch-wo')]
WATCHED = ('exec', 'compile', 'open', 'import')
WATCHED_PREFIXES = ('os.', 'subprocess.', 'socket.', 'ctypes.', 'shutil.', 'webbrowser.', 'urllib.')
MARKER = 'sentinel_oracle'
RECYCLE = 3000
WATCHDOG_S = 120.0  # wall clock, for a child blocked without using CPU
NORMAL_END = (Exception,)
# pandas.read_pickle (1.5) re-reads the stream with its compat unpickler after these errors of pickle.load.
PANDAS_RETRIES = (AttributeError, ImportError, TypeError, UnicodeDecodeError)

_DESCR = re.compile(r"""^\(b?["']\{'descr': """)
_MODE = re.compile(r", '([rwxab+tU]+)'")
_LIB = re.compile(r'(/usr/(lib|share)/|site-packages|dist-packages)')
_OS = re.compile(r'^os\.(system|exec|spawn|posix_spawn|fork|forkpty|kill|killpg|remove|unlink|rename|rmdir|mkdir|'
                 r'chmod|chown|truncate|putenv|unsetenv|link|symlink|utime|startfile|add_dll_directory)')
_IMPORT = re.compile(r"^\('([^']+)'")


def flagged(event, text, roots):
    """scripts/fuzz-oracle/events.ts flaggedEvent, on the same repr text (kept in step by its test)."""
    if MARKER in text:
        return True
    if event == 'compile' and _DESCR.match(text) and text.endswith(", '<unknown>')"):
        return False
    if event in ('exec', 'compile'):
        return False
    if event.startswith(('subprocess.', 'socket.', 'ctypes.')):
        return True
    if event == 'import':
        m = _IMPORT.match(text)
        return m is None or m.group(1).split('.')[0] not in roots
    if event == 'open':
        m = _MODE.search(text)
        mode = m.group(1) if m else 'r'
        return any(c in mode for c in 'wxa+') or not _LIB.search(text)
    if event.startswith('os.'):
        return _OS.match(event) is not None
    return event.startswith(('shutil.', 'webbrowser.', 'urllib.'))


# Modules whose frames are the loaders' own machinery (pickle's pure-Python unpickler, the loaders that call an
# unpickler), and the files of their pure-Python unpicklers, whose frame calling a hook must be BUILD (load_build).
LOADER_MODULES = ('pickle', 'pandas.io.pickle', 'pandas.compat.pickle_compat', 'joblib.numpy_pickle',
                  'joblib.numpy_pickle_compat', 'joblib.numpy_pickle_utils', 'torch.serialization', 'numpy.lib.format',
                  'numpy.lib.npyio', 'numpy.lib._npyio_impl', 'numpy.lib._format_impl')  # the last two: numpy >= 2
PURE_UNPICKLERS = ('pickle', 'pandas.compat.pickle_compat', 'joblib.numpy_pickle', 'joblib.numpy_pickle_compat')


def module_file(name):
    m = sys.modules.get(name)
    f = getattr(m, '__file__', None)
    return os.path.realpath(f) if f else None


class Allowance:
    """Which flagged events are a reviewed hook's own native parse (see the module's docstring)."""

    def __init__(self, reviewed):
        import ctypes
        import pickle
        self.hooks = {}  # code object of an admitted hook -> (label, classes the review admits with it, is BUILD's)
        for entry_module, entry_name, hook_module, hook_class, *rest in reviewed:
            method = rest[0] if rest else '__setstate__'
            try:
                entry = pickle.Unpickler(io.BytesIO(b'')).find_class(entry_module, entry_name)
                owner = pickle.Unpickler(io.BytesIO(b'')).find_class(hook_module, hook_class)
            except BaseException:  # not installed here
                continue
            hook = vars(owner).get(method) if isinstance(owner, type) else None
            code = getattr(hook, '__code__', None)
            # The installed class must still use the reviewed hook (a subclass may define its own).
            if code is None or not isinstance(entry, type) or getattr(entry, method, None) is not hook:
                continue
            label, classes, _ = self.hooks.get(code, ('%s.%s.%s' % (hook_module, hook_class, method), set(), None))
            classes.add(entry)
            self.hooks[code] = (label, classes, method == '__setstate__')
        self.oracle = os.path.realpath(__file__)  # where the load starts (loader_fn's lambda)
        self.loader_files = {module_file(m) for m in LOADER_MODULES}
        self.loader_files.discard(None)
        self.pure = {module_file(m) for m in PURE_UNPICKLERS}
        self.pure.discard(None)
        self.native_dir = os.path.dirname(os.path.realpath(ctypes.__file__)) + os.sep

    def reviewed(self, event, frame):
        """The label of the reviewed hook whose own native parse raised `event` at `frame`, or None."""
        if not self.hooks or not event.startswith('ctypes.') or event == 'ctypes.dlopen':
            return None
        entry = frame
        while entry is not None and entry.f_code not in self.hooks:
            entry = entry.f_back
        if entry is None:
            return None
        hook_file = entry.f_code.co_filename
        f = frame
        while f is not entry:  # nothing between the hook and the event but its own module and ctypes
            name = f.f_code.co_filename
            native = f.f_code is uncached_lookup.__code__ or os.path.realpath(name).startswith(self.native_dir)
            if name != hook_file and not native:
                return None
            f = f.f_back
        label, classes, build = self.hooks[entry.f_code]
        code = entry.f_code
        this = entry.f_locals.get(code.co_varnames[0]) if code.co_argcount else None
        if type(this) not in classes:  # a BUILD on an instance of a class the review admits with this hook
            return None
        outer = entry.f_back
        if outer is None:
            return None
        outer_file = os.path.realpath(outer.f_code.co_filename)
        if build and outer_file in self.pure and outer.f_code.co_name != 'load_build':
            return None
        f = outer
        while f is not None:  # outside the hook, up to the oracle's own call of the loader: the loaders only
            name = os.path.realpath(f.f_code.co_filename)
            if name == self.oracle:
                return label
            if name not in self.loader_files:
                return None
            f = f.f_back
        return None


def read_reviewed(path):
    if not path:
        return []
    with open(path) as f:
        return [tuple(line.split(' ')) for line in f.read().split('\n') if line.count(' ') in (3, 4)]


def uncached_cdlls():
    """Every ctypes.CDLL a loaded module holds resolves, from now on, each symbol not resolved yet anew at each use
    (ctypes.dlsym each time) instead of caching it; the symbols it resolved so far (set up by the library at import,
    restype and all) stay. Returns how many libraries."""
    import ctypes
    swapped = {}
    seen = set()
    for mod in list(sys.modules.values()):
        for value in list(getattr(mod, '__dict__', {}).values()):
            if not isinstance(value, ctypes.CDLL) or id(value) in seen:
                continue
            seen.add(id(value))
            cls = type(value)
            if cls not in swapped:
                swapped[cls] = type('Uncached' + cls.__name__, (cls,), {'__getattr__': uncached_lookup})
            value.__class__ = swapped[cls]
    return len(seen)


def uncached_lookup(self, name):
    """CDLL.__getattr__ without its cache (uncached_cdlls): part of ctypes' machinery for the Allowance."""
    if name.startswith('__') and name.endswith('__'):
        raise AttributeError(name)
    return self[name]


def probe(data, bit, roots, reviewed):
    """Test entry (test/fuzz/oracle-program.test.ts): loads `data` with loader `bit` in this (throwaway) process under the
    load child's audit hook and allowance. Returns (end, events, veto)."""
    preload([])
    allowance = Allowance(reviewed)
    uncached_cdlls()
    state = {'armed': False, 'events': [], 'veto': False}
    add_monitor(make_hook(state, roots, allowance))
    end = 'ok'
    state['armed'] = True
    try:
        result = loader_fn(bit)(data)
    except Exception as e:
        end = 'error:' + type(e).__name__
        result = None
    except OracleVeto:
        end = 'vetoed'
        result = None
    finally:
        state['armed'] = False
    del result
    return end, state['events'], state['veto']


def preload(modules):
    """Imports the loaders' libraries and the admitted names' modules: an import during a load is then a new module."""
    for m in ['pickle', 'numpy', 'pandas', 'joblib', 'torch', 'scipy', 'sklearn', 'statsmodels.api', 'networkx',
              'pytz', 'dateutil', 'gensim', 'xgboost', 'lightgbm', 'zipfile', 'collections', 'copyreg', 'argparse',
              'pandas.io.pickle', 'pandas.compat.pickle_compat',
              # The codecs pickle's pure-Python unpickler (joblib's, pandas' compat one) looks up for its own string
              # opcodes: the libraries of a newer Python have loaded them by now, an older one's may not have.
              'encodings.raw_unicode_escape', 'encodings.utf_8', 'encodings.ascii', 'encodings.latin_1',
              'gzip'] + modules:  # numpy < 1.12's load imports gzip at its first call
        try:
            importlib.import_module(m)
        except BaseException:  # a missing optional library only narrows what can be loaded
            pass


def resolves(module, name):
    """Whether pickle's find_class, or pandas.read_pickle's compat unpickler (its old-location map), finds the name."""
    import pickle
    for mod, nm in [(module, name)] + compat_targets(module, name):
        try:
            pickle.Unpickler(io.BytesIO(b'')).find_class(mod, nm)
            return True
        except BaseException:
            pass
    return False


def compat_targets(module, name):
    try:
        from pandas.compat import pickle_compat
        t = pickle_compat._class_locations_map.get((module, name))
        return [t] if t else []
    except BaseException:
        return []


def torch_load_kwargs():
    """weights_only=False where torch.load has the argument (torch >= 1.13; the default from 2.6 is True)."""
    import inspect
    import torch
    try:
        params = inspect.signature(torch.load).parameters
    except (TypeError, ValueError):
        return {}
    return {'weights_only': False} if 'weights_only' in params else {}


def torch_weights_only():
    """Whether this torch.load has weights_only (torch >= 1.13)."""
    import inspect
    try:
        import torch
        return 'weights_only' in inspect.signature(torch.load).parameters
    except BaseException:
        return False


def torch_load_mode():
    try:
        kwargs = torch_load_kwargs()
    except BaseException:
        return None  # torch not installed
    return 'torch.load(f' + ''.join(', %s=%r' % (k, v) for k, v in kwargs.items()) + ')'


def pandas_kwargs():
    """compression=None where read_pickle has the argument: what 'infer' (the default) decides for a stream with no
    file name in every pandas that infers from a buffer; pandas < 1.0 cannot infer from a buffer and raises ValueError
    on 'infer'."""
    import inspect
    import pandas
    try:
        params = inspect.signature(pandas.read_pickle).parameters
    except (TypeError, ValueError):
        return {}
    return {'compression': None} if 'compression' in params else {}


def reads_stream(bit):
    """Whether loader `bit` here reads a stream (pandas < 0.20's read_pickle and joblib < 0.10's load open their
    argument as a path)."""
    try:
        import pickle
        return loader_fn(bit)(pickle.dumps(1)) == 1
    except BaseException:
        return False


def loader_fn(bit):
    if bit == 1:
        import pickle
        return lambda b: pickle.loads(b)
    if bit == 2:
        import pandas
        kwargs = pandas_kwargs()
        return lambda b: pandas.read_pickle(io.BytesIO(b), **kwargs)
    if bit == 4:
        import joblib
        return lambda b: joblib.load(io.BytesIO(b))
    if bit == 8:
        import torch
        kwargs = torch_load_kwargs()
        return lambda b: torch.load(io.BytesIO(b), **kwargs)
    if bit == 32:
        if not torch_weights_only():
            return lambda b: None
        import torch
        return lambda b: torch.load(io.BytesIO(b), weights_only=True)
    import numpy
    return lambda b: numpy.load(io.BytesIO(b), allow_pickle=True)


# Python < 3.8 has no audit hooks (PEP 578). There the load server raises the same events itself (emulate_audit):
# wrappers of the module functions and classes that raise them in 3.8 (installed before the libraries are imported,
# so a library that binds one of them at its import binds the wrapper) and a finder first on sys.meta_path (the import
# of a module not loaded yet). It is weaker than the interpreter's hooks: a call that reaches the operation without
# passing a wrapped name (C code, a C class such as _socket.socket, a function bound before the wrappers) raises no
# event. The ready line says which monitor ran ("monitor").
_EMULATED_HOOKS = []
_OS_EVENTS = ('system', 'execv', 'execve', 'execl', 'execle', 'execlp', 'execlpe', 'execvp', 'execvpe', 'spawnv',
              'spawnve', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnvp', 'spawnvpe', 'posix_spawn',
              'posix_spawnp', 'fork', 'forkpty', 'kill', 'killpg', 'remove', 'unlink', 'rename', 'replace', 'rmdir',
              'mkdir', 'chmod', 'chown', 'lchown', 'truncate', 'putenv', 'unsetenv', 'link', 'symlink', 'utime',
              'listdir', 'scandir', 'startfile', 'add_dll_directory')


def add_monitor(hook):
    """The interpreter's audit hook where it has one, else the emulated events (emulate_audit)."""
    if hasattr(sys, 'addaudithook'):
        sys.addaudithook(hook)
    else:
        emulate_audit()
        _EMULATED_HOOKS.append(hook)


def _raise_event(event, args):
    for h in _EMULATED_HOOKS:
        h(event, args)


def _wrap(fn, event, shape=None):
    def wrapper(*a, **k):
        _raise_event(event, shape(*a, **k) if shape else a)
        return fn(*a, **k)
    wrapper.__name__ = getattr(fn, '__name__', event)
    wrapper.__qualname__ = getattr(fn, '__qualname__', event)
    wrapper.__doc__ = getattr(fn, '__doc__', None)
    wrapper.__wrapped__ = fn
    return wrapper


def _wrap_exec(fn):
    """exec or eval raising 'exec'; without namespaces given they run in the caller's, as the builtins do."""
    def wrapper(source, *a, **k):
        _raise_event('exec', (source,))
        if not a and not k:
            frame = sys._getframe(1)
            return fn(source, frame.f_globals, frame.f_locals)
        return fn(source, *a, **k)
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn
    return wrapper


def _open_args(file, mode='r', *a, **k):
    return (file, k.get('mode', mode), k.get('flags', 0))


class _ImportEvents:
    """First finder on sys.meta_path: the import of a module not loaded yet raises 'import' (3.8's arguments)."""

    def find_spec(self, name, path=None, target=None):
        _raise_event('import', (name, None, sys.path, sys.meta_path, sys.path_hooks))
        return None

    def find_module(self, name, path=None):  # the finder protocol before find_spec
        return None


def emulate_audit():
    """Installs the emulated events once (Python < 3.8): see _EMULATED_HOOKS."""
    if getattr(emulate_audit, 'done', False):
        return
    emulate_audit.done = True
    import builtins
    import posix
    import shutil
    import socket
    import subprocess
    sys.meta_path.insert(0, _ImportEvents())
    wrapped_open = _wrap(builtins.open, 'open', _open_args)
    builtins.open = wrapped_open
    io.open = wrapped_open
    os.open = _wrap(os.open, 'open', lambda path, flags, *a, **k: (path, None, flags))
    builtins.exec = _wrap_exec(builtins.exec)
    builtins.eval = _wrap_exec(builtins.eval)
    builtins.compile = _wrap(builtins.compile, 'compile', lambda src, filename, *a, **k: (src, filename))
    for name in _OS_EVENTS:
        for mod in (os, posix):
            fn = getattr(mod, name, None)
            if fn is not None and not hasattr(fn, '__wrapped__'):
                setattr(mod, name, _wrap(fn, 'os.' + name))
    popen_init = subprocess.Popen.__init__
    subprocess.Popen.__init__ = _wrap(popen_init, 'subprocess.Popen',
                                      lambda self, args, *a, **k: (k.get('executable'), args, k.get('cwd'),
                                                                   k.get('env')))
    sock_init = socket.socket.__init__
    socket.socket.__init__ = _wrap(sock_init, 'socket.__new__', lambda self, *a, **k: (self,) + a)
    for name in ('connect', 'connect_ex', 'bind', 'sendto', 'sendmsg'):
        fn = getattr(socket.socket, name, None)
        if fn is not None:
            setattr(socket.socket, name, _wrap(fn, 'socket.' + name))
    for name in ('getaddrinfo', 'gethostbyname', 'gethostbyname_ex', 'gethostbyaddr', 'getnameinfo'):
        fn = getattr(socket, name, None)
        if fn is not None:
            setattr(socket, name, _wrap(fn, 'socket.' + name))
    for name in ('copyfile', 'copymode', 'copystat', 'copytree', 'rmtree', 'move', 'chown', 'make_archive',
                 'unpack_archive'):
        fn = getattr(shutil, name, None)
        if fn is not None:
            setattr(shutil, name, _wrap(fn, 'shutil.' + name))
    try:
        import ctypes
        cdll_init = ctypes.CDLL.__init__
        ctypes.CDLL.__init__ = _wrap(cdll_init, 'ctypes.dlopen', lambda self, name, *a, **k: (name,))
        getitem = ctypes.CDLL.__getitem__
        ctypes.CDLL.__getitem__ = _wrap(getitem, 'ctypes.dlsym', lambda self, name: (self, name))
        for name in ('string_at', 'wstring_at', 'memmove', 'memset', 'cast', 'addressof', 'create_string_buffer'):
            fn = getattr(ctypes, name, None)
            if fn is not None:
                setattr(ctypes, name, _wrap(fn, 'ctypes.' + name))
    except ImportError:
        pass
    try:
        import webbrowser
        webbrowser.open = _wrap(webbrowser.open, 'webbrowser.open')
    except ImportError:
        pass
    try:
        import urllib.request
        urllib.request.urlopen = _wrap(urllib.request.urlopen, 'urllib.Request')
    except ImportError:
        pass


class OracleVeto(BaseException):
    """Raised by the audit hook on a flagged event: the operation does not happen."""


class OracleTimeout(BaseException):
    """Raised when a load used its CPU time."""


def read_exact(fd, n):
    parts = []
    while n > 0:
        c = os.read(fd, min(n, 1 << 20))
        if not c:
            return None
        parts.append(c)
        n -= len(c)
    return b''.join(parts)


def parse_request(fd):
    head = read_exact(fd, 14)
    if head is None:
        return None
    n, mask, timeout, fresh = struct.unpack('<IBdB', head)
    programs = []
    for _ in range(n):
        forms = []
        for _ in range(3):
            (ln,) = struct.unpack('<I', read_exact(fd, 4))
            forms.append(read_exact(fd, ln))
        programs.append(forms)
    return mask, timeout, fresh, programs


def make_hook(state, roots, allowance):
    """The load child's audit hook: records watched events; vetoes flagged ones unless a reviewed hook's own native
    parse raised them (recorded as [event, text, hook])."""
    def hook(event, args):
        if not state['armed']:
            return
        if event in WATCHED or event.startswith(WATCHED_PREFIXES):
            if event == 'import' and args[0] in sys.modules:
                return
            state['armed'] = False  # repr() of the arguments may itself raise events
            try:
                text = repr(args)[:300]
            except BaseException:
                text = '<unrepresentable>'
            record = [event, text]
            state['events'].append(record)
            reviewed = None
            if flagged(event, text, roots) and MARKER not in text:
                try:
                    reviewed = allowance.reviewed(event, sys._getframe(1))
                except BaseException:
                    reviewed = None
                if reviewed is not None:
                    record.append(reviewed)
            # An import of a module no finder finds runs nothing (it fails by itself with ModuleNotFoundError, as a
            # loader's look-up of an optional dependency expects: pandas 1.1's read_pickle looks for s3fs first):
            # recorded, not vetoed.
            absent = False
            if event == 'import' and reviewed is None and flagged(event, text, roots):
                try:
                    absent = importlib.util.find_spec(str(args[0]).split('.')[0]) is None
                except BaseException:
                    absent = False
            state['armed'] = True
            if reviewed is None and not absent and flagged(event, text, roots):
                state['veto'] = True
                raise OracleVeto(event)
    return hook


def child_main(req_r, res_w, roots, allowance):
    """Loads what the server sends: per request, programs[start:] under the mask's loaders from loader `lstart`."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open('/proc/self/status') as f:
        vm = int(re.search(r'VmSize:\s+(\d+)', f.read()).group(1)) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (vm + (2 << 30), hard))
    state = {'armed': False, 'events': [], 'veto': False}
    hook = make_hook(state, roots, allowance)

    def on_prof(signum, frame):
        if state['armed']:
            raise OracleTimeout()

    signal.signal(signal.SIGPROF, on_prof)
    signal.signal(signal.SIGVTALRM, signal.SIG_DFL)
    add_monitor(hook)
    fns = {}
    for bit, _ in LOADERS:
        try:
            fns[bit] = loader_fn(bit)
        except ImportError:  # torch not installed (the ready line's torchLoad is null): the driver leaves its bits out
            pass
    done = 0
    out = os.fdopen(res_w, 'w', buffering=1 << 16)
    while True:
        head = read_exact(req_r, 9)
        if head is None:
            os._exit(0)
        start, lstart, retire = struct.unpack('<IIB', head)
        derive_pandas = bool(retire & 2)
        retire &= 1
        req = parse_request(req_r)
        if req is None:
            os._exit(0)
        mask, timeout, _, programs = req
        order = [(i, bit) for i in range(len(programs)) for bit, _ in LOADERS if mask & bit]
        dirty = False
        if (start, lstart) not in order:
            raise SystemExit('bad resume position')
        pickle_end, pickle_events, pickle_retry = None, [], True
        for i, bit in order[order.index((start, lstart)):]:
            if bit == 1:
                pickle_end = None
            which = 1 if bit in (8, 32) else 2 if bit == 16 else 0
            state['events'] = []
            state['veto'] = False
            end = 'ok'
            if bit == 2 and derive_pandas and pickle_end is not None and not pickle_retry:
                # pandas.read_pickle's first step is pickle.load of the same bytes, and it returns or raises what
                # that returns or raises unless it is one of PANDAS_RETRIES: this load's outcome is pickle.loads'.
                out.write(json.dumps({'p': i, 'l': bit, 'e': pickle_end, 'ev': pickle_events, 'v': pickle_veto,
                                      'd': True, 't': 0}) + '\n')
                out.flush()
                continue
            t0 = time.process_time()
            caught = None
            signal.setitimer(signal.ITIMER_PROF, timeout)
            signal.setitimer(signal.ITIMER_VIRTUAL, timeout * 3 + 2)  # stuck in C code: SIGVTALRM ends the child
            state['armed'] = True
            try:
                result = fns[bit](programs[i][which])  # freed after the hook is disarmed (the consumer's use)
            except NORMAL_END as e:
                end = 'error:' + type(e).__name__
                caught = e
            except OracleVeto:  # the operation did not happen; the load ended there
                end = 'vetoed'
            except BaseException as e:  # our CPU limit (a load stopped anywhere), SystemExit, KeyboardInterrupt...
                end = 'timeout' if isinstance(e, OracleTimeout) else 'error:' + type(e).__name__
                dirty = True
            finally:
                state['armed'] = False
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            result = None
            if state['veto']:
                if end == 'ok':
                    end = 'vetoed-ok'  # a library swallowed the veto and went on
            if bit == 1:
                pickle_end, pickle_events, pickle_veto = end, list(state['events']), state['veto']
                pickle_retry = isinstance(caught, PANDAS_RETRIES)
            out.write(json.dumps({'p': i, 'l': bit, 'e': end, 'ev': state['events'], 'v': state['veto'],
                                  't': round((time.process_time() - t0) * 1e6)}) + '\n')
            # Each result reaches the server before the next load starts: a load that crashes the child then costs
            # only itself (buffered results were lost with the child, and the server re-ran them in new children,
            # one crash per fork, and recorded the first lost load as the crash).
            out.flush()
            done += 1
            if dirty:  # the rest of the request goes to a fresh child
                out.write(json.dumps({'retire': True}) + '\n')
                out.flush()
                os._exit(0)
        retire = retire or done >= RECYCLE * 5
        out.write(json.dumps({'done': True, 'retire': bool(retire)}) + '\n')
        out.flush()
        if retire:
            os._exit(0)


class Server:
    def __init__(self, roots, allowance):
        self.roots = roots
        self.allowance = allowance
        self.pid = None
        self.forks = 0
        self.killed = 0

    def spawn(self):
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(req_w)
            os.close(res_r)
            try:
                os.setpgid(0, 0)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                child_main(req_r, res_w, self.roots, self.allowance)
            finally:
                os._exit(1)
        os.close(req_r)
        os.close(res_w)
        self.pid, self.req_w, self.res_r, self.buf = pid, req_w, res_r, b''
        self.forks += 1

    def reap(self, kill):
        if self.pid is None:
            return 0
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.close(self.req_w)
        os.close(self.res_r)
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        # A child that died of a signal we did not send (SIGSEGV, SIGVTALRM at its CPU limit...) gives -signal.
        return -os.WTERMSIG(status) if os.WIFSIGNALED(status) and not (kill and os.WTERMSIG(status) == 9) else 0

    def line(self):
        """The child's next line, or None when it died or stayed silent past the watchdog."""
        while b'\n' not in self.buf:
            ready, _, _ = select.select([self.res_r], [], [], WATCHDOG_S)
            if not ready:
                return None
            chunk = os.read(self.res_r, 1 << 16)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line.decode('utf-8'))  # Python < 3.6's json reads str only

    def run(self, raw, mask, fresh, n, derive):
        order = [(i, bit) for i in range(n) for bit, _ in LOADERS if mask & bit]
        got = {}
        pos = 0
        if fresh:
            self.reap(kill=True)
        while pos < len(order):
            if self.pid is None:
                self.spawn()
            start, lstart = order[pos]
            os.write(self.req_w, struct.pack('<IIB', start, lstart, (1 if fresh else 0) | (2 if derive else 0)))
            view = memoryview(raw)
            while view:
                k = os.write(self.req_w, view[:1 << 16])
                view = view[k:]
            while True:
                rec = self.line()
                if rec is None:  # hung past the watchdog, or died: the current load ends there
                    pid = self.pid
                    status = self.reap(kill=True)
                    self.killed += 1
                    end = 'crash:' + signal.Signals(-status).name if status < 0 else 'timeout'
                    # The child's pid names it in the kernel's log line of a fault (dmesg: python3[pid]: segfault).
                    got[order[pos]] = {'p': order[pos][0], 'l': order[pos][1], 'e': end, 'ev': [], 'v': False,
                                       'pid': pid}
                    pos += 1
                    break
                if rec.get('retire') and not rec.get('done'):  # dirty: the rest in a fresh child
                    self.reap(kill=False)
                    break
                if rec.get('done'):
                    if rec['retire']:
                        self.reap(kill=False)
                    pos = len(order)
                    break
                got[(rec['p'], rec['l'])] = rec
                pos = order.index((rec['p'], rec['l'])) + 1
        names = dict(LOADERS)
        return [{'loader': names[k[1]], 'program': k[0], 'end': r['e'], 'events': r['ev'], 'veto': r['v'],
                 'derived': r.get('d', False), 'us': r.get('t', 0), 'pid': r.get('pid')}
                for k in order for r in [got[k]]]


def main():
    if not hasattr(sys, 'addaudithook'):
        emulate_audit()  # before the libraries are imported: what they bind at import is the wrapper
    with open(sys.argv[1]) as f:
        names = [line.split(' ') for line in f.read().split('\n') if line]
    roots = set(sys.argv[2].split(','))
    preload(sorted({m for m, _ in names}))
    # A library's import may leave sys.stdout replaced (sktime 0.11's check of a missing soft dependency leaves a
    # StringIO there): the protocol is written to the process's own stdout, as the driver reads it.
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    allowance = Allowance(read_reviewed(sys.argv[3] if len(sys.argv) > 3 else None))
    uncached_cdlls()
    unloadable = [i for i, (m, n) in enumerate(names) if not resolves(m, n)]
    versions = {}
    for lib in ['numpy', 'pandas', 'joblib', 'torch', 'scipy', 'sklearn', 'statsmodels', 'networkx', 'pytz',
                'dateutil', 'gensim', 'xgboost', 'lightgbm', 'sktime', 'skbase', 'imblearn', 'category_encoders',
                'neat', 'keras_preprocessing', 'pmdarima', 'catboost', 'keras', 'pycaret']:
        mod = sys.modules.get(lib)
        versions[lib] = getattr(mod, '__version__', '?') if mod else None
    # The libraries' objects move to a generation the collector never scans: a child's collections then do not
    # write to (copy) every page it shares with the server (measured: 1.9 s -> 0.05 s CPU for a child that collects).
    if hasattr(gc, 'freeze'):  # Python >= 3.7
        gc.freeze()
    sys.stdout.write(json.dumps({'ready': True, 'python': sys.version.split()[0], 'versions': versions,
                                 'unloadable': unloadable,
                                 'reviewedHooks': sorted({v[0] for v in allowance.hooks.values()}),
                                 'torchLoad': torch_load_mode(),
                                 'torchWeightsOnly': torch_weights_only(),
                                 'pandasStream': reads_stream(2),
                                 'joblibStream': reads_stream(4),
                                 'monitor': 'audit-hook' if hasattr(sys, 'addaudithook') else 'emulated'}) + '\n')
    sys.stdout.flush()
    server = Server(roots, allowance)
    stdin = sys.stdin.buffer.fileno()
    while True:
        head = read_exact(stdin, 14)
        if head is None:
            server.reap(kill=True)
            return
        n, mask, timeout, flags = struct.unpack('<IBdB', head)
        fresh, derive = flags & 1, flags & 2
        parts = [head]
        for _ in range(n * 3):
            ln = read_exact(stdin, 4)
            parts += [ln, read_exact(stdin, struct.unpack('<I', ln)[0])]
        results = server.run(b''.join(parts), mask, fresh, n, derive)
        sys.stdout.write(json.dumps({'results': results, 'children': server.forks, 'killed': server.killed}) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
