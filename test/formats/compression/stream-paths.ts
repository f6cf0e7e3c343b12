// Shared assertion of the streaming tests: decompressToSource (counting pass, then held or re-decoded on demand)
// and the in-memory decompress agree on an input: the same error, or the same bytes, notes and streams.
import { strict as assert } from 'node:assert';
import { LimitError } from '../../../src/core/errors.js';
import fc from 'fast-check';
import { decompressToSource, type SourceResult } from '../../../src/formats/compression/decompress-source.js';
import { decompress, type Codec, type DecompressOptions } from '../../../src/formats/compression/index.js';
import { RedecodedSource } from '../../../src/formats/compression/redecoded-source.js';

const MB = 1024 * 1024;
export const STREAM_OPTS: DecompressOptions = { maxOutputBytes: 1 << 30, maxRatio: 1000, ratioGraceBytes: 64 * MB };

/** Both paths over `input` with `hold`: the same error, or the same bytes, notes and streams. */
export async function assertSamePaths(codec: Codec, input: Uint8Array, hold: number): Promise<void> {
  const loc = { chain: [`t.${codec}`] };
  let mem;
  try {
    mem = await decompress(codec, input, STREAM_OPTS);
  } catch (e) {
    await assert.rejects(decompressToSource(codec, input, STREAM_OPTS, loc, hold), (f: unknown) => {
      assert.equal((f as Error).constructor, (e as Error).constructor);
      assert.equal((f as Error).message, (e as Error).message);
      return true;
    });
    return;
  }
  const r = await decompressToSource(codec, input, STREAM_OPTS, loc, hold);
  assert.equal(r.streamed, mem.bytes.length > hold);
  assert.deepEqual(r.notes, mem.notes);
  assert.equal(r.streams, mem.streams);
  assert.equal(r.source.size, mem.bytes.length);
  assert.ok(Buffer.from(r.source.read(0, r.source.size)).equals(Buffer.from(mem.bytes)), 'same bytes');
}

/**
 * `r` is decoded again on demand (a RedecodedSource, no notes) and each read `[offset, length]` gives `want`'s bytes,
 * in the order given (forward, backward and whole reads exercise the window and its restarts).
 */
export function assertRedecodedReads(
  r: SourceResult,
  want: Uint8Array,
  reads: readonly (readonly [number, number])[],
): void {
  assert.equal(r.streamed, true);
  assert.ok(r.source instanceof RedecodedSource, 'a RedecodedSource');
  assert.deepEqual(r.notes, []);
  for (const [o, n] of reads) {
    assert.ok(Buffer.from(r.source.read(o, n)).equals(Buffer.from(want.subarray(o, o + n))), `read(${o}, ${n})`);
  }
}

/**
 * Random damage (1-3 flipped bytes anywhere) never makes the two paths disagree: the same error, or the same prefix,
 * notes and streams.
 */
export async function assertDamagedAgree(codec: Codec, input: Uint8Array, hold: number, numRuns = 15): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(input.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
      async (flips) => {
        const bad = input.slice();
        for (const [at, x] of flips) bad[at]! ^= x;
        await assertSamePaths(codec, bad, hold);
      },
    ),
    { numRuns },
  );
}

/**
 * A bomb is refused while counting, under each of `limitsList`, with the in-memory decode's LimitError (the same
 * limit and message), having spent no more than the output limit.
 */
export async function assertBombRefusedAlike(
  codec: Codec,
  bomb: Uint8Array,
  limitsList: readonly DecompressOptions[],
  hold: number,
): Promise<void> {
  for (const limits of limitsList) {
    const mem = await decompress(codec, bomb, limits).then(
      () => assert.fail('in-memory decode passed'),
      (e: unknown) => e as LimitError,
    );
    assert.ok(mem instanceof LimitError, 'a LimitError');
    await assert.rejects(decompressToSource(codec, bomb, limits, { chain: [`t.${codec}`] }, hold), (e: unknown) => {
      assert.ok(e instanceof LimitError, 'a LimitError');
      assert.equal(e.limit, mem.limit);
      assert.equal(e.message, mem.message);
      assert.ok(e.spentBytes <= limits.maxOutputBytes, 'spent within the limit');
      return true;
    });
  }
}

/** One zstd frame of `blocks` RLE blocks of 128 KiB each (4 input bytes per block). */
export function zstdBomb(blocks: number): Uint8Array {
  const header = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 10 << 3]; // no checksum, no size, window 1 MiB
  const out = new Uint8Array(header.length + blocks * 4);
  out.set(header, 0);
  for (let i = 0; i < blocks; i++) {
    const h = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    out.set([h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, 0x5a], header.length + i * 4);
  }
  return out;
}
