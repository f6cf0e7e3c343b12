// Worker-thread hashing gives the same digests as hashing on this thread (whole files and byte ranges, sha256 and
// blake2b, blake3), in job order, with an I/O error as the result of its own job only; unsupported algorithms are errors.
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashJobsOnWorkers } from '../../src/provenance/hash-pool.js';
import { hashJobsInThread, type HashJob } from '../../src/provenance/hash-ranges.js';
import { ConfinementError, confineHooks } from '../../src/sources/confine.js';

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

describe('hashing held to the scan’s folders', () => {
  // A folder on the way replaced by a link to an outside folder right before the open: the hashed file is refused
  // on its opened descriptor (on this thread and on hashing threads); with no swap (benign twin) it is hashed.
  const inside = join(dir, 'held', 'model');
  const outside = join(dir, 'held-outside');
  const bytes = randomBytes(3000);
  const expected = createHash('sha256').update(bytes).digest('hex');
  const within = [[realpathSync(dir)]];
  const setUp = (): string => {
    rmSync(join(dir, 'held'), { recursive: true, force: true });
    mkdirSync(join(inside, 'sub'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(inside, 'sub', 'w.bin'), bytes);
    writeFileSync(join(outside, 'w.bin'), bytes); // the same bytes: a digest match would hide the read
    return join(inside, 'sub', 'w.bin');
  };
  after(() => delete confineHooks.beforeOpen);

  const hashers: [string, (j: HashJob[]) => Promise<(string | Error)[]>][] = [
    ['this thread', (j) => hashJobsInThread(j, 'sha256')],
    ['hashing threads', (j) => hashJobsOnWorkers(j, 'sha256', 2, 0)],
  ];
  for (const [how, hash] of hashers) {
    it(`${how}: a folder swapped for a link leading out is refused; unswapped, the file is hashed`, async () => {
      const abs = setUp();
      const job = (p: string): HashJob => ({
        abs: p,
        start: 0,
        end: bytes.length,
        within: [[realpathSync(inside)], ...within],
      });
      const other = join(inside, 'other.bin');
      writeFileSync(other, bytes);
      assert.deepEqual(await hash([job(abs), job(other)]), [expected, expected]);
      confineHooks.beforeOpen = (p) => {
        if (p !== abs) return;
        delete confineHooks.beforeOpen;
        renameSync(join(inside, 'sub'), join(inside, 'sub-was'));
        symlinkSync(outside, join(inside, 'sub'));
      };
      const [r, benign] = await hash([job(abs), job(other)]);
      assert.ok(r instanceof ConfinementError, String(r));
      assert.equal(benign, expected);
    });
  }
});
