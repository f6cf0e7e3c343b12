// Compressed inputs read in windows (too large to read whole) are read once, whatever the number of streams, members
// or frames: a file of many small gzip members, xz or .lzma streams or bzip2 streams (each a real tool's output,
// concatenated as those formats allow) costs at most twice its size in bytes read from the source, and decodes to the
// same bytes as the in-memory reader. Work is counted (bytes read), not timed. The windows are made small here so
// that a small file crosses many of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decompress, type Codec } from '../../../src/formats/compression/index.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { readAll, type ByteSource } from '../../../src/sources/byte-source.js';
import { fixture } from './manifest.js';

/** A source over `bytes` that counts what is read from it (no `bytes` field: the decoders read it in windows). */
function counted(bytes: Uint8Array): ByteSource & { readBytes: number } {
  const src = {
    location: { chain: ['counted'] },
    size: bytes.length,
    readBytes: 0,
    read(offset: number, length: number): Uint8Array {
      const out = bytes.slice(offset, Math.min(bytes.length, offset + length));
      src.readBytes += out.length;
      return out;
    },
  };
  return src;
}

const WINDOW = 64 * 1024;
const opts = { maxOutputBytes: 1 << 30, maxRatio: 1e6, ratioGraceBytes: 1 << 30 };

describe('compressed inputs are read once, whatever their stream count', () => {
  const cases: [Codec, string, number][] = [
    ['gzip', 'gzip/small.gz', 600],
    ['xz', 'xz/small.xz', 600],
    ['lzma', 'lzma/small.lzma', 600],
    ['bzip2', 'bzip2/small.bz2', 300],
  ];
  for (const [codec, file, copies] of cases) {
    it(`${copies} ${codec} streams (${file} concatenated): read once, decoded as in memory`, async () => {
      const one = fixture(file);
      const many = new Uint8Array(one.length * copies);
      for (let i = 0; i < copies; i++) many.set(one, i * one.length);
      assert.ok(many.length > 4 * WINDOW, 'the input spans several windows');
      const src = counted(many);
      const r = await decompressToSource(codec, src, opts, { chain: ['x'] }, 1 << 30, {
        readWholeUpTo: 0,
        windowBytes: WINDOW,
      });
      assert.equal(r.streams, copies);
      assert.ok(
        src.readBytes <= 2 * many.length,
        `${src.readBytes} bytes read for an input of ${many.length} (at most twice its size)`,
      );
      const inMemory = await decompress(codec, many, opts);
      assert.deepEqual(Buffer.from(readAll(r.source)), Buffer.from(inMemory.bytes));
    });
  }
});
