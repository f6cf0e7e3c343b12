// Worker-thread hashing gives the same digests as hashing on this thread (whole files and byte ranges, sha256 and
// blake2b, blake3), in job order, with an I/O error as the result of its own job only; unsupported algorithms are errors.
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashJobsOnWorkers } from '../../src/provenance/hash-pool.js';
import { hashJobsInThread, type HashJob } from '../../src/provenance/hash-ranges.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-hash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('hash pool', () => {
  const files = [0, 1, 5000, 9 << 20].map((size, i) => {
    const p = join(dir, `f${i}`);
    const b = randomBytes(size);
    writeFileSync(p, b);
    return { p, b };
  });
  const jobs: HashJob[] = [
    ...files.map(({ p, b }) => ({ abs: p, start: 0, end: b.length })),
    { abs: files[3]!.p, start: 4 << 20, end: 8 << 20 },
    { abs: join(dir, 'absent'), start: 0, end: 10 },
    { abs: files[2]!.p, start: 0, end: 6000 }, // past the end: an error
  ];

  for (const alg of ['sha256', 'blake2b'] as const) {
    it(`${alg}: workers agree with this thread and with node:crypto`, async () => {
      const pooled = await hashJobsOnWorkers(jobs, alg, 2, 0);
      const here = await hashJobsInThread(jobs, alg);
      const node = alg === 'sha256' ? 'sha256' : 'blake2b512';
      assert.equal(pooled.length, jobs.length);
      for (let i = 0; i < 5; i++) {
        const j = jobs[i]!;
        const b = files.find((f) => f.p === j.abs)!.b.subarray(j.start, j.end);
        assert.equal(pooled[i], createHash(node).update(b).digest('hex'));
        assert.equal(here[i], pooled[i]);
      }
      assert.ok(pooled[5] instanceof Error);
      assert.ok(pooled[6] instanceof Error);
      assert.match((pooled[6] as Error).message, /ended/);
    });
  }

  it('blake3 (hash-wasm): workers agree with this thread, errors stay per job', async () => {
    const pooled = await hashJobsOnWorkers(jobs, 'blake3', 2, 0);
    const here = await hashJobsInThread(jobs, 'blake3');
    for (let i = 0; i < 5; i++) {
      assert.match(String(pooled[i]), /^[0-9a-f]{64}$/);
      assert.equal(here[i], pooled[i]);
    }
    assert.notEqual(pooled[0], pooled[1]);
    assert.ok(pooled[5] instanceof Error);
    assert.ok(pooled[6] instanceof Error);
  });

  it('an algorithm outside the OMS registry is an error per job, never a guess', async () => {
    for (const alg of ['blake2s', 'md5', 'sha512']) {
      const r = await hashJobsOnWorkers(jobs.slice(0, 2), alg, 2, 0);
      assert.ok(
        r.every((x) => x instanceof Error && /not supported/.test(x.message)),
        alg,
      );
    }
  });
});
