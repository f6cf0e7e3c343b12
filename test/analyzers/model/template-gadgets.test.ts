// Template escape gadgets and their benign twins, judged against the real jinja2 (cases.json, recorded by
// scripts/fixtures/template-gadgets.py): the analyzer flags a template exactly when a plain jinja2.Environment
// rendering reaches Python internals — the verdict holds for unsandboxed runtimes, the weaker case.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate, formatFieldParts } from '../../../src/analyzers/model/chat-template.js';
import { applyPolicy } from '../../../src/policy/gate.js';
import { parsePolicy } from '../../../src/policy/load-policy.js';
import { RULES } from '../../../src/rules/index.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reachesUnsandboxed: boolean;
  readonly reachesSandboxed: boolean;
  readonly reachesImmutableSandboxed: boolean;
}
const table = templateCases<{ cases: Case[] }>('template-gadgets');

describe('template gadgets against the real jinja2 (unsandboxed Environment)', () => {
  it('has gadgets and benign twins', () => {
    assert.ok(table.cases.filter((c) => c.reachesUnsandboxed).length >= 15);
    assert.ok(table.cases.filter((c) => !c.reachesUnsandboxed).length >= 8);
  });
  for (const c of table.cases) {
    it(`${c.name}: ${c.reachesUnsandboxed ? 'flagged' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(c.template);
      assert.ok(a.parsed, 'parsed');
      const flagged = a.signals.some((s) => s.confidence === 'high');
      assert.equal(flagged, c.reachesUnsandboxed, JSON.stringify(a.signals.map((s) => `${s.kind}:${s.name}`)));
      if (!c.reachesUnsandboxed) assert.deepEqual(a.signals, []);
    });
  }
  it('reads format-string fields the way Python does', () => {
    assert.deepEqual(formatFieldParts('{0.__class__.__mro__}'), ['__class__', '__mro__']);
    assert.deepEqual(formatFieldParts('{0[__builtins__]} {{x.__y__}} {a:{b.__c__}}'), ['__builtins__', '__c__']);
    assert.deepEqual(formatFieldParts('{0[a:b].c!r:>3}'), ['a:b', 'c']);
  });
});

describe('template_runtime: the environment a template verdict holds for (gadget table, real jinja2)', () => {
  const gate = async (template: string, policyText: string) => {
    const r = await scanBytes('chat_template.jinja', new TextEncoder().encode(template));
    const p = parsePolicy(policyText, 'p.yml');
    assert.ok(p.ok);
    return applyPolicy({
      findings: r.findings,
      pickles: [],
      files: r.files,
      policy: p.policy,
      rules: RULES.map((x) => x.meta.id),
      today: '2026-01-01',
      cwd: '/',
    });
  };
  for (const c of table.cases.filter((x) => x.reachesUnsandboxed)) {
    it(`${c.name}: gates by default; under template_runtime: sandboxed ${c.reachesImmutableSandboxed ? 'still gates' : 'passes'}`, async () => {
      const plain = await gate(c.template, 'fail_on: [CRITICAL, HIGH]\n');
      const f = plain.findings.find((x) => x.ruleId === 'MODEL-TEMPLATE-INJECTION')!;
      assert.ok(f, 'a finding');
      assert.equal(plain.gate.passed, false);
      assert.match(f.decisionReason, /plain jinja2\.Environment \(template_runtime: unsandboxed\)/);
      const sandboxed = await gate(c.template, 'template_runtime: sandboxed\n');
      const g = sandboxed.findings.find((x) => x.ruleId === 'MODEL-TEMPLATE-INJECTION')!;
      assert.equal(sandboxed.gate.passed, !c.reachesImmutableSandboxed);
      assert.match(g.decisionReason, /template_runtime: sandboxed/);
    });
  }
  it('a template read only by the token-level fallback is not known to be blocked: it still gates', async () => {
    const out = await gate('{{ x.__class__ }} {% if %}', 'template_runtime: sandboxed\n');
    const f = out.findings.find((x) => x.ruleId === 'MODEL-TEMPLATE-INJECTION');
    if (f) assert.equal(out.gate.passed, false);
  });
  it('template_runtime takes unsandboxed or sandboxed only', () => {
    assert.equal(parsePolicy('template_runtime: immutable\n', 'p.yml').ok, false);
  });
});
