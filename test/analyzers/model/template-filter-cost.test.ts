// Chat templates whose render size or work is set by an argument (a format width, a filter's count, a separator, an
// indent) or that recurse through `{% call %}` blocks, each with a benign twin using the same construct at published
// sizes, judged against the real jinja2 (cases.json, recorded by scripts/fixtures/template-filter-cost.py: a case is
// unbounded when it exhausts 5 s or 1 GiB, or writes more than 64 MiB, under jinja2's ImmutableSandboxedEnvironment).
// The analyzer reports render cost exactly when jinja2 shows it, and nothing on a twin.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate } from '../../../src/analyzers/model/chat-template.js';
import { templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reaches: boolean;
}
const table = templateCases<{ cases: Case[] }>('template-filter-cost');

describe('render cost set by filter, method and format arguments, and recursion through call blocks', () => {
  it('has hostile cases and a benign twin for each', () => {
    assert.equal(table.cases.filter((c) => c.reaches).length, 12);
    assert.equal(table.cases.filter((c) => !c.reaches).length, 12);
  });
  for (const c of table.cases)
    it(`${c.name}: ${c.reaches ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(c.template);
      assert.ok(a.parsed, a.parseError);
      const high = a.signals.filter((s) => s.confidence === 'high');
      assert.equal(high.length > 0, c.reaches, JSON.stringify(a.signals.map((s) => `${s.kind}:${s.name}`)));
      if (c.reaches) assert.ok(high.some((s) => s.kind === 'render-cost'));
      else assert.deepEqual(a.signals, []);
    });
});

describe('arguments the analysis cannot bound count as unbounded; caller data counts the request bound', () => {
  const CASES: [string, string, boolean][] = [
    ['slice by a caller number', "{{ messages|slice(messages[0]['n'])|list }}", false],
    ['slice by a computed count', '{% set n = 2 ** 40 %}{{ messages|slice(n)|list }}', true],
    ['batch without a fill value', '{{ messages|batch(100000000)|list }}', false],
    ['batch with a keyword fill value', "{{ messages|batch(100000000, fill_with='')|list }}", true],
    ['center by a width it cannot work out', "{{ 'x'|center(messages|map(attribute='n')|sum * 99) }}", true],
    ['%-format with a literal width', "{{ '%8s' % messages[0]['role'] }}", false],
    ['%-format star width read from the caller', "{{ '%*s' % (messages[0]['n'], 'x') }}", false],
    ['%-format star width computed', "{% set w = 2 ** 40 %}{{ '%*s' % (w, 'x') }}", true],
    ['str.format nested field by index', "{{ '{0:{1}}'.format('x', 300000000) }}", true],
    ['str.format nested field reading an attribute', "{{ '{0:{1.n}}'.format('x', messages) }}", true],
    ['str.format escaped braces', "{{ '{{:{}}}'.format(300000000) }}", false],
    [
      'caller() with no recursion through the block',
      "{% macro f() %}{{ caller() }}{% endmacro %}{% call f() %}{{ messages[0]['role'] }}{% endcall %}",
      false,
    ],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(template);
      assert.ok(a.parsed, a.parseError);
      assert.equal(
        a.signals.some((s) => s.kind === 'render-cost'),
        flagged,
        JSON.stringify(a.signals.map((s) => `${s.kind}:${s.name}`)),
      );
    });
});

describe('macros reached other than by their name, call blocks rendered by caller(), generation blocks', () => {
  // A macro holding a loop of 100,000 passes, reached 100,000 times.
  const W = '{% macro w() %}{% for j in range(100000) %}{% endfor %}{% endmacro %}';
  const small = '{% macro w() %}{% for j in range(3) %}{% endfor %}{% endmacro %}';
  const CASES: [string, string, boolean][] = [
    [
      'a looping macro called through a set alias',
      `${W}{% set h = w %}{% for i in range(100000) %}{{ h() }}{% endfor %}`,
      true,
    ],
    [
      'the same macro looping 3 times',
      `${small}{% set h = w %}{% for i in range(100000) %}{{ h() }}{% endfor %}`,
      false,
    ],
    [
      'a looping macro passed as an argument and called',
      `${W}{% macro run(f) %}{% for i in range(100000) %}{{ f() }}{% endfor %}{% endmacro %}{{ run(w) }}`,
      true,
    ],
    [
      'a looping macro passed as a keyword argument',
      `${W}{% macro run(f=none) %}{% for i in range(100000) %}{{ f() }}{% endfor %}{% endmacro %}{{ run(f=w) }}`,
      true,
    ],
    ['a looping macro in a list', `${W}{% set l = [w] %}{% for i in range(100000) %}{{ l[0]() }}{% endfor %}`, true],
    [
      'a looping macro in a namespace',
      `${W}{% set ns = namespace(f=w) %}{% for i in range(100000) %}{{ ns.f() }}{% endfor %}`,
      true,
    ],
    [
      'caller() in a loop of 100,000 passes, the call block looping 100,000 times',
      '{% macro m() %}{% for i in range(100000) %}{{ caller() }}{% endfor %}{% endmacro %}' +
        '{% call m() %}{% for j in range(100000) %}{% endfor %}{% endcall %}',
      true,
    ],
    [
      'caller() in a loop of 3 passes',
      '{% macro m() %}{% for i in range(3) %}{{ caller() }}{% endfor %}{% endmacro %}' +
        '{% call m() %}{% for j in range(100000) %}{% endfor %}{% endcall %}',
      false,
    ],
    [
      // The Jinja parser deletes generation tags from the text: `{` and `#` would meet and open a comment.
      'a loop between generation tags that a parser deleting them reads as a comment',
      '{ {%- generation -%} # {% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %} # {%- endgeneration -%} }',
      true,
    ],
    [
      'the same tags around a message',
      "{ {%- generation -%} # {{ messages[0]['content'] }} # {%- endgeneration -%} }",
      false,
    ],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(template);
      assert.ok(a.parsed, a.parseError);
      assert.equal(
        a.signals.some((s) => s.kind === 'render-cost'),
        flagged,
        JSON.stringify(a.signals.map((s) => `${s.kind}:${s.name}`)),
      );
      if (!flagged) assert.deepEqual(a.signals, []);
    });
});
