// TorchScript code run at load: element-wise operators that broadcast their operands (charged as the product of
// their sizes unless the code bounds them), list/str repetition told from tensor products by what the operands are,
// string operators whose output is a product of two lengths, and parameters bound to their calls' arguments. Case
// tables with benign twins, and the real archives of scripts/fixtures/torchscript-load-broadcast.py (each proven
// under torch 1.13's loaders in a 2 GiB address space).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';
import { broadcastElements } from '../../../../src/analyzers/python/torch/torchscript-load-broadcast.js';
import { archiveKinds, archiveSignals, signalsFor } from './signal-helpers.js';

/** A class whose `__setstate__` receives (a, b, s, f, training) and runs `body`. */
const cls = (body: string[], extra: string[] = []): string =>
  [
    'class M(Module):',
    '  __parameters__ = []',
    '  r : Tensor',
    '  n : int',
    '  def forward(self: __torch__.M, x: Tensor) -> Tensor:',
    '    return x',
    '  def __setstate__(self: __torch__.M, state: Tuple[Tensor, Tensor, str, float, bool]) -> NoneType:',
    ...body.flatMap((l) => l.split('\n')).map((l) => '    ' + l),
    '    return None',
    ...extra,
  ].join('\n') + '\n';

const highKinds = async (body: string[], extra: string[] = []): Promise<unknown[]> =>
  (await signalsFor(cls(body, extra), 'torchscript'))
    .filter((s) => s.confidence === 'high')
    .map((s) => s.details?.kind);

describe('TorchScript load code: broadcasting element-wise operators', () => {
  it('broadcast shapes are computed right-aligned, a dimension of 1 stretched', () => {
    assert.equal(
      broadcastElements([
        [65536, 1],
        [1, 65536],
      ]),
      2 ** 32,
    );
    assert.equal(broadcastElements([[4, 4], [4]]), 16);
    assert.equal(
      broadcastElements([
        [3, 1, 5],
        [7, 1],
      ]),
      105,
    );
  });
  const cases: [string, string, boolean][] = [
    // Constant shapes: the broadcast shape is computed.
    [
      'constant shapes broadcasting to 2^32',
      'self.r = torch.add(torch.ones([65536, 1]), torch.ones([1, 65536]))',
      true,
    ],
    ['the same in the infix form', 'self.r = torch.ones([65536, 1]) + torch.ones([1, 65536])', true],
    ['small constant shapes', 'self.r = torch.add(torch.ones([64, 1]), torch.ones([1, 64]))', false],
    [
      'equal constant shapes within the bound',
      'self.r = torch.mul(torch.ones([4096, 4096]), torch.ones([4096, 4096]))',
      false,
    ],
    // Two stored tensors: their shapes are in data.pkl, not in the code.
    ['torch.add of two stored tensors', 'self.r = torch.add((state)[0], (state)[1])', true],
    ['the infix * of two stored tensors', 'self.r = (state)[0] * (state)[1]', true],
    ['the value form a.sub(b)', 'a = (state)[0]\nself.r = a.sub((state)[1])', true],
    ['a comparison of two stored tensors', 'self.r = torch.lt((state)[0], (state)[1])', true],
    ['the infix comparison', 'self.r = torch.to((state)[0] < (state)[1], 6)', true],
    [
      'torch.where choosing between two stored tensors',
      'self.r = torch.where(torch.gt((state)[0], 0.), (state)[0], (state)[1])',
      true,
    ],
    ['torch.maximum', 'self.r = torch.maximum((state)[0], (state)[1])', true],
    ['torch.pow', 'self.r = torch.pow((state)[0], (state)[1])', true],
    ['torch.atan2', 'self.r = torch.atan2((state)[0], (state)[1])', true],
    ['torch.bitwise_and', 'self.r = torch.bitwise_and((state)[0], (state)[1])', true],
    ['torch.logical_or', 'self.r = torch.logical_or((state)[0], (state)[1])', true],
    ['torch.addcmul of three stored tensors', 'self.r = torch.addcmul((state)[0], (state)[0], (state)[1])', true],
    [
      'torch.meshgrid of two stored vectors',
      'g = torch.meshgrid([(state)[0], (state)[1]])\nself.r = torch.contiguous(g[0])',
      true,
    ],
    ['torch.broadcast_tensors', 'g = torch.broadcast_tensors([(state)[0], (state)[1]])\nself.r = g[0]', true],
    [
      'a stored tensor and a constant shape of 2^16 elements',
      'self.r = torch.add((state)[0], torch.ones([1, 65536]))',
      true,
    ],
    // Bounded: one tensor operand, the same value twice, a small constant with one stored tensor.
    ['a stored tensor plus a number', 'self.r = torch.add((state)[0], 1)', false],
    ['a stored tensor times a stored float', 'self.r = torch.mul((state)[0], (state)[3])', false],
    ['a stored tensor times itself', 'self.r = torch.mul((state)[0], (state)[0])', false],
    ['a name bound once to a stored tensor, times itself', 'a = (state)[0]\nself.r = a * a', false],
    ['torch.where against a number', 'self.r = torch.where(torch.gt((state)[0], 0.5), (state)[0], 0.)', false],
    ['a stored tensor and a 4-element constant', 'self.r = torch.add((state)[0], torch.ones([1, 4]))', false],
    ['a stored tensor plus its full sum', 'self.r = torch.add((state)[0], torch.sum((state)[1]))', false],
    [
      "in place (torch requires the first operand's shape)",
      'r = torch.clone((state)[0])\nr0 = torch.add_(r, (state)[1])\nself.r = r0',
      false,
    ],
    ['the augmented assignment', 'r = torch.clone((state)[0])\nr += (state)[1]\nself.r = r', false],
    ['ints of a range loop', 'n = 0\nfor i in range(4):\n  n = torch.add(n, i)\nself.n = n', false],
    ['the count of a stored string times a number', 'self.n = torch.mul(torch.len((state)[2]), 2)', false],
  ];
  for (const [name, body, flagged] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const ks = await highKinds([body]);
      assert.equal(ks.includes('load-work-broadcast'), flagged, `${body}: ${JSON.stringify(ks)}`);
    });
  it('a free function of another file adding its two tensor parameters is reported in its file', async () => {
    const lines = cls(['self.r = __torch__.h.pairwise((state)[0], (state)[1], )']).trimEnd().split('\n');
    const got = await archiveSignals({
      'code/__torch__.py': lines,
      'code/__torch__/h.py': ['def pairwise(a: Tensor, b: Tensor) -> Tensor:', '  return torch.add(a, b)'],
    });
    assert.deepEqual(
      Object.entries(got).flatMap(([f, ss]) => ss.map((s) => [f, s.details?.kind])),
      [['code/__torch__/h.py', 'load-work-broadcast']],
    );
  });
  it('constant-shape broadcasts are charged with the loops around them', async () => {
    const ks = await highKinds([
      'for i in range(4096):',
      '  _0 = torch.add(torch.ones([4096, 1]), torch.ones([1, 4096]))',
    ]);
    assert.ok(ks.includes('load-work-unbounded'), JSON.stringify(ks));
    assert.deepEqual(
      await highKinds(['for i in range(4):', '  _0 = torch.add(torch.ones([64, 1]), torch.ones([1, 64]))']),
      [],
    );
  });
});

describe('TorchScript load code: string operators whose output is a product of two lengths', () => {
  const cases: [string, string, boolean][] = [
    ['a stored string with a blank replaced by itself', 't = (state)[2]\nself.s = torch.replace(t, " ", t)', true],
    ['the value form', 't = (state)[2]\nself.s = t.replace(" ", t)', true],
    ['a blank replaced by a constant', 'self.s = torch.replace((state)[2], " ", "_")', false],
    [
      'a constant string with its blanks replaced by a stored one',
      'self.s = torch.replace("a b", " ", (state)[2])',
      false,
    ],
    [
      'a stored separator joining a computed list',
      'xs = torch.split((state)[2], " ")\nself.s = torch.join((state)[2], xs)',
      true,
    ],
    ['a constant separator', 'xs = torch.split((state)[2], " ")\nself.s = torch.join(",", xs)', false],
    ['a stored separator joining two items', 'self.s = torch.join((state)[2], ["a", "b"])', false],
  ];
  for (const [name, body, flagged] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const ks = await highKinds([body], ['  s : str']);
      assert.equal(ks.includes('load-work-product'), flagged, `${body}: ${JSON.stringify(ks)}`);
    });
  it('a loop rebuilding a string through replace grows', async () => {
    const ks = await highKinds([
      't = (state)[2]',
      'for i in range(30):',
      '  t = torch.replace(t, " ", "  ")',
      'self.s = t',
    ]);
    assert.ok(ks.includes('load-work-growth'), JSON.stringify(ks));
  });
});

describe('TorchScript load code: parameters bound to the arguments of their calls', () => {
  const archive = (arg: string) => ({
    'code/__torch__.py': cls([
      `_0 = __torch__.torch.nn.functional.layer_norm`,
      `self.r = _0((state)[0], ${arg}, None, None, 1e-05, )`,
    ])
      .trimEnd()
      .split('\n'),
    'code/__torch__/torch/nn/functional.py': [
      'def layer_norm(input: Tensor,',
      '    normalized_shape: List[int],',
      '    weight: Optional[Tensor]=None,',
      '    bias: Optional[Tensor]=None,',
      '    eps: float=1e-05) -> Tensor:',
      '  _0 = torch.layer_norm(input, normalized_shape, weight, bias, eps)',
      '  return _0',
    ],
  });
  const kinds = async (arg: string) =>
    Object.values(await archiveSignals(archive(arg))).flatMap((ss) => ss.map((s) => s.details?.kind));
  it('F.layer_norm called with a constant shape passes', async () => assert.deepEqual(await kinds('[4]'), []));
  it('F.layer_norm called with a huge constant shape is reported', async () =>
    assert.deepEqual(await kinds('[65536, 65536]'), ['load-work-argument']));
  it('F.layer_norm called with a shape read from the state is reported', async () =>
    assert.deepEqual(await kinds('self.shape'), ['load-work-argument']));
});

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load-broadcast');

describe('TorchScript load code: broadcasting archives made and proven by torch 1.13', () => {
  const files: [string, string[]][] = [
    ['hostile_bcast_constant.pt', ['load-work-broadcast', 'load-work-unbounded']],
    // Stored shapes read from data.pkl: the broadcast is computed (and charged with the load's work, too).
    ['hostile_bcast_stored_add.pt', ['load-work-broadcast', 'load-work-unbounded']],
    ['hostile_bcast_stored_compare.pt', ['load-work-broadcast', 'load-work-unbounded']],
    ['hostile_bcast_stored_where.pt', ['load-work-broadcast', 'load-work-unbounded']],
    ['hostile_bcast_meshgrid.pt', ['load-work-broadcast', 'load-work-unbounded']],
    ['hostile_bcast_stored_attr_large.pt', ['load-work-broadcast', 'load-work-unbounded']],
    ['hostile_bcast_state_set_local.pt', ['load-work-broadcast', 'load-work-unbounded']],
    // An attribute reassigned from a computed value is not the stored tensor: its size stays unknown.
    ['hostile_bcast_stored_reassigned.pt', ['load-work-broadcast']],
    ['benign_bcast_stored_attr.pt', []],
    ['benign_bcast_stored_add.pt', []],
    ['hostile_bcast_free_function.pt', ['load-work-broadcast']],
    ['hostile_replace_stored.pt', ['load-work-product']],
    ['benign_bcast_small_constant.pt', []],
    ['benign_mul_stored_float.pt', []],
    ['benign_mul_stored_itself.pt', []],
    ['benign_compare_number.pt', []],
    ['benign_add_in_place.pt', []],
    ['benign_layer_norm.pt', []],
    ['benign_replace_constant.pt', []],
  ];
  for (const [name, expect] of files)
    it(`${name}: ${expect.length === 0 ? 'passes' : expect.join(', ')}`, async () => {
      const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
      const got = r.findings
        .filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL' || f.severity === 'MEDIUM')
        .map((f) => f.evidence.details?.kind);
      assert.deepEqual([...new Set(got)].sort(), expect, JSON.stringify(r.findings.map((f) => f.evidence.signal)));
    });
});

describe('TorchScript load code: tensors of the stored state have the shapes data.pkl gives them', () => {
  const M = 1 << 20;
  const cls = (body: string[], extra: string[] = []) => [
    'class M(Module):',
    '  __parameters__ = []',
    '  a : Tensor',
    '  b : Tensor',
    '  r : Tensor',
    '  def __setstate__(self: __torch__.m.M, state: Tuple[Tensor, Tensor, bool]) -> NoneType:',
    ...body.map((l) => '    ' + l),
    '    return None',
    ...extra,
  ];
  const kinds = async (body: string[], stored: [number[] | undefined, number[] | undefined], extra: string[] = []) =>
    (await archiveKinds({ 'code/__torch__/m.py': cls(body, extra) }, new Map([['__torch__.m.M', stored]]))).map(
      ([, k]) => k,
    );
  const small: [number[], number[]] = [
    [4, 4],
    [1, 4],
  ];
  const large: [number[], number[]] = [
    [M, 1],
    [1, M],
  ];
  // Within the constant-shape bound together (2^23 elements), and 8192 elements apart from an unknown operand.
  const mid: [number[], number[]] = [
    [8192, 1],
    [1, 1024],
  ];
  const cases: [string, string[], [number[] | undefined, number[] | undefined], unknown[], string[]?][] = [
    ['state items of small stored shapes', ['self.r = torch.add((state)[0], (state)[1])'], small, []],
    [
      'state items of large stored shapes',
      ['self.r = torch.add((state)[0], (state)[1])'],
      large,
      ['load-work-broadcast', 'load-work-unbounded'],
    ],
    [
      'attributes set from small state items',
      ['self.a = (state)[0]', 'self.b = (state)[1]', 'a = self.a', 'self.r = torch.add(a, self.b)'],
      small,
      [],
    ],
    [
      'attributes set from large state items',
      ['self.a = (state)[0]', 'self.b = (state)[1]', 'self.r = torch.add(self.a, self.b)'],
      large,
      ['load-work-broadcast', 'load-work-unbounded'],
    ],
    [
      'a matrix product of small stored attributes',
      ['self.a = (state)[0]', 'self.b = (state)[0]', 'self.r = torch.add(torch.mm(self.a, self.b), self.a)'],
      small,
      [],
    ],
    [
      'an item whose shape data.pkl does not give',
      ['self.r = torch.add((state)[0], (state)[1])'],
      [undefined, [1, 8192]],
      ['load-work-broadcast'],
    ],
    [
      'an attribute reassigned from a computed value',
      ['self.a = (state)[1]', 'self.a = torch.t((state)[0])', 'self.r = torch.add(self.a, (state)[0])'],
      mid,
      ['load-work-broadcast'],
    ],
    [
      'an attribute set from a state item in another method, read here',
      ['self.r = torch.add(self.a, (state)[0])'],
      mid,
      ['load-work-broadcast'],
      [
        '  def set_a(self: __torch__.m.M, state: Tuple[Tensor, Tensor, bool]) -> NoneType:',
        '    self.a = (state)[1]',
        '    return None',
        '  def forward(self: __torch__.m.M, x: Tensor) -> Tensor:',
        '    self.a = x',
        '    return x',
      ],
    ],
    [
      // The assignment just before the read reaches it: another method's assignment runs at another time.
      'an attribute set from a state item just before the read, also set in another method',
      ['self.a = (state)[1]', 'self.r = torch.add(self.a, (state)[0])'],
      mid,
      [],
      ['  def forward(self: __torch__.m.M, x: Tensor) -> Tensor:', '    self.a = x', '    return x'],
    ],
    [
      'an attribute set just before the read, with a method of the object called between',
      ['self.a = (state)[1]', '_0 = (self).reset()', 'self.r = torch.add(self.a, (state)[0])'],
      mid,
      ['load-work-broadcast'],
      [
        '  def reset(self: __torch__.m.M) -> NoneType:',
        '    self.a = torch.ones([1, 1])',
        '    return None',
        '  def forward(self: __torch__.m.M, x: Tensor) -> Tensor:',
        '    self.a = x',
        '    return x',
      ],
    ],
    [
      "a rebound state parameter (its items are the new tuple's, of unknown size)",
      ['state = (self.a, self.b, True)', 'self.r = torch.add((state)[0], (state)[1])'],
      small,
      ['load-work-broadcast'],
    ],
    [
      'a state parameter rebound to a tuple of small constant shapes',
      ['state = (torch.ones([1]), torch.ones([1]), True)', 'self.r = torch.add((state)[0], (state)[1])'],
      large,
      [],
    ],
    [
      'a stored tensor resized in place first',
      ['a = (state)[0]', 'a.resize_([65536, 1])', 'self.r = torch.add(a, (state)[1])'],
      small,
      ['load-work-broadcast'],
    ],
    [
      'a stored tensor written by out=',
      ['a = (state)[0]', 'x = torch.add((state)[1], 1, out=a)', 'self.r = torch.add(a, (state)[1])'],
      small,
      ['load-work-broadcast'],
    ],
    [
      'an item of a list the state holds',
      ['self.r = torch.add(((state)[1])[0], (state)[0])'],
      mid,
      ['load-work-broadcast'],
    ],
  ];
  for (const [name, body, stored, expect, extra] of cases)
    it(`${expect.length === 0 ? 'passes' : 'reports'}: ${name}`, async () =>
      assert.deepEqual(await kinds(body, stored, extra), expect));
  it('without the stored states the same code is reported', async () =>
    assert.deepEqual(
      (await archiveKinds({ 'code/__torch__/m.py': cls(['self.r = torch.add((state)[0], (state)[1])']) })).map(
        ([, k]) => k,
      ),
      ['load-work-broadcast'],
    ));
});

describe("TorchScript load code: the archive's own functions and methods are not the operators they are named like", () => {
  const main = (body: string[], extra: string[] = []) => [
    'class M(Module):',
    '  __parameters__ = []',
    '  def __setstate__(self: __torch__.m.M, state: Tuple[Tensor, Tensor, bool]) -> NoneType:',
    ...body.map((l) => '    ' + l),
    '    return None',
    ...extra,
  ];
  const helpers = [
    'def outer(a: Tensor, b: Tensor) -> Tensor:',
    '  return torch.add(a, 1)',
    'def mm(a: Tensor, b: Tensor) -> Tensor:',
    '  return a',
  ];
  const methods = [
    '  def outer(self: __torch__.m.M, a: Tensor, b: Tensor) -> Tensor:',
    '    return torch.add(a, 1)',
    '  def mm(self: __torch__.m.M, a: Tensor, b: Tensor) -> Tensor:',
    '    return a',
  ];
  const computed = 'torch.add((state)[0], 1)';
  const cases: [string, string[], unknown[], string[]?][] = [
    ['a free function named outer', [`x = __torch__.h.outer(${computed}, ${computed})`], []],
    ['a free function named mm, through a local name', ['_0 = __torch__.h.mm', `x = _0(${computed}, ${computed})`], []],
    ['a method named outer', [`x = self.outer(${computed}, ${computed})`], [], methods],
    ['a method named mm', [`x = self.mm(${computed}, (state)[1])`], [], methods],
    ['aten::outer itself', [`x = torch.outer(${computed}, ${computed})`], ['load-work-superlinear']],
    ['aten::mm in the value form', [`a = ${computed}`, 'x = a.mm(a)'], ['load-work-superlinear']],
    [
      'a method named mm the class does not define',
      [`a = ${computed}`, 'x = self.mm(a, a)'],
      ['load-work-superlinear'],
    ],
  ];
  for (const [name, body, expect, extra] of cases)
    it(`${expect.length === 0 ? 'passes' : 'reports'}: ${name}`, async () =>
      assert.deepEqual(
        (await archiveKinds({ 'code/__torch__/m.py': main(body, extra), 'code/__torch__/h.py': helpers })).map(
          ([, k]) => k,
        ),
        expect,
      ));
});
