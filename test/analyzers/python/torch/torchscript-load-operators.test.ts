// TorchScript load code reaching a method of an archive class through operator syntax. torch's compiler turns an
// operator on an object of a class into a call of the class's special method (`b[1]` is `b.__getitem__(1)`, `b + 1`
// is `b.__add__(1)`, `if b:` is `b.__bool__()`, `len(b)` is `b.__len__()` …), so the method runs at load exactly as
// the explicit call the printer writes does. Case tables over an archive of two code files (each hostile form with
// its benign twin, the explicit-call control, operands of unknown type), and the real archives of
// scripts/fixtures/torchscript-load-operators.py (each proven under torch 1.13's loaders).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';
import { archiveKinds, archiveSignals } from './signal-helpers.js';

/** The special methods of `code/__torch__/box.py`'s Box, each looping `bound` times (printer style). */
const SPECIAL: [string, string, string][] = [
  ['__getitem__', 'i: int', 'int'],
  ['__setitem__', 'i: int, v: int', 'NoneType'],
  ['__delitem__', 'i: int', 'NoneType'],
  ['__contains__', 'i: int', 'bool'],
  ['__len__', '', 'int'],
  ['__add__', 'o: int', 'int'],
  ['__sub__', 'o: int', 'int'],
  ['__mul__', 'o: int', 'int'],
  ['__truediv__', 'o: int', 'int'],
  ['__mod__', 'o: int', 'int'],
  ['__pow__', 'o: int', 'int'],
  ['__and__', 'o: int', 'int'],
  ['__or__', 'o: int', 'int'],
  ['__xor__', 'o: int', 'int'],
  ['__lshift__', 'o: int', 'int'],
  ['__rshift__', 'o: int', 'int'],
  ['__lt__', 'o: int', 'bool'],
  ['__le__', 'o: int', 'bool'],
  ['__gt__', 'o: int', 'bool'],
  ['__ge__', 'o: int', 'bool'],
  ['__eq__', 'o: int', 'bool'],
  ['__ne__', 'o: int', 'bool'],
  ['__neg__', '', 'int'],
  ['__invert__', '', 'int'],
  ['__bool__', '', 'bool'],
  ['__int__', '', 'int'],
  ['__float__', '', 'float'],
  ['__str__', '', 'str'],
  ['__complex__', '', 'complex'],
  ['__round__', '', 'int'],
  ['__hex__', '', 'str'],
  ['__oct__', '', 'str'],
  ['__iadd__', 'o: int', '__torch__.box.Box'],
  ['__enter__', '', 'int'],
  ['__exit__', 'a: Any, b: Any, c: Any', 'NoneType'],
  ['__call__', 'i: int', 'int'],
];

const box = (bound: string, without: string[] = []): string[] => [
  'class Box:',
  '  n : int',
  ...SPECIAL.filter(([name]) => !without.includes(name)).flatMap(([name, params, ret]) => [
    `  def ${name}(self: __torch__.box.Box${params === '' ? '' : ', ' + params}) -> ${ret}:`,
    '    s = 0',
    `    for k in range(${bound}):`,
    '      s = torch.add(s, 1)',
    ret === '__torch__.box.Box' ? '    return self' : '    return None',
  ]),
];

/** `code/__torch__/main.py`: M.__setstate__ makes a Box of the stored count and runs `lines` on it as `b`. */
const main = (lines: string[], param = ''): string[] => [
  'class M(Module):',
  '  __parameters__ = []',
  '  training : bool',
  '  n : int',
  '  total : int',
  '  box : __torch__.box.Box',
  '  def forward(self: __torch__.main.M, x: Tensor) -> Tensor:',
  '    return x',
  `  def __setstate__(self: __torch__.main.M, state: Tuple[int, bool]${param}) -> NoneType:`,
  '    self.n = (state)[0]',
  '    self.training = (state)[1]',
  '    b = __torch__.box.Box.__new__(__torch__.box.Box)',
  '    b.n = self.n',
  ...lines.map((l) => '    ' + l),
  '    return None',
];

const HOSTILE = 'self.n';
const TWIN = '3';
const LOOP: [string, unknown] = ['code/__torch__/box.py', 'load-work-unbounded'];
const UNFOLLOWED: [string, unknown] = ['code/__torch__/main.py', 'load-operation-unfollowed'];

/** Each operator form: its spelling in __setstate__ (the explicit-call control first). */
const FORMS: [string, string[]][] = [
  ['the explicit call the printer writes (control)', ['self.total = (b).__getitem__(1, )']],
  ['b[1]', ['self.total = b[1]']],
  ['b[1] = v', ['b[1] = 2']],
  ['del b[1]', ['del b[1]']],
  ['1 in b', ['self.total = int(1 in b)']],
  ['1 not in b', ['self.total = int(1 not in b)']],
  ['len(b)', ['self.total = len(b)']],
  ...['+', '-', '*', '/', '%', '**', '&', '|', '^', '<<', '>>'].map((op): [string, string[]] => [
    `b ${op} 1`,
    [`self.total = b ${op} 1`],
  ]),
  ...['<', '<=', '>', '>=', '==', '!='].map((op): [string, string[]] => [`b ${op} 1`, [`self.total = int(b ${op} 1)`]]),
  ['a chained comparison 0 < b < 1 (b < 1 is b.__lt__)', ['self.total = int(0 < b < 1)']],
  ['-b', ['self.total = -b']],
  ['~b', ['self.total = ~b']],
  ['if b:', ['if b:', '  self.total = 1']],
  ['not b', ['self.total = int(not b)']],
  ['b and True', ['self.total = int(b and True)']],
  ['1 if b else 0', ['self.total = 1 if b else 0']],
  ['assert b', ['assert b']],
  ['a comprehension filter', ['self.total = len([k for k in range(2) if b])']],
  ...['bool', 'int', 'float', 'str', 'complex', 'round', 'hex', 'oct'].map((f): [string, string[]] => [
    `${f}(b)`,
    [`_0 = ${f}(b)`],
  ]),
  ['with b: (__enter__ and __exit__)', ['with b:', '  self.total = 1']],
  ['b(1) (__call__)', ['self.total = b(1)']],
  ['self.box(1) on an attribute holding an object (__call__)', ['self.box = b', 'self.total = self.box(1)']],
];

describe('TorchScript load code: operators on objects of archive classes', () => {
  for (const [name, lines] of FORMS) {
    it(`${name}: the special method is followed (a stored loop count is reported in it)`, async () => {
      const got = await archiveKinds({
        'code/__torch__/main.py': main(lines),
        'code/__torch__/box.py': box(HOSTILE),
      });
      assert.deepEqual(got, name.startsWith('with b:') ? [LOOP, LOOP] : [LOOP], JSON.stringify(got));
    });
    it(`${name}: its twin, whose special methods loop a constant 3 times, passes`, async () => {
      const got = await archiveKinds({
        'code/__torch__/main.py': main(lines),
        'code/__torch__/box.py': box(TWIN),
      });
      assert.deepEqual(got, [], JSON.stringify(got));
    });
  }

  const cases: [string, Record<string, string[]>, [string, unknown][]][] = [
    [
      'while b: runs __bool__ each turn (and is a loop the stored state may keep going)',
      { 'code/__torch__/main.py': main(['while b:', '  self.total = 1']), 'code/__torch__/box.py': box(TWIN) },
      [['code/__torch__/main.py', 'load-work-unbounded']],
    ],
    [
      'b += 1 (a name rebound by an augmented assignment has no one type): not followed',
      { 'code/__torch__/main.py': main(['b += 1']), 'code/__torch__/box.py': box(TWIN) },
      [UNFOLLOWED],
    ],
    [
      'an operator on an object read through a tuple (its item type is not read): not followed',
      {
        'code/__torch__/main.py': main(['t = (b, 1)', '_1 = (t)[0]', 'self.total = _1[1]']),
        'code/__torch__/box.py': box(TWIN),
      },
      [UNFOLLOWED, UNFOLLOWED],
    ],
    [
      'an operator on an object of an archive class no code file defines',
      { 'code/__torch__/main.py': main(['self.total = b[1]']) },
      // The construction of the class and the operator on its object.
      [UNFOLLOWED, UNFOLLOWED],
    ],
    [
      'an operator on an object of a class that does not define its special method',
      {
        'code/__torch__/main.py': main(['self.total = b[1]']),
        'code/__torch__/box.py': box(TWIN, ['__getitem__']),
      },
      [UNFOLLOWED],
    ],
    [
      'an operand of unknown type where an archive class defines the method',
      {
        'code/__torch__/main.py': main(['self.total = x[1]'], ', x'),
        'code/__torch__/box.py': box(TWIN),
      },
      [UNFOLLOWED],
    ],
    [
      'a call of a value of unknown type where an archive class defines __call__',
      {
        'code/__torch__/main.py': main(['self.total = x(1)'], ', x'),
        'code/__torch__/box.py': box(TWIN),
      },
      [UNFOLLOWED],
    ],
    [
      'an operand of unknown type where no archive class defines the method',
      {
        'code/__torch__/main.py': main(['self.total = x[1]'], ', x'),
        'code/__torch__/box.py': box(TWIN, ['__getitem__']),
      },
      [],
    ],
    [
      'operators on values of other types (the stored tuple, ints, a list) beside a class that defines them',
      {
        'code/__torch__/main.py': main([
          'xs = [1, 2]',
          'ys = annotate(List[int], [])',
          '_2 = xs[0]',
          '_3 = ys[0]',
          'self.total = (state)[0] + 1',
          'if (state)[1]:',
          '  self.total = len(xs)',
        ]),
        'code/__torch__/box.py': box(HOSTILE),
      },
      [],
    ],
  ];
  for (const [name, files, expect] of cases)
    it(name, async () => {
      const got = await archiveSignals(files);
      const kinds = Object.entries(got).flatMap(([path, ss]) => ss.map((x) => [path, x.details?.kind]));
      assert.deepEqual(kinds, expect, JSON.stringify(Object.values(got).flatMap((ss) => ss.map((x) => x.message))));
    });
});

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load-operators');
const OPERATOR_FORMS = [
  'getitem',
  'setitem',
  'delitem',
  'contains',
  'len',
  'add',
  'lt',
  'neg',
  'invert',
  'truth',
  'int',
  'call',
];

describe('TorchScript operators on archive-class objects: archives made and proven by torch 1.13', () => {
  const files: [string, boolean][] = [
    ['hostile-explicit-call.pt', true],
    ...OPERATOR_FORMS.flatMap((f): [string, boolean][] => [
      [`hostile-${f}.pt`, true],
      [`benign-${f}.pt`, false],
    ]),
  ];
  for (const [name, hostile] of files)
    it(`${name}: ${hostile ? 'the loop of the special method it reaches is reported' : 'passes'}`, async () => {
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
        hostile ? [['op_box.py', 'load-work-unbounded', true]] : [],
        JSON.stringify(r.findings.map((f) => f.evidence.signal)),
      );
    });
});
