// Own LZ4 frame decoder and xxHash32: python-lz4 frames in every option combination, concatenated in any
// order with skippable frames between them, decode to python-lz4's bytes; checksum damage becomes notes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decompress } from '../../../src/formats/compression/index.js';
import { xxhash32 } from '../../../src/formats/compression/xxhash32.js';
import { fixture, manifest, sha256 } from './manifest.js';

const OPTS = { maxOutputBytes: 64 * 1024 * 1024 };
const enc = new TextEncoder();

describe('xxHash32', () => {
  // Reference values from the xxHash project's published test vectors / python-xxhash documentation.
  const cases: [string, number, number][] = [
    ['', 0, 0x02cc5d05],
    ['a', 0, 0x550d7456],
    ['abc', 0, 0x32d153ff],
    ['Nobody inspects the spammish repetition', 0, 0xe2293b2f],
    ['', 1, 0x0b2cb792],
  ];
  for (const [text, seed, want] of cases) {
    it(`"${text}" seed ${seed}`, () => {
      const bytes = enc.encode(text);
      assert.equal(xxhash32(bytes, 0, bytes.length, seed), want);
    });
  }

  it('hashes a sub-range like the same bytes on their own', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(20), fc.nat(20), (bytes, a, b) => {
        const padded = new Uint8Array([...new Uint8Array(a).fill(7), ...bytes, ...new Uint8Array(b).fill(9)]);
        assert.equal(xxhash32(padded, a, a + bytes.length), xxhash32(bytes));
      }),
    );
  });

  it('agrees with the header checksums python-lz4 wrote', () => {
    for (const f of manifest.lz4Property) {
      const frame = fixture(f.file);
      const flg = frame[4]!;
      const descEnd = 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
      assert.equal((xxhash32(frame, 4, descEnd) >>> 8) & 0xff, frame[descEnd]);
    }
  });
});

describe('python-lz4 frames (no encoder needed: frames come from the generator)', () => {
  const frames = manifest.lz4Property.map((f) => ({ ...f, bytes: fixture(f.file) }));
  const skippable = (n: number) =>
    new Uint8Array([0x5a, 0x2a, 0x4d, 0x18, n, 0, 0, 0, ...new Uint8Array(n).fill(0xee)]);

  it('covers linked and independent blocks, both checksums, sizes and frames over 64 KiB', () => {
    const o = (k: string) => new Set(manifest.lz4Property.map((f) => f.options[k]));
    for (const k of ['block_linked', 'block_checksum', 'content_checksum', 'store_size']) {
      assert.deepEqual([...o(k)].sort(), [false, true], k);
    }
    assert.ok(manifest.lz4Property.some((f) => f.length > 65536 && f.options.block_linked === true));
  });

  it('any concatenation decodes to the concatenated python-lz4 outputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: frames.length - 1 }), fc.integer({ min: -1, max: 12 })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (picks) => {
          const parts: Uint8Array[] = [];
          for (const [i, skip] of picks) {
            if (skip >= 0) parts.push(skippable(skip));
            parts.push(frames[i]!.bytes);
          }
          const input = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          parts.reduce((at, p) => (input.set(p, at), at + p.length), 0);
          const r = await decompress('lz4', input, OPTS);
          assert.equal(r.streams, picks.length);
          assert.ok(
            r.notes.every((n) => /skippable/.test(n)),
            JSON.stringify(r.notes),
          );
          let at = 0;
          for (const [i] of picks) {
            const f = frames[i]!;
            assert.equal(sha256(r.bytes.subarray(at, at + f.length)), f.sha256, f.file);
            at += f.length;
          }
          assert.equal(at, r.bytes.length);
        },
      ),
      { numRuns: 60, seed: 0x1b4 },
    );
  });
});

describe('LZ4 checksums are verified into notes, never into failures', () => {
  const small = fixture('lz4/py-checksums.lz4');
  const payloadSha = manifest.payloads.big!.sha256;

  it('a damaged block checksum is noted and the data still decodes', async () => {
    const input = new Uint8Array(small);
    const flg = input[4]!;
    const first = 4 + 2 + (flg & 0x08 ? 8 : 0) + 1;
    const size = (input[first]! | (input[first + 1]! << 8) | (input[first + 2]! << 16)) & 0x7fffffff;
    input[first + 4 + size]! ^= 0x01;
    const r = await decompress('lz4', input, OPTS);
    assert.equal(sha256(r.bytes), payloadSha);
    assert.ok(
      r.notes.some((n) => /1 block checksum mismatch/.test(n)),
      JSON.stringify(r.notes),
    );
  });

  it('a damaged header checksum is noted', async () => {
    const input = new Uint8Array(small);
    const flg = input[4]!;
    input[4 + 2 + (flg & 0x08 ? 8 : 0)]! ^= 0x01;
    const r = await decompress('lz4', input, OPTS);
    assert.equal(sha256(r.bytes), payloadSha);
    assert.ok(r.notes.some((n) => /header checksum mismatch/.test(n)));
  });

  it('a wrong content size is noted', async () => {
    const input = new Uint8Array(fixture('lz4/small.lz4'));
    assert.ok(input[4]! & 0x08, 'python-lz4 stores the size by default');
    input[6]! ^= 0x01;
    const r = await decompress('lz4', input, OPTS);
    assert.equal(r.bytes.length, manifest.payloads.small!.length);
    assert.ok(
      r.notes.some((n) => /declares \d+ bytes but holds 3342/.test(n)),
      JSON.stringify(r.notes),
    );
  });

  it('a legacy-format frame is decoded: its block of 0 bytes is corrupt, as lz4(1) finds it', async () => {
    await assert.rejects(
      decompress('lz4', new Uint8Array([0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0]), OPTS),
      /legacy LZ4 block of 0 bytes/,
    );
  });
});
