// TORCH-SCRIPT-CUSTOM-OP case table (Python and TorchScript spellings, library loads, shared-library literals),
// plus the real TorchScript code/ files written by torch 1.13 (scripts/fixtures/python-torchscript-code.py).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { namesSharedLibrary } from '../../../../src/analyzers/python/torch/torch-custom-op-rule.js';
import { signalsFor, assertRuleCase, type RuleCase } from './signal-helpers.js';

const valid: RuleCase[] = [
  {
    name: 'built-in op namespaces',
    src: [
      'import torch',
      'torch.ops.aten.add(x, y)',
      'torch.ops.prim.NumToTensor(3)',
      'torch.ops.quantized.linear_dynamic(x, w)',
      'torch.ops.quantized_decomposed.quantize_per_tensor(x, 1.0, 0, 0, 255, torch.uint8)',
      'torch.ops.higher_order.cond(p, a, b, ())',
      'f = torch.ops.aten.relu.default',
    ],
    expect: [],
  },
  {
    name: 'built-in class namespaces',
    src: [
      'import torch',
      'x: torch.classes.quantized.LinearPackedParamsBase = p',
      'c = torch.classes.xnnpack.LinearOpContext',
    ],
    expect: [],
  },
  { name: 'torch.ops bookkeeping members', src: ['import torch', 'print(torch.ops.loaded_libraries)'], expect: [] },
  {
    name: 'strings that are not library paths',
    src: ['"""Loads libfoo.so"""', 'a = "model.pt"', 'b = "see lib.so for details"', 'c = ".so"'],
    expect: [],
  },
  { name: 'ops of another object', src: ['def f(self, x):', '    return self.ops.myns.myop(x)'], expect: [] },
  {
    name: 'TorchScript aten spelled torch.<op> and ops.prim',
    fileKind: 'torchscript',
    src: [
      'class M(Module):',
      '  def forward(self: __torch__.M, x: Tensor) -> Tensor:',
      '    _0 = torch.add(torch.relu(x), ops.prim.NumToTensor(3))',
      '    return _0',
    ],
    expect: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: 'custom op call',
    src: ['import torch', 'y = torch.ops.my_ns.my_op(x)'],
    expect: [[2, 'high']],
    details: { kind: 'custom-op', namespace: 'my_ns', member: 'my_op' },
  },
  {
    name: 'custom ops referenced and called, one signal per namespace',
    src: ['import torch', 'op = torch.ops.my_ns.my_op', 'torch.ops.my_ns.my_op.default(x)', 'torch.ops.my_ns.other(x)'],
    expect: [[2, 'high']],
    details: { occurrences: 3, lines: ['2', '3', '4'], members: ['my_op', 'other'] },
  },
  {
    name: 'custom op through an aliased namespace',
    src: ['from torch import ops', 'ns = ops.my_ns', 'ns.my_op(x)'],
    expect: [[2, 'high']],
    details: { members: ['my_op'] },
  },
  {
    name: 'custom class',
    src: ['import torch', 'obj = torch.classes.my_ns.Foo(1)'],
    expect: [[2, 'high']],
    details: { kind: 'custom-class' },
  },
  {
    name: 'test-only torchbind class',
    src: ['import torch', 'x = torch.classes._TorchScriptTesting._Foo(1, 2)'],
    expect: [[2, 'high']],
  },
  {
    name: 'torch.ops.load_library with a literal path (string not reported twice)',
    src: ['import torch', 'torch.ops.load_library("build/libcustom_ops.so")'],
    expect: [[2, 'high']],
    details: { kind: 'library-load', path: 'build/libcustom_ops.so' },
  },
  {
    name: 'torch.classes.load_library with a computed path',
    src: ['import torch, os', 'torch.classes.load_library(os.path.join(d, name))'],
    expect: [[2, 'high']],
    details: { pathKnown: false, pathExpression: 'os.path.join(d, name)' },
  },
  {
    name: 'cpp_extension.load_inline',
    src: ['from torch.utils.cpp_extension import load_inline', 'm = load_inline("m", cpp_sources=[src])'],
    expect: [[2, 'high']],
  },
  {
    name: 'ctypes.CDLL in a torch file',
    src: ['import torch, ctypes', 'lib = ctypes.CDLL(path)'],
    expect: [[2, 'medium']],
  },
  {
    name: 'ctypes.CDLL in a file without torch',
    src: ['import ctypes', 'lib = ctypes.CDLL(path)'],
    expect: [[2, 'low']],
  },
  {
    name: 'cdll.LoadLibrary alias',
    src: ['import torch', 'from ctypes import cdll', 'cdll.LoadLibrary("libx.so.1")'],
    expect: [[3, 'medium']],
  },
  {
    name: 'ctypes.util.find_library',
    src: ['import torch, ctypes.util', 'ctypes.util.find_library("custom")'],
    expect: [[2, 'low']],
  },
  {
    name: 'ctypes LibraryLoader attribute',
    src: ['import torch, ctypes', 'ctypes.cdll.libcustom.init()'],
    expect: [[2, 'medium']],
    details: { path: 'libcustom' },
  },
  {
    name: 'shared-library literals',
    src: ['import torch', 'A = "libfoo.so.1.2"', 'B = "C:/x/ops.dll"', 'C = "/opt/lib/libops.dylib"'],
    expect: [
      [2, 'low'],
      [3, 'low'],
      [4, 'low'],
    ],
  },
  {
    name: 'torchvision ops are ecosystem, low confidence',
    src: ['import torch', 'keep = torch.ops.torchvision.nms(boxes, scores, 0.5)'],
    expect: [[2, 'low']],
    details: { package: 'torchvision' },
  },
  {
    name: 'namespace defined in this file with torch.library',
    src: [
      'import torch',
      'lib = torch.library.Library("mylib", "DEF")',
      'lib.define("f(Tensor x) -> Tensor")',
      'torch.ops.mylib.f(x)',
    ],
    expect: [[4, 'low']],
    details: { definedInModule: true },
  },
  {
    name: 'TorchScript ops.<ns>.<op>',
    fileKind: 'torchscript',
    src: ['class C(Module):', '  def forward(self: __torch__.C, x: Tensor) -> Tensor:', '    return ops.myns.myop(x)'],
    expect: [[3, 'high']],
  },
  {
    name: 'TorchScript __torch__.torch.classes annotation',
    fileKind: 'torchscript',
    src: [
      'class C(Module):',
      '  f : __torch__.torch.classes.my_ns.MyStack',
      '  def forward(self: __torch__.C) -> int:',
      '    return 1',
    ],
    expect: [[2, 'high']],
    details: { kind: 'custom-class', namespace: 'my_ns', member: 'MyStack' },
  },
];

const run = (c: RuleCase): Promise<void> => assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c);

describe('TORCH-SCRIPT-CUSTOM-OP valid', () => {
  for (const c of valid) it(c.name, () => run(c));
});

describe('TORCH-SCRIPT-CUSTOM-OP invalid', () => {
  for (const c of invalid) it(c.name, () => run(c));
});

describe('shared-library names', () => {
  const table: [string, boolean][] = [
    ['libfoo.so', true],
    ['libfoo.so.1', true],
    ['libfoo.so.1.2.3', true],
    ['ops.DLL', true],
    ['x.dylib', true],
    ['ext.pyd', true],
    ['.so', false],
    ['libfoo.so.', false],
    ['libfoo.so.x', false],
    ['libfoo.sox', false],
    ['read lib.so', false],
    ['model.pt', false],
  ];
  for (const [value, expected] of table) it(value, () => assert.equal(namesSharedLibrary(value), expected));
});

describe('TorchScript code written by torch.jit.save (torch 1.13)', () => {
  const root = join(import.meta.dirname, '../../../fixtures/analyzers/python/torchscript');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.py') ? [p] : [];
    });
  const expected: Record<string, [string, number][]> = {
    custom_op: [['torch.ops.myns.myop', 8]],
    quantized: [],
    scripted: [],
    traced: [],
  };
  for (const [model, want] of Object.entries(expected)) {
    it(`${model}: ${want.length === 0 ? 'no custom operators' : want.map((w) => w[0]).join(', ')}`, async () => {
      const got: [string, number][] = [];
      const found = files(join(root, model));
      assert.ok(found.length > 0, 'fixture files exist');
      for (const f of found) {
        for (const s of await signalsFor(readFileSync(f, 'utf8'), 'torchscript')) {
          assert.equal(s.ruleId, 'TORCH-SCRIPT-CUSTOM-OP');
          got.push([String(s.details.qualifiedName), s.line]);
        }
      }
      assert.deepEqual(got, want);
    });
  }
});
