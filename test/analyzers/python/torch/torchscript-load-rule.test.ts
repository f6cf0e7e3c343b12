// TORCH-SCRIPT-CUSTOM-OP over TorchScript code run at load: case table of `code/` text (the printer's spellings and
// hand-edited ones), and real archives from torch.jit.save (scripts/fixtures/torchscript-load.py, which proves with
// real torch that each hostile archive writes a chosen file under torch.jit.load and torch.load(weights_only=True)).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { assertRuleCase, scriptedClass, type RuleCase } from './signal-helpers.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load');

const cls = scriptedClass;

/** A class under torch's quantized Conv2d path whose __setstate__ sets `sets`, then prepacks with `stride`. */
function qconv(sets: string[], stride = 'self.stride'): string[] {
  const self = 'self: __torch__.torch.ao.nn.quantized.modules.conv.Conv2d';
  return [
    'class Conv2d(Module):',
    '  __parameters__ = []',
    `  def __setstate__(${self}, state: Tuple[int, int]) -> NoneType:`,
    ...sets.map((l) => '    ' + l),
    '    _0 = (self).set_weight_bias((state)[10], (state)[11], )',
    '    return None',
    `  def set_weight_bias(${self}, w: Tensor, b: Optional[Tensor]) -> NoneType:`,
    '    groups = self.groups',
    `    _1 = ops.quantized.conv2d_prepack(w, b, ${stride}, [0, 0], [1, 1], groups)`,
    '    self._packed_params = _1',
    '    return None',
  ];
}

const benign: RuleCase[] = [
  {
    name: 'a constant range and a loop over a stored list',
    src: cls([
      'for i in range(16):',
      '  _0 = torch.add(i, 1)',
      'xs = (state)[0]',
      'for _1 in range(torch.len(xs)):',
      '  _2 = torch.add(_1, 1)',
      '  for _3 in range(2):',
      '    _4 = torch.add(_3, 1)',
    ]),
    expect: [],
  },
  {
    name: 'constant valid groups, a size from a stored length, an omitted optional',
    src: cls([
      'n = torch.len((state)[0])',
      'self.w = torch.native_channel_shuffle((state)[1], 2)',
      'z = torch.zeros([n], dtype=6)',
      'r = torch.repeat((state)[1], [2, 1])',
    ]),
    expect: [],
  },
  {
    name: 'attribute sets from state',
    src: cls(['self.w = (state)[1]', 'self.training = True']),
    expect: [],
  },
  {
    name: 'tensor constructors, arithmetic, builtins and primitives',
    src: cls([
      'n = torch.len((state)[0])',
      'out = torch.zeros([n], dtype=6)',
      'for i in range(n):',
      '  _0 = torch.copy_(torch.select(out, 0, i), torch.tensor(1., dtype=ops.prim.dtype(out)))',
      'if torch.ne(n, 4):',
      '  ops.prim.RaiseException("bad", "builtins.RuntimeError")',
      'values = annotate(List[float], out.tolist())',
      'self.w = torch.clamp(torch.mul(out, float(len(values))), -1., 1.)',
    ]),
    expect: [],
  },
  {
    name: 'a helper of the same class doing tensor work',
    src: cls(
      ['self.w = (self)._rebuild((state)[1], )'],
      ['  def _rebuild(self: __torch__.M, t: Tensor) -> Tensor:', '    return torch.contiguous(torch.mul(t, 2.))'],
    ),
    expect: [],
  },
  {
    name: 'archive calls outside __setstate__ are not load code',
    src: [
      'class M(Module):',
      '  def forward(self: __torch__.M, x: Tensor) -> Tensor:',
      '    lin = self.lin',
      '    return __torch__.torch.nn.functional.relu((lin).forward(x, ), False, )',
    ],
    expect: [],
  },
  {
    name: 'a quantized helper through torch.ops.quantized at load',
    src: cls(['self.p = ops.quantized.linear_prepack((state)[1], None)']),
    expect: [],
  },
];

const hostile: RuleCase[] = [
  {
    name: 'a range bound read from the state',
    src: cls(['n = (state)[0]', 'for i in range(n):', '  _0 = torch.add(i, 1)']),
    expect: [[8, 'high']],
    details: { kind: 'load-work-unbounded', runsAtLoad: true },
  },
  {
    name: 'a while loop at load',
    src: cls(['i = 0', 'while torch.lt(i, (state)[0]):', '  i = torch.add(i, 1)']),
    expect: [[8, 'high']],
    details: { kind: 'load-work-unbounded' },
  },
  {
    name: 'a constant range too long for a load',
    src: cls(['for i in range(1000000000):', '  _0 = torch.add(i, 1)']),
    expect: [[7, 'high']],
    details: { kind: 'load-work-unbounded' },
  },
  {
    name: 'two stored lengths nested',
    src: cls([
      'xs = (state)[0]',
      'for i in range(torch.len(xs)):',
      '  for j in range(torch.len(xs)):',
      '    _0 = torch.add(i, j)',
    ]),
    expect: [[9, 'high']],
    details: { kind: 'load-work-unbounded' },
  },
  {
    name: 'groups read from the state',
    src: cls(['self.w = torch.native_channel_shuffle((state)[1], (state)[0])']),
    expect: [[7, 'high']],
    details: { kind: 'load-work-argument', operator: 'aten::native_channel_shuffle' },
  },
  {
    name: 'a constant groups of zero',
    src: cls(['self.w = torch.native_channel_shuffle((state)[1], 0)']),
    expect: [[7, 'high']],
    details: { kind: 'load-work-argument' },
  },
  {
    name: 'a repeat count from the state, value-method form',
    src: cls(['t = (state)[1]', 'self.w = t.repeat([(state)[0]])']),
    expect: [[8, 'high']],
    details: { kind: 'load-work-argument', operator: 'aten::repeat' },
  },
  {
    name: 'a quantized prepack with a stored stride in a class of the archive: not tied to a checked value',
    src: cls(['self.p = ops.quantized.conv2d_prepack((state)[1], None, self.stride, [0, 0], [1, 1], 1)']),
    expect: [[7, 'high']],
    details: { kind: 'load-work-argument', operator: 'quantized::conv2d_prepack' },
  },
  {
    name: "torch's quantized Conv2d shape (stride and groups set from the state items torch writes): below the gate",
    src: qconv(['self.stride = (state)[3]', 'self.groups = (state)[8]']),
    expect: [[10, 'low']],
    details: { kind: 'load-work-argument', operator: 'quantized::conv2d_prepack' },
  },
  {
    name: "torch's quantized Conv2d path, stride set from another state item: not tied",
    src: qconv(['self.stride = (state)[9]', 'self.groups = (state)[8]']),
    expect: [[10, 'high']],
    details: { kind: 'load-work-argument', operator: 'quantized::conv2d_prepack' },
  },
  {
    name: "torch's quantized Conv2d path, groups computed from a state item: not tied",
    src: qconv(['self.stride = (state)[3]', 'self.groups = torch.sub((state)[8], 1)']),
    expect: [[10, 'high']],
    details: { kind: 'load-work-argument', operator: 'quantized::conv2d_prepack' },
  },
  {
    name: "torch's quantized Conv2d path, prepack given another attribute as the stride: not tied",
    src: qconv(['self.stride = (state)[3]', 'self.groups = (state)[8]', 'self.padding = (state)[4]'], 'self.padding'),
    expect: [[11, 'high']],
    details: { kind: 'load-work-argument', operator: 'quantized::conv2d_prepack' },
  },
  {
    name: 'torch.from_file in __setstate__ (printer spelling)',
    src: cls(['t = torch.from_file((state)[0], True, 8, dtype=0)', 'self.w = t']),
    expect: [[7, 'high']],
    details: { kind: 'file-or-process-operation', operator: 'aten::from_file', runsAtLoad: true },
    message: 'torch.jit.load runs while loading',
  },
  {
    name: 'ops.aten.from_file spelling',
    src: cls(['self.w = ops.aten.from_file((state)[0], True, 8)']),
    expect: [[7, 'high']],
    details: { operator: 'aten::from_file' },
  },
  {
    name: 'torch.ops.aten.save in a helper __setstate__ calls',
    src: cls(
      ['_0 = (self)._keep((state)[1], (state)[0], )'],
      [
        '  def _keep(self: __torch__.M, t: Tensor, p: str) -> NoneType:',
        '    torch.ops.aten.save(t, p)',
        '    return None',
      ],
    ),
    expect: [[10, 'high']],
    details: { operator: 'aten::save', runsAtLoad: true, method: 'M._keep' },
    message: 'which M.__setstate__ calls while the archive loads',
  },
  {
    name: 'an operator overload spelling in forward',
    src: [
      'class M(Module):',
      '  def forward(self: __torch__.M, x: Tensor) -> Tensor:',
      '    return ops.aten.from_file.default(self.path, True, 8)',
    ],
    expect: [[3, 'high']],
    details: { operator: 'aten::from_file', runsAtLoad: false },
  },
  {
    name: 'a storage-from-file constructor',
    src: cls(['s = torch.UntypedStorage.from_file((state)[0], True, 8)']),
    expect: [[7, 'high']],
    details: { kind: 'file-or-process-operation' },
  },
  {
    name: 'remote call at load',
    src: cls(['_0 = ops.prim.rpc_sync("worker1", (state)[0], ())']),
    expect: [[7, 'high']],
    details: { operator: 'prim::rpc_sync' },
  },
  {
    name: 'a distributed send at load (builtin namespace outside the load table)',
    src: cls(['_0 = ops.c10d.send([(state)[1]], 1, 0)']),
    expect: [[7, 'medium']],
    details: { kind: 'load-operation-unlisted' },
  },
  {
    name: 'an aten name the table does not list',
    src: cls(['_0 = torch.not_an_operator((state)[1])']),
    expect: [[7, 'medium']],
    details: { kind: 'load-operation-unlisted' },
  },
  {
    name: 'a free function of another file, read alone: not followed',
    src: cls(['_0 = __torch__.helpers.plant((state)[0], )']),
    expect: [[7, 'high']],
    details: { kind: 'load-operation-unfollowed' },
  },
  {
    name: 'a method of a submodule, not followed',
    src: cls(['sub = self.sub', '_0 = (sub).plant((state)[0], )']),
    expect: [[8, 'medium']],
    details: { kind: 'load-operation-unfollowed' },
  },
  {
    name: 'a method the class does not define here',
    src: cls(['_0 = (self).plant((state)[0], )']),
    expect: [[7, 'medium']],
    details: { kind: 'load-operation-unfollowed' },
  },
  {
    name: 'an attribute fetched by name and called',
    src: cls(['_0 = getattr(torch, "from_" + "file")((state)[0], True, 8)']),
    expect: [[7, 'medium']],
  },
  {
    name: 'from_file in forward: reported, as run when called',
    src: [
      'class M(Module):',
      '  def forward(self: __torch__.M, x: Tensor) -> Tensor:',
      '    t = torch.from_file(self.path, True, 8, dtype=0)',
      '    return torch.add(x, t)',
    ],
    expect: [[3, 'high']],
    details: { runsAtLoad: false },
    message: 'runs when the model (or that method) is called',
  },
];

describe('TorchScript code run at load (TORCH-SCRIPT-CUSTOM-OP)', () => {
  for (const c of benign) it(`passes: ${c.name}`, () => assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
  for (const c of hostile) it(`reports: ${c.name}`, () => assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));

  it('the same text as ordinary Python is not TorchScript load code', async () => {
    await assertRuleCase(
      'TORCH-SCRIPT-CUSTOM-OP',
      { name: 'python', src: ['import torch', ...cls(['_0 = torch.not_an_operator(x)'])], expect: [] },
      'python',
    );
  });

  it('the derived table denies the file operators and allows the tensor ones', () => {
    assert.ok('aten::from_file' in table.denied && 'aten::save' in table.denied);
    for (const op of ['aten::add', 'aten::zeros', 'aten::copy_', 'prim::RaiseException', 'quantized::linear_prepack'])
      assert.ok(table.allowed.includes(op), op);
    for (const op of Object.keys(table.denied)) assert.ok(!table.allowed.includes(op), op);
  });
});

describe('real torch.jit.save archives', () => {
  const ids = async (name: string) => {
    const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
    return r.findings.map((f) => [f.ruleId, f.severity, f.evidence.details?.kind, f.evidence.details?.runsAtLoad]);
  };
  const cases: [string, unknown[][]][] = [
    ['hostile_setstate_from_file.pt', [['TORCH-SCRIPT-CUSTOM-OP', 'HIGH', 'file-or-process-operation', true]]],
    ['hostile_setstate_helper_from_file.pt', [['TORCH-SCRIPT-CUSTOM-OP', 'HIGH', 'file-or-process-operation', true]]],
    ['hostile_forward_from_file.pt', [['TORCH-SCRIPT-CUSTOM-OP', 'HIGH', 'file-or-process-operation', false]]],
    ['benign_setstate_buffer.pt', []],
    ['benign_scripted.pt', []],
    ['benign_traced.pt', []],
    ['benign_quantized_dynamic.pt', []],
    // torch's own quantized Conv2d repacks its weights at load with the stored stride and groups: the call is
    // reported below the gate, and the stored values are checked in data.pkl (the cases at the end).
    [
      'benign_quantized_static_setstate.pt',
      [
        ['TORCH-SCRIPT-CUSTOM-OP', 'MEDIUM', 'load-work-argument', true],
        ['TORCH-SCRIPT-CUSTOM-OP', 'MEDIUM', 'load-work-argument', true],
      ],
    ],
    // Work chosen by the stored state (scripts/fixtures/torchscript-load-work.py proves the hang and the SIGFPE).
    ['hostile_setstate_loop_stored_count.pt', [['TORCH-SCRIPT-CUSTOM-OP', 'HIGH', 'load-work-unbounded', true]]],
    ['hostile_setstate_while_stored_count.pt', [['TORCH-SCRIPT-CUSTOM-OP', 'HIGH', 'load-work-unbounded', true]]],
    ['hostile_setstate_groups_from_state.pt', [['TORCH-SCRIPT-CUSTOM-OP', 'HIGH', 'load-work-argument', true]]],
    // A class of the archive's own repacks a weight at load with a stride its state stores
    // (scripts/fixtures/torchscript-prepack-code.py proves the SIGFPE): no data.pkl check covers that value, so the
    // call is a finding; the twin passes a constant stride.
    ['hostile_setstate_prepack_stored_stride.pt', [['TORCH-SCRIPT-CUSTOM-OP', 'HIGH', 'load-work-argument', true]]],
    ['benign_setstate_prepack_constant_stride.pt', []],
    ['benign_setstate_loop_constant.pt', []],
    ['benign_setstate_groups_constant.pt', []],
    // The stored values torch's quantized Conv2d hands to the prepack call are read from data.pkl
    // (scripts/fixtures/torchscript-quantized-state.py proves the SIGFPE of a stored stride of 0 and the load error
    // of stored groups of 0): outside what torch writes is PICKLE-STRUCT HIGH; torch's own values add nothing.
    ...['hostile_quantized_conv_stride_zero.pt', 'hostile_quantized_conv_groups_zero.pt'].map(
      (name): [string, unknown[][]] => [
        name,
        [
          ['PICKLE-STRUCT', 'HIGH', undefined, undefined],
          ['TORCH-SCRIPT-CUSTOM-OP', 'MEDIUM', 'load-work-argument', true],
          ['TORCH-SCRIPT-CUSTOM-OP', 'MEDIUM', 'load-work-argument', true],
        ],
      ],
    ),
    ...['benign_quantized_conv.pt', 'benign_quantized_conv_stride2_groups2.pt'].map((name): [string, unknown[][]] => [
      name,
      [
        ['TORCH-SCRIPT-CUSTOM-OP', 'MEDIUM', 'load-work-argument', true],
        ['TORCH-SCRIPT-CUSTOM-OP', 'MEDIUM', 'load-work-argument', true],
      ],
    ]),
  ];
  for (const [name, expected] of cases) it(name, async () => assert.deepEqual(await ids(name), expected));
});
