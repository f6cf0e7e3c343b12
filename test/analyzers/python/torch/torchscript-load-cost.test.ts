// The turns of nested loops in TorchScript code run at load (torchscript-load-cost.ts): each constant range passes
// alone, but nested ones multiply; the load's loops together are bounded. Real archives made by torch.jit.save
// (scripts/fixtures/torchscript-load-work.py proves the three nested 60,000-turn loops still running at the timeout
// under torch.jit.load and torch.load(weights_only=True), and the small twin loading) are in the rule's own test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveFindingKinds, assertRuleCase, scriptedClass, type RuleCase } from './signal-helpers.js';

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
