// The committed hostile inputs and loader bypasses (scripts/fixtures/hostile.py, test/fixtures/hostile/): each one
// must end with the findings its manifest names and fail the gate (also under a policy that admits the class whose
// hook carries the payload). Where /usr/bin/python3 has the loader's library, the test also proves the payload is
// live: the real loader, run on the same file, prints the harmless marker.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { itProvesEach, readManifest, type Expect, type Fixture } from '../helpers/proved-fixtures.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const DIR = join(ROOT, 'test/fixtures/hostile');

interface HostileFixture extends Fixture {
  /** A second scan under a policy admitting the class by also_allow: the hook must still be found. */
  withPolicy?: { also_allow: string[]; expect: Expect };
}

const manifest = readManifest<HostileFixture>(DIR);

async function check(file: string, expect: Expect, extra: string[] = []): Promise<void> {
  const r = await cli(['artifact', join(DIR, file), '--format', 'json', ...extra]);
  const report = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; errors: { message: string }[] };
  const rules = new Set(report.findings.map((x) => x.ruleId));
  for (const rule of expect.rules) assert.ok(rules.has(rule), `${rule} missing; got ${[...rules].join(', ')}`);
  assert.equal(r.code, expect.blocked ? 1 : 0, `exit code; findings ${[...rules].join(', ')}`);
  assert.deepEqual(
    report.errors.filter((e) => e.message.startsWith('internal error')),
    [],
    'no internal error',
  );
}

describe('hostile fixtures: Sentinel blocks each one with the expected findings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-hostile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of manifest.fixtures) {
    it(`${f.file} (${f.kind})`, () => check(f.file, f.expect));
    const w = f.withPolicy;
    if (w !== undefined) {
      it(`${f.file} with also_allow ${w.also_allow.join(', ')}: the hook is still found`, async () => {
        const policy = join(dir, `${f.file}.yml`);
        const entries = w.also_allow.map((n) => `  - name: ${n}\n    justification: test`).join('\n');
        writeFileSync(policy, `also_allow:\n${entries}\n`);
        await check(f.file, w.expect, ['--policy', policy]);
      });
    }
  }
});

describe('hostile fixtures: the real loader reaches the payload (proof)', () => {
  itProvesEach(DIR, manifest, 'refuses it');
});
