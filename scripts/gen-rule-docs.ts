// Regenerates docs/rules/<ID>.md (generated header; prose after the end marker is kept) and docs/rules/README.md
// from rule metadata. Run: node --import tsx scripts/gen-rule-docs.ts  (test/report/rule-docs.test.ts checks drift)
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleDocFiles } from '../src/report/rule-doc.js';
import { RULES } from '../src/rules/index.js';

const dir = join(import.meta.dirname, '..', 'docs', 'rules');
mkdirSync(dir, { recursive: true });
const files = ruleDocFiles(
  RULES.map((r) => r.meta),
  (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined),
);
for (const [name, text] of files) writeFileSync(join(dir, name), text);
for (const name of readdirSync(dir)) {
  if (name.endsWith('.md') && !files.has(name)) {
    unlinkSync(join(dir, name));
    console.log(`removed docs/rules/${name} (no such rule)`);
  }
}
console.log(`wrote ${files.size} files to docs/rules/`);
