// Growth in TorchScript load code through every spelling torch's compiler accepts: the value-method forms
// (`t.repeat(2)`, `t.repeat(2, 2)`, `t.expand(n).contiguous()`, `t.tile([2])`, `t.repeat_interleave(2)`,
// `t.new_zeros([n])` …) size their output as their `torch.<op>` forms do; a name rebound in straight-line code is
// read at the binding that reaches each read; a concatenation of a display of more than 16 items or of a list built
// by appends is the sum of its items; a chain may start from a stored tensor; a loop reaching the grown value as
// `self.g` or `l[0]` is charged by it per turn; a sort in a loop is charged its list per turn. Case table with
// twins, and the real archives of scripts/fixtures/torchscript-load-growth-forms.py (each proven under torch 1.13's
// loaders).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';
import { archiveKinds, scriptedClass, signalsFor } from './signal-helpers.js';

const kinds = async (lines: string[], extra: string[] = []): Promise<unknown[]> =>
  (await signalsFor(scriptedClass(lines, extra).join('\n') + '\n', 'torchscript'))
    .filter((s) => s.confidence === 'high')
    .map((s) => s.details?.kind);

/** `steps` links `t<i> = grow(t<i-1>)` from `start`, ending in `t<steps>`. */
const chain = (steps: number, grow: (prev: string) => string, start = 'torch.ones([1])'): string[] => [
  `t0 = ${start}`,
  ...Array.from({ length: steps }, (_, i) => `t${i + 1} = ${grow(`t${i}`)}`),
];
/** `steps` rebindings `t = grow(t)` from `start`. */
const rebound = (steps: number, grow: string, start = 'torch.ones([1])'): string[] => [
  `t = ${start}`,
  ...Array.from({ length: steps }, () => `t = ${grow}`),
];
const loop = (operand: string, turns: number) => [`for i in range(${turns}):`, `  u = torch.add(${operand}, 1)`];
const H = 60000;
const B = 16;

describe('TorchScript load code: growth through every spelling of the growing operators', () => {
  const cases: [string, string[], boolean, string[]?][] = [
    // Value-method forms, as their torch.<op> forms.
    ['t.repeat([2]) 24 times', [...chain(24, (p) => `${p}.repeat([2])`), ...loop('t24', H)], true],
    ['t.repeat(2) 24 times', [...chain(24, (p) => `${p}.repeat(2)`), ...loop('t24', H)], true],
    ['t.repeat(2, 2) 12 times', [...chain(12, (p) => `${p}.repeat(2, 2)`), ...loop('t12', H)], true],
    ['torch.repeat(t, 2) 24 times', [...chain(24, (p) => `torch.repeat(${p}, 2)`), ...loop('t24', H)], true],
    ['t.tile([2]) 24 times', [...chain(24, (p) => `${p}.tile([2])`), ...loop('t24', H)], true],
    ['torch.tile(t, 2) 24 times', [...chain(24, (p) => `torch.tile(${p}, 2)`), ...loop('t24', H)], true],
    ['t.repeat_interleave(2) 24 times', [...chain(24, (p) => `${p}.repeat_interleave(2)`), ...loop('t24', H)], true],
    [
      'torch.repeat_interleave(t, 2) 24 times',
      [...chain(24, (p) => `torch.repeat_interleave(${p}, 2)`), ...loop('t24', H)],
      true,
    ],
    [
      't.expand(n).contiguous()',
      ['t0 = torch.ones([1])', 't1 = t0.expand(16777216).contiguous()', ...loop('t1', H)],
      true,
    ],
    ['t.expand([n]).clone()', ['t0 = torch.ones([1])', 't1 = t0.expand([16777216]).clone()', ...loop('t1', H)], true],
    [
      'torch.contiguous(torch.expand(t, [n]))',
      ['t0 = torch.ones([1])', 't1 = torch.contiguous(torch.expand(t0, [16777216]))', ...loop('t1', H)],
      true,
    ],
    ['t.new_zeros([n])', ['t0 = torch.ones([1])', 't1 = t0.new_zeros([16777216])', ...loop('t1', H)], true],
    ['t.new_ones(n, 1)', ['t0 = torch.ones([1])', 't1 = t0.new_ones(16777216, 1)', ...loop('t1', H)], true],
    ['t.new_full([n], 1.)', ['t0 = torch.ones([1])', 't1 = t0.new_full([16777216], 1.)', ...loop('t1', H)], true],
    [
      'torch.new_empty(t, [n])',
      ['t0 = torch.ones([1])', 't1 = torch.new_empty(t0, [16777216])', ...loop('t1', H)],
      true,
    ],
    [
      'a grown tensor read by a value method',
      [...chain(24, (p) => `${p}.repeat(2)`), 'for i in range(60000):', '  u = t24.add(1)'],
      true,
    ],
    ['twin: t.repeat(2) 3 times, 16 turns', [...chain(3, (p) => `${p}.repeat(2)`), ...loop('t3', B)], false],
    [
      'twin: t.expand(8).contiguous()',
      ['t0 = torch.ones([1])', 't1 = t0.expand(8).contiguous()', ...loop('t1', H)],
      false,
    ],
    [
      'torch.new_zeros(t, [n], dtype=6) (placement keywords)',
      ['t0 = torch.ones([1])', 't1 = torch.new_zeros(t0, [16777216], dtype=6, device=None)', ...loop('t1', H)],
      true,
    ],
    ['twin: t.new_zeros([8])', ['t0 = torch.ones([1])', 't1 = t0.new_zeros([8])', ...loop('t1', H)], false],
    ['twin: t.repeat_interleave(2) once', ['t0 = torch.ones([16])', 't1 = t0.repeat_interleave(2)'], false],
    // Names rebound in straight-line code.
    ['t = torch.cat([t, t]) 24 times', [...rebound(24, 'torch.cat([t, t])'), ...loop('t', H)], true],
    ['t = t.repeat([2]) 24 times', [...rebound(24, 't.repeat([2])'), ...loop('t', H)], true],
    ['twin: t = torch.cat([t, t]) 3 times', [...rebound(3, 'torch.cat([t, t])'), ...loop('t', H)], false],
    [
      'twin: the loop reads the name before it is rebound to the grown value',
      ['t = torch.ones([1])', ...loop('t', H), ...rebound(24, 'torch.cat([t, t])').slice(1)],
      false,
    ],
    [
      'a rebinding under a branch: the larger of the values that may reach the read',
      ['t = torch.ones([1])', 'if torch.gt(torch.sum(t), 0):', '  t = torch.ones([16777216])', ...loop('t', H)],
      true,
    ],
    [
      'rebindings in both branches, the large one in the else',
      [
        't = torch.ones([1])',
        'if torch.gt(torch.sum(t), 0):',
        '  t = torch.ones([4])',
        'else:',
        '  t = torch.ones([16777216])',
        ...loop('t', H),
      ],
      true,
    ],
    [
      'a rebinding after the read inside the loop reaches it on the next turn',
      [
        'big = torch.ones([16777216])',
        't = torch.ones([1])',
        'for i in range(60000):',
        '  u = torch.add(t, 1)',
        '  t = big',
      ],
      true,
    ],
    [
      'twin: a small rebinding under a branch',
      ['t = torch.ones([1])', 'if torch.gt(torch.sum(t), 0):', '  t = torch.ones([8])', ...loop('t', H)],
      false,
    ],
    [
      'twin: a large value rebound to a small one on every path before the loop',
      [
        't = torch.ones([16777216])',
        'if torch.gt(torch.sum(t), 0):',
        '  u = 1',
        't = torch.ones([8])',
        ...loop('t', H),
      ],
      false,
    ],
    // Concatenations of long displays and of appended lists.
    [
      'torch.cat of a display of 17 items',
      ['a = torch.ones([1048576])', `t = torch.cat([${Array(17).fill('a').join(', ')}])`, ...loop('t', H)],
      true,
    ],
    [
      "torch.cat of a name bound to a display of 17 items (the printer's spelling)",
      ['a = torch.ones([1048576])', `_0 = [${Array(17).fill('a').join(', ')}]`, 't = torch.cat(_0)', ...loop('t', H)],
      true,
    ],
    [
      'torch.cat of a display repeated 17 times ([a] * 17, printed torch.mul([a], 17))',
      ['a = torch.ones([1048576])', 't = torch.cat(torch.mul([a], 17))', ...loop('t', H)],
      true,
    ],
    [
      'torch.cat of a name bound to a repeated display',
      ['a = torch.ones([1048576])', '_0 = torch.mul([a], 17)', 't = torch.cat(_0)', ...loop('t', H)],
      true,
    ],
    [
      'twin: a display of 4 small items repeated 17 times',
      ['a = torch.ones([4])', 't = torch.cat(torch.mul([a], 17))', ...loop('t', H)],
      false,
    ],
    ['torch.cat of a tuple display', ['a = torch.ones([8388608])', 't = torch.cat((a, a))', ...loop('t', H)], true],
    [
      'torch.cat(tensors=[...]) by keyword',
      ['a = torch.ones([8388608])', 't = torch.cat(tensors=[a, a], dim=0)', ...loop('t', H)],
      true,
    ],
    [
      'torch.constant_pad_nd of a known shape',
      ['a = torch.ones([1])', 't = torch.constant_pad_nd(a, [0, 16777215])', ...loop('t', H)],
      true,
    ],
    [
      'twin: torch.constant_pad_nd by 3',
      ['a = torch.ones([1])', 't = torch.constant_pad_nd(a, [0, 3])', ...loop('t', H)],
      false,
    ],
    [
      'torch.stack of a list appended to in a loop',
      [
        'a = torch.ones([1048576])',
        'xs = annotate(List[Tensor], [])',
        'for q in range(16):',
        '  _1 = torch.append(xs, a)',
        't = torch.stack(xs)',
        ...loop('t', H),
      ],
      true,
    ],
    [
      'torch.cat of a list appended to by its method',
      [
        'a = torch.ones([1048576])',
        'xs = annotate(List[Tensor], [])',
        'for q in range(16):',
        '  xs.append(a)',
        't = torch.cat(xs)',
        ...loop('t', H),
      ],
      true,
    ],
    [
      'twin: a display of 17 small items',
      ['a = torch.ones([4])', `t = torch.cat([${Array(17).fill('a').join(', ')}])`, ...loop('t', H)],
      false,
    ],
    [
      'twin: a list appended to 16 times with small items',
      [
        'a = torch.ones([4])',
        'xs = annotate(List[Tensor], [])',
        'for q in range(16):',
        '  xs.append(a)',
        't = torch.cat(xs)',
        ...loop('t', H),
      ],
      false,
    ],
    // A loop reaching the grown value through an attribute or an item.
    [
      'a loop on self.g set large under a branch',
      [
        'self.g = torch.ones([1])',
        'if torch.gt(torch.sum(self.g), 0):',
        '  self.g = torch.ones([16777216])',
        ...loop('self.g', H),
      ],
      true,
    ],
    ['a loop on self.g', ['self.g = torch.ones([16777216])', ...loop('self.g', H)], true],
    [
      'a loop on self.g.add(1)',
      ['self.g = torch.ones([16777216])', 'for i in range(60000):', '  u = self.g.add(1)'],
      true,
    ],
    ['a loop on l[0]', ['l = [torch.ones([16777216])]', ...loop('l[0]', H)], true],
    [
      'a loop on a grown chain through self.g',
      [...rebound(24, 'torch.cat([t, t])'), 'self.g = t', ...loop('self.g', H)],
      true,
    ],
    ['twin: a loop on self.g of 8 elements', ['self.g = torch.ones([8])', ...loop('self.g', H)], false],
    [
      'twin: a loop on l[1], the small item',
      ['l = [torch.ones([16777216]), torch.ones([8])]', ...loop('l[1]', H)],
      false,
    ],
    [
      'twin: self.g set before a call of archive code (not known after it)',
      ['self.g = torch.ones([16777216])', '_0 = (self).reset()', ...loop('self.g', H)],
      false,
      ['  def reset(self: __torch__.M) -> NoneType:', '    self.g = torch.ones([1])', '    return None'],
    ],
    // Sorts in a loop.
    [
      'sorted(l) of 2^24 ints in a loop',
      ['l = torch.mul([0], 16777216)', 'for i in range(60000):', '  m = sorted(l)'],
      true,
    ],
    ['l.sort() of 2^24 ints in a loop', ['l = torch.mul([0], 16777216)', 'for i in range(60000):', '  l.sort()'], true],
    [
      'twin: sorted(l) of 16 ints in a loop',
      ['l = torch.mul([0], 16)', 'for i in range(60000):', '  m = sorted(l)'],
      false,
    ],
  ];
  for (const [name, lines, flagged, extra] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const got = await kinds(lines, extra);
      if (flagged) assert.ok(got.includes('load-work-unbounded'), JSON.stringify(got));
      else assert.deepEqual(got, [], JSON.stringify(got));
    });
});

describe('TorchScript load code: chains that start from a stored tensor', () => {
  const cls = (body: string[]) => [
    'class M(Module):',
    '  __parameters__ = []',
    '  a : Tensor',
    '  def __setstate__(self: __torch__.m.M, state: Tuple[Tensor, bool]) -> NoneType:',
    ...body.map((l) => '    ' + l),
    '    return None',
  ];
  const cases: [string, string[], number[], boolean][] = [
    [
      '12 doublings of a stored 4096-element item',
      [...rebound(12, 'torch.cat([t, t])', '(state)[0]'), ...loop('t', H)],
      [4096],
      true,
    ],
    [
      '12 doublings of an attribute set from it',
      ['self.a = (state)[0]', ...chain(12, (p) => `${p}.repeat(2)`, 'self.a'), ...loop('t12', H)],
      [4096],
      true,
    ],
    [
      '12 doublings of a tensor constant of the archive',
      [...rebound(12, 'torch.cat([t, t])', 'CONSTANTS.c0'), ...loop('t', H)],
      [4096],
      true,
    ],
    [
      'twin: 12 doublings of a 4-element tensor constant',
      [...rebound(12, 'torch.cat([t, t])', 'CONSTANTS.c0'), ...loop('t', B)],
      [4],
      false,
    ],
    [
      'twin: a constant past the table constants.pkl holds is not sized',
      [...rebound(12, 'torch.cat([t, t])', 'CONSTANTS.c1'), ...loop('t', H)],
      [4096],
      false,
    ],
    [
      'twin: 12 doublings of a stored 4-element item',
      [...rebound(12, 'torch.cat([t, t])', '(state)[0]'), ...loop('t', B)],
      [4],
      false,
    ],
  ];
  for (const [name, body, dims, flagged] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const stored = new Map([
        ['__torch__.m.M', [dims]],
        // The tensor constants of constants.pkl, `CONSTANTS.c<i>` in code/.
        ['CONSTANTS', [dims]],
      ]);
      const got = (await archiveKinds({ 'code/__torch__/m.py': cls(body) }, stored)).map(([, k]) => k);
      if (flagged) assert.ok(got.includes('load-work-unbounded'), JSON.stringify(got));
      else assert.deepEqual(got, [], JSON.stringify(got));
    });
});

describe('TorchScript load code: a sort of objects runs their __lt__ per comparison, every turn of the loops around it', () => {
  const box = [
    'class Box:',
    '  n : int',
    '  def __init__(self: __torch__.box.Box, n: int) -> NoneType:',
    '    self.n = n',
    '    return None',
    '  def __lt__(self: __torch__.box.Box, o: __torch__.box.Box) -> bool:',
    '    s = 0',
    '    for k in range(1000):',
    '      s = torch.add(s, 1)',
    '    return torch.lt(s, o.n)',
  ];
  const main = (lines: string[], params = '') => [
    'class M(Module):',
    '  __parameters__ = []',
    '  training : bool',
    `  def __setstate__(self: __torch__.main.M, state: Tuple[int, bool]${params}) -> NoneType:`,
    '    self.training = (state)[1]',
    '    _0 = __torch__.box.Box.__new__(__torch__.box.Box)',
    '    _1 = (_0).__init__(1, )',
    '    _2 = __torch__.box.Box.__new__(__torch__.box.Box)',
    '    _3 = (_2).__init__(2, )',
    '    l = [_0, _2]',
    ...lines.map((l) => '    ' + l),
    '    return None',
  ];
  const cases: [string, string[], boolean, string?][] = [
    ['l.sort() in a loop of 60000 turns', ['for i in range(60000):', '  l.sort()'], true],
    ['sorted(l) in a loop of 60000 turns', ['for i in range(60000):', '  m = sorted(l)'], true],
    [
      "torch.sort(l) (the printer's l.sort()) in a loop of 60000 turns",
      ['for i in range(60000):', '  torch.sort(l)'],
      true,
    ],
    ['twin: l.sort() in a loop of 16 turns', ['for i in range(16):', '  l.sort()'], false],
    ['twin: l.sort() once', ['l.sort()'], false],
    // A sort of n objects compares them about n log2 n times.
    [
      'one sort of 65536 objects (a display repeated), each comparison 1000 turns',
      ['xs = torch.mul(l, 32768)', 'xs.sort()'],
      true,
    ],
    [
      'one sort of 64 objects appended in a loop',
      ['ys = annotate(List[__torch__.box.Box], [])', 'for j in range(64):', '  ys.append(_0)', 'ys.sort()'],
      false,
    ],
    ['twin: one sort of 8 objects', ['xs = torch.mul(l, 4)', 'xs.sort()'], false],
    // A list whose count the archive chooses: one comparison per stored element (1000 turns each, over the 16 a
    // load may run per stored element).
    ['one sort of a list the load is given', ['torch.sort(xs)'], true, ', xs: List[__torch__.box.Box]'],
  ];
  for (const [name, lines, flagged, params] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const got = await archiveKinds({ 'code/__torch__/main.py': main(lines, params), 'code/__torch__/box.py': box });
      assert.deepEqual(got, flagged ? [['code/__torch__/box.py', 'load-work-unbounded']] : [], JSON.stringify(got));
    });
});

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load-growth-forms');
const FORMS = [
  'constant',
  'rebound-cat',
  'method-repeat',
  'method-expand',
  'method-new-zeros',
  'method-tile',
  'method-repeat-interleave',
  'cat-display',
  'cat-appended',
  'attribute',
  'subscript',
  'stored',
  'sorted',
];

describe('TorchScript growth forms: archives made and proven by torch 1.13', () => {
  for (const form of FORMS)
    for (const hostile of [true, false]) {
      const name = `${hostile ? 'hostile' : 'benign'}-${form}.pt`;
      it(`${name}: ${hostile ? 'the loop over the grown value is reported' : 'passes'}`, async () => {
        const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
        const got = r.findings
          .filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL')
          .map((f) => f.evidence.details?.kind);
        assert.deepEqual(
          got,
          hostile ? ['load-work-unbounded'] : [],
          JSON.stringify(r.findings.map((f) => f.evidence.signal)),
        );
      });
    }
});
