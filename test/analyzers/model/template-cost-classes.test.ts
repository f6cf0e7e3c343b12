// Chat templates whose render cost sits where the template does not write it as a loop or an operator — nesting summed
// over loops one after another and a macro's calls, recursion through a macro held as a value, work a builtin does by
// its argument, a bound method called under another name, a filter applied by map() or a filter block, strftime_now's
// field widths, a namespace attribute doubled by sets one after another — each with a benign twin, judged against the
// real jinja2 (cases.json, recorded by scripts/fixtures/template-cost-classes.py: a case is unbounded when it exhausts
// 10 s of CPU or 1 GiB, or crashes, rendered as transformers renders chat templates). Every hostile case is a
// high-confidence render-cost finding and every twin passes with no signal.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costCaseVerdicts, costSignals, templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reaches: boolean;
  readonly sandboxed: string;
}
const table = templateCases<{ cases: Case[] }>('template-cost-classes');

describe('render cost the template does not write as a loop or an operator, against the real jinja2', () => {
  it('has hostile cases of every class and a benign twin for each', () => {
    const hostile = table.cases.filter((c) => c.reaches);
    assert.equal(hostile.length, 27);
    assert.equal(table.cases.filter((c) => !c.reaches).length, 27);
    for (const cls of 'ABCDEFG')
      assert.ok(
        hostile.some((c) => c.name.startsWith(`${cls}-`)),
        cls,
      );
    // The nesting cases crash the renderer (a C stack overflow), not merely exhaust it.
    for (const c of hostile.filter((x) => x.name.startsWith('A-'))) assert.equal(c.sandboxed, 'SIGSEGV', c.name);
  });
  costCaseVerdicts(table.cases);
});

describe('what each class charges', () => {
  const CASES: [string, string, boolean][] = [
    // Nesting: the levels of every set of a name add up; a few per message pass.
    [
      'nesting over two loops of 6,000 passes',
      '{% set ns = namespace(t=0) %}' + '{% for i in range(6000) %}{% set ns.t = (ns.t, 0) %}{% endfor %}'.repeat(2),
      true,
    ],
    [
      'one loop of 6,000 passes',
      '{% set ns = namespace(t=0) %}{% for i in range(6000) %}{% set ns.t = (ns.t, 0) %}{% endfor %}',
      false,
    ],
    [
      'a loop in a macro called through a name it is held under',
      '{% set ns = namespace(t=0) %}{% macro g() %}{% for i in range(5000) %}{% set ns.t = (ns.t, 0) %}{% endfor %}' +
        '{% endmacro %}{% set h = g %}{% for k in range(3) %}{{ h() }}{% endfor %}',
      true,
    ],
    // Recursion through a value: any call not naming a macro may be one the template holds.
    [
      'a macro held in a list',
      '{% macro r(n) %}{% for f in fs %}{{ f(n - 1) }}{% endfor %}{% endmacro %}{% set fs = [r, r] %}{{ r(40) }}',
      true,
    ],
    [
      'a method call inside a macro held as a value',
      "{% macro r(s) %}{{ s.strip() }}{% endmacro %}{% set h = r %}{{ h(' a ') }}",
      false,
    ],
    // Arguments.
    ['round of a request value to its digits', '{{ (messages|length)|round(messages|length) }}', false],
    ['round to a precision the template computes', '{{ 7|round(x|int * 99999999) }}', true],
    [
      'sum with a list start over the messages',
      "{{ messages|map(attribute='tool_calls')|sum(start=[])|length }}",
      true,
    ],
    ['to_bytes of a length the template computes', '{{ (7).to_bytes(x|int * 999999999) }}', true],
    // Filters by name.
    ['map of a filter whose name the template computes', "{{ ['a']|map(x ~ 'tags')|list }}", true],
    // Over the budget only through the caller's content: a request-cost signal, not a render-cost one (the
    // request-driven cases of template-cost-classes-3.test.ts).
    [
      'map of striptags over the messages, as the filter directly',
      "{{ messages|map(attribute='content')|map('striptags')|join }}",
      false,
    ],
    ['the filter directly', "{% for m in messages %}{{ m['content']|striptags }}{% endfor %}", false],
    [
      "a filter block of a macro's output",
      "{% macro w() %}{{ '<' * 250000 }}{% endmacro %}{% filter striptags %}{{ w() }}{% endfilter %}",
      true,
    ],
    [
      'a filter block in a loop over a range',
      '{% filter striptags %}{% for i in range(250000) %}<{% endfor %}{% endfilter %}',
      true,
    ],
    ['a filter block padding to a width past the size bound', '{% filter center(999999999) %}x{% endfilter %}', true],
    ['map padding to a width past the size bound', "{{ ['x']|map('center', 999999999)|list }}", true],
    [
      'map of tojson indenting by a width past the size bound',
      "{{ [range(100000)|list]|map('tojson', indent=99999)|list }}",
      true,
    ],
    [
      'a filter block of each message, indented',
      "{% for m in messages %}{% filter indent(4) %}{{ m['content'] }}{% endfilter %}{% endfor %}",
      false,
    ],
    // Held methods.
    [
      'a method passed to a macro',
      "{% macro m(f) %}{{ f('a', 'b') }}{% endmacro %}{% set s = 'a' * 1000000 %}{% for i in range(100000) %}{{ m(s.replace) }}{% endfor %}",
      true,
    ],
    [
      'range held under another name',
      '{% set r = range %}{% for i in r(100000) %}{% for j in r(100000) %}x{% endfor %}{% endfor %}',
      true,
    ],
    [
      'strftime_now passed to a macro',
      "{% macro m(f) %}{{ f('%1500Y' * 5000)|striptags }}{% endmacro %}{{ m(strftime_now) }}",
      true,
    ],
    [
      'strftime_now tested before it is called',
      "{% if strftime_now is defined %}{{ strftime_now('%d %b %Y') }}{% endif %}",
      false,
    ],
    [
      "a macro's caller held under another name",
      '{% macro m() %}{% set c = caller %}{{ c() }}{% endmacro %}{% call m() %}x{% endcall %}',
      true,
    ],
    [
      "a macro's caller tested, then called",
      '{% macro m() %}{% if caller is defined %}{{ caller() }}{% endif %}{% endmacro %}{% call m() %}x{% endcall %}',
      false,
    ],
    ['a method of dict called where it stands', "{{ dict.fromkeys(['a', 'b'])|length }}", false],
    [
      'a method held in a dict, called by its key',
      "{% set s = 'a' * 1000000 %}{% set d = {'r': s.replace} %}{% for i in range(100000) %}{% set x = d['r']('a', 'b') %}{% endfor %}",
      true,
    ],
    [
      'a method held in a list, called by its index',
      "{% set s = 'a' * 1000000 %}{% set d = [s.replace] %}{% for i in range(100000) %}{% set x = d[0]('a', 'b') %}{% endfor %}",
      true,
    ],
    // strftime_now: 256 times its format.
    [
      'strftime_now of a short format in a loop',
      "{% for m in messages %}{{ strftime_now('%Y-%m-%d') }}{% endfor %}",
      false,
    ],
    ["strftime_now's output made quadratic", "{{ strftime_now('<%9999Y' * 2000)|urlize }}", true],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const s = await costSignals(template);
      assert.equal(s.length > 0, flagged, s.join('\n'));
    });
});
