// TorchScript code run at load: operators sized by an argument of any name or by stored values, values a loop
// rebuilds from themselves through a growing operation, and methods of archive classes reached through a value
// (`x.clone()`, the printer's `x.__getitem__(i)` / `x.__contains__(k)`). Case tables with benign twins, and the real
// archives of scripts/fixtures/torchscript-load-growth.py (each proven under torch 1.13's loaders).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { scriptedClass, signalsFor } from './signal-helpers.js';

const T = table as unknown as {
  work: Record<string, Record<string, [string, number[]]>>;
  superlinear: string[];
  valueSized: Record<string, string | null>;
};

const kinds = async (lines: string[], extra: string[] = []): Promise<unknown[]> =>
  (
    await signalsFor(
      scriptedClass(
        lines.flatMap((l) => l.split('\n')),
        extra,
      ).join('\n') + '\n',
      'torchscript',
    )
  )
    .filter((s) => s.confidence === 'high')
    .map((s) => s.details?.kind);

describe('TorchScript load code: every integer argument that sizes the output', () => {
  it('the table sizes tile dims, one_hot classes, bincount minlength; value-sized and quadratic operators', () => {
    assert.deepEqual(T.work['aten::tile']?.dims, ['size', [1]]);
    assert.deepEqual(T.work['aten::one_hot']?.num_classes, ['size', [1]]);
    assert.deepEqual(T.work['aten::bincount']?.minlength, ['size', [2]]);
    assert.equal(T.work['aten::permute']?.dims, undefined);
    assert.equal(T.valueSized['aten::bincount'], null);
    assert.equal(T.valueSized['aten::one_hot'], 'num_classes');
    for (const op of ['aten::index_select', 'aten::index', 'aten::embedding', 'aten::embedding_bag'])
      assert.equal(T.valueSized[op], null, op);
    for (const op of ['aten::diag', 'aten::block_diag', 'aten::kron', 'aten::outer', 'aten::cov', 'aten::vander'])
      assert.ok(T.superlinear.includes(op), op);
  });
  const cases: [string, string, boolean][] = [
    ['tile by a large constant', 'self.w = torch.tile((state)[1], [40000, 20000])', true],
    ['tile by a stored list', 'self.w = torch.tile((state)[1], (state)[0])', true],
    ['tile by a small constant', 'self.w = torch.tile((state)[1], [2, 2])', false],
    ['one_hot with a huge class count', 'self.w = torch.one_hot((state)[1], 25000000)', true],
    ['one_hot without a class count', 'self.w = torch.one_hot((state)[1])', true],
    ['one_hot with a small class count', 'self.w = torch.one_hot((state)[1], 4)', false],
    ['bincount with a huge minlength', 'self.w = torch.bincount((state)[1], None, 400000000)', true],
    ['bincount of stored values', 'self.w = torch.bincount((state)[1])', true],
    ['a sparse tensor sized by its indices', 'self.w = torch.sparse_coo_tensor((state)[1], (state)[1])', true],
    ['a sparse tensor with a small size', 'self.w = torch.sparse_coo_tensor((state)[1], (state)[1], [4, 4])', false],
    ['fftn to a huge signal size', 'self.w = torch.fft_fftn((state)[1], [100000, 100000])', true],
    ['permute by constant dims', 'self.w = torch.permute((state)[1], [1, 0])', false],
    ['a diagonal of a constant vector', 'self.w = torch.diag(torch.ones([30000]))', true],
    ['a diagonal of a small constant vector', 'self.w = torch.diag(torch.ones([16]))', false],
    ['a Kronecker product of computed tensors', 't = torch.ones([30000])\nself.w = torch.kron(t, t)', true],
    // Lookups by an index tensor make one row per index: a stored index sizes the output.
    ['index_select by a stored index', 'self.w = torch.index_select((state)[1], 0, (state)[1])', true],
    ['index_select in the method form', 'self.w = ((state)[1]).index_select(0, (state)[1])', true],
    ['embedding by a stored index', 'self.w = torch.embedding((state)[1], (state)[1])', true],
    ['advanced indexing by a stored index', 'self.w = torch.index((state)[1], [(state)[1]])', true],
    ['index_select by a small constant index', 'self.w = torch.index_select((state)[1], 0, torch.arange(4))', false],
    ['embedding by a small constant index', 'self.w = torch.embedding((state)[1], torch.zeros([4], dtype=4))', false],
  ];
  for (const [name, line, flagged] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const ks = await kinds([line]);
      assert.equal(
        ks.some((k) => String(k).startsWith('load-work')),
        flagged,
        `${line}: ${JSON.stringify(ks)}`,
      );
    });
});

describe('TorchScript load code: loop-carried growth', () => {
  const cases: [string, string[], boolean][] = [
    ['cat of a value with itself', ['t = (state)[1]', 'for i in range(29):', '  t = torch.cat([t, t])'], true],
    ['stack of a value with itself', ['t = (state)[1]', 'for i in range(29):', '  t = torch.stack([t, t])'], true],
    ['list doubled by +', ['xs = (state)[0]', 'for i in range(28):', '  xs = torch.add(xs, xs)'], true],
    ['string doubled by +', ['s = (state)[0]', 'for i in range(31):', '  s = torch.add(s, s)'], true],
    ['repeat of the value', ['t = (state)[1]', 'for i in range(29):', '  t = torch.repeat(t, [2])'], true],
    ['repeat in the method form', ['t = (state)[1]', 'for i in range(29):', '  t = t.repeat([2])'], true],
    ['list repetition by a constant', ['xs = [1]', 'for i in range(40):', '  xs = torch.mul(xs, 2)'], true],
    [
      'growth through a local name',
      ['t = (state)[1]', 'for i in range(29):', '  u = torch.cat([t, t])', '  t = u'],
      true,
    ],
    ['in-place extension with itself', ['xs = [1]', 'for i in range(40):', '  torch.add_(xs, xs)'], true],
    ['growth over a stored container', ['t = (state)[1]', 'for x in (state)[0]:', '  t = torch.cat([t, t])'], true],
    [
      'cat of the value with itself 3 times',
      ['t = (state)[1]', 'for i in range(3):', '  t = torch.cat([t, t])'],
      false,
    ],
    ['an elementwise update', ['t = (state)[1]', 'for i in range(100):', '  t = torch.sigmoid(t)'], false],
    ['a counter', ['i = 0', 'for j in range(100):', '  i = torch.add(i, 1)'], false],
    ['a sum of stored elements', ['acc = 0', 'for x in (state)[0]:', '  acc = torch.add(acc, x)'], false],
    // One copy of the value joined with operands that do not read it grows linearly: bounded by a constant range.
    [
      'a stored row appended 1000 times (500500 copies of it, each turn copying the whole value)',
      ['t = (state)[1]', 'for i in range(1000):', '  t = torch.cat([t, (state)[1]])'],
      true,
    ],
    [
      'a stored row appended 64 times (2080 copies)',
      ['t = (state)[1]', 'for i in range(64):', '  t = torch.cat([t, (state)[1]])'],
      false,
    ],
    [
      'a row made in the loop appended in a constant range',
      ['t = (state)[1]', 'for i in range(1000):', '  x = torch.ones([4])', '  t = torch.cat([t, x])'],
      false,
    ],
    [
      'a stored row appended over a stored container',
      ['t = (state)[1]', 'for v in (state)[0]:', '  t = torch.cat([t, (state)[1]])'],
      true,
    ],
    [
      'the accumulation repeated in a constant range',
      ['t = (state)[1]', 'for i in range(1000):', '  t = torch.repeat(torch.cat([t, (state)[1]]), [2])'],
      true,
    ],
    [
      'the appended operand read from the value',
      ['t = (state)[1]', 'for i in range(1000):', '  x = torch.mul(t, 2)', '  t = torch.cat([t, x])'],
      true,
    ],
  ];
  for (const [name, lines, flagged] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const ks = await kinds(lines);
      assert.equal(ks.includes('load-work-growth'), flagged, `${lines.join('; ')}: ${JSON.stringify(ks)}`);
    });
});

const BOX = [
  'class Box:',
  '  n : int',
  '  def clone(self: __torch__.Box) -> int:',
  '    i = 0',
  '    _0 = torch.lt(0, self.n)',
  '    while _0:',
  '      i0 = torch.add(i, 1)',
  '      _0, i = torch.lt(i0, self.n), i0',
  '    return i',
  '  def __getitem__(self: __torch__.Box, k: int) -> int:',
  '    return torch.add((self).clone(), k)',
  '  def __contains__(self: __torch__.Box, k: int) -> bool:',
  '    return torch.eq(self.n, k)',
];

/** A class whose `__setstate__` reads a stored value of `stateType` and runs `lines`. */
const boxUser = (stateType: string, lines: string[]): string =>
  [
    'class M(Module):',
    '  b : __torch__.Box',
    `  def __setstate__(self: __torch__.M, state: ${stateType}) -> NoneType:`,
    ...lines.map((l) => '    ' + l),
    '    return None',
    ...BOX,
  ].join('\n') + '\n';

describe('TorchScript load code: methods of archive classes reached through a value', () => {
  const cases: [string, string, string[], string | undefined][] = [
    ['clone of a stored Box', 'Tuple[__torch__.Box, bool]', ['x = ((state)[0]).clone()'], 'load-work-unbounded'],
    [
      'an item of a stored Box',
      'Tuple[__torch__.Box, bool]',
      ['x = ((state)[0]).__getitem__(3, )'],
      'load-work-unbounded',
    ],
    [
      'clone through a local name',
      'Tuple[__torch__.Box, bool]',
      ['b = (state)[0]', 'x = (b).clone()'],
      'load-work-unbounded',
    ],
    [
      'clone of an attribute typed Box',
      'Tuple[__torch__.Box, bool]',
      ['self.b = (state)[0]', 'x = (self.b).clone()'],
      'load-work-unbounded',
    ],
    [
      'a class of another file',
      'Tuple[__torch__.Other, bool]',
      ['x = ((state)[0]).clone()'],
      'load-operation-unfollowed',
    ],
    [
      'a method the class does not define',
      'Tuple[__torch__.Box, bool]',
      ['x = ((state)[0]).size()'],
      'load-operation-unfollowed',
    ],
    [
      'a dunder call on a receiver of unknown type',
      'Tuple[__torch__.Box, bool, List[__torch__.Box]]',
      ['for b in (state)[2]:', '  x = (b).__getitem__(3, )'],
      'load-operation-unfollowed',
    ],
    [
      'membership in a stored Box that reads a number',
      'Tuple[__torch__.Box, bool]',
      ['x = ((state)[0]).__contains__(3, )'],
      undefined,
    ],
    ['clone of a stored tensor', 'Tuple[Tensor, bool]', ['x = ((state)[0]).clone()'], undefined],
  ];
  for (const [name, stateType, lines, kind] of cases)
    it(`${name}: ${kind ?? 'passes'}`, async () => {
      const ks = (await signalsFor(boxUser(stateType, lines), 'torchscript'))
        .filter((s) => s.confidence === 'high')
        .map((s) => s.details?.kind);
      if (kind === undefined) assert.deepEqual(ks, []);
      else assert.ok(ks.includes(kind), JSON.stringify(ks));
    });
});

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load-growth');
describe('TorchScript load code: archives made and proven by torch 1.13', () => {
  const files: [string, boolean][] = [
    ['work-tile.pt', true],
    ['benign-work-tile-small.pt', false],
    ['work-one-hot.pt', true],
    ['benign-work-one-hot-small.pt', false],
    ['work-bincount.pt', true],
    ['growth-cat.pt', true],
    ['benign-growth-cat-short.pt', false],
    ['growth-repeat.pt', true],
    ['growth-list.pt', true],
    ['benign-growth-list-short.pt', false],
    ['growth-str.pt', true],
    ['method-clone.pt', true],
    ['method-getitem.pt', true],
    ['method-contains.pt', true],
    ['method-getitem-other-file.pt', true],
    ['benign-method-getitem.pt', false],
  ];
  for (const [name, blocked] of files)
    it(`${name}: ${blocked ? 'fails the gate' : 'passes'}`, async () => {
      const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
      const high = r.findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
      assert.equal(high.length > 0, blocked, JSON.stringify(r.findings.map((f) => f.evidence.signal)));
    });
});
