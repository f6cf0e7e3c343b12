// A value the template builds from literals whose parts are shared by reference: `{% set a1 = [a0, a0] %}` forty
// times over is 80 objects and 2^40 paths. Writing it, its text form (`safe`, a namespace's string form), a recursive
// loop or a macro walking it visit every path: jinja2's sandbox renders each of these hostile templates for more
// than a minute, and each twin (the same template over six levels) in under a second.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate } from '../../../src/analyzers/model/chat-template.js';

const levels = (n: number): string => {
  let t = '{% set a0 = [1, 1] %}';
  for (let i = 1; i <= n; i++) t += `{% set a${i} = [a${i - 1}, a${i - 1}] %}`;
  return t;
};

const uses: [string, (top: string) => string][] = [
  ['written', (top) => `{{ ${top} }}`],
  [
    'a recursive loop',
    (top) => `{% for x in ${top} recursive %}{% if x is iterable %}{{ loop(x) }}{% endif %}{% endfor %}`,
  ],
  [
    'a macro walking its argument',
    (top) =>
      `{% macro w(v) %}{% for x in v %}{{ w(x) if x is iterable else x }}{% endfor %}{% endmacro %}{{ w(${top}) }}`,
  ],
  ['|safe', (top) => `{% if ${top}|safe %}{% endif %}`],
  ['a namespace written', (top) => `{% set ns = namespace(x=${top}) %}{{ ns }}`],
  ['a dict of it', (top) => `{% set d = {'k': ${top}} %}{{ d }}`],
];

describe('values built from shared parts', () => {
  for (const [what, use] of uses) {
    it(`reports 40 levels, ${what}`, async () => {
      const a = await analyzeChatTemplate(levels(39) + use('a39') + "{{ messages[0]['content'] }}");
      assert.ok(a.parsed, a.parseError);
      assert.ok(
        a.signals.some((s) => s.kind === 'render-cost' && s.confidence === 'high'),
        JSON.stringify(a.signals),
      );
    });
    it(`passes 6 levels, ${what}`, async () => {
      const a = await analyzeChatTemplate(levels(5) + use('a5') + "{{ messages[0]['content'] }}");
      assert.ok(a.parsed, a.parseError);
      assert.deepEqual(a.signals, []);
    });
  }
  it('a list of names and roles, as published templates build, passes', async () => {
    const a = await analyzeChatTemplate(
      "{% set roles = ['system', 'user', 'assistant'] %}{% set pairs = [roles, roles, roles] %}{% for m in messages %}{% if m['role'] in roles %}{{ m['content'] }}{% endif %}{% endfor %}",
    );
    assert.deepEqual(a.signals, []);
  });
});
