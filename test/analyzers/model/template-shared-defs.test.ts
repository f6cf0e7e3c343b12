// Chat templates that define a value from another twice over, level after level (`a1 = a0 ~ a0`, ... `aN`): the
// value doubles per level, so writing the last one per message is a render-cost finding; the analysis follows each
// definition once per level (not once per path), so it ends within its budgets and says nothing is incomplete. A
// benign twin with a short chain written once is no finding.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate } from '../../../src/analyzers/model/chat-template.js';

const DEPTH = 20;
const levels = (line: (i: number) => string, n = DEPTH): string =>
  Array.from({ length: n }, (_, k) => line(k + 1)).join('');

const chain = (join: (prev: string) => string, n = DEPTH): string =>
  `{% for x in [1] %}{% set a0 = messages[0].content %}${levels((i) => `{% set a${i} = ${join(`a${i - 1}`)} %}`, n)}{% endfor %}` +
  `{% for m in messages %}{{ a${n} }}{% endfor %}`;

const CASES: readonly { name: string; template: string }[] = [
  { name: 'concatenation with ~', template: chain((p) => `${p} ~ ${p}`) },
  { name: 'concatenation with +', template: chain((p) => `${p} + ${p}`) },
  { name: 'a list joined', template: chain((p) => `[${p}, ${p}]|join`) },
  {
    name: 'namespace attributes',
    template:
      `{% set ns = namespace(a0=messages[0].content) %}${levels((i) => `{% set ns.a${i} = ns.a${i - 1} ~ ns.a${i - 1} %}`)}` +
      `{% for m in messages %}{{ ns.a${DEPTH} }}{% endfor %}`,
  },
  {
    name: 'macros calling the previous level twice',
    template:
      `{% macro m0(x) %}{{ x }}{% endmacro %}${levels((i) => `{% macro m${i}(x) %}{{ m${i - 1}(x) ~ m${i - 1}(x) }}{% endmacro %}`)}` +
      `{% for m in messages %}{{ m${DEPTH}(m.content) }}{% endfor %}`,
  },
];

describe('values defined from another twice over, level after level', () => {
  for (const c of CASES)
    it(`${c.name}: a render-cost finding, with every fold complete`, async () => {
      const r = await analyzeChatTemplate(c.template);
      assert.equal(r.parsed, true);
      assert.equal(r.incomplete, undefined, r.incomplete);
      assert.ok(
        r.signals.some((s) => s.kind === 'render-cost'),
        JSON.stringify(r.signals),
      );
    });

  it(
    'a chain of 40 macros each calling the one below twice is judged (each macro walked once per loop context)',
    { timeout: 60_000 },
    async () => {
      let t = '{% macro m0(x) %}{{ x }}{% endmacro %}';
      for (let i = 1; i <= 40; i++) t += `{% macro m${i}(x) %}{{ m${i - 1}(x) ~ m${i - 1}(x) }}{% endmacro %}`;
      const r = await analyzeChatTemplate(`${t}{% for m in messages %}{{ m40(m.content) }}{% endfor %}`);
      assert.equal(r.parsed, true);
      assert.ok(
        r.signals.some((s) => s.kind === 'render-cost'),
        JSON.stringify(r.signals),
      );
    },
  );

  it(
    'the same chain whose macros each set a variable is judged too (the accumulation pass reads each once per place)',
    { timeout: 60_000 },
    async () => {
      let t = '{% macro m0(x) %}{% set y = x %}{{ y }}{% endmacro %}';
      for (let i = 1; i <= 40; i++)
        t += `{% macro m${i}(x) %}{% set y = x %}{{ m${i - 1}(y) ~ m${i - 1}(y) }}{% endmacro %}`;
      const r = await analyzeChatTemplate(`${t}{% for m in messages %}{{ m40(m.content) }}{% endfor %}`);
      assert.equal(r.parsed, true);
      assert.ok(
        r.signals.some((s) => s.kind === 'render-cost'),
        JSON.stringify(r.signals),
      );
    },
  );

  it('a short chain written once: no finding', async () => {
    const r = await analyzeChatTemplate(
      `{% set a0 = messages[0].content %}{% set a1 = a0 ~ a0 %}{% set a2 = a1 ~ a1 %}{{ a2 }}`,
    );
    assert.equal(r.parsed, true);
    assert.equal(r.incomplete, undefined);
    assert.deepEqual(r.signals, []);
  });
});
