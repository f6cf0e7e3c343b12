// Template escape gadgets and their benign twins, judged against the real jinja2 (cases.json, recorded by
// scripts/fixtures/template-gadgets.py): the analyzer flags a template exactly when a plain jinja2.Environment
// rendering reaches Python internals — the verdict holds for unsandboxed runtimes, the weaker case.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeChatTemplate, formatFieldParts } from '../../../src/analyzers/model/chat-template.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reachesUnsandboxed: boolean;
  readonly reachesSandboxed: boolean;
}
const table = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/model/template-gadgets/cases.json'), 'utf8'),
) as { cases: Case[] };

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
