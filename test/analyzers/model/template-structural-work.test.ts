// Chat templates whose render walks a nested value in full — a container built over forty `set` variables, each
// holding the previous one twice, compared, hashed or converted to a string — each with a benign twin using the same
// construct six levels deep, judged against the real jinja2 (cases.json, recorded by
// scripts/fixtures/template-structural-work.py: a case is unbounded when it exhausts 10 s or 1 GiB rendered as
// transformers renders chat templates). The analysis charges each operator, test, subscript, dict key and call
// argument by the unfolded size of what it walks, and has a work entry for every operator and test of that jinja2.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate } from '../../../src/analyzers/model/chat-template.js';
import { OPERATOR_WORK, TEST_WORK } from '../../../src/analyzers/model/template-growth.js';
import { templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reaches: boolean;
}
const table = templateCases<{ operators: string[]; tests: string[]; cases: Case[] }>('template-structural-work');

describe('work that walks a nested value, charged by its unfolded size, against the real jinja2', () => {
  it('has hostile cases and a benign twin for each', () => {
    assert.equal(table.cases.filter((c) => c.reaches).length, 11);
    assert.equal(table.cases.filter((c) => !c.reaches).length, 11);
  });
  for (const c of table.cases)
    it(`${c.name}: ${c.reaches ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(c.template);
      assert.ok(a.parsed, a.parseError);
      assert.equal(a.incomplete, undefined, a.incomplete);
      if (c.reaches)
        assert.ok(
          a.signals.some((s) => s.kind === 'render-cost' && s.confidence === 'high'),
          JSON.stringify(a.signals),
        );
      else assert.deepEqual(a.signals, []);
    });
});

describe('every operator and test of the renderer has a work entry', () => {
  it('each operator jinja2 lexes is in the operator table', () => {
    assert.ok(table.operators.length >= 15);
    const missing = table.operators.filter((o) => !OPERATOR_WORK.has(o));
    assert.deepEqual(missing, []);
  });
  it('each test jinja2 defines is in the test table', () => {
    assert.ok(table.tests.length >= 30);
    const missing = table.tests.filter((t) => !TEST_WORK.has(t));
    assert.deepEqual(missing, []);
  });
  it('the comparisons walk their operands, membership and string conversion walk both', () => {
    for (const o of ['==', '!=', '<', '>', '<=', '>=']) assert.equal(OPERATOR_WORK.get(o), 'least', o);
    for (const o of ['in', 'not in', '~', '%']) assert.equal(OPERATOR_WORK.get(o), 'both', o);
    for (const t of ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'equalto']) assert.equal(TEST_WORK.get(t), 'least', t);
    for (const t of ['lower', 'upper', 'in']) assert.equal(TEST_WORK.get(t), 'both', t);
  });
});

describe('operands that are numbers or flat strings', () => {
  const CASES: [string, string, boolean][] = [
    [
      'loop indices compared in nested loops over the request',
      '{% for i in range(messages|length) %}{% for j in range(messages|length) %}{% if i == j %}x{% endif %}{% endfor %}{% endfor %}',
      false,
    ],
    [
      'a length compared per message',
      "{% for m in messages %}{% if m['content']|length > 10 %}x{% endif %}{% endfor %}",
      false,
    ],
    [
      'a role compared per message',
      "{% for m in messages %}{% if m['role'] == 'user' %}x{% endif %}{% endfor %}",
      false,
    ],
    [
      'a nested value compared on each pass of a loop',
      "{% set p0 = ['x'] %}{% set p1 = [p0, p0] %}{% set p2 = [p1, p1] %}{% set p3 = [p2, p2] %}" +
        '{% for i in range(99999) %}{% for j in range(999) %}{% if p3 == p3 %}x{% endif %}{% endfor %}{% endfor %}',
      true,
    ],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(template);
      assert.ok(a.parsed, a.parseError);
      assert.equal(
        a.signals.some((s) => s.kind === 'render-cost'),
        flagged,
        JSON.stringify(a.signals),
      );
    });
});
