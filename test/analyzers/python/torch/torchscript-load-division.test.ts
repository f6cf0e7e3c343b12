// Integer division and remainder in TorchScript code run at load (torchscript-load-division.ts): torch checks an
// integer divisor only for zero, so INT64_MIN // -1 from the stored state traps in native code. Archives written by
// torch.jit.save with `torch.floor_divide(state[0], state[1])` or `state[0] % state[1]` in __setstate__ and the state
// (INT64_MIN, -1) kill torch.jit.load (and torch.load with weights_only=True) with SIGFPE (exit status 136 from a
// shell); the printed code is what these cases hold (scripts/fixtures/torchscript-load-division.py proves a real pair).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIVISION_CLASSES, DIVISION_NAME } from '../../../../src/analyzers/python/torch/torchscript-load-division.js';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { archiveFindingKinds, assertRuleCase, type RuleCase } from './signal-helpers.js';

function cls(setstate: string[], extra: string[] = []): string[] {
  return [
    'class M(Module):',
    '  __parameters__ = []',
    '  w : Tensor',
    '  def forward(self: __torch__.M, x: Tensor) -> Tensor:',
    '    return torch.floor_divide(x, self.w)',
    '  def __setstate__(self: __torch__.M, state: Tuple[Tensor, Tensor]) -> NoneType:',
    ...setstate.map((l) => '    ' + l),
    '    return None',
    ...extra,
  ];
}

const DIV = { kind: 'load-division', runsAtLoad: true };
/** Operators outside the load families (`ops.prims.div`) are reported at load whatever their operands. */
const UNREVIEWED = 'load-operation-unreviewed';
const LOAD_ADMITTED = new Set(
  Object.values((table as unknown as { loadFamilies: Record<string, string[]> }).loadFamilies).flat(),
);
/** Two stored tensors divided also broadcast (reported as such, and read in torchscript-load-broadcast.test.ts). */
const BROADCAST = ['load-work-broadcast'];
const cases: RuleCase[] = [
  {
    name: 'torch.floor_divide of two stored values',
    src: cls(['self.w = torch.floor_divide((state)[0], (state)[1])']),
    expect: [[7, 'high']],
    details: DIV,
  },
  {
    name: 'torch.remainder of two stored values',
    src: cls(['self.w = torch.remainder((state)[0], (state)[1])']),
    expect: [[7, 'high']],
    details: DIV,
  },
  {
    name: 'torch.fmod by a stored value',
    src: cls(['self.w = torch.fmod((state)[0], (state)[1])']),
    expect: [[7, 'high']],
    details: DIV,
  },
  {
    name: 'torch.div with a rounding mode',
    src: cls(['self.w = torch.div((state)[0], (state)[1], rounding_mode="trunc")']),
    expect: [[7, 'high']],
    details: DIV,
  },
  {
    name: 'the operator // on stored values',
    src: cls(['self.w = (state)[0] // (state)[1]']),
    expect: [[7, 'high']],
    details: DIV,
  },
  {
    name: 'the operator %= by a stored value, in a method __setstate__ calls',
    src: cls(
      ['self.fix(state)'],
      [
        '  def fix(self: __torch__.M, state: Tuple[Tensor, Tensor]) -> None:',
        '    x = (state)[0]',
        '    x %= (state)[1]',
        '    self.w = x',
      ],
    ),
    expect: [[11, 'high']],
    details: DIV,
  },
  {
    name: 'a division by the constant -1',
    src: cls(['self.w = torch.floor_divide((state)[0], -1)']),
    expect: [[7, 'high']],
    details: DIV,
  },
  {
    name: 'torch.__round_to_zero_floordiv of two stored ints',
    src: cls(['self.w = torch.__round_to_zero_floordiv((state)[0], (state)[1])']),
    expect: [[7, 'high']],
    details: DIV,
  },
  {
    name: 'ops.prims.div of two stored tensors (prims.div truncates integers)',
    src: cls(['self.w = ops.prims.div((state)[0], (state)[1])']),
    expect: [[7, 'high']],
    details: DIV,
    ignoreKinds: [UNREVIEWED],
  },
  {
    name: 'the method form x.__rfloordiv__(y) (divides by the receiver; not an admitted operator either)',
    src: cls(['self.w = (state)[1].__rfloordiv__(2)']),
    expect: [
      [7, 'medium'],
      [7, 'high'],
    ],
  },
  {
    name: 'torch.__round_to_zero_floordiv by the constant 2',
    src: cls(['self.w = torch.__round_to_zero_floordiv((state)[0], 2)']),
    expect: [],
  },
  {
    name: 'torch.true_divide of stored values (float-only)',
    src: cls(['self.w = torch.true_divide((state)[0], (state)[1])']),
    expect: [],
  },
  {
    name: 'torch.floor_divide by the constant 2',
    src: cls(['self.w = torch.floor_divide((state)[0], 2)']),
    expect: [],
  },
  { name: 'the operator % by the constant 4', src: cls(['self.w = (state)[0] % 4']), expect: [] },
  // gcd (TorchScript's math.gcd) runs Euclid's loop `a % b`: either operand can become the divisor.
  {
    name: 'torch.gcd of two stored values',
    src: cls(['self.w = torch.gcd((state)[0], (state)[1])']),
    expect: [[7, 'high']],
    details: DIV,
  },
  {
    name: 'torch.gcd of a stored value and a constant (the stored one can be the divisor)',
    src: cls(['self.w = torch.gcd(-1, (state)[0])']),
    expect: [[7, 'high']],
    details: DIV,
  },
  { name: 'torch.gcd of two constants', src: cls(['self.w = torch.gcd(12, 18)']), expect: [] },
  { name: 'true division of stored values', src: cls(['self.w = torch.div((state)[0], (state)[1])']), expect: [] },
  { name: 'floor division only in forward (not run at load)', src: cls(['self.w = (state)[0]']), expect: [] },
];

/** The printed spelling of an operator call: `torch.X` for aten, `ops.ns.X` for any other namespace. */
const spelling = (op: string): string => {
  const [ns, name] = op.split('::') as [string, string];
  return ns === 'aten' ? `torch.${name}` : `ops.${ns}.${name}`;
};

describe('TorchScript load code: the division table covers every allowed operator', () => {
  const allowed = (table as unknown as { allowed: string[] }).allowed;
  it('every allowed operator named like a division has a division class', () => {
    const missing = allowed.filter(
      (op) => DIVISION_NAME.test(op.slice(op.indexOf('::') + 2)) && !DIVISION_CLASSES.has(op),
    );
    assert.deepEqual(missing, []);
    assert.ok(DIVISION_CLASSES.get('aten::__round_to_zero_floordiv') === 'divides');
    assert.ok(DIVISION_CLASSES.get('prims::div') === 'divides');
    // Integer builtins are classified whatever their name: gcd divides by either operand.
    assert.ok(DIVISION_CLASSES.get('aten::gcd') === 'divides-either');
    for (const op of ['aten::add', 'aten::mul', 'aten::__lshift__', 'prim::max'])
      assert.ok(DIVISION_CLASSES.get(op) === 'not-division', op);
  });
  it('every operator classed as dividing is reported on stored operands, and passes with the divisor 2 when a load may run it', async () => {
    for (const [op, c] of DIVISION_CLASSES) {
      if (c !== 'divides' && c !== 'rounding-mode') continue;
      const mode = c === 'rounding-mode' ? ', rounding_mode="floor"' : '';
      await assertRuleCase(
        'TORCH-SCRIPT-CUSTOM-OP',
        {
          name: op,
          src: cls([`self.w = ${spelling(op)}((state)[0], (state)[1]${mode})`]),
          expect: [[7, 'high']],
          details: DIV,
          ignoreKinds: [...BROADCAST, UNREVIEWED],
        },
        'torchscript',
      );
      const admitted = LOAD_ADMITTED.has(op);
      await assertRuleCase(
        'TORCH-SCRIPT-CUSTOM-OP',
        {
          name: op,
          src: cls([`self.w = ${spelling(op)}((state)[0], 2${mode})`]),
          expect: admitted ? [] : [[7, 'high']],
          ...(admitted ? {} : { details: { kind: UNREVIEWED, operator: op } }),
        },
        'torchscript',
      );
    }
  });
});

describe('TorchScript load code: integer division by a value the state chooses', () => {
  for (const c of cases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase(
        'TORCH-SCRIPT-CUSTOM-OP',
        { ...c, ignoreKinds: [...BROADCAST, ...(c.ignoreKinds ?? [])] },
        'torchscript',
      ));
  // scripts/fixtures/torchscript-load-division.py: torch.jit.load of the hostile archive dies with SIGFPE (exit
  // status 136 from a shell); the twin, which divides by the constant 2, loads.
  for (const [name, kinds] of [
    // The stored operands' shapes are read from data.pkl: their broadcast is small; the divisor is not proven.
    ['hostile_setstate_floor_divide.pt', ['load-division']],
    ['benign_setstate_floor_divide_constant.pt', []],
    ['hostile_setstate_round_to_zero_floordiv.pt', ['load-division']],
    // ops.prims.div is outside the operators a load may run, and divides.
    ['hostile_setstate_prims_div.pt', [UNREVIEWED, 'load-division']],
    ['benign_setstate_round_to_zero_floordiv_constant.pt', []],
  ] as const)
    it(`real archive: ${name}`, async () => assert.deepEqual(await archiveFindingKinds(name), kinds));
});
