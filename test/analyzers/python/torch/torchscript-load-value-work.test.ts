// Operators whose native work is a loop over the VALUE of an argument, at load. `math.factorial(n)` (aten::factorial)
// multiplies 2..n in a C++ loop over n taken as a 32-bit int: a stored n of 2^31 - 1 is about a second of CPU per
// call, so a few dozen calls in a constant loop, or straight-line, hang the load whatever the archive's size. Every
// operator a load may call either has a model of the work its argument values choose (valueSteps, valueWork,
// valueSized, a size argument of the work section, list repetition) or is reviewed as not choosing any; the table
// test below fails on an admitted operator that is neither. The archives are made and proved by
// scripts/fixtures/torchscript-load-value-work.py (Debian's torch 1.13: each hostile one killed at a CPU limit of 10 s
// under torch.jit.load and torch.load(weights_only=True)); each twin loads and passes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { assertProvedArchive, assertRuleCase, provedArchives, scriptedClass, type RuleCase } from './signal-helpers.js';

interface Table {
  loadFamilies: Record<string, string[]>;
  scalarWork: Record<string, string>;
  valueSteps: Record<string, { argument: string; position: number; bound: number }>;
  valueWork: Record<string, string>;
  valueSized: Record<string, string | null>;
  repetition: string[];
  work: Record<string, Record<string, [string, number[]]>>;
  scalarResult: Record<string, string>;
}
const T = table as unknown as Table;

/**
 * The operators whose native work grows with the value of an argument (not only with the size of an operand), as
 * reviewed in torch 1.13's implementations, with the reason; each must carry the entry that charges it.
 */
const VALUE_DEPENDENT: Record<string, string> = {
  'aten::factorial': 'multiplies 2..n in a loop over its int argument (32-bit): valueSteps',
  'prim::rangelist': 'builds the list [0, n) of its int argument: a size',
  'aten::center': 'pads a string to its width: a size',
  'aten::ljust': 'pads a string to its width: a size',
  'aten::rjust': 'pads a string to its width: a size',
  'aten::zfill': 'pads a string to its width: a size',
  'aten::expandtabs': 'widens each tab to its tab size: a size',
  'aten::mul': '[x] * n and s * n repeat a list or string n times: a repetition',
  'aten::mul_': 'l *= n repeats a list n times: a repetition',
  'aten::arange': 'makes (end - start) / step elements: sizes',
  'aten::range': 'makes (end - start) / step + 1 elements: sizes',
  'aten::matrix_power': 'about 2 log2 |n| matrix products: a size',
  'aten::polygamma': 'its order n: a size',
  'aten::mvlgamma': 'sums p terms per element: a size',
  'aten::diff': 'differences n times: a size',
  'aten::repeat_interleave': 'one element per unit of its repeats: valueSized',
  ...Object.fromEntries(
    [
      'chebyshev_polynomial_t',
      'chebyshev_polynomial_u',
      'chebyshev_polynomial_v',
      'chebyshev_polynomial_w',
      'hermite_polynomial_h',
      'hermite_polynomial_he',
      'laguerre_polynomial_l',
      'legendre_polynomial_p',
      'shifted_chebyshev_polynomial_t',
      'shifted_chebyshev_polynomial_u',
      'shifted_chebyshev_polynomial_v',
      'shifted_chebyshev_polynomial_w',
    ].map((n) => [`aten::special_${n}`, 'runs its recurrence once per unit of the degree n per element: valueWork']),
  ),
};

/** Why a value-dependent operator has no entry that charges it in table `t`, or undefined when it has one. */
function missingEntry(t: Table, op: string): string | undefined {
  if (op in t.valueSteps) return t.valueSteps[op]!.bound > 0 ? undefined : `${op}: valueSteps without a bound`;
  if (op in t.valueWork || op in t.valueSized || t.repetition.includes(op)) return undefined;
  if (Object.values(t.work[op] ?? {}).some(([kind]) => kind === 'size')) return undefined;
  return `${op} (${VALUE_DEPENDENT[op] ?? t.scalarWork[op]}) has no work model`;
}

/** The admitted operators of table `t` whose value-dependent work is not charged, or not reviewed at all. */
function unreviewed(t: Table): string[] {
  const admitted = new Set(Object.values(t.loadFamilies).flat());
  const out: string[] = [];
  for (const op of admitted) {
    const cls = t.scalarWork[op];
    if (cls === 'value-steps' || cls === 'size' || op in VALUE_DEPENDENT) {
      const why = missingEntry(t, op);
      if (why !== undefined) out.push(why);
    }
    if (cls !== undefined && REVIEWED_SCALAR[op] !== cls)
      out.push(`${op}: classed ${cls} by the table, ${REVIEWED_SCALAR[op] ?? 'never'} by this review`);
  }
  for (const op of Object.keys(t.scalarWork))
    if (!admitted.has(op)) out.push(`${op}: classed but not admitted at load`);
  return out.sort();
}

/**
 * The interpreter's operators on numbers, strings, lists and dicts that a load may call, by the class this review
 * gives their work (torch 1.13's register_prim_ops*.cpp): the same work whatever the values (fixed-width arithmetic,
 * libm, table lookups, `gcd`'s at most ~92 Euclid steps, `bin`/`hex`/`oct`'s at most 64 digits, `pow` of ints as
 * std::pow), work linear in a string or container operand, an argument that sizes the output, or a loop over an int
 * argument's value. A new operator admitted at load fails the table test until it is reviewed here.
 */
const REVIEWED_SCALAR: Record<string, string> = {
  ...Object.fromEntries(
    [
      'Bool Complex __and__ __derive_index __is__ __isnot__ __lshift__ __not__ __or__ __range_length',
      '__round_to_zero_floordiv __rshift__ __xor__ _unwrap_optional acos acosh angle asin asinh atan atan2 atanh bin',
      'can_cast ceil chr copysign cos cosh degrees div divmod erf erfc exp expm1 floor floordiv fmod frexp gamma gcd',
      'has_torch_function hex is_grad_enabled is_scripting isfinite isinf isnan ldexp len lgamma log log10 log1p',
      'mathremainder modf neg oct ord polar pow promote_types radians remainder result_type round set_grad_enabled',
      'sin sinh sqrt sub tan tanh',
    ]
      .join(' ')
      .split(' ')
      .map((n) => [`aten::${n}`, 'constant']),
  ),
  ...Object.fromEntries(
    'EnumName EnumValue StringIndex TupleIndex TupleUnpack Uninitialized abs id type unchecked_cast unchecked_unwrap_optional'
      .split(' ')
      .map((n) => [`prim::${n}`, 'constant']),
  ),
  ...Object.fromEntries(
    ['conv2d', 'conv3d', 'conv_transpose2d', 'conv_transpose3d'].flatMap((c) =>
      ['dilation', 'groups', 'output_padding', 'padding', 'stride', 'transpose'].map((f) => [
        `quantized::${c}_${f}`,
        'constant',
      ]),
    ),
  ),
  ...Object.fromEntries(
    [
      'Delete Float Int Size __contains__ __getitem__ _set_item add add_ all any append capitalize clear copy count',
      'dequantize device dict endswith eq extend find format ge get gt hash index insert isalnum isalpha isdecimal',
      'isdigit isidentifier islower isnumeric isprintable isspace istitle isupper items join keys le list lower lstrip',
      'lt ne partition percentFormat pop popitem remove replace reverse rfind rindex rpartition rsplit rstrip select',
      'setdefault slice sort sorted split splitlines startswith str strip sum swapcase title update upper values warn',
    ]
      .join(' ')
      .split(' ')
      .map((n) => [`aten::${n}`, 'operand']),
  ),
  'prim::Print': 'operand',
  'prim::RaiseException': 'operand',
  'prim::max': 'operand',
  'prim::min': 'operand',
  'prim::tolist': 'operand',
  'quantized::conv2d_unpack_sizes': 'operand',
  'quantized::make_quantized_cell_params_fp16': 'operand',
  ...Object.fromEntries(
    ['aten::center', 'aten::expandtabs', 'aten::ljust', 'aten::mul', 'aten::mul_', 'aten::rjust', 'aten::zfill'].map(
      (op) => [op, 'size'],
    ),
  ),
  'prim::rangelist': 'size',
  'aten::factorial': 'value-steps',
};

describe('TorchScript load table: operators whose work an argument value chooses', () => {
  it('every admitted operator is reviewed, and each value-dependent one has a work model', () => {
    assert.deepEqual(unreviewed(T), []);
    assert.ok(Object.keys(T.scalarWork).length >= 200);
  });
  it('math.factorial is charged per unit of its 32-bit argument', () =>
    assert.deepEqual(T.valueSteps['aten::factorial'], { argument: 'a', position: 0, bound: 2 ** 31 - 1 }));
  it('fails on a value-dependent operator without its entry, and on an admitted operator nobody reviewed', () => {
    const { ['aten::factorial']: _, ...steps } = T.valueSteps;
    assert.deepEqual(unreviewed({ ...T, valueSteps: steps }), [
      'aten::factorial (multiplies 2..n in a loop over its int argument (32-bit): valueSteps) has no work model',
    ]);
    const { ['prim::rangelist']: __, ...work } = T.work;
    assert.match(unreviewed({ ...T, work }).join('\n'), /prim::rangelist .* has no work model/);
    const added = { ...T, scalarWork: { ...T.scalarWork, 'aten::comb': 'constant' } };
    added.loadFamilies = { ...T.loadFamilies, builtins: [...T.loadFamilies['builtins']!, 'aten::comb'] };
    assert.deepEqual(unreviewed(added), ['aten::comb: classed constant by the table, never by this review']);
  });
  it('reads the results of scalar operators as numbers by their schemas', () => {
    assert.equal(T.scalarResult['aten::factorial'], 'always');
    assert.equal(T.scalarResult['aten::add'], 'from-scalars');
    assert.equal(T.scalarResult['aten::gcd'], 'from-scalars');
    assert.equal(T.scalarResult['aten::zeros'], undefined);
  });
});

const cls = scriptedClass;
const STEPS = { kind: 'load-work-unbounded', runsAtLoad: true };
const cases: RuleCase[] = [
  {
    name: 'math.factorial of a state item the analysis does not read, 3 turns (3 x (2^31 - 1))',
    src: cls(['r = 0', 'for i in range(3):', '  r = torch.add(r, torch.factorial((state)[0]))', 'self.r = r']),
    expect: [[9, 'high']],
    details: STEPS,
  },
  {
    name: 'math.factorial of a state item the analysis does not read, 2 turns (within 2^32)',
    src: cls(['r = 0', 'for i in range(2):', '  r = torch.add(r, torch.factorial((state)[0]))', 'self.r = r']),
    expect: [],
  },
  {
    name: 'math.factorial(65537) in a 65536-turn loop',
    src: cls(['r = 0', 'for i in range(65536):', '  r = torch.add(r, torch.factorial(65537))', 'self.r = r']),
    expect: [[9, 'high']],
    details: STEPS,
  },
  {
    name: 'math.factorial(20) in a 65536-turn loop',
    src: cls(['r = 0', 'for i in range(65536):', '  r = torch.add(r, torch.factorial(20))', 'self.r = r']),
    expect: [],
  },
  {
    name: 'math.factorial given by keyword a value the load computes, 3 turns',
    src: cls(['n = torch.len((state)[0])', 'for i in range(3):', '  self.r = torch.factorial(a=torch.mul(n, 3))']),
    expect: [[9, 'high']],
    details: STEPS,
  },
  {
    name: 'math.factorial given by keyword a constant, 3 turns',
    src: cls(['for i in range(3):', '  self.r = torch.factorial(a=12)']),
    expect: [],
  },
  {
    name: 'math.factorial of a computed value in a loop over a stored list (2^31 turns per stored element)',
    src: cls(['xs = (state)[0]', 'r = 0', 'for i in range(torch.len(xs)):', '  r = torch.add(r, torch.factorial(i))']),
    expect: [[10, 'high']],
    details: STEPS,
  },
  {
    name: 'a method computing math.factorial of its parameter, called 40 times with a computed value',
    src: cls(
      ['r = 0', 'for i in range(40):', '  r = torch.add(r, (self).f(torch.len((state)[0])))', 'self.r = r'],
      ['  def f(self: __torch__.M, k: int) -> int:', '    return torch.factorial(k)'],
    ),
    expect: [[13, 'high']],
    details: STEPS,
  },
  {
    name: 'the same method called 40 times with 10',
    src: cls(
      ['r = 0', 'for i in range(40):', '  r = torch.add(r, (self).f(10))', 'self.r = r'],
      ['  def f(self: __torch__.M, k: int) -> int:', '    return torch.factorial(k)'],
    ),
    expect: [],
  },
  {
    name: '40 straight-line int additions of factorials of a small constant (ints by the schemas, no tensor add)',
    src: cls([
      'r = torch.add(0, torch.factorial(5))',
      ...Array.from({ length: 40 }, (_, i) => `r${i} = torch.add(${i === 0 ? 'r' : `r${i - 1}`}, torch.factorial(5))`),
      'self.r = r39',
    ]),
    expect: [],
  },
  {
    name: 'a stored tensor plus a factorial: one tensor operand',
    src: cls(['a = (state)[1]', 'b = torch.len((state)[0])', 'self.w = torch.add(a, torch.factorial(b))']),
    expect: [],
  },
];

describe('TorchScript load code: native loops over an int argument (TORCH-SCRIPT-CUSTOM-OP)', () => {
  for (const c of cases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
});

const DIR = new URL('../../../fixtures/torchscript-load-value-work/', import.meta.url);
const manifest = provedArchives(DIR);

describe('real torch.jit.save archives calling math.factorial on a stored value at load', () => {
  it('the manifest proves each hostile archive at the CPU limit under both loaders, and each twin loads', () => {
    const hostile = manifest.filter((f) => f.expect === 'block');
    assert.equal(hostile.length, 5);
    assert.equal(manifest.filter((f) => f.expect === 'pass').length, 7);
    for (const f of manifest)
      assert.deepEqual(
        Object.values(f.load ?? {}),
        f.expect === 'block' ? ['signal SIGXCPU', 'signal SIGXCPU'] : ['ok', 'ok'],
        f.file,
      );
  });
  for (const f of manifest)
    it(`${f.expect}: ${f.file} (${f.what})`, () =>
      assertProvedArchive(DIR, f, /^load-work-unbounded$/, /loop natively once per unit of an int argument's value/));
});
