// DESER recall on published advisories: for each entry of test/fixtures/deser-advisories/manifest.json,
// the vulnerable version (the commit before the fix) must give the recorded verdict at the advisory's sink (found,
// or the miss the manifest names and explains), and a benign twin recorded as `clean` must give no DESER finding on
// the sink lines. The repositories' files are not committed; they are materialized from git mirrors by
//   node scripts/deser-recall.mjs --materialize-only --out=DIR
// and this test reads DIR from $SENTINEL_DESER_ADVISORIES (it skips, naming that command, when the tree is absent).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import type { Finding } from '../../src/core/finding.js';

interface Advisory {
  id: string;
  advisory: string;
  sink: { file: string; text: string[] };
  /** `none`: no fix published at the snapshot (only the vulnerable version is materialized). */
  twin: 'clean' | 'still-reported' | 'none';
  expect: { found: boolean; miss?: string };
}

const MANIFEST = join(import.meta.dirname, '..', 'fixtures', 'deser-advisories', 'manifest.json');
const advisories = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { advisories: Advisory[] }).advisories;
const TREE = process.env.SENTINEL_DESER_ADVISORIES;
const BRING =
  "advisory files not materialized: bring the repositories' git mirrors (see docs/deser-recall.md), run " +
  '`node scripts/deser-recall.mjs --materialize-only --out=DIR` and set SENTINEL_DESER_ADVISORIES=DIR';

async function atSink(a: Advisory, dir: string): Promise<Finding[]> {
  const r = await scanPaths([dir], { only: ['DESER'] });
  const sinkPath = join(dir, a.sink.file);
  const lines = existsSync(sinkPath) ? readFileSync(sinkPath, 'utf8').split('\n') : [];
  return r.findings.filter((f) => {
    if (f.category !== 'DESER' || relative(dir, f.location.chain[0]!).split('\\').join('/') !== a.sink.file)
      return false;
    const text = lines[(f.location.line ?? 0) - 1] ?? '';
    return a.sink.text.some((t) => text.includes(t));
  });
}

describe('DESER recall on published advisories: the manifest', () => {
  it('records a verdict for each advisory and, for every miss, its reason', () => {
    assert.ok(advisories.length >= 20);
    for (const a of advisories) assert.ok(a.expect.found || (a.expect.miss ?? '').length > 40, a.id);
  });
});

const present = TREE !== undefined && advisories.every((a) => existsSync(join(TREE, a.id, 'vulnerable')));
describe('DESER recall on published advisories: scans', { skip: present ? false : BRING }, () => {
  for (const a of advisories) {
    const dir = join(TREE ?? '', a.id);
    it(`${a.id} (${a.advisory}): ${a.expect.found ? 'found' : 'a named miss'}`, async () => {
      const got = await atSink(a, join(dir, 'vulnerable'));
      assert.equal(got.length > 0, a.expect.found, got.map((f) => `${f.ruleId} ${f.where}`).join('\n'));
    });
    if (a.twin === 'clean')
      it(`${a.id}: the fixed version gives no DESER finding at the sink`, async () => {
        const got = await atSink(a, join(dir, 'fixed'));
        assert.deepEqual(
          got.map((f) => `${f.ruleId} ${f.where}`),
          [],
        );
      });
  }
});
