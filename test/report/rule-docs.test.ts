// docs/rules/ is generated from rule metadata (scripts/gen-rule-docs.ts): every rule has a doc, no doc names a
// rule that does not exist, and the generated part matches the metadata byte for byte.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GENERATED_END, renderRuleDoc, ruleDocFiles } from '../../src/report/rule-doc.js';
import { RULES } from '../../src/rules/index.js';

const DIR = join(import.meta.dirname, '..', '..', 'docs', 'rules');
const metas = RULES.map((r) => r.meta);
const HINT = 'regenerate with: node --import tsx scripts/gen-rule-docs.ts';

describe('docs/rules', () => {
  it('has a doc for every rule and none for unknown rules', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.md'));
    const expected = [...metas.map((m) => `${m.id}.md`), 'README.md'].sort();
    assert.deepEqual(files.sort(), expected, HINT);
  });

  for (const m of metas) {
    it(`${m.id}.md matches the rule metadata`, () => {
      const path = join(DIR, `${m.id}.md`);
      assert.ok(existsSync(path), `${path} is missing; ${HINT}`);
      const text = readFileSync(path, 'utf8');
      const end = text.indexOf(GENERATED_END);
      assert.ok(end >= 0, 'end marker missing');
      assert.equal(text.slice(0, end + GENERATED_END.length) + '\n', renderRuleDoc(m, metas), HINT);
    });
  }

  it('README.md (the index) matches', () => {
    const want = ruleDocFiles(metas, () => undefined).get('README.md');
    assert.equal(readFileSync(join(DIR, 'README.md'), 'utf8'), want, HINT);
  });

  it('the generator keeps hand-written prose below the end marker', () => {
    const m = metas[0]!;
    const prose = '## Notes\n\nHand-written.\n';
    const files = ruleDocFiles(metas, (name) =>
      name === `${m.id}.md` ? `old header\n${GENERATED_END}\n${prose}` : undefined,
    );
    assert.equal(files.get(`${m.id}.md`), renderRuleDoc(m, metas) + prose);
  });

  it('a doc carries every field of the record (the record layout)', () => {
    for (const m of metas) {
      const doc = renderRuleDoc(m, metas);
      for (const part of [m.id, m.title, m.severity, m.fixHint, m.fix, m.description, m.owner, m.decision, ...m.cwe]) {
        assert.ok(doc.includes(part), `${m.id}: ${part}`);
      }
      for (const h of [
        '## When it fires',
        '## Evidence format',
        '## False-positive notes',
        '## Triage',
        '## How to fix',
        '## Retest',
        '## Related rules',
      ]) {
        assert.ok(doc.includes(h), `${m.id}: ${h}`);
      }
    }
  });
});
