#!/usr/bin/python3
"""Shared by scripts/data/derive-callable-effects.py: what the constructor and the state hook of a pack class do with
the values a pickle stream gives them, read from the library's own source with `ast` (never by running it on stream
content, never by name).

The hooks a stream runs on a class it names: `__new__` and `__init__` when REDUCE/INST/OBJ call the class (NEWOBJ runs
`__new__` only), and at BUILD `__setstate__` or, without one, the default `__dict__.update(state)` plus `setattr` of
the slot state (which runs a custom `__setattr__`). Each hook's source (Python through inspect, Cython from the .pyx
Debian installs, see pack_derivation.hook_source) is parsed and its arguments are followed as taint:

- a parameter is labelled `arg:<i>` (its position after self/cls; `arg:<name>` too for keyword use) or, for the state
  hook, `state`; `x = state['k']`, `state.get('k')`, `state.pop('k')` label `state.k`; `self.__dict__.update(state)`
  or a `setattr(self, k, v)` loop over the state makes every later `self.<attr>` read `state.<attr>`; `self.a = t`
  carries t's labels to `self.a`; other expressions carry the union of the labels they read (coarse, never lost);
- calls of `self.<method>(…)`, of module-level functions and of the classes a hook names are followed into their own
  source (MAX_DEPTH levels), their parameters taking the labels of the arguments passed;
- a sink is recorded with the labels that reach it: `call` (a tainted value is called), `method:<m>` (method m of a
  tainted value is called: the VM calls whatever the stream planted under m), and `open`, `loader`, `import`, `exec`,
  `getattr` (a tainted value reaches builtins.open/io.open/os.*/numpy.memmap/numpy.fromfile, pickle/numpy/joblib/torch
  loads, importlib.import_module/__import__, exec/eval, or getattr with a tainted attribute name), `compile` (compile,
  ast.parse: str or bytes parsed as source) and `compileStr` (ast.literal_eval: a str parsed as source). Sink callables
  are recognised by identity (the object the name resolves to in the function's globals), not by spelling;
- `map(f, …)`/`filter(f, …)` call f with the elements of their other arguments: f's sinks (a sink callable, or a
  function followed into its source) take those labels.
A hook whose source cannot be read or parsed (C, or Cython the parser does not follow) is `opaque`: its effect then
rests on the pack's review verdict, which is recorded beside it.
"""

import ast
import builtins
import importlib
import inspect
import io
import os
import pickle
import re
import textwrap

MAX_DEPTH = 3

# The callables a tainted argument must not reach, recognised by identity.
def _sinks():
    out = {}

    def add(kind, *objs):
        for o in objs:
            if o is not None:
                out[id(o)] = (kind, o)

    import importlib as il
    import mmap
    import shutil
    import subprocess

    add('open', builtins.open, io.open, io.FileIO, os.open, os.remove, os.unlink, os.rename, os.replace, os.makedirs,
        os.mkdir, os.rmdir, os.listdir, os.stat, os.chmod, mmap.mmap, shutil.rmtree, shutil.copy, shutil.move,
        getattr(os, 'fdopen', None))
    add('exec', builtins.exec, builtins.eval, os.system, os.popen, subprocess.Popen, subprocess.run,
        subprocess.call, subprocess.check_output, subprocess.check_call)
    # Compile sinks: the value is parsed as Python source (CPython's compiler runs on the text the stream chose; no
    # code runs). compile() and ast.parse() take str or bytes; ast.literal_eval parses a str only (any other value is
    # walked as a syntax tree or refused).
    import ast as ast_module

    add('compile', builtins.compile, ast_module.parse)
    add('compileStr', ast_module.literal_eval)
    add('import', builtins.__import__, il.import_module, il.__import__)
    add('getattr', builtins.getattr)
    add('loader', pickle.load, pickle.loads, pickle.Unpickler)
    try:
        import numpy as np

        add('open', np.memmap, np.fromfile, np.loadtxt, np.genfromtxt, np.save, np.savez, np.tofile if hasattr(np, 'tofile') else None)
        add('loader', np.load)
    except ImportError:
        pass
    try:
        import joblib

        add('loader', joblib.load)
    except ImportError:
        pass
    try:
        import pandas as pd

        add('loader', pd.read_pickle)
        add('open', pd.read_csv)
    except ImportError:
        pass
    return out


SINKS = _sinks()
# Special methods CPython runs on an object's class for an operation (never looked up on the instance __dict__).
IMPLICIT_HOOKS = ('__hash__', '__eq__', '__ne__', '__lt__', '__le__', '__gt__', '__ge__', '__len__', '__iter__',
                  '__index__', '__bool__', '__getitem__', '__contains__')
# Builtins that call their first argument with the elements of the others.
HIGHER_ORDER = (builtins.map, builtins.filter)

# Special methods CPython runs on the left and right operands of a comparison (the right one reflected: a < b tries
# b.__gt__(a) when a's answers NotImplemented or b's class is a subclass of a's); `in` asks the container.
COMPARE_DUNDERS = {
    ast.Eq: (('__eq__',), ('__eq__',)),
    ast.NotEq: (('__ne__',), ('__ne__',)),
    ast.Lt: (('__lt__',), ('__gt__',)),
    ast.LtE: (('__le__',), ('__ge__',)),
    ast.Gt: (('__gt__',), ('__lt__',)),
    ast.GtE: (('__ge__',), ('__le__',)),
    ast.In: (('__eq__',), ('__contains__', '__iter__')),
    ast.NotIn: (('__eq__',), ('__contains__', '__iter__')),
}


def _implicit_calls():
    """(callables, special methods they run on their arguments' classes), recognised by identity."""
    import bisect
    import heapq
    import operator

    iterate = ('__iter__',)
    order = ('__iter__', '__lt__', '__gt__')
    return (
        ((list, tuple, set, frozenset, enumerate, zip, sum, any, all, iter, dict, reversed), iterate),
        ((sorted, min, max, heapq.heapify, heapq.heappush, heapq.heappop, heapq.heapreplace, heapq.heappushpop,
          heapq.nsmallest, heapq.nlargest, heapq.merge, bisect.bisect, bisect.bisect_left, bisect.bisect_right,
          bisect.insort, bisect.insort_left, bisect.insort_right), order),
        ((len,), ('__len__',)),
        ((bool,), ('__bool__',)),
        ((hash,), ('__hash__',)),
        ((range, operator.index), ('__index__',)),
        ((operator.lt,), ('__lt__',)), ((operator.le,), ('__le__',)), ((operator.gt,), ('__gt__',)),
        ((operator.ge,), ('__ge__',)), ((operator.eq,), ('__eq__',)), ((operator.ne,), ('__ne__',)),
        ((operator.getitem,), ('__getitem__',)), ((operator.contains,), ('__contains__',)),
    )


IMPLICIT_CALLS = _implicit_calls()
# Builtins whose result may be one of their arguments (or an element or attribute of one).
RETURNS_ARGUMENT = (getattr, next, min, max, vars)
# Methods of a list that compare its elements (sort) or compare them with the argument.
SEQUENCE_METHODS = {'sort': ('__lt__', '__gt__'), 'index': ('__eq__',), 'count': ('__eq__',), 'remove': ('__eq__',)}


def _cython_to_python(src):
    """A best-effort rewrite of a Cython hook to Python syntax: declarations and typed parameters lose their types."""
    src = textwrap.dedent(src)
    src = re.sub(r'^(\s*)c?p?def\s+(?:inline\s+)?(?:[\w.\[\]]+\s+)?(\w+\s*\()', r'\1def \2', src, flags=re.M)
    src = re.sub(r'^(\s*)cdef\s+(?:(?:readonly|public|const|unsigned|object|list|dict|tuple|str|bint|int|long|'
                 r'double|float|Py_ssize_t|[\w.]+_t|[\w.]+)\s+)+', r'\1', src, flags=re.M)
    src = re.sub(r'<[\w. *]+>', '', src)  # casts
    # typed parameters: "object n=1", "bint normalize=False", "int64_t x"
    def untype(m):
        params = m.group(2)
        params = re.sub(r'\b(?:object|bint|int|long|double|float|str|list|dict|tuple|Py_ssize_t|[\w.]+_t|'
                        r'[A-Z]\w*)\s+(\*{0,2}\w+)', r'\1', params)
        params = params.replace(' not None', '')
        return m.group(1) + params + m.group(3)
    src = re.sub(r'^(\s*def\s+\w+\s*\()(.*?)(\)\s*(?:->\s*[\w.]+\s*)?(?:except[^:]*)?:)', untype, src,
                 flags=re.M | re.S)
    src = re.sub(r'\)\s*except\s*[^:]*:', '):', src)
    return src


def parse_hook(src, kind):
    if src is None:
        return None
    text = textwrap.dedent(src)
    if kind == 'cython':
        text = _cython_to_python(text)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    return None


class Analysis:
    """Follows taint through one hook (and the functions it calls) and collects sinks."""

    # Record a method called on a hook parameter itself (`state.get(…)`, the parameter never rebound in the hook) as
    # `own:<m>`, apart from `method:<m>` (a method of the value or of anything the hook took out of it: the labels are
    # coarse). Read by the consumers that know the `ownMethods` sink (derive-history.py through source_hook_effects).
    own_receivers = False
    # Resolve the names a function imports inside its body (`from pandas.core.internals.blocks import new_block` in a
    # Cython reconstructor) and record every call of a name that resolves to nothing while it is handed a stream value
    # (`unresolved`): a pack callable's derivation fails on such a call instead of reading it as doing nothing.
    strict_calls = False

    def __init__(self, cls):
        self.cls = cls
        self.sinks = {}  # (kind, label) -> where
        self.opaque = []  # functions on the path that could not be read
        self.unresolved = []  # calls of names that resolve to nothing, with stream values among their arguments
        self.seen = set()

    def sink(self, kind, labels, where):
        for lab in labels:
            self.sinks.setdefault((kind, lab), where)

    def function(self, fn, arg_labels, self_labels, whole_state, depth, where, globals_, bound=True, closure=None,
                 outer_self=None, exact=False):
        """Analyse `fn` (an ast FunctionDef) with parameter labels; returns the labels of what it returns. `exact`:
        each labelled parameter is the labelled value itself (the hook's own parameters, not a callee's)."""
        params = fn.args
        names = [a.arg for a in params.posonlyargs + params.args]
        env = {k: set(v) for k, v in (closure or {}).items()}
        for i, n in enumerate(names):
            env[n] = set(arg_labels.get(i, set())) | set(arg_labels.get(n, set()))
        if params.vararg:
            env[params.vararg.arg] = set().union(*[v for k, v in arg_labels.items() if isinstance(k, int)] or [set()])
        if params.kwarg:
            env[params.kwarg.arg] = set().union(*arg_labels.values()) if arg_labels else set()
        for a in params.kwonlyargs:
            env[a.arg] = set(arg_labels.get(a.arg, set()))
        selfname = names[0] if names and bound else outer_self
        # Functions the body defines (a closure the hook calls, pandas' unpickle_block): a call of one is followed into
        # its own body with the labels of the arguments passed, and the names it reads from the hook take their labels.
        local_defs = {n.name: n for n in ast.walk(fn) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                      and n is not fn}
        local_imports = self.local_imports(fn, globals_, where) if self.strict_calls else {}
        ctx = {'env': env, 'self': selfname, 'self_labels': self_labels, 'whole': whole_state, 'depth': depth,
               'where': where, 'globals': globals_, 'ret': set(), 'local_defs': local_defs,
               'local_imports': local_imports,
               'exact': _exact_params(fn, names, env, selfname) if exact and self.own_receivers else {}}
        # Two passes: labels assigned late (a loop) reach reads written earlier in the text.
        for _ in range(2):
            for stmt in fn.body:
                self.visit(stmt, ctx)
        return ctx['ret']

    def local_imports(self, fn, globals_, where):
        """{name: object} of the imports in `fn`'s own body (not in the functions it defines); a name that cannot be
        imported is recorded as unresolved."""
        out = {}
        package = (globals_ or {}).get('__package__') or ''
        todo = list(fn.body)
        while todo:
            n = todo.pop()
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            todo.extend(ast.iter_child_nodes(n))
            if isinstance(n, ast.ImportFrom):
                try:
                    module = importlib.import_module(('.' * n.level) + (n.module or ''), package or None)
                except Exception:
                    self.unresolved.append(f'{where}: from {"." * n.level}{n.module or ""} import …')
                    continue
                for a in n.names:
                    if a.name == '*':
                        self.unresolved.append(f'{where}: from {n.module} import *')
                        continue
                    obj = getattr(module, a.name, None)
                    if obj is None:
                        try:
                            obj = importlib.import_module(f'{module.__name__}.{a.name}')
                        except Exception:
                            self.unresolved.append(f'{where}: {module.__name__}.{a.name}')
                            continue
                    out[a.asname or a.name] = obj
            elif isinstance(n, ast.Import):
                for a in n.names:
                    try:
                        mod = importlib.import_module(a.name)
                    except Exception:
                        self.unresolved.append(f'{where}: import {a.name}')
                        continue
                    out[a.asname] = mod if a.asname else None
                    if not a.asname:
                        out[a.name.split('.')[0]] = importlib.import_module(a.name.split('.')[0])
        return {k: v for k, v in out.items() if k is not None}

    # ------------------------------------------------------------------ expressions
    def labels(self, node, ctx):
        env = ctx['env']
        if node is None:
            return set()
        if isinstance(node, ast.Name):
            return set(env.get(node.id, set()))
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == ctx['self']:
                out = set(ctx['self_labels'].get(node.attr, set()))
                if ctx['whole'][0]:
                    out.add(f'state.{node.attr}')
                return out
            return self.labels(node.value, ctx)
        if isinstance(node, ast.Subscript):
            base = self.labels(node.value, ctx)
            key = node.slice.value if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) else None
            self.labels(node.slice, ctx)
            if isinstance(node.ctx, ast.Load):
                self.dunder(('__getitem__',), base, ctx)
            # A slice's bounds are converted with __index__; a key is hashed (a mapping) or converted (a sequence).
            if isinstance(node.slice, ast.Slice):
                for part in (node.slice.lower, node.slice.upper, node.slice.step):
                    self.dunder(('__index__',), self.labels(part, ctx), ctx)
            else:
                self.dunder(('__index__', '__hash__'), self.labels(node.slice, ctx), ctx)
            if key is not None and base & {'state'}:
                return (base - {'state'}) | {f'state.{key}'}
            return base | self.labels(node.slice, ctx)
        if isinstance(node, ast.Call):
            return self.call(node, ctx)
        if isinstance(node, (ast.Lambda,)):
            return set()
        if isinstance(node, ast.Compare):
            operands = [node.left] + list(node.comparators)
            labs = [self.labels(o, ctx) for o in operands]
            for i, op in enumerate(node.ops):
                left, right = COMPARE_DUNDERS.get(type(op), ((), ()))
                self.dunder(left, labs[i], ctx)
                self.dunder(right, labs[i + 1], ctx)
            return set().union(*labs)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.truth(node.operand, ctx)
        elif isinstance(node, ast.BoolOp):
            for v in node.values:
                self.truth(v, ctx)
        elif isinstance(node, ast.IfExp):
            self.truth(node.test, ctx)
        elif isinstance(node, ast.Starred):
            self.dunder(('__iter__',), self.labels(node.value, ctx), ctx)
        out = set()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                out |= self.labels(child, ctx)
            elif isinstance(child, ast.comprehension):
                out |= self.labels(child.iter, ctx)
                if not self.fresh(child.iter, ctx):
                    self.dunder(('__iter__',), self.labels(child.iter, ctx), ctx)
                self.bind(child.target, self.labels(child.iter, ctx), ctx)
                for cond in child.ifs:
                    self.labels(cond, ctx)
            elif isinstance(child, ast.keyword):
                out |= self.labels(child.value, ctx)
        return out

    def dunder(self, names, labels, ctx):
        """Special methods CPython calls on a value's class (never on its instance __dict__) by an operation the code
        applies to it: recorded as `dunder:<name>` sinks of its labels (the classes the value may be then decide)."""
        for name in names:
            if labels:
                self.sink(f'dunder:{name}', labels, f"{ctx['where']}: {name}")

    def membership_guard(self, test, ctx):
        """(name, holds in the if-branch) for `name in C` / `name not in C` where C is a set, frozenset, dict, list or
        tuple the function's module holds (a constant of the library), else None."""
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn))
                and isinstance(test.left, ast.Name)):
            return None
        container = self.resolve_expr(test.comparators[0], ctx)
        if isinstance(container, tuple) or not isinstance(container, (set, frozenset, dict, list, tuple)):
            return None
        if self.labels(test.comparators[0], ctx):
            return None
        return test.left.id, isinstance(test.ops[0], ast.In)

    def truth(self, node, ctx):
        """A value tested for truth (if/while/not/and/or): __bool__, or __len__ without one. A comparison or boolean
        expression records its own operands."""
        if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
            return
        if not self.fresh(node, ctx):
            self.dunder(('__bool__',), self.labels(node, ctx), ctx)

    def fresh(self, node, ctx):
        """A call of a builtin whose result is a new builtin value (isinstance, len, range, sorted, …), not one of its
        arguments: testing or iterating it runs no special method of the stream's classes (the call records its own)."""
        if not isinstance(node, ast.Call):
            return False
        target = self.resolve_expr(node.func, ctx)
        if target is None or isinstance(target, tuple) or any(target is r for r in RETURNS_ARGUMENT):
            return False
        return getattr(target, '__module__', None) == 'builtins' or (isinstance(target, type) and
                                                                     target.__module__ == 'builtins')

    def resolve_expr(self, node, ctx):
        """The object a Name/Attribute chain denotes in the function's globals (modules, functions, classes)."""
        if isinstance(node, ast.Name):
            if node.id in ctx.get('local_imports', {}):
                return ctx['local_imports'][node.id]
            g = ctx['globals']
            if node.id in g:
                return g[node.id]
            return getattr(builtins, node.id, None)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == ctx['self']:
                return ('self', node.attr)
            base = self.resolve_expr(node.value, ctx)
            if base is None or isinstance(base, tuple):
                return None
            try:
                return inspect.getattr_static(base, node.attr) if isinstance(base, type) else getattr(base, node.attr)
            except AttributeError:
                return None
        return None

    def call(self, node, ctx):
        argl = [self.labels(a.value if isinstance(a, ast.Starred) else a, ctx) for a in node.args]
        kwl = {k.arg: self.labels(k.value, ctx) for k in node.keywords}
        every = set().union(*argl, *kwl.values()) if (argl or kwl) else set()
        func = node.func
        where = ctx['where']
        base_result = set()  # what a method of a stream value returns carries that value's labels
        # A tainted value called, or a method of one.
        if isinstance(func, ast.Attribute):
            base = func.value
            is_self = isinstance(base, ast.Name) and base.id == ctx['self']
            if is_self:
                attr_labels = self.labels(func, ctx)
                if attr_labels:
                    self.sink('call', attr_labels, f'{where}: self.{func.attr}(…)')
            else:
                own_dict = isinstance(base, ast.Attribute) and base.attr == '__dict__' and \
                    isinstance(base.value, ast.Name) and base.value.id == ctx['self']
                bl = set() if own_dict else self.labels(base, ctx)
                own = ctx['exact'].get(base.id) if isinstance(base, ast.Name) else None
                if own is not None:
                    self.sink(f'own:{func.attr}', {own}, f'{where}: {base.id}.{func.attr}(…)')
                elif bl:
                    self.sink(f'method:{func.attr}', bl, f'{where}: .{func.attr}(…)')
                if bl:
                    key = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
                    if func.attr in ('get', 'pop', 'setdefault') and 'state' in bl and isinstance(key, str):
                        base_result = (bl - {'state'}) | {f'state.{key}'}  # state.get('k') is state.k
                    else:
                        base_result = bl
                    # x.__dict__.update(state) on self
                if func.attr == 'update' and isinstance(base, ast.Attribute) and base.attr == '__dict__' \
                        and isinstance(base.value, ast.Name) and base.value.id == ctx['self'] and every & {'state'}:
                    ctx['whole'][0] = True
        elif isinstance(func, ast.Name) and ctx['env'].get(func.id):
            self.sink('call', ctx['env'][func.id], f'{where}: {func.id}(…)')
        elif isinstance(func, ast.Name) and func.id in ctx.get('local_defs', {}) and func.id not in ctx['env']:
            return self.follow_local(ctx['local_defs'][func.id], argl, kwl, ctx)
        # setattr(self, k, v) over the state
        target = self.resolve_expr(func, ctx)
        if self.strict_calls and target is None and every and isinstance(func, ast.Name) \
                and func.id not in ctx['env'] and func.id not in ctx.get('local_defs', {}):
            self.unresolved.append(f'{where}: {func.id}(…)')
        if any(target is h for h in HIGHER_ORDER) and node.args:
            self.dunder(('__iter__',), set().union(*argl[1:]) if len(argl) > 1 else set(), ctx)
            return self.higher_order(node, argl, ctx)
        for callables, names in IMPLICIT_CALLS:
            if any(target is c for c in callables):
                self.dunder(names, every, ctx)
        if isinstance(func, ast.Attribute) and func.attr in SEQUENCE_METHODS:
            base_labels = self.labels(func.value, ctx)
            if base_labels:  # the elements of a tainted list are compared with each other or with the argument
                self.dunder(SEQUENCE_METHODS[func.attr], base_labels, ctx)
            self.dunder(('__eq__',) if func.attr in ('index', 'count', 'remove') else (), every, ctx)
        if target is builtins.setattr and node.args and isinstance(node.args[0], ast.Name) \
                and node.args[0].id == ctx['self'] and len(argl) > 1 and any('state' in l for l in argl[1]):
            ctx['whole'][0] = True
        if target is not None and not isinstance(target, tuple) and id(target) in SINKS:
            kind = SINKS[id(target)][0]
            if kind == 'getattr':
                if len(argl) > 1 and argl[1]:
                    self.sink('getattr', argl[1], f'{where}: getattr(…, <tainted name>)')
            elif every:
                self.sink(kind, every, f'{where}: {getattr(target, "__qualname__", target)}(…)')
            return every
        # Follow calls into code we can read.
        if ctx['depth'] < MAX_DEPTH:
            fn, bound = self.callee(target, ctx)
            if fn is not None and (every or bound):
                arg_labels = {}
                offset = 1 if bound else 0
                for i, l in enumerate(argl):
                    arg_labels[i + offset] = l
                for k, l in kwl.items():
                    if k is not None:
                        arg_labels[k] = l
                    else:
                        for i in range(len(argl), 8):
                            arg_labels.setdefault(i + offset, l)
                return self.follow(fn, arg_labels, ctx, bound)
        return every | base_result

    def higher_order(self, node, argl, ctx):
        """map(f, *iterables) / filter(f, it): f is called with the elements of the iterables, so f's sinks (a sink
        callable, or a function whose source is followed) take the iterables' labels; a stream value as f is called."""
        where = ctx['where']
        name = self.resolve_expr(node.func, ctx).__name__
        elems = set().union(*argl[1:]) if len(argl) > 1 else set()
        fnode = node.args[0]
        if argl[0] and isinstance(fnode, ast.Attribute) and not (isinstance(fnode.value, ast.Name)
                                                                  and fnode.value.id == ctx['self']):
            # map(x.m, …): method m of a stream value is called (what the stream planted under m)
            self.sink(f'method:{fnode.attr}', self.labels(fnode.value, ctx), f'{where}: {name}(.{fnode.attr}, …)')
        elif argl[0]:
            self.sink('call', argl[0], f'{where}: {name}(<stream value>, …)')
        f = self.resolve_expr(fnode, ctx)
        if not elems or f is None:
            return elems | argl[0]
        if not isinstance(f, tuple) and id(f) in SINKS:
            kind = SINKS[id(f)][0]
            if kind != 'getattr':  # getattr(element) with one iterable names no attribute
                self.sink(kind, elems, f'{where}: {name}({getattr(f, "__qualname__", f)}, …)')
            return elems
        if ctx['depth'] < MAX_DEPTH:
            fn, bound = self.callee(f, ctx)
            if fn is not None:
                offset = 1 if bound else 0
                self.follow(fn, {i + offset: elems for i in range(max(1, len(argl) - 1))}, ctx, bound)
        return elems

    def callee(self, target, ctx):
        """(function object, bound-to-self) for a call we can follow."""
        if isinstance(target, tuple) and target[0] == 'self':
            try:
                fn = inspect.getattr_static(self.cls, target[1])
            except AttributeError:
                return None, False
            if isinstance(fn, (staticmethod,)):
                return fn.__func__, False
            if isinstance(fn, classmethod):
                return fn.__func__, True
            return (fn, True) if inspect.isfunction(fn) else (None, False)
        if inspect.isfunction(target):
            return target, False
        if isinstance(target, type) and target.__module__.split('.')[0] not in ('builtins',):
            init = None
            for k in target.__mro__:
                if '__init__' in k.__dict__:
                    init = k.__dict__['__init__']
                    break
            return (init, True) if inspect.isfunction(init) else (None, False)
        return None, False

    def follow_local(self, node, argl, kwl, ctx):
        """A function the hook's body defines, called by name: its body with the arguments' labels; the names it reads
        from the enclosing function (its closure) keep their labels there."""
        arg_labels = {i: l for i, l in enumerate(argl)}
        for k, l in kwl.items():
            if k is not None:
                arg_labels[k] = l
            else:
                for i in range(len(argl), 8):
                    arg_labels.setdefault(i, l)
        every = set().union(*arg_labels.values()) if arg_labels else set()
        key = (id(node), tuple(sorted((str(k), tuple(sorted(v))) for k, v in arg_labels.items())))
        if key in self.seen or ctx['depth'] >= MAX_DEPTH + 1:
            return every
        self.seen.add(key)
        params = {a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
        closure = {k: v for k, v in ctx['env'].items() if k not in params}
        inner = self.function(node, arg_labels, ctx['self_labels'], ctx['whole'], ctx['depth'] + 1,
                              f"{ctx['where']}.<locals>.{node.name}", ctx['globals'], bound=False, closure=closure,
                              outer_self=ctx['self'])
        return inner

    def follow(self, fn, arg_labels, ctx, bound):
        key = (fn, tuple(sorted((str(k), tuple(sorted(v))) for k, v in arg_labels.items())))
        if key in self.seen:
            return set()
        self.seen.add(key)
        try:
            src = inspect.getsource(fn)
        except (OSError, TypeError):
            self.opaque.append(getattr(fn, '__qualname__', str(fn)))
            return set().union(*arg_labels.values()) if arg_labels else set()
        node = parse_hook(src, 'python')
        if node is None:
            self.opaque.append(fn.__qualname__)
            return set().union(*arg_labels.values()) if arg_labels else set()
        where = f'{fn.__module__}.{fn.__qualname__}'
        self_labels = ctx['self_labels'] if bound else {}
        if bound:
            arg_labels = dict(arg_labels)
        return self.function(node, arg_labels, self_labels, ctx['whole'] if bound else [False],
                             ctx['depth'] + 1, where, fn.__globals__, bound)

    # ------------------------------------------------------------------ statements
    def bind(self, target, labels, ctx):
        if isinstance(target, ast.Name):
            ctx['env'][target.id] = set(ctx['env'].get(target.id, set())) | labels
        elif isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                self.bind(t.value if isinstance(t, ast.Starred) else t, labels, ctx)
        elif isinstance(target, ast.Attribute):
            if isinstance(target.value, ast.Name) and target.value.id == ctx['self']:
                ctx['self_labels'].setdefault(target.attr, set()).update(labels)
                if target.attr == '__dict__' and 'state' in labels:  # self.__dict__ = state (older pandas offsets)
                    ctx['whole'][0] = True
            else:
                self.labels(target.value, ctx)
        elif isinstance(target, ast.Subscript):
            self.labels(target, ctx)

    def visit(self, stmt, ctx):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        if isinstance(stmt, ast.Assign):
            lab = self.labels(stmt.value, ctx)
            for t in stmt.targets:
                if isinstance(t, (ast.Tuple, ast.List)):
                    self.dunder(('__iter__',), lab, ctx)  # a, b = value unpacks it
                self.bind(t, lab, ctx)
            return
        if isinstance(stmt, (ast.If, ast.While, ast.Assert)):
            self.truth(stmt.test, ctx)
        if isinstance(stmt, ast.If):
            guard = self.membership_guard(stmt.test, ctx)
            if guard is not None:
                # `if x in KNOWN:` (a container of the library's own, not the stream's): in the branch where it holds
                # x is one of the library's values, not the stream's (pytz.timezone opens a zone file only for a name
                # in all_timezones_set).
                name, inside = guard
                self.labels(stmt.test, ctx)
                env = ctx['env']
                for branch, checked in ((stmt.body, inside), (stmt.orelse, not inside)):
                    saved = set(env.get(name, set()))
                    if checked:
                        env[name] = set()
                    for s in branch:
                        self.visit(s, ctx)
                    if checked:
                        env[name] = saved | env.get(name, set())
                return
        if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            lab = self.labels(stmt.value, ctx) if stmt.value is not None else set()
            self.bind(stmt.target, lab, ctx)
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            lab = self.labels(stmt.iter, ctx)
            if not self.fresh(stmt.iter, ctx):
                self.dunder(('__iter__',), lab, ctx)
            # for k, v in state.items(): labels every name 'state' (keys unknown)
            self.bind(stmt.target, lab, ctx)
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            ctx['ret'] |= self.labels(stmt.value, ctx)
            return
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                lab = self.labels(item.context_expr, ctx)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, lab, ctx)
        for field, value in ast.iter_fields(stmt):
            if field in ('target', 'iter', 'items') and isinstance(stmt, (ast.For, ast.AsyncFor, ast.With,
                                                                          ast.AsyncWith)):
                continue
            if isinstance(value, list):
                for v in value:
                    if isinstance(v, ast.stmt):
                        self.visit(v, ctx)
                    elif isinstance(v, ast.expr):
                        self.labels(v, ctx)
                    elif isinstance(v, ast.ExceptHandler):
                        for s in v.body:
                            self.visit(s, ctx)
            elif isinstance(value, ast.stmt):
                self.visit(value, ctx)
            elif isinstance(value, ast.expr):
                self.labels(value, ctx)


def _exact_params(fn, names, env, selfname):
    """{parameter: label} of the parameters of `fn` that hold exactly their one label's value wherever the body reads
    them: never bound again in it (assignment, augmented or walrus assignment, loop or comprehension or with target,
    del, except ... as, import ... as, match capture, global/nonlocal, a nested def or class of that name)."""
    bound_again = set()
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            bound_again.add(n.id)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            bound_again.update(n.names)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound_again.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound_again.update((a.asname or a.name).split('.')[0] for a in n.names)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not fn:
            bound_again.add(n.name)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            bound_again.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            bound_again.add(n.rest)
    return {n: next(iter(env[n])) for n in names
            if n != selfname and n not in bound_again and len(env.get(n, ())) == 1}


def source_hook_effects(hook, src):
    """The sinks of one hook read from source text alone (a released version's code that is not installed): the same
    labels and sinks as hook_effects, with no globals to resolve and no calls followed into other code (what the hook
    calls of its own library is covered by the review verdict of that hook)."""
    node = parse_hook(src, 'python')
    if node is None:
        return None
    a = Analysis(None)
    a.own_receivers = True
    if hook in IMPLICIT_HOOKS:
        arg_labels, whole = {}, [True]
    elif hook in ('__setstate__', '__setattr__'):
        arg_labels, whole = ({1: {'state'}} if hook == '__setstate__' else {2: {'state'}}), [False]
    else:
        arg_labels, whole = {i: {'state'} for i in range(1, 8)}, [False]
    a.function(node, arg_labels, {}, whole, MAX_DEPTH, hook, {}, exact=hook == '__setstate__')
    return sorted([kind, lab, where] for (kind, lab), where in a.sinks.items())


def hook_effects(cls, hook, owner_kind, src, fn_obj):
    """{'sinks': [[kind, label, where]...], 'opaque': [...]} of one hook of `cls`."""
    node = parse_hook(src, owner_kind)
    if node is None:
        return {'sinks': [], 'opaque': [f'{hook} ({owner_kind})']}
    a = Analysis(cls)
    # A method of __setstate__'s state itself (`state.pop(…)`, state never rebound) is recorded apart (`own:`): what the
    # VM checks on the state alone, not on every value the state holds.
    a.own_receivers = True
    globals_ = getattr(fn_obj, '__globals__', None)
    if globals_ is None:
        mod = importlib.import_module(cls.__module__)
        globals_ = vars(mod)
    whole = [False]
    if hook in IMPLICIT_HOOKS:
        # Run on a dict key or set member (its hash; its __eq__ on a hash collision), or on a value a hook compares,
        # sizes, iterates, indexes or tests: its attributes are the state a BUILD set, read as state.<attr>; the other
        # operand is not followed.
        arg_labels = {}
        whole = [True]
    elif hook == '__setstate__':
        arg_labels = {1: {'state'}}
    else:
        names = [p.arg for p in node.args.posonlyargs + node.args.args][1:]
        arg_labels = {}
        for i, n in enumerate(names):
            arg_labels[i + 1] = {f'arg:{i}'}
            arg_labels[n] = {f'arg:{i}'}
        for p in node.args.kwonlyargs:
            arg_labels[p.arg] = {f'arg:{p.arg}'}
        if node.args.vararg:
            for i in range(len(names), len(names) + 8):
                arg_labels[i + 1] = {f'arg:{i}'}
        if node.args.kwarg:
            arg_labels[node.args.kwarg.arg] = {'arg:**'}
    # positional labels are keyed by position in the def (self at 0)
    params = [p.arg for p in node.args.posonlyargs + node.args.args]
    keyed = {}
    for k, v in arg_labels.items():
        keyed[k] = v
    a.cls = cls
    top = (f'{fn_obj.__module__}.{fn_obj.__qualname__}' if hasattr(fn_obj, '__qualname__') and hasattr(fn_obj, '__module__')
           else f'{cls.__module__}.{cls.__qualname__}.{hook}')
    a.function(node, keyed, {}, whole, 0, top, globals_, exact=hook == '__setstate__')
    sinks = sorted([kind, lab, where] for (kind, lab), where in a.sinks.items())
    return {'sinks': sinks, 'opaque': sorted(set(a.opaque)), 'params': params[1:]}


def function_effects(fn, kind='python', src=None):
    """The sinks of a module-level function a stream calls (a pack reconstructor): labels arg:<i> for its i-th
    parameter; None when its source cannot be read (C, or Cython the parser does not follow)."""
    if src is None:
        try:
            src = inspect.getsource(fn)
        except (OSError, TypeError):
            return None
    node = parse_hook(src, kind)
    if node is None:
        return None
    names = [p.arg for p in node.args.posonlyargs + node.args.args]
    arg_labels = {}
    for i, n in enumerate(names):
        arg_labels[i] = {f'arg:{i}'}
        arg_labels[n] = {f'arg:{i}'}
    if node.args.vararg:
        for i in range(len(names), len(names) + 8):
            arg_labels[i] = {f'arg:{i}'}
    if node.args.kwarg:
        arg_labels[node.args.kwarg.arg] = {'arg:**'}
    a = Analysis(None)
    a.strict_calls = True
    globals_ = getattr(fn, '__globals__', None) or vars(importlib.import_module(fn.__module__))
    a.function(node, arg_labels, {}, [False], 0, f'{fn.__module__}.{fn.__qualname__}', globals_, bound=False)
    sinks = sorted([k, lab, where] for (k, lab), where in a.sinks.items())
    return {'sinks': sinks, 'params': names, 'unresolved': sorted(set(a.unresolved)), 'opaque': sorted(set(a.opaque))}
