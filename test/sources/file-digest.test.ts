// The scan's file digest with shard digests from the same read (an OMS `shards` signature): every shard digest is
// the digest of exactly its byte range, whatever the shard size against the 8 MiB read windows, and the whole-file
// SHA-256 is unchanged.
import { strict as assert } from 'node:assert';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileSource } from '../../src/sources/byte-source.js';
import { digestFile, shardDigestsOf } from '../../src/sources/file-digest.js';

const tmp = mkdtempSync(join(tmpdir(), 'sentinel-file-digest-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const hex = (algorithm: string, b: Uint8Array): string => createHash(algorithm).update(b).digest('hex');
const ranges = (algorithm: string, b: Uint8Array, size: number): string[] => {
  const out: string[] = [];
  for (let s = 0; s < b.length; s += size) out.push(hex(algorithm, b.subarray(s, Math.min(b.length, s + size))));
  return out;
};

describe('digestFile with shard digests', () => {
  // 8 MiB windows: 19 MiB + 3 bytes spans three windows, the last one short.
  const bytes = randomFillSync(Buffer.alloc(19 * 1024 * 1024 + 3));
  const path = join(tmp, 'f.bin');
  writeFileSync(path, bytes);

  // [shard size, algorithm]: a divisor of the window, the window, a size crossing window ends, one shard for all.
  const cases: [number, string][] = [
    [1 << 20, 'sha256'],
    [8 << 20, 'sha256'],
    [3_000_017, 'sha256'],
    [5_000_000, 'blake2b512'],
    [64 << 20, 'sha256'],
  ];
  for (const [size, algorithm] of cases) {
    it(`${algorithm} shards of ${size} bytes`, async () => {
      const src = new FileSource({ chain: ['f.bin'] }, path);
      try {
        const got = await digestFile(src, undefined, { algorithm, size });
        assert.equal(got.sha256, hex('sha256', bytes));
        assert.deepEqual(got.shards.digests, ranges(algorithm, bytes, size));
        assert.equal(got.shards.size, size);
        assert.equal(got.shards.algorithm, algorithm);
      } finally {
        src.close();
      }
      assert.deepEqual(shardDigestsOf(bytes, { algorithm, size }).digests, ranges(algorithm, bytes, size));
    });
  }

  it('an empty file has no shards; without a plan the digest alone', async () => {
    const empty = join(tmp, 'empty.bin');
    writeFileSync(empty, '');
    const src = new FileSource({ chain: ['empty.bin'] }, empty);
    try {
      const got = await digestFile(src, undefined, { algorithm: 'sha256', size: 4 });
      assert.deepEqual(got.shards.digests, []);
      assert.equal(await digestFile(src), hex('sha256', new Uint8Array(0)));
    } finally {
      src.close();
    }
  });
});
