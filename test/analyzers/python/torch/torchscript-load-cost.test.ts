// The turns of nested loops in TorchScript code run at load (torchscript-load-cost.ts): each constant range passes
// alone, but nested ones multiply; the load's loops together are bounded. Real archives made by torch.jit.save
// (scripts/fixtures/torchscript-load-work.py proves the three nested 60,000-turn loops still running at the timeout
// under torch.jit.load and torch.load(weights_only=True), and the small twin loading) are in the rule's own test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { archiveFindingKinds, assertRuleCase, scriptedClass, signalsFor, type RuleCase } from './signal-helpers.js';

const cls = scriptedClass;

const cases: RuleCase[] = [
  {
    name: 'three nested constant ranges of 60000 turns each (2.2e14 turns)',
    src: cls([
      'for i in range(60000):',
      '  for j in range(60000):',
      '    for k in range(60000):',
      '      _0 = torch.add(i, j)',
    ]),
    expect: [[9, 'high']],
    details: { kind: 'load-work-unbounded', runsAtLoad: true },
  },
  {
    name: 'a comprehension of 65536 turns inside a constant range of 65536',
    src: cls(['for i in range(65536):', '  _0 = [torch.add(j, i) for j in range(65536)]']),
    expect: [[8, 'high']],
    details: { kind: 'load-work-unbounded', runsAtLoad: true },
  },
  {
    name: 'nested small ranges (4 x 4 x 3)',
    src: cls(['for i in range(4):', '  for j in range(4):', '    for k in range(3):', '      _0 = torch.add(i, k)']),
    expect: [],
  },
  {
    name: 'two sibling constant ranges of 65536 (added, not multiplied)',
    src: cls(['for i in range(65536):', '  _0 = torch.add(i, 1)', 'for j in range(65536):', '  _1 = torch.add(j, 1)']),
    expect: [],
  },
];

// Operator work: a constant shape is bounded by its product, and an operator whose work is superlinear in its operands
// (torchscript-ops.json `superlinear`) runs at load only on stored or small constant-shaped operands.
const SUPER = { kind: 'load-work-superlinear', runsAtLoad: true };
const workCases: RuleCase[] = [
  {
    name: 'torch.mm of a 16384 x 16384 constant shape (each dimension small, 2^28 elements)',
    src: cls(['a = torch.ones([16384, 16384])', 'self.w = torch.sum(torch.mm(a, a))']),
    expect: [
      [7, 'high'],
      [8, 'high'],
    ],
  },
  {
    name: 'torch.matmul of a value computed at load',
    src: cls(['a = torch.add((state)[1], 1)', 'self.w = torch.matmul(a, a)']),
    expect: [[8, 'high']],
    details: SUPER,
  },
  {
    name: 'the operator @ on a computed value',
    src: cls(['a = torch.add((state)[1], 1)', 'self.w = a @ a']),
    expect: [[8, 'high']],
    details: SUPER,
  },
  { name: 'the operator @ on stored tensors', src: cls(['a = (state)[1]', 'self.w = a @ (state)[1]']), expect: [] },
  {
    name: 'the method form a.mm(a) on a computed value',
    src: cls(['a = torch.add((state)[1], 1)', 'self.w = a.mm(a)']),
    expect: [[8, 'high']],
    details: SUPER,
  },
  {
    name: 'torch.einsum over a computed operand list',
    src: cls(['a = torch.add((state)[1], 1)', 'self.w = torch.einsum("ij,jk->ik", [a, a])']),
    expect: [[8, 'high']],
    details: SUPER,
  },
  {
    name: 'torch.mm of two stored tensors, through self attributes set from the state',
    src: cls(['self.v = (state)[1]', 'a = self.v', 'self.w = torch.mm(a, (state)[1])']),
    expect: [],
  },
  {
    name: 'torch.mm of a small constant shape (8 x 8)',
    src: cls(['a = torch.ones([8, 8])', 'self.w = torch.mm((state)[1], a)']),
    expect: [],
  },
  {
    name: 'a constant shape of 4096 x 4096 (within the product bound)',
    src: cls(['self.w = torch.zeros([4096, 4096])']),
    expect: [],
  },
];

describe('TorchScript load code: operator work (shape products, superlinear operators)', () => {
  for (const c of workCases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
  it('every operator of the superlinear class is reported on a computed operand, and passes on stored ones', async () => {
    const ops = (table as unknown as { superlinear: string[] }).superlinear;
    assert.ok(ops.includes('aten::mm') && ops.includes('aten::einsum') && ops.includes('aten::conv2d'));
    const superlinearKinds = async (lines: string[]) =>
      (await signalsFor(cls(lines).join('\n') + '\n', 'torchscript'))
        .map((sig) => sig.details?.kind)
        .filter((k) => k === 'load-work-superlinear');
    const missed: string[] = [];
    for (const op of ops) {
      const [ns, name] = op.split('::') as [string, string];
      const callee = ns === 'aten' ? `torch.${name}` : `ops.${ns}.${name}`;
      // Other findings (an argument in a size position) may come too; the superlinear one must.
      if ((await superlinearKinds(['a = torch.add((state)[1], 1)', `self.w = ${callee}(a, a)`])).length !== 1)
        missed.push(op);
      if ((await superlinearKinds([`self.w = ${callee}((state)[1], (state)[1])`])).length !== 0) missed.push(op);
    }
    assert.deepEqual(missed, []);
  });
  for (const [name, kinds] of [
    [
      'hostile_setstate_matmul_constant_shape.pt',
      // The add of the one-element sum and a small stored tensor is bounded (its stored shape is read from data.pkl).
      ['load-work-argument', 'load-work-superlinear'],
    ],
    // The sum of two matrix products of stored tensors: their shapes are read from data.pkl, so the element-wise add
    // of the two is bounded (torchscript-load-broadcast.test.ts).
    ['benign_setstate_matmul_stored.pt', []],
  ] as const)
    it(`real archive: ${name}`, async () => assert.deepEqual(await archiveFindingKinds(name), kinds));
});

describe('TorchScript load code: nested loops are charged as the product of their trip counts', () => {
  for (const c of cases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
  for (const [name, kinds] of [
    ['hostile_setstate_nested_constant_loops.pt', ['load-work-unbounded']],
    ['benign_setstate_nested_small_loops.pt', []],
  ] as const)
    it(`real archive: ${name}`, async () => assert.deepEqual(await archiveFindingKinds(name), kinds));
});
