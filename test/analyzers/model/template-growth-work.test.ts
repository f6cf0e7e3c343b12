// Chat templates that grow a value through an operation multiplying its size, or whose calls cost CPU time beyond
// their output, each with a benign twin using the same construct the way published templates do, judged against the
// real jinja2 (cases.json, recorded by scripts/fixtures/template-growth-work.py: a case is unbounded when it exhausts
// 10 s or 1 GiB rendered as transformers renders chat templates). The analyzer reports render cost exactly when jinja2
// shows it, and nothing on a twin.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costCaseVerdicts, costSignals, templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reaches: boolean;
}
const table = templateCases<{ cases: Case[] }>('template-growth-work');

describe('growth through any operation and CPU work per call, against the real jinja2', () => {
  it('has hostile cases and a benign twin for each', () => {
    assert.equal(table.cases.filter((c) => c.reaches).length, 24);
    assert.equal(table.cases.filter((c) => !c.reaches).length, 24);
  });
  costCaseVerdicts(table.cases);
});

describe('a value fed back through a loop: the size of every operation counts, an operation with none is unknown', () => {
  const loop = (init: string, value: string): string =>
    `{% set ns = namespace(a=${init}) %}{% for m in messages %}{% set ns.a = ${value} %}{% endfor %}{{ ns.a }}`;
  const CASES: [string, string, boolean][] = [
    ['appending the caller content', loop("''", "ns.a ~ m['content']"), false],
    ['a list appended to', loop('[]', "ns.a + [m['role']]"), false],
    ['a counter', loop('0', 'ns.a + 1'), false],
    ['a trim of itself', loop("''", "(ns.a ~ m['content'])|trim"), false],
    ['a replace by shorter text', loop("''", "ns.a|replace('ab', 'a') ~ m['role']"), false],
    ['padding to a stated width', loop("''", 'ns.a|center(80)'), false],
    ['a part of itself', loop("''", "ns.a.split('\\n')[-1] ~ m['role']"), false],
    ['a ternary of itself and the caller', loop("''", "ns.a if ns.a else m['role']"), false],
    ['a method without a size function', loop("'a'", 'ns.a.encode()'), true],
    ['a filter without a size function', loop("'a'", 'ns.a|urlize_twice'), true],
    ['a global function call on itself', loop("'a'", 'strftime_now(ns.a)'), true],
    ['a replace by longer text', loop("'a'", "ns.a|replace('a', 'aa')"), true],
    ['a repetition by a stated count', loop("'a'", 'ns.a * 2'), true],
    ['upper case (one character can map to three)', loop("'a'", 'ns.a|upper'), true],
    ['escaping through a list literal', loop("'a'", '[ns.a|e, ns.a]|join'), true],
    ['indent of itself', loop("'a'", 'ns.a|indent(2, true)'), true],
    ['a format of itself with repr', loop("'a'", "'%r'|format(ns.a)"), true],
    ['a width read from itself', loop("'a'", 'ns.a|center(ns.a|length + 1)'), true],
    [
      'a chain through a second attribute',
      "{% set ns = namespace(a='a', b='') %}{% for m in messages %}{% set ns.b = ns.a ~ ns.a %}{% set ns.a = ns.b %}{% endfor %}",
      true,
    ],
    [
      'a loop variable rebound on each pass',
      "{% for k, v in messages[0]['args']|items %}{% set v = v if v is string else v|tojson %}{{ v }}{% endfor %}",
      false,
    ],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const s = await costSignals(template);
      assert.equal(s.length > 0, flagged, JSON.stringify(s));
    });
});

describe('CPU work of each call over the passes of its loops', () => {
  const CASES: [string, string, boolean][] = [
    ['a scan of each message once', "{% for m in messages %}{{ m['content'].count('x') }}{% endfor %}", false],
    [
      'a scan of each tool call of each message',
      '{% for m in messages %}{% for c in m.tool_calls %}{{ c.function.arguments|tojson }}{% endfor %}{% endfor %}',
      false,
    ],
    ['the tool list written once per message', '{% for m in messages %}{{ tools|length }}{% endfor %}', false],
    [
      'a scan of a large string the template makes, on each of many passes',
      "{% set s = 'a' * 100000 %}{% for i in range(100000) %}{{ s.find('b') }}{% endfor %}",
      true,
    ],
    [
      'a scan inside a macro called on each of many passes',
      "{% set s = 'a' * 100000 %}{% macro f() %}{{ s.upper() }}{% endmacro %}{% for i in range(100000) %}{{ f() }}{% endfor %}",
      true,
    ],
    // Quadratic in the caller's content: a request-cost signal (template-cost-classes-3.test.ts), no render-cost one.
    ["striptags on the caller's content (quadratic)", "{{ messages[0]['content']|striptags }}", false],
    ["wordwrap at a stated width of the caller's content", "{{ messages[0]['content']|wordwrap(80) }}", false],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const s = await costSignals(template);
      assert.equal(s.length > 0, flagged, JSON.stringify(s));
    });
});

describe('a value gathered from its own old value is copied by every pass', () => {
  const L32 = '0123456789abcdefghijklmnopqrstuv';
  const nested = (init: string, set: string): string =>
    `{% set ns = namespace(a=${init}) %}{% for i in range(10) %}{% for j in range(99999) %}${set}{% endfor %}{% endfor %}{{ ns.a|length }}`;
  const CASES: [string, string, boolean][] = [
    ['a list gathered by + over nested loops', nested('[]', '{% set ns.a = ns.a + [i, j, i, j] %}'), true],
    ['a string gathered by ~ over nested loops', nested("''", `{% set ns.a = ns.a ~ '${L32}' %}`), true],
    ['a string gathered by + over nested loops', nested("''", `{% set ns.a = ns.a + '${L32}' %}`), true],
    ['a string gathered through a format string', nested("''", `{% set ns.a = '%s${L32}'|format(ns.a) %}`), true],
    ['a string gathered by a trim of itself', nested("''", `{% set ns.a = (ns.a ~ '${L32}')|trim %}`), true],
    [
      'a string gathered through a variable holding it',
      nested("''", `{% set t = ns.a %}{% set ns.a = t ~ '${L32}' %}`),
      true,
    ],
    [
      'a list gathered in a macro called in nested loops',
      `{% set ns = namespace(a=[]) %}{% macro add(x) %}{% set ns.a = ns.a + [x, x] %}{% endmacro %}{% for i in range(10) %}{% for j in range(99999) %}{{ add(j) }}{% endfor %}{% endfor %}`,
      true,
    ],
    [
      'a plain variable gathered over a long loop (@huggingface/jinja keeps it from pass to pass)',
      `{% set s = '' %}{% for i in range(999999) %}{% set s = s ~ '${L32}' %}{% endfor %}{{ s|length }}`,
      true,
    ],
    ['a counter over nested loops', nested('0', '{% set ns.a = ns.a + 1 %}'), false],
    ['a sum of lengths over nested loops', nested('0', "{% set ns.a = ns.a + ('x' ~ j)|length %}"), false],
    ['a flag over nested loops', nested('false', '{% set ns.a = ns.a or j == 5 %}'), false],
    ['the last item kept over nested loops', nested('[]', '{% set ns.a = [j] if j else ns.a %}'), false],
    [
      'a prompt of the messages',
      "{% set ns = namespace(s='') %}{% for m in messages %}{% set ns.s = ns.s ~ '<|' ~ m.role ~ '|>\n' ~ m.content ~ '\n' %}{% endfor %}{{ ns.s }}",
      false,
    ],
    [
      'the tool messages listed',
      "{% set ns = namespace(l=[]) %}{% for m in messages %}{% if m.role == 'tool' %}{% set ns.l = ns.l + [m] %}{% endif %}{% endfor %}{{ ns.l|length }}",
      false,
    ],
    [
      'the text of each message gathered afresh for each message',
      "{% set ns = namespace(s='') %}{% for m in messages %}{% set ns.s = '' %}{% for c in m.content %}{% set ns.s = ns.s ~ c.text ~ '\n' %}{% endfor %}{{ ns.s }}{% endfor %}",
      false,
    ],
    [
      'a value set afresh earlier in the same branch of each pass',
      "{% for m in messages %}{% if m.role == 'user' %}{% set block = '<|user|>' ~ m.content %}{% if loop.first %}{% set block = bos_token ~ block %}{% endif %}{{ block }}{% endif %}{% endfor %}",
      false,
    ],
    [
      'a value gathered over a short loop of the template',
      nested("''", '').replace('range(99999)', 'range(100)') +
        "{% for k in range(1000) %}{% set ns.a = ns.a ~ 'abc' %}{% endfor %}",
      false,
    ],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const s = await costSignals(template);
      assert.equal(s.length > 0, flagged, JSON.stringify(s));
    });
});
