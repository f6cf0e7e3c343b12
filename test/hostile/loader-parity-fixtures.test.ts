// The committed loader-parity inputs (scripts/fixtures/loader-parity.py, test/fixtures/loader-parity/): files a real
// loader reads differently from a shallow reading, or whose load does exponential work, each with its benign twin.
// Each must end with the findings its manifest names and the gate result it names (twins pass). Where
// /usr/bin/python3 has the loader's library, the real loader proves it: the payload runs, the load hangs, or
// (twins) it loads without the marker.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { itProvesEach, readManifest } from '../helpers/proved-fixtures.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const DIR = join(ROOT, 'test/fixtures/loader-parity');
const manifest = readManifest(DIR);

describe('loader-parity fixtures: findings and gate result', () => {
  for (const f of manifest.fixtures) {
    it(`${f.file} (${f.kind}) ${f.expect.blocked ? 'is blocked' : 'passes'}`, async () => {
      const r = await cli(['artifact', join(DIR, f.file), '--format', 'json']);
      const report = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; errors: { message: string }[] };
      const rules = new Set(report.findings.map((x) => x.ruleId));
      for (const rule of f.expect.rules) assert.ok(rules.has(rule), `${rule} missing; got ${[...rules].join(', ')}`);
      if (!f.expect.blocked) assert.deepEqual([...rules], [], 'a benign twin has no finding');
      assert.equal(r.code, f.expect.blocked ? 1 : 0, `exit code; findings ${[...rules].join(', ')}`);
      assert.deepEqual(report.errors, [], 'no scan error');
    });
  }
});

describe('loader-parity fixtures: the real loader (proof)', () => {
  itProvesEach(DIR, manifest, 'loads it without the marker');
});
