// What follows the last zstd frame is named as what it is: zstd(1) (built with zlib, liblzma and liblz4, as Debian's
// is) decodes a gzip, xz or LZ4 stream there too, so the note must not say it raises; anything else it refuses.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { zstdChunks } from '../../../src/formats/compression/zstd.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { lz4Frame } from './lz4-builder.js';

/** A zstd frame holding `data` (≤ 255 bytes) in one raw block. */
function zstdRawFrame(data: Uint8Array): Uint8Array {
  const n = data.length;
  const bh = (n << 3) | 1;
  return Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, n, bh & 255, (bh >>> 8) & 255, bh >>> 16, ...data]);
}

function notesAfter(tail: Uint8Array): string[] {
  const notes: string[] = [];
  const gen = zstdChunks(Uint8Array.from([...zstdRawFrame(Uint8Array.of(0x41)), ...tail]), notes, 1 << 20);
  for (let r = gen.next(); r.done !== true; r = gen.next());
  return notes;
}

describe('bytes after the last zstd frame', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    [
      'a gzip member',
      gzipSync(Buffer.from('hello')),
      /are a gzip stream, not a zstd frame \(zstd\(1\) built with gzip/,
    ],
    ['an xz stream', Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0), /are a xz stream/],
    ['an LZ4 frame', Uint8Array.of(0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7, 0), /are a lz4 stream/],
    [
      'an LZ4 legacy stream (zstd(1) refuses it)',
      Uint8Array.of(0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0),
      /are not a zstd frame \(zstd\(1\) raises\)/,
    ],
    // Benign-looking twins of the magic numbers are not taken for them.
    ['garbage', new TextEncoder().encode('junkjunkjunk'), /are not a zstd frame \(zstd\(1\) raises\)/],
    ['almost gzip', Uint8Array.of(0x1f, 0x8c, 0, 0, 0, 0, 0), /are not a zstd frame \(zstd\(1\) raises\)/],
  ];
  for (const [name, tail, note] of cases) {
    it(`${name}: ${note.source}`, () => {
      const notes = notesAfter(tail);
      assert.equal(notes.length, 1);
      assert.match(notes[0]!, note);
    });
  }
});

describe('an LZ4 stream behind more skippable frames than the sniffer looks through', () => {
  const pickle = new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.");
  const benign = new TextEncoder().encode("(lp0\nS'ok'\np1\na.");
  const skippable = (n: number): Uint8Array => {
    const out = new Uint8Array(8 * n);
    for (let i = 0; i < n; i++) out.set([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0], 8 * i);
    return out;
  };
  const legacy = (data: Uint8Array): Uint8Array => {
    // One legacy block holding `data` as literals only: token (n << 4, n < 15), the bytes.
    const block = Uint8Array.from([
      data.length >= 15 ? 0xf0 : data.length << 4,
      ...(data.length >= 15 ? [data.length - 15] : []),
      ...data,
    ]);
    const size = block.length;
    return Uint8Array.from([0x02, 0x21, 0x4c, 0x18, size & 255, (size >>> 8) & 255, 0, 0, ...block]);
  };
  const cases: [string, Uint8Array, boolean][] = [
    ['an LZ4 frame holding code', lz4Frame(pickle), true],
    ['an LZ4 legacy stream holding code', legacy(pickle), true],
    ['an LZ4 frame holding data', lz4Frame(benign), false],
  ];
  for (const [name, stream, hostile] of cases)
    it(`100,000 skippable frames, then ${name}: ${hostile ? 'PICKLE-EXEC' : 'no finding'}`, async () => {
      const bytes = Uint8Array.from([...skippable(100_000), ...stream]);
      const r = await scanBytes('x.bin', bytes);
      const rules = r.findings.map((f) => f.ruleId);
      if (hostile) assert.ok(rules.includes('PICKLE-EXEC'), JSON.stringify(rules));
      else assert.deepEqual(rules, []);
    });
});
