// TorchScript code run at load whose memory safety depends on tensor values (operators that skip their checks), and
// the work of constant shapes inside loops (per-call size times the loops' turns). The real archives are made and
// proved by scripts/fixtures/torchscript-load-memory.py: the unchecked sparse constructor dies with SIGSEGV and the
// shape in a 65,536-turn loop is still running at the timeout under torch.jit.load and torch.load(weights_only=True);
// each twin loads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { LOAD_ELEMENTS_LIMIT } from '../../../../src/analyzers/python/torch/torchscript-load-cost.js';
import { archiveFindingKinds, assertRuleCase, scriptedClass, signalsFor, type RuleCase } from './signal-helpers.js';

const cls = scriptedClass;
const UNCHECKED = { kind: 'load-operation-unchecked', runsAtLoad: true };
const T = table as unknown as {
  unchecked: Record<string, string>;
  uncheckedFlags: Record<string, [string, number[]]>;
};

const kindsOf = async (lines: string[], extra: string[] = []): Promise<unknown[]> =>
  (await signalsFor(cls(lines, extra).join('\n') + '\n', 'torchscript')).map((s) => s.details?.kind);

describe('TorchScript load code: operators that skip their checks', () => {
  it('the table holds the unchecked sparse constructors and the unsafe flags (derived, not empty)', () => {
    assert.ok('aten::_sparse_coo_tensor_unsafe' in T.unchecked);
    assert.ok('aten::_sparse_csr_tensor_unsafe' in T.unchecked);
    assert.ok('aten::segment_reduce' in T.uncheckedFlags);
    assert.ok(!('prim::unchecked_cast' in T.unchecked), 'a type refinement is not an unchecked operator');
  });
  it('every unchecked operator is reported at load, in both call forms, and not in forward', async () => {
    const missed: string[] = [];
    for (const op of Object.keys(T.unchecked)) {
      const name = op.slice(op.indexOf('::') + 2);
      const count = (ks: unknown[]) => ks.filter((k) => k === 'load-operation-unchecked').length;
      if (count(await kindsOf([`self.w = torch.${name}((state)[1], (state)[1])`])) !== 1) missed.push(op + ' call');
      if (count(await kindsOf([`a = (state)[1]`, `self.w = a.${name}(a)`])) !== 1) missed.push(op + ' method');
      const inForward = ['  def g(self: __torch__.M, x: Tensor) -> Tensor:', `    return torch.${name}(x, x)`];
      if (count(await kindsOf(['self.w = (state)[1]'], inForward)) !== 0) missed.push(op + ' outside load');
    }
    assert.deepEqual(missed, []);
  });
  it('every operator with a validation flag is reported when the flag is not the constant False', async () => {
    const wrong: string[] = [];
    for (const [op, [flag]] of Object.entries(T.uncheckedFlags)) {
      const name = op.slice(op.indexOf('::') + 2);
      const count = async (args: string) =>
        (await kindsOf([`self.w = torch.${name}((state)[1], ${args})`])).filter((k) => k === 'load-operation-unchecked')
          .length;
      if ((await count(`${flag}=True`)) !== 1) wrong.push(`${op} ${flag}=True`);
      if ((await count(`${flag}=(state)[0]`)) !== 1) wrong.push(`${op} ${flag} from the state`);
      if ((await count(`${flag}=False`)) !== 0) wrong.push(`${op} ${flag}=False`);
      if ((await count('1')) !== 0) wrong.push(`${op} without ${flag}`);
    }
    assert.deepEqual(wrong, []);
  });
  const cases: RuleCase[] = [
    {
      name: 'an unchecked sparse constructor densified from a stored index',
      src: cls([
        'self.index = (state)[1]',
        's = torch._sparse_coo_tensor_unsafe(self.index, torch.ones([1]), [4])',
        'self.w = torch.to_dense(s)',
      ]),
      expect: [[8, 'high']],
      details: UNCHECKED,
      message: 'skips the validation',
    },
    {
      name: 'the checked constructor (torch validates indices against the size)',
      src: cls([
        'self.index = (state)[1]',
        's = torch.sparse_coo_tensor(self.index, torch.ones([1]), [4])',
        'self.w = torch.to_dense(s)',
      ]),
      expect: [],
    },
  ];
  for (const c of cases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
  for (const [name, kinds] of [
    ['hostile_setstate_sparse_unsafe.pt', ['load-operation-unchecked']],
    ['benign_setstate_sparse_checked.pt', []],
  ] as const)
    it(`real archive: ${name}`, async () => assert.deepEqual(await archiveFindingKinds(name), kinds));
});

describe('TorchScript load code: constant shapes are charged once per turn of the loops around them', () => {
  const WORK = { kind: 'load-work-unbounded', runsAtLoad: true };
  assert.equal(LOAD_ELEMENTS_LIMIT, 2 ** 32);
  const cases: RuleCase[] = [
    {
      name: 'a 4096 x 4096 shape in a constant range of 65536 (2^40 elements)',
      src: cls([
        'acc = (state)[1]',
        'for i in range(65536):',
        '  acc = torch.add(acc, torch.sum(torch.zeros([4096, 4096])))',
      ]),
      expect: [[9, 'high']],
      details: WORK,
      message: 'tensor elements together',
    },
    {
      name: 'a 4096 x 4096 shape in two nested ranges of 16 and 17 (2^32 + 2^28 elements)',
      src: cls(['for i in range(16):', '  for j in range(17):', '    _0 = torch.ones([4096, 4096])']),
      expect: [[9, 'high']],
      details: WORK,
    },
    {
      name: 'the same shape in 16 x 16 turns (2^32 elements, the limit)',
      src: cls(['for i in range(16):', '  for j in range(16):', '    _0 = torch.ones([4096, 4096])']),
      expect: [],
    },
    {
      name: 'the same shape in a loop of 2 turns',
      src: cls([
        'acc = (state)[1]',
        'for i in range(2):',
        '  acc = torch.add(acc, torch.sum(torch.zeros([4096, 4096])))',
      ]),
      expect: [],
    },
    {
      name: 'a small shape in a constant range of 65536 (2^28 elements)',
      src: cls(['for i in range(65536):', '  _0 = torch.zeros([64, 64])']),
      expect: [],
    },
  ];
  for (const c of cases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
  for (const [name, kinds] of [
    ['hostile_setstate_shape_in_loop.pt', ['load-work-unbounded']],
    ['benign_setstate_shape_in_small_loop.pt', []],
  ] as const)
    it(`real archive: ${name}`, async () => assert.deepEqual(await archiveFindingKinds(name), kinds));
});
