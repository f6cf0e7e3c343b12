// TorchScript load code sorting a list of objects of an archive class. torch 1.13 compares the items of a list of
// objects of a class with the class's `__lt__` when it sorts it (`l.sort()`, `l.sort(reverse=True)`, the printer's
// `torch.sort(l)` / `torch.sort(l, True)`, and `sorted(l)`), so `__lt__` runs at load as an explicit call does. The
// other list methods and builtins that might compare items (`max`, `min`, `l.index`, `l.count`, `l.remove`, `in`,
// `==` of lists, `sorted(l, reverse=True)`) do not compile on such a list. Case tables over an archive of two code
// files (each sort form with its twin, item types read through annotations, displays and bindings, lists of other
// types), and the real archives of scripts/fixtures/torchscript-load-sort.py (each proven under torch 1.13's loaders).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';
import { archiveSignals } from './signal-helpers.js';

/** `code/__torch__/box.py`: Box, whose `__lt__` loops `bound` times (printer style); without it with `lt` false. */
const box = (bound: string, lt = true): string[] => [
  'class Box:',
  '  n : int',
  '  def __init__(self: __torch__.box.Box, n: int) -> NoneType:',
  '    self.n = n',
  '    return None',
  ...(lt
    ? [
        '  def __lt__(self: __torch__.box.Box, o: __torch__.box.Box) -> bool:',
        '    s = 0',
        `    for k in range(${bound}):`,
        '      s = torch.add(s, 1)',
        '    return torch.lt(s, o.n)',
      ]
    : []),
];

/** `code/__torch__/main.py`: M.__setstate__ makes two Boxes of the stored count (`_0`, `_2`) and runs `lines`. */
const main = (lines: string[], params = ''): string[] => [
  'class M(Module):',
  '  __parameters__ = []',
  '  training : bool',
  '  n : int',
  '  total : int',
  '  boxes : List[__torch__.box.Box]',
  '  def forward(self: __torch__.main.M, x: Tensor) -> Tensor:',
  '    return x',
  `  def __setstate__(self: __torch__.main.M, state: Tuple[int, bool]${params}) -> NoneType:`,
  '    self.n = (state)[0]',
  '    self.training = (state)[1]',
  '    _0 = __torch__.box.Box.__new__(__torch__.box.Box)',
  '    _1 = (_0).__init__(self.n, )',
  '    _2 = __torch__.box.Box.__new__(__torch__.box.Box)',
  '    _3 = (_2).__init__(1, )',
  ...lines.map((l) => '    ' + l),
  '    return None',
];

const HOSTILE = 'self.n';
const TWIN = '3';
const LOOP: [string, unknown] = ['code/__torch__/box.py', 'load-work-unbounded'];
const UNFOLLOWED: [string, unknown] = ['code/__torch__/main.py', 'load-operation-unfollowed'];

const kindsOf = async (files: Record<string, string[]>) => {
  const got = await archiveSignals(files);
  return {
    kinds: Object.entries(got).flatMap(([path, ss]) => ss.map((x) => [path, x.details?.kind])),
    messages: JSON.stringify(Object.values(got).flatMap((ss) => ss.map((x) => x.message))),
  };
};

/** Each sort form and the list it sorts: its lines in __setstate__. */
const FORMS: [string, string[], string?][] = [
  ['the explicit call the printer writes (control)', ['self.total = int((_0).__lt__(_2, ))']],
  ['l.sort() of a display', ['l = [_0, _2]', 'l.sort()']],
  ['l.sort(reverse=True)', ['l = [_0, _2]', 'l.sort(reverse=True)']],
  ["torch.sort(l) (the printer's spelling)", ['l = [_0, _2]', 'torch.sort(l)']],
  ['torch.sort(l, True)', ['l = [_0, _2]', 'torch.sort(l, True)']],
  ['sorted(l)', ['l = [_0, _2]', 'm = sorted(l)']],
  ['sorted of a display', ['m = sorted([_0, _2])']],
  ['a sort of the result of sorted(l)', ['m = sorted([_0, _2])', 'm.sort()']],
  [
    'a list made by annotate(List[Box], []) and appended to',
    ['l = annotate(List[__torch__.box.Box], [])', '_4 = torch.append(l, _0)', 'torch.sort(l)'],
  ],
  ['an attribute annotated List[Box]', ['self.boxes = [_0, _2]', 'torch.sort(self.boxes)']],
  ['self.boxes.sort()', ['self.boxes = [_0, _2]', 'self.boxes.sort()']],
  ['a parameter annotated Optional[List[Box]]', ['torch.sort(xs)'], ', xs: Optional[List[__torch__.box.Box]]'],
];

describe('TorchScript load code: sorts of lists of objects of archive classes', () => {
  for (const [name, lines, params] of FORMS) {
    it(`${name}: __lt__ is followed (a stored loop count is reported in it)`, async () => {
      const { kinds, messages } = await kindsOf({
        'code/__torch__/main.py': main(lines, params),
        'code/__torch__/box.py': box(HOSTILE),
      });
      assert.deepEqual(kinds, [LOOP], messages);
    });
    it(`${name}: its twin, whose __lt__ loops a constant 3 times, passes`, async () => {
      const { kinds, messages } = await kindsOf({
        'code/__torch__/main.py': main(lines, params),
        'code/__torch__/box.py': box(TWIN),
      });
      assert.deepEqual(kinds, [], messages);
    });
  }

  const cases: [string, Record<string, string[]>, [string, unknown][]][] = [
    [
      'a sort of a list of unknown item type where an archive class defines __lt__: not followed',
      { 'code/__torch__/main.py': main(['torch.sort(xs)'], ', xs: Any'), 'code/__torch__/box.py': box(TWIN) },
      [UNFOLLOWED],
    ],
    [
      'a sort of a list returned by an unread call where an archive class defines __lt__: not followed',
      { 'code/__torch__/main.py': main(['l = self.get()', 'l.sort()']), 'code/__torch__/box.py': box(TWIN) },
      [UNFOLLOWED],
    ],
    [
      'a sort of a list of unknown item type where no archive class defines __lt__',
      { 'code/__torch__/main.py': main(['torch.sort(xs)'], ', xs: Any'), 'code/__torch__/box.py': box(TWIN, false) },
      [],
    ],
    [
      'a sort of a list of objects of a class that does not define __lt__ (does not compile)',
      { 'code/__torch__/main.py': main(['l = [_0, _2]', 'l.sort()']), 'code/__torch__/box.py': box(TWIN, false) },
      [UNFOLLOWED],
    ],
    [
      'a sort of a list of objects of an archive class no code file defines',
      { 'code/__torch__/main.py': main(['l = [_0, _2]', 'l.sort()']) },
      // The two constructions, the two __init__ calls and the sort.
      [UNFOLLOWED, UNFOLLOWED, UNFOLLOWED, UNFOLLOWED, UNFOLLOWED],
    ],
    [
      'sorts of other lists and of tensors beside a class whose __lt__ loops over the stored count',
      {
        'code/__torch__/main.py': main(
          [
            'xs = [3, 1, 2]',
            'xs.sort()',
            'ys = sorted([1.0, 0.5])',
            'zs = annotate(List[str], [])',
            'torch.sort(zs, True)',
            'ws = []',
            'torch.sort(ws)',
            '_4, _5 = torch.sort(t)',
            '_6 = torch.sort(torch.zeros([3]), 0)',
            'self.total = len(ys)',
          ],
          ', t: Tensor',
        ),
        'code/__torch__/box.py': box(HOSTILE),
      },
      [],
    ],
  ];
  for (const [name, files, expect] of cases)
    it(name, async () => {
      const { kinds, messages } = await kindsOf(files);
      assert.deepEqual(kinds, expect, messages);
    });
});

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load-sort');
const SORT_FORMS = ['torch-sort', 'torch-sort-reverse', 'sorted', 'method-sort', 'method-sort-reverse'];

describe('TorchScript sorts of archive-class objects: archives made and proven by torch 1.13', () => {
  const files = SORT_FORMS.flatMap((f): [string, boolean][] => [
    [`hostile-${f}.pt`, true],
    [`benign-${f}.pt`, false],
  ]);
  for (const [name, hostile] of files)
    it(`${name}: ${hostile ? 'the loop of the __lt__ it reaches is reported' : 'passes'}`, async () => {
      const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
      const got = r.findings
        .filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL')
        .map((f) => [
          f.location.chain.at(-1)!.split('/').at(-1),
          f.evidence.details?.kind,
          f.evidence.details?.runsAtLoad,
        ]);
      assert.deepEqual(
        got,
        hostile ? [['sort_box.py', 'load-work-unbounded', true]] : [],
        JSON.stringify(r.findings.map((f) => f.evidence.signal)),
      );
    });
});
