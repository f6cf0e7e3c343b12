// The queue's content-addressed facts cache (src/service/facts-cache.ts): stored facts re-targeted to another folder
// equal a fresh scan there; the key follows content and base name, not the folder; facts that depend on files beside
// the target (joblib < 0.10 companions, a signature file) or on the run (incomplete scans) are not reused.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanFacts, type ScanFacts } from '../../src/api/scan.js';
import { factsKey, retargetFacts, reusableAt, storable } from '../../src/service/facts-cache.js';
import { opcodePickle } from './fixtures.js';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const plain = (f: ScanFacts) => ({ ...f, startedAt: '', result: { ...f.result, durationMs: 0 } });

describe('facts cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-facts-cache-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  mkdirSync(a);
  mkdirSync(b);

  for (const file of [
    'examples/models/classifier.pkl',
    'examples/models/weights.pt',
    'examples/models/downloaded_model.bin',
    'test/fixtures/hostile/call-flood.pkl.gz',
    'test/fixtures/hostile/joblib-skip-plain.pkl',
  ]) {
    it(`re-targets the facts of ${basename(file)} to another folder exactly as a scan there gives them`, async () => {
      const name = basename(file);
      copyFileSync(repo(file), join(a, name));
      copyFileSync(repo(file), join(b, name));
      const there = await scanFacts(join(a, name));
      const here = await scanFacts(join(b, name));
      const sha = here.result.files[0]!.sha256!;
      assert.ok(storable(there, join(a, name), sha), 'complete single-file facts are stored');
      assert.equal(factsKey('v', 's', sha, join(a, name)), factsKey('v', 's', sha, join(b, name)));
      const moved = retargetFacts(JSON.parse(JSON.stringify(there)) as ScanFacts, join(b, name), here.startedAt);
      assert.deepEqual(plain(moved), plain(here));
      assert.ok(!JSON.stringify(moved).includes(a), 'no trace of the first folder');
    });
  }

  it('keys on the base name as well (formats and evidence depend on it), and on version and settings', () => {
    const sha = '0'.repeat(64);
    const k = factsKey('v1', 's1', sha, '/x/model.pkl');
    assert.notEqual(k, factsKey('v1', 's1', sha, '/x/model.npy'));
    assert.notEqual(k, factsKey('v2', 's1', sha, '/x/model.pkl'));
    assert.notEqual(k, factsKey('v1', 's2', sha, '/x/model.pkl'));
    assert.notEqual(k, factsKey('v1', 's1', '1'.repeat(64), '/x/model.pkl'));
  });

  it('does not store facts of a pickle that names files beside it (the same bytes scan differently elsewhere)', async () => {
    // Same model.pkl bytes in both folders; the companion .npy beside it differs (pickle vs plain array).
    const m4 = await scanFacts(repo('test/fixtures/soundness/m4-companion/model.pkl'));
    const twin = await scanFacts(repo('test/fixtures/soundness/twin-companion/model.pkl'));
    assert.equal(m4.result.files[0]!.sha256, twin.result.files[0]!.sha256);
    assert.notDeepEqual(
      m4.result.pickles.map((p) => p.safety),
      twin.result.pickles.map((p) => p.safety),
    );
    for (const [f, path] of [
      [m4, 'test/fixtures/soundness/m4-companion/model.pkl'],
      [twin, 'test/fixtures/soundness/twin-companion/model.pkl'],
    ] as const) {
      assert.deepEqual(f.result.readsBeside, [repo(path)]);
      assert.equal(storable(f, repo(path), f.result.files[0]!.sha256!), false);
    }
  });

  it('does not store incomplete facts, nor facts of another content than hashed', async () => {
    const ok = join(a, 'ok.pkl');
    writeFileSync(ok, opcodePickle('benign'));
    const g = await scanFacts(ok);
    const sha = g.result.files[0]!.sha256!;
    assert.equal(storable(g, ok, sha), true);
    assert.equal(storable(g, ok, '0'.repeat(64)), false, 'the file changed between hashing and scanning');
    const bad = join(a, 'bad.pkl');
    writeFileSync(bad, opcodePickle('os.system'));
    const f = await scanFacts(bad);
    const finding = f.result.findings[0]!;
    const incomplete = { ...g, result: { ...g.result, findings: [{ ...finding, ruleId: 'SCAN-INCOMPLETE' }] } };
    assert.equal(storable(incomplete, ok, sha), false, 'an incomplete scan (a limit under load) is not kept');
    const failed = { ...g, result: { ...g.result, errors: [{ where: ok, message: 'EIO' }] } };
    assert.equal(storable(failed, ok, sha), false);
  });

  it('is not reused where a signature file lies beside the target', () => {
    const c = join(dir, 'signed');
    mkdirSync(c);
    writeFileSync(join(c, 'm.pkl'), opcodePickle('benign'));
    const seen = new Map();
    assert.equal(reusableAt(join(c, 'm.pkl'), seen), true);
    writeFileSync(join(c, 'model.sig'), '{}');
    assert.equal(reusableAt(join(c, 'm.pkl')), false);
    // A batch (a queue job) looks at a folder once: its later targets get the answer of its first look.
    assert.equal(reusableAt(join(c, 'other.pkl'), seen), true);
    assert.equal(reusableAt(join(c, 'other.pkl'), new Map()), false);
  });
});
