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
  positionArguments: Record<string, Record<string, number[]>>;
};
/** A `positions` operator's position arguments given by keyword from the stored state (`, sorter=(state)[1]`). */
const positionKeywords = (op: string): string =>
  Object.keys(T.positionArguments[op] ?? {})
    .map((n) => `, ${n}=(state)[1]`)
    .join('');

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
      const ns = op.slice(0, op.indexOf('::'));
      const name = op.slice(op.indexOf('::') + 2);
      // The printer writes an aten operator as `torch.<name>`, another namespace's as `ops.<ns>.<name>`.
      const callee = ns === 'aten' ? `torch.${name}` : `ops.${ns}.${name}`;
      const count = (ks: unknown[]) => ks.filter((k) => k === 'load-operation-unchecked').length;
      const kw = positionKeywords(op);
      if (count(await kindsOf([`self.w = ${callee}((state)[1], (state)[1]${kw})`])) !== 1) missed.push(op + ' call');
      if (ns === 'aten' && count(await kindsOf([`a = (state)[1]`, `self.w = a.${name}(a${kw})`])) !== 1)
        missed.push(op + ' method');
      const inForward = ['  def g(self: __torch__.M, x: Tensor) -> Tensor:', `    return ${callee}(x, x)`];
      if (count(await kindsOf(['self.w = (state)[1]'], inForward)) !== 0) missed.push(op + ' outside load');
    }
    assert.deepEqual(missed, []);
  });
  it('every operator with a validation flag is reported when the flag is not the constant False', async () => {
    const wrong: string[] = [];
    for (const [op, [flag]] of Object.entries(T.uncheckedFlags)) {
      const name = op.slice(op.indexOf('::') + 2);
      const kw = positionKeywords(op);
      const count = async (args: string) =>
        (await kindsOf([`self.w = torch.${name}((state)[1], ${args}${kw})`])).filter(
          (k) => k === 'load-operation-unchecked',
        ).length;
      if ((await count(`${flag}=True`)) !== 1) wrong.push(`${op} ${flag}=True`);
      if ((await count(`${flag}=(state)[0]`)) !== 1) wrong.push(`${op} ${flag} from the state`);
      // An operator that also reads positions it is not proved to check (segment_reduce's offsets) is reported
      // whatever its flag says.
      const always = T.unchecked[op] === undefined ? 0 : 1;
      if ((await count(`${flag}=False`)) !== always) wrong.push(`${op} ${flag}=False`);
      if ((await count('1')) !== always) wrong.push(`${op} without ${flag}`);
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
  it('the positions class: every position-taking operator is proved checked or reported (derived, not empty)', () => {
    const P = table as unknown as { positionsChecked: Record<string, string[]> };
    for (const op of [
      'aten::searchsorted',
      'aten::ctc_loss',
      'aten::adaptive_max_pool2d_backward',
      'aten::segment_reduce',
    ])
      assert.equal(T.unchecked[op], 'positions', op);
    for (const op of ['aten::index_select', 'aten::gather', 'aten::embedding_bag', 'aten::sparse_coo_tensor'])
      assert.ok(op in P.positionsChecked && !(op in T.unchecked), op);
  });
  const positions: RuleCase[] = [
    {
      name: 'searchsorted with a stored sorter (SIGSEGV in torch 1.13 at 10^12)',
      src: cls(['self.w = torch.searchsorted((state)[1], (state)[1], sorter=(state)[1])']),
      expect: [[7, 'high']],
      details: UNCHECKED,
      message: 'reads positions',
    },
    {
      name: 'the max-pooling backward kernel with stored indices',
      src: cls(['self.w = torch.adaptive_max_pool2d_backward((state)[1], (state)[1], (state)[1])']),
      expect: [[7, 'high']],
      details: UNCHECKED,
    },
    {
      name: 'segment_reduce with stored offsets and unsafe=False (its offsets are not checked)',
      src: cls(["self.w = torch.segment_reduce((state)[1], 'sum', offsets=(state)[1], unsafe=False)"]),
      expect: [[7, 'high']],
      details: UNCHECKED,
    },
    {
      name: 'searchsorted without a sorter (the printer writes sorter=None)',
      src: cls([
        'self.w = torch.searchsorted((state)[1], (state)[1], out_int32=False, right=False, side=None, sorter=None)',
      ]),
      expect: [],
    },
    {
      name: 'gather and take with a stored index (proved to raise on an out-of-range index)',
      src: cls(['self.w = torch.gather((state)[1], 0, (state)[1])', 'self.w = torch.take((state)[1], (state)[1])']),
      expect: [],
    },
  ];
  for (const c of positions)
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

describe('TorchScript load code: sizes at shared positions, float scale factors, substring searches', () => {
  const ARG = { kind: 'load-work-argument', runsAtLoad: true };
  const SEARCH = { kind: 'load-work-product', runsAtLoad: true };
  const cases: RuleCase[] = [
    {
      name: 'histogram with a count computed from the stored state (an int where another overload takes edges)',
      src: cls(['_0, _1 = torch.histogram((state)[1], int(torch.sum((state)[1])))', 'self.w = _0']),
      expect: [[7, 'high']],
      details: ARG,
    },
    {
      name: 'histogram with stored edges (a tensor at that position)',
      src: cls(['_0, _1 = torch.histogram((state)[1], (state)[1])', 'self.w = _0']),
      expect: [],
    },
    {
      name: 'histogram with a constant count',
      src: cls(['_0, _1 = torch.histogram((state)[1], 16)', 'self.w = _0']),
      expect: [],
    },
    {
      name: 'normal with a size from the stored state (the float-float overload, three positional arguments)',
      src: cls(['self.w = torch.normal(0., 1., [int(torch.sum((state)[1]))])']),
      expect: [[7, 'high']],
      details: ARG,
    },
    {
      name: 'normal with a constant size, and with tensor mean and std',
      src: cls(['self.w = torch.normal(0., 1., [4])', 'self.w = torch.normal((state)[1], (state)[1])']),
      expect: [],
    },
    {
      name: 'upsampling by a scale factor from the stored state',
      src: cls(['self.w = torch.upsample_nearest1d((state)[1], None, [float(torch.sum((state)[1]))])']),
      expect: [[7, 'high']],
      details: ARG,
      message: 'scale factors',
    },
    {
      name: 'upsampling by a constant factor of 2',
      src: cls(['self.w = torch.upsample_nearest1d((state)[1], None, [2.])']),
      expect: [],
    },
    {
      name: 'a constant kernel and stride the printer hoists into a local name',
      src: cls(['_0 = [2, 2]', '_1 = [0, 0]', '_2 = [1, 1]', 'self.w = torch.max_pool2d((state)[1], _0, _0, _1, _2)']),
      expect: [],
    },
    {
      name: 'a stored string searched for a stored string',
      src: cls(['self.n = torch.find((state)[0], (state)[0])']),
      expect: [[7, 'high']],
      details: SEARCH,
      message: 'product of the two lengths',
    },
    {
      name: 'a stored string counted for a stored string',
      src: cls(['self.n = torch.count((state)[0], (state)[0])']),
      expect: [[7, 'high']],
      details: SEARCH,
    },
    {
      name: 'a stored string searched for a short constant',
      src: cls(["self.n = torch.find((state)[0], 'ab')", "_0 = torch.split((state)[0], ',')"]),
      expect: [],
    },
  ];
  for (const c of cases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
});
