// Facts produced by analyzePythonModule: imports, LEGB bindings, constants, call sites and their arguments,
// try/except context, decorators, attribute references, strings, assignments and parse errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';
import type { CallSite, PythonModule } from '../../../src/analyzers/python/module-model.js';

function callAt(mod: PythonModule, line: number, raw?: string): CallSite {
  const c = mod.calls.find((x) => x.span.line === line && (raw === undefined || x.callee.raw === raw));
  assert.ok(c, `no call at line ${line}${raw !== undefined ? ' with callee ' + raw : ''}`);
  return c;
}

function qualifiedNames(c: CallSite): string[] {
  return c.callee.values.flatMap((v) => (v.kind === 'qualified' ? [v.name] : [v.kind]));
}

describe('imports', () => {
  it('records every import form with the qualified name it binds', async () => {
    const mod = await analyzePythonModule(
      [
        'import torch as T, os',
        'import torch.hub',
        'from torch import load as L, save',
        'from torch.serialization import (load,)',
        'from . import sibling',
        'from ..pkg.mod import y as z',
        'from torch import *',
      ].join('\n'),
    );
    const rows = mod.imports.map((i) => [i.kind, i.boundName, i.qualifiedName, i.relativeLevel]);
    assert.deepEqual(rows, [
      ['import', 'T', 'torch', 0],
      ['import', 'os', 'os', 0],
      ['import', 'torch', 'torch', 0],
      ['from', 'L', 'torch.load', 0],
      ['from', 'save', 'torch.save', 0],
      ['from', 'load', 'torch.serialization.load', 0],
      ['from', 'sibling', '.sibling', 1],
      ['from', 'z', '..pkg.mod.y', 2],
      ['star', null, 'torch', 0],
    ]);
    assert.deepEqual(mod.starImports, ['torch']);
  });

  it('resolves aliases, dotted imports and relative imports at call sites', async () => {
    const mod = await analyzePythonModule(
      [
        'import torch as T',
        'import torch.hub',
        'from torch.hub import load as hub_load',
        'from .models import build',
        'T.load(p)',
        'torch.hub.load("a/b", "m")',
        'hub_load("a/b", "m")',
        'build()',
      ].join('\n'),
    );
    assert.equal(callAt(mod, 5).callee.qualifiedName, 'torch.load');
    assert.equal(callAt(mod, 5).callee.resolution, 'import');
    assert.equal(callAt(mod, 6).callee.qualifiedName, 'torch.hub.load');
    assert.equal(callAt(mod, 7).callee.qualifiedName, 'torch.hub.load');
    assert.equal(callAt(mod, 8).callee.qualifiedName, '.models.build');
  });

  it('resolves nothing through star imports but lists the candidate modules', async () => {
    const mod = await analyzePythonModule('from torch import *\nload(p)\n');
    const c = callAt(mod, 2);
    assert.equal(c.callee.resolution, 'unbound');
    assert.equal(c.callee.qualifiedName, 'load');
    assert.deepEqual(c.callee.starImportModules, ['torch']);
  });

  it('treats importlib.import_module / __import__ / getattr with literal names as imports', async () => {
    const mod = await analyzePythonModule(
      [
        'import importlib',
        't = importlib.import_module("torch.serialization")',
        'u = __import__("torch.hub")',
        'f = getattr(t, "lo" + "ad")',
        'f(p)',
        'u.hub.load("a/b", "m")',
        'getattr(t, name)(p)',
      ].join('\n'),
    );
    assert.equal(callAt(mod, 5).callee.qualifiedName, 'torch.serialization.load');
    assert.equal(callAt(mod, 6).callee.qualifiedName, 'torch.hub.load');
    assert.equal(callAt(mod, 7, 'getattr(t, name)').callee.qualifiedName, null);
  });
});

describe('scopes and bindings', () => {
  it('lets a function-local assignment shadow the module binding (LEGB)', async () => {
    const mod = await analyzePythonModule(
      [
        'from torch import load',
        'def a(p):',
        '    load = safe_load',
        '    return load(p)',
        'def b(p):',
        '    return load(p)',
      ].join('\n'),
    );
    assert.equal(callAt(mod, 4).callee.qualifiedName, 'safe_load');
    assert.equal(callAt(mod, 6).callee.qualifiedName, 'torch.load');
  });

  it('binds through global statements into the module scope', async () => {
    const mod = await analyzePythonModule(
      [
        'import torch',
        'loader = None',
        'def setup():',
        '    global loader',
        '    loader = torch.load',
        'def use(p):',
        '    return loader(p)',
      ].join('\n'),
    );
    assert.deepEqual(qualifiedNames(callAt(mod, 7)).sort(), ['constant', 'torch.load']);
    const g = mod.bindings.filter((b) => b.name === 'loader');
    assert.deepEqual(
      g.map((b) => b.scopeId),
      [0, 0],
    );
    assert.deepEqual(mod.functions[1]!.globals, ['loader']);
  });

  it('binds through nonlocal into the enclosing function', async () => {
    const mod = await analyzePythonModule(
      [
        'import torch',
        'def outer():',
        '    f = None',
        '    def inner():',
        '        nonlocal f',
        '        f = torch.load',
        '    inner()',
        '    return f(p)',
      ].join('\n'),
    );
    assert.ok(qualifiedNames(callAt(mod, 8)).includes('torch.load'));
  });

  it('takes the latest dominating binding for code that runs in place', async () => {
    const mod = await analyzePythonModule(
      ['import torch', 'load = torch.load', 'load(a)', 'load = safe_load', 'load(b)'].join('\n'),
    );
    assert.deepEqual(qualifiedNames(callAt(mod, 3)), ['torch.load']);
    assert.deepEqual(qualifiedNames(callAt(mod, 5)), ['safe_load']);
  });

  it('keeps both branches of a conditional binding and of try/except ImportError', async () => {
    const mod = await analyzePythonModule(
      [
        'if fast:',
        '    from safetensors.torch import load_file as loader',
        'else:',
        '    from torch import load as loader',
        'loader(p)',
        'try:',
        '    from torch import load',
        'except ImportError:',
        '    load = None',
        'def f(p):',
        '    return load(p)',
      ].join('\n'),
    );
    assert.deepEqual(qualifiedNames(callAt(mod, 5)).sort(), ['safetensors.torch.load_file', 'torch.load']);
    assert.deepEqual(qualifiedNames(callAt(mod, 11)).sort(), ['constant', 'torch.load']);
  });

  it('does not confuse parameters, methods or attributes of other objects with imports', async () => {
    const mod = await analyzePythonModule(
      [
        'import torch',
        'def g(torch, model, p):',
        '    torch.load(p)',
        '    model.load_state_dict(p)',
        'class Store:',
        '    def load(self, p):',
        '        return self.backend.load(p)',
      ].join('\n'),
    );
    assert.equal(callAt(mod, 3).callee.qualifiedName, null);
    assert.equal(callAt(mod, 3).callee.resolution, 'parameter');
    assert.equal(callAt(mod, 4).callee.qualifiedName, null);
    assert.equal(callAt(mod, 7).callee.qualifiedName, null);
  });

  it('skips class scopes for methods and unpacks tuple assignments element-wise', async () => {
    const mod = await analyzePythonModule(
      [
        'import torch',
        'load, save = torch.load, torch.save',
        'class A:',
        '    load = None',
        '    def m(self, p):',
        '        return load(p)',
        'save(x, p)',
      ].join('\n'),
    );
    assert.deepEqual(qualifiedNames(callAt(mod, 6)), ['torch.load']);
    assert.deepEqual(qualifiedNames(callAt(mod, 7)), ['torch.save']);
  });

  it('follows call results, with-targets and for-loops over literal tuples', async () => {
    const mod = await analyzePythonModule(
      [
        'import pickle, flask',
        'app = flask.Flask(__name__)',
        'with open(p, "rb") as fh:',
        '    pickle.Unpickler(fh).load()',
        'for wo in (True, False):',
        '    f(weights_only=wo)',
        'app.run()',
      ].join('\n'),
    );
    assert.equal(callAt(mod, 4, 'pickle.Unpickler(fh).load').callee.qualifiedName, 'pickle.Unpickler().load');
    const fhBinding = mod.bindings.find((b) => b.name === 'fh')!;
    assert.deepEqual(fhBinding.values, [{ kind: 'qualified', name: 'builtins.open()' }]);
    const wo = callAt(mod, 6).keywords[0]!.value;
    assert.equal(wo.constant, undefined);
    assert.deepEqual(
      wo.values.map((v) => (v.kind === 'constant' && v.value.type === 'bool' ? v.value.value : null)),
      [true, false],
    );
    assert.equal(callAt(mod, 7).callee.qualifiedName, 'flask.Flask().run');
  });

  it('resolves constants bound at module or function level, and gives up on cycles', async () => {
    const mod = await analyzePythonModule(
      [
        'SAFE = True',
        'NAME = "x" + "y"',
        'def f():',
        '    flag = not SAFE',
        '    g(a=SAFE, b=flag, c=NAME, d=-3, e=None, h=0x10)',
        'a = b',
        'b = a',
        'g(a)',
      ].join('\n'),
    );
    const kw = Object.fromEntries(callAt(mod, 5).keywords.map((k) => [k.name, k.value.constant]));
    assert.deepEqual(kw, {
      a: { type: 'bool', value: true },
      b: { type: 'bool', value: false },
      c: { type: 'str', value: 'xy' },
      d: { type: 'int', value: -3 },
      e: { type: 'none' },
      h: { type: 'int', value: 16 },
    });
    assert.equal(callAt(mod, 8).positional[0]!.constant, undefined);
  });
});

describe('call sites', () => {
  it('records positional, keyword, *args and **kwargs arguments with source and location', async () => {
    const mod = await analyzePythonModule('import torch\nx = torch.load(f, "cpu", *rest, weights_only=True, **opts)\n');
    const c = callAt(mod, 2);
    assert.equal(c.text, 'torch.load(f, "cpu", *rest, weights_only=True, **opts)');
    assert.deepEqual(
      c.positional.map((p) => [p.text, p.nodeType]),
      [
        ['f', 'identifier'],
        ['"cpu"', 'string'],
      ],
    );
    assert.deepEqual(c.positional[1]!.constant, { type: 'str', value: 'cpu' });
    assert.deepEqual(
      c.keywords.map((k) => [k.name, k.value.text, k.value.constant]),
      [['weights_only', 'True', { type: 'bool', value: true }]],
    );
    assert.equal(c.hasStarArgs, true);
    assert.equal(c.hasStarStarKwargs, true);
    assert.deepEqual(c.assignedTo, ['x']);
    assert.deepEqual([c.span.line, c.span.column, c.span.endLine, c.span.endColumn], [2, 5, 2, 59]);
  });

  it('resolves **dict literals and dict(...) bound to a name', async () => {
    const mod = await analyzePythonModule(
      [
        'opts = {"weights_only": False}',
        'more = dict(map_location="cpu")',
        'f(p, **opts)',
        'f(p, **more)',
        'f(p, **unknown)',
      ].join('\n'),
    );
    assert.deepEqual(
      callAt(mod, 3).starStarKwargs[0]!.dictEntries!.map((e) => [e.name, e.value.constant]),
      [['weights_only', { type: 'bool', value: false }]],
    );
    assert.deepEqual(
      callAt(mod, 4).starStarKwargs[0]!.dictEntries!.map((e) => e.name),
      ['map_location'],
    );
    assert.equal(callAt(mod, 5).starStarKwargs[0]!.dictEntries, undefined);
  });

  it('records functools.partial bindings with their bound arguments, nested partials merged', async () => {
    const mod = await analyzePythonModule(
      [
        'import functools, torch',
        'from functools import partial',
        'loader = functools.partial(torch.load, weights_only=False)',
        'cpu_loader = partial(loader, map_location="cpu")',
        'cpu_loader(p)',
      ].join('\n'),
    );
    const v = callAt(mod, 5).callee.values[0]!;
    assert.equal(v.kind, 'qualified');
    if (v.kind !== 'qualified') return;
    assert.equal(v.name, 'torch.load');
    assert.deepEqual(
      v.partial!.keywords.map((k) => [k.name, k.value.text]),
      [
        ['weights_only', 'False'],
        ['map_location', '"cpu"'],
      ],
    );
    assert.equal(v.partial!.span.line, 4);
  });

  it('links nested calls and names read by arguments (for later data-flow rules)', async () => {
    const mod = await analyzePythonModule(
      'import pickle, base64\nobj = pickle.loads(base64.b64decode(request.data))\n',
    );
    const outer = callAt(mod, 2, 'pickle.loads');
    const inner = callAt(mod, 2, 'base64.b64decode');
    assert.deepEqual(outer.positional[0]!.callIds, [inner.id]);
    assert.equal(inner.parentCallId, outer.id);
    assert.deepEqual(inner.positional[0]!.names, ['request']);
    assert.ok(inner.id > outer.id, 'calls are numbered in source order');
  });

  it('records the enclosing function, its decorators and where the call runs', async () => {
    const mod = await analyzePythonModule(
      [
        'import flask, torch',
        'app = flask.Flask(__name__)',
        '@app.route("/up", methods=["POST"])',
        '@staticmethod',
        'def upload():',
        '    return torch.load(flask.request.stream)',
        'class C:',
        '    x = torch.zeros(1)',
        'if __name__ == "__main__":',
        '    app.run()',
        'f = lambda p: torch.load(p)',
      ].join('\n'),
    );
    const c = callAt(mod, 6);
    assert.equal(c.enclosingFunction!.name, 'upload');
    assert.deepEqual(
      c.enclosingFunction!.decorators.map((d) => [d.text, d.qualifiedName, d.isCall]),
      [
        ['app.route("/up", methods=["POST"])', 'flask.Flask().route', true],
        ['staticmethod', 'builtins.staticmethod', false],
      ],
    );
    assert.equal(c.runsAtImport, false);
    const decoratorCall = callAt(mod, 3);
    assert.equal(decoratorCall.runsAtImport, true, 'decorators run at import time');
    assert.equal(decoratorCall.enclosingFunction, null);
    assert.equal(callAt(mod, 8).runsAtImport, true, 'class bodies run at import time');
    assert.equal(callAt(mod, 10).underMainGuard, true);
    assert.equal(callAt(mod, 10).runsAtImport, false);
    assert.equal(callAt(mod, 11, 'torch.load').enclosingFunction!.name, '<lambda>');
  });

  it('records try bodies and except handlers with their exception types', async () => {
    const mod = await analyzePythonModule(
      [
        'import pickle',
        'try:',
        '    a()',
        'except (pickle.UnpicklingError, RuntimeError) as e:',
        '    b()',
        'except:',
        '    c()',
        'else:',
        '    d()',
        'finally:',
        '    e()',
      ].join('\n'),
    );
    const frames = (line: number): unknown[] =>
      callAt(mod, line).tryFrames.map((f) => [f.tryId, f.part, f.handlerTypes, f.handlerQualifiedTypes]);
    assert.deepEqual(frames(3), [[0, 'body', [], []]]);
    assert.deepEqual(frames(5), [
      [0, 'handler', ['pickle.UnpicklingError', 'RuntimeError'], ['pickle.UnpicklingError', 'builtins.RuntimeError']],
    ]);
    assert.deepEqual(frames(7), [[0, 'handler', [], []]]);
    assert.deepEqual(frames(9), [[0, 'else', [], []]]);
    assert.deepEqual(frames(11), [[0, 'finally', [], []]]);
    assert.equal(mod.tries[0]!.handlers.length, 2);
  });

  it('numbers calls in source order and cuts long call text', async () => {
    const long = 'f(' + '"x" + '.repeat(100) + '"x")';
    const mod = await analyzePythonModule(`a(b(), c())\n${long}\n`);
    assert.deepEqual(
      mod.calls.map((c) => c.callee.raw),
      ['a', 'b', 'c', 'f'],
    );
    assert.ok(mod.calls[3]!.text.length <= 200);
    assert.ok(mod.calls[3]!.text.endsWith('…'));
  });
});

describe('other facts', () => {
  it('records attribute references that are not calls, including TorchScript annotations', async () => {
    const mod = await analyzePythonModule(
      [
        'import torch',
        'op = torch.ops.my_ns.my_op',
        'x: torch.classes.ns.Cls = make()',
        'torch.ops.my_ns.other(x)',
      ].join('\n'),
    );
    assert.deepEqual(
      mod.attributeReferences.map((r) => [r.qualifiedName, r.context, r.span.line]),
      [
        ['torch.ops.my_ns.my_op', 'load', 2],
        ['torch.classes.ns.Cls', 'annotation', 3],
      ],
    );
  });

  it('uses implicit globals for names the file never binds', async () => {
    const mod = await analyzePythonModule('def forward(self, x):\n    return ops.myns.myop(x)\n', {
      implicitGlobals: { ops: 'torch.ops', torch: 'torch' },
    });
    assert.equal(mod.calls[0]!.callee.qualifiedName, 'torch.ops.myns.myop');
    assert.equal(mod.calls[0]!.callee.resolution, 'implicit');
  });

  it('records string literals (decoded, docstrings marked) and not comments', async () => {
    const mod = await analyzePythonModule(
      [
        '"""Module doc: torch.load(x)."""',
        '# torch.load(p) in a comment',
        'a = "lib" "custom.so"',
        "b = b'\\x00\\n'",
        'c = f"{x}.so"',
        "d = r'\\n'",
        'def f():',
        '    "doc"',
        '    return "é\\u00e9"',
      ].join('\n'),
    );
    assert.deepEqual(
      mod.strings.map((s) => [s.value, s.isDocstring, s.isBytes, s.isFString, s.span.line]),
      [
        ['Module doc: torch.load(x).', true, false, false, 1],
        ['libcustom.so', false, false, false, 3],
        ['\x00\n', false, true, false, 4],
        [null, false, false, true, 5],
        ['\\n', false, false, false, 6],
        ['doc', true, false, false, 8],
        ['éé', false, false, false, 9],
      ],
    );
    assert.equal(mod.calls.length, 0, 'nothing in comments or strings is a call');
  });

  it('records assignments with their targets for later data-flow rules', async () => {
    const mod = await analyzePythonModule(
      [
        'import os',
        'os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"',
        'data = request.get_data()',
        'x += 1',
        'def f(self, y):',
        '    self.m = y',
      ].join('\n'),
    );
    const rows = mod.assignments.map((a) => [a.kind, a.targets, a.value?.text ?? null]);
    assert.deepEqual(rows, [
      [
        'assign',
        [
          {
            kind: 'subscript',
            objectText: 'os.environ',
            objectQualifiedName: 'os.environ',
            key: { type: 'str', value: 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD' },
          },
        ],
        '"1"',
      ],
      ['assign', [{ kind: 'name', name: 'data' }], 'request.get_data()'],
      ['augmented', [{ kind: 'name', name: 'x' }], '1'],
      ['assign', [{ kind: 'attribute', text: 'self.m' }], 'y'],
    ]);
  });

  it('reports ERROR and MISSING nodes with locations and still analyses the rest', async () => {
    const mod = await analyzePythonModule('import torch\ndef broken(:\n    pass\ny = 1)\n\nz = torch.load(q)\n');
    assert.equal(mod.hasErrors, true);
    assert.deepEqual(
      mod.parseErrors.map((e) => [e.kind, e.span.line, e.span.column, e.text]),
      [
        ['missing', 2, 12, ')'],
        ['error', 4, 5, '1)'],
      ],
    );
    assert.deepEqual(
      mod.calls.map((c) => [c.callee.qualifiedName, c.span.line]),
      [['torch.load', 6]],
    );
  });

  it('describes functions with parameters, defaults, bases and returns', async () => {
    const mod = await analyzePythonModule(
      [
        'import torch.nn as nn',
        'class M(nn.Module):',
        '    async def f(self, a, /, b: int = 1, *args, c, d=None, **kw):',
        '        return a',
      ].join('\n'),
    );
    const m = mod.functions.find((f) => f.name === 'M')!;
    assert.equal(m.bases[0]!.qualifiedName, 'torch.nn.Module');
    const f = mod.functions.find((x) => x.name === 'f')!;
    assert.equal(f.qualifiedName, 'M.f');
    assert.equal(f.isAsync, true);
    assert.deepEqual(
      f.parameters.map((p) => [p.name, p.kind, p.annotation ?? null, p.default?.text ?? null]),
      [
        ['self', 'positional-only', null, null],
        ['a', 'positional-only', null, null],
        ['b', 'positional', 'int', '1'],
        ['args', 'vararg', null, null],
        ['c', 'keyword-only', null, null],
        ['d', 'keyword-only', null, 'None'],
        ['kw', 'kwarg', null, null],
      ],
    );
    assert.deepEqual(
      f.returns.map((r) => r.text),
      ['a'],
    );
  });

  it('counts lines like Python for \\r\\n and lone \\r line ends', async () => {
    for (const eol of ['\r\n', '\r']) {
      const mod = await analyzePythonModule(['import torch', 'x = 1', 'torch.load(p)', ''].join(eol));
      assert.equal(mod.hasErrors, false, JSON.stringify(eol));
      assert.deepEqual([mod.calls[0]!.span.line, mod.calls[0]!.callee.qualifiedName], [3, 'torch.load']);
    }
  });

  it('counts columns in UTF-16 code units', async () => {
    const mod = await analyzePythonModule('s = "é😀"; torch.load(p)\n');
    assert.equal(mod.calls[0]!.span.column, 12);
  });
});
