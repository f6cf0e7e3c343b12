// ChunkListSource (a decoder's output held as its chunks) reads as the joined bytes would, and countChunks keeps a
// decoder's output (copies of reused views) only while it fits the hold, so a held output is decoded once.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { countChunks, type ChunkDecoder } from '../../src/formats/compression/chunk-source.js';
import { ChunkListSource } from '../../src/sources/chunk-list-source.js';

const loc = { chain: ['t'] };

describe('ChunkListSource', () => {
  it('read and readInto equal the joined chunks at any offset and length', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 300 }), fc.integer({ min: 0, max: 300 })), { maxLength: 20 }),
        (chunks, reads) => {
          const joined = Buffer.concat(chunks);
          const src = new ChunkListSource(loc, chunks);
          assert.equal(src.size, joined.length);
          for (const [o, n] of reads) {
            const start = Math.max(0, Math.min(o, joined.length));
            const want = joined.subarray(start, Math.min(joined.length, start + n));
            assert.deepEqual(Buffer.from(src.read(o, n)), want);
            const target = new Uint8Array(n);
            const got = src.readInto(o, target);
            assert.equal(got, want.length);
            assert.deepEqual(Buffer.from(target.subarray(0, got)), want);
          }
        },
      ),
    );
  });
});

describe('countChunks keeps the output within the hold', () => {
  /** A decoder that yields `sizes` chunks as views of ONE reused buffer (as the real decoders do). */
  const reusing = (sizes: number[]): ChunkDecoder =>
    function* () {
      const buf = new Uint8Array(64);
      let n = 0;
      for (const s of sizes) {
        for (let i = 0; i < s; i++) buf[i] = n++ & 255;
        yield buf.subarray(0, s);
      }
      return 1;
    };
  const expected = (sizes: number[]) =>
    Uint8Array.from({ length: sizes.reduce((a, b) => a + b, 0) }, (_, i) => i & 255);
  const noCheck = () => {};

  it('an output within the hold is kept whole, as copies of the reused views', () => {
    const sizes = [10, 64, 1, 30];
    const c = countChunks(reusing(sizes), new Uint8Array(0), 1 << 20, noCheck, 105);
    assert.equal(c.length, 105);
    assert.ok(c.kept);
    assert.deepEqual(Buffer.concat(c.kept), Buffer.from(expected(sizes)));
  });
  it('an output past the hold keeps only its ends', () => {
    const c = countChunks(reusing([10, 64, 1, 30]), new Uint8Array(0), 1 << 20, noCheck, 104);
    assert.equal(c.length, 105);
    assert.equal(c.kept, undefined);
    assert.deepEqual(Buffer.from(c.ends.head()), Buffer.from(expected([10, 64, 1, 30])));
  });
});
