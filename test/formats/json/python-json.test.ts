// Differential test of the JSON reader against Python's json.loads (verdicts recorded by
// scripts/fixtures/json-differential.py): every text Python accepts is accepted with the same top-level keys, and
// every text it refuses is refused (the file reader also drops a leading BOM before parsing: wider, never narrower).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parsePythonJson } from '../../../src/formats/json/python-json.js';
import { scanBytes } from '../../../src/scan/engine.js';

interface Case {
  readonly text: string;
  readonly accepted: boolean;
  readonly keys?: readonly string[] | null;
}
const { cases } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/differential/json-cases.json'), 'utf8'),
) as { cases: Case[] };

function ours(text: string): { accepted: boolean; keys?: string[] | null } {
  try {
    const v = parsePythonJson(text);
    return { accepted: true, keys: v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : null };
  } catch {
    return { accepted: false };
  }
}

describe("JSON as Python's json reads it", () => {
  it(`agrees with json.loads on ${cases.length} recorded texts (narrower never)`, () => {
    const wider: string[] = [];
    for (const c of cases) {
      const o = ours(c.text);
      if (c.accepted) {
        assert.ok(o.accepted, `Python reads ${JSON.stringify(c.text.slice(0, 80))}; we must`);
        assert.deepEqual(o.keys, c.keys);
      } else if (o.accepted) wider.push(c.text);
    }
    assert.deepEqual(wider, []);
    assert.ok(cases.filter((c) => c.accepted && /NaN|Infinity/.test(c.text)).length >= 10);
  });

  it('a config with NaN and a template payload is read (not listed as text)', async () => {
    const text = '{"w": NaN, "chat_template": "{{ cycler.__init__.__globals__.os.popen(\'id\').read() }}"}';
    const r = await scanBytes('tokenizer_config.json', new TextEncoder().encode(text));
    assert.ok(r.files[0]!.formats.includes('json'));
    assert.ok(r.findings.some((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION'));
  });

  it('a config after 10,000 bytes of whitespace is read', async () => {
    const text = ' '.repeat(10_000) + '{"chat_template": "{{ lipsum.__globals__ }}"}';
    const r = await scanBytes('tokenizer_config.json', new TextEncoder().encode(text));
    assert.ok(r.findings.some((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION'));
  });

  it('a JSON object over the parse limit is not scanned, never listed as text', async () => {
    const text = '{"pad": "' + 'a'.repeat(64 * 1024 * 1024) + '"}';
    const r = await scanBytes('tokenizer_config.json', new TextEncoder().encode(text));
    assert.ok(r.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE'));
    assert.ok(!r.files[0]!.formats.includes('text'));
  });
});
