// Skippable frames (shared by lz4 and zstd): where they end, and input that ends inside one is a note on real
// streams of both codecs, never a silent pass.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { skippableFrameEnd } from '../../../src/formats/compression/frame-bytes.js';
import { decompress } from '../../../src/formats/compression/index.js';

const OPTS = { maxOutputBytes: 64 * 1024 * 1024 };
const skippable = (magicLow: number, size: number, body: number) =>
  Uint8Array.from([0x50 | magicLow, 0x2a, 0x4d, 0x18, size & 0xff, (size >> 8) & 0xff, 0, 0, ...Array(body).fill(7)]);

describe('skippableFrameEnd', () => {
  const cases: [string, Uint8Array, number, number | 'truncated' | undefined][] = [
    ['a whole frame', skippable(0, 3, 3), 0, 11],
    ['any of the 16 magics', skippable(0xf, 0, 0), 0, 8],
    ['size beyond the input', skippable(0, 4, 3), 0, 'truncated'],
    ['size field cut short', skippable(0, 0, 0).subarray(0, 6), 0, 'truncated'],
    ['not a skippable magic', Uint8Array.from([0x04, 0x22, 0x4d, 0x18, 0, 0, 0, 0]), 0, undefined],
    ['fewer than 4 bytes', Uint8Array.from([0x50, 0x2a, 0x4d]), 0, undefined],
    ['at an offset', Uint8Array.from([1, 2, ...skippable(3, 1, 1)]), 2, 11],
  ];
  for (const [name, bytes, pos, want] of cases) it(name, () => assert.equal(skippableFrameEnd(bytes, pos), want));
});

describe('input ending inside a skippable frame after a real frame', () => {
  for (const [codec, file] of [
    ['lz4', 'lz4/small.lz4'],
    ['zstd', 'zstd/small.zst'],
  ] as const) {
    it(codec, async () => {
      const frame = readFileSync(join(import.meta.dirname, '../../fixtures/compression', file));
      const input = new Uint8Array([...frame, ...skippable(0, 100, 5)]);
      const r = await decompress(codec, input, OPTS);
      assert.ok(
        r.notes.some((n) => /inside a skippable frame/.test(n)),
        JSON.stringify(r.notes),
      );
    });
  }
});
