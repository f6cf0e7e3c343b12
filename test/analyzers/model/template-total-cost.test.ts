// Render cost the template's own size or its regexes decide. A value set from itself again and again outside loops
// (`{% set a = [a, a] %}` 34 times) is a structure of 2^34 leaves that any comparison or sort walks. urlize's trailing-punctuation regex rescans a run of
// closing brackets from each position (quadratic in a word's length). Render cost summed over the whole template. Loop passes add up across loops one after another and across calls of a
// macro holding a loop. Big-integer arithmetic is paid once at load whatever loop holds it (Jinja folds constant
// expressions when it compiles a template): powers are charged in all (many powers each under the one-power bound add
// up), and floor division, modulo and products of big integers by the digit operations CPython's long arithmetic does.
// Each hostile shape runs for tens of seconds under jinja2's ImmutableSandboxedEnvironment; each twin is the same shape
// at small sizes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate } from '../../../src/analyzers/model/chat-template.js';

/**
 * Each case: a render-cost finding when `reaches`, none otherwise (a twin also has no other signal when `clean`).
 */
function runTable(cases: readonly [string, string, boolean][], clean = false): void {
  for (const [name, template, reaches] of cases)
    it(`${name}: ${reaches ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(template);
      assert.ok(a.parsed, a.parseError);
      const cost = a.signals.filter((s) => s.kind === 'render-cost');
      assert.equal(cost.length > 0, reaches, JSON.stringify(a.signals.map((s) => `${s.kind}:${s.name}`)));
      if (clean && !reaches) assert.deepEqual(a.signals, []);
    });
}

const many = (n: number, expr: (k: number) => string): string =>
  Array.from({ length: n }, (_, k) => `{% if ${expr(k)} < 0 %}x{% endif %}`).join('') + '{{ bos_token }}';

const CASES: [string, string, boolean][] = [
  ['floor division of two big powers', many(3, (k) => `(7**2800000) // (7**1400000+${k})`), true],
  ['modulo of two big powers', many(3, (k) => `(7**2800000) % (7**1400000+${k})`), true],
  ['a hundred powers each under the one-power bound', many(100, (k) => `7 ** 2800000 + ${k}`), true],
  [
    'big values set to variables, then divided',
    '{% set a = 7**2800000 %}{% set b = 7**1400000 + 1 %}{% if a // b < 0 %}x{% endif %}{{ bos_token }}',
    true,
  ],
  ['twin: the same division at small sizes', many(3, (k) => `(7**2800) // (7**1400+${k})`), false],
  [
    'twin: a loop index modulo two',
    '{% for m in messages %}{% if loop.index0 % 2 == 0 %}{{ m.content }}{% endif %}{% endfor %}',
    false,
  ],
  ['twin: a few small powers', many(5, (k) => `2 ** 20 + ${k}`), false],
];

const macroCalls = (n: number, passes: number): string =>
  `{% macro spin() %}{% for i in range(${passes}) %}{% if i is odd %}{% endif %}{% endfor %}{% endmacro %}` +
  '{{ spin() }}'.repeat(n) +
  '{{ bos_token }}';

const SEQUENTIAL: [string, string, boolean][] = [
  ['a macro holding one loop, called 20,000 times in sequence', macroCalls(20_000, 99_999), true],
  ['3,000 loops of 99,999 passes one after another', '{% for i in range(99999) %}{% endfor %}'.repeat(3_000), true],
  ['twin: the macro called twice', macroCalls(2, 99_999), false],
  ['twin: two loops one after another', '{% for i in range(99999) %}{% endfor %}'.repeat(2), false],
];

describe('loop passes summed over the whole template', () => runTable(SEQUENTIAL));

const URLIZE: [string, string, boolean][] = [
  ['urlize of a word of 70,000 closing brackets', "{{ (')' * 70000 ~ 'x)')|urlize }}", true],
  ['urlize of the same kept in a variable', "{% set w = ')' * 70000 ~ 'x)' %}{{ w|urlize }}", true],
  ['twin: urlize of a short text', "{{ ('see (https://example.org) x)')|urlize }}", false],
];

describe('urlize, whose punctuation regex rescans a run of brackets', () => runTable(URLIZE));

const doubled = (times: number, use: string): string =>
  '{% set a = [1] %}{% set b = [1] %}' +
  '{% set a = [a, a] %}{% set b = [b, b] %}'.repeat(times) +
  `{% if ${use} %}x{% endif %}{{ bos_token }}`;

const SEQUENTIAL_GROWTH: [string, string, boolean][] = [
  ['a value doubled 34 times in sequence, then compared', doubled(34, 'a == b'), true],
  ['the same, then sorted', doubled(34, '[a, b]|sort|length > 1'), true],
  ['twin: doubled 5 times, then compared', doubled(5, 'a == b'), false],
];

describe('values set from themselves again and again outside loops', () => runTable(SEQUENTIAL_GROWTH));

describe('big-integer arithmetic in templates', () => runTable(CASES, true));

const hashed = (range: string, use = '|unique|list'): string =>
  `{% set ids = ${range}${use} %}{% for m in messages %}{{ m['content'] }}{% endfor %}`;

// CPython hashes an int modulo 2^61 - 1: a range stepping by a multiple of it makes integers that share one hash.
const COLLIDING: [string, string, boolean][] = [
  ['98,305 integers stepping by 2^61-1, made unique', hashed('range(0, 2 ** 77 + 2 ** 76, 2 ** 61 - 1)'), true],
  ['the same step from a variable', '{% set p = 2 ** 61 - 1 %}' + hashed('range(0, 2 ** 77 + 2 ** 76, p)'), true],
  [
    'the same range counted in a test',
    '{% if range(0, 2 ** 77 + 2 ** 76, 2 ** 61 - 1)|unique|list|length > 9 %}x{% endif %}{{ bos_token }}',
    true,
  ],
  ['twin: a step of 2^31-1 (distinct hashes)', hashed('range(0, 2 ** 47 + 2 ** 46, 2 ** 31 - 1)'), false],
  ['twin: 1,024 integers stepping by 2^61-1', hashed('range(0, 2 ** 71, 2 ** 61 - 1)'), false],
  ['twin: a plain range made unique', hashed('range(90000)'), false],
];

describe('ranges whose integers share a hash', () => runTable(COLLIDING));

const nested = (outer: number, inner: number, use: string): string =>
  '{% set ns = namespace(x=0) %}' +
  `{% for i in range(${outer}) %}{% for j in range(${inner}) %}{% set ns.x = (ns.x, 0) %}{% endfor %}{% endfor %}` +
  use;

// A value put inside a new tuple on every pass nests as deep as the passes; hashing it recurses without a guard.
const NESTING: [string, string, boolean][] = [
  [
    '300,000 passes each nesting the old value in a tuple, then a dict key',
    nested(1000, 300, '{{ {ns.x: 1}|length }}'),
    true,
  ],
  ['the same, then tested against a dict', nested(1000, 300, '{{ ns.x in {} }}'), true],
  [
    'the same in a list literal',
    '{% set ns = namespace(x=[]) %}{% for i in range(20000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}',
    true,
  ],
  ['twin: 30 passes', nested(10, 3, '{{ {ns.x: 1}|length }}'), false],
  [
    'twin: 300,000 passes appending a sibling, not nesting',
    nested(1000, 300, '').replace('(ns.x, 0)', 'ns.x + 1'),
    false,
  ],
];

describe('values nested one level per pass', () => runTable(NESTING));

const parsed = (chars: number, half: number): string =>
  `{% set a = ('f' * ${chars} ~ bos_token[:0])|int(base=16) %}{% set b = ('e' * ${half} ~ bos_token[:0])|int(base=16) %}` +
  '{{ (a // b) % 7 }}{{ (a % b) % 7 }}';

// The int filter parses a power-of-two base at any length: a 10-Mbit integer from 2.5 M hex digits, then divided.
const PARSED_INTS: [string, string, boolean][] = [
  ['integers parsed from millions of hex digits, then divided', parsed(2_500_000, 1_250_000), true],
  ['twin: the same from 200 and 100 digits', parsed(200, 100), false],
];

describe('integers the int filter parses from long text', () => runTable(PARSED_INTS));
