// Compressed inputs read in windows (too large to read whole) are read once, whatever the number of streams, members
// or frames: a file of many small gzip members, xz or .lzma streams or bzip2 streams (each a real tool's output,
// concatenated as those formats allow) costs at most twice its size in bytes read from the source, and decodes to the
// same bytes as the in-memory reader. Work is counted (bytes read), not timed. The windows are made small here so
// that a small file crosses many of them.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it, mock } from 'node:test';
import type * as Zlib from 'node:zlib';
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

describe('a gzip file of many members costs work in proportion to its size', () => {
  // The work node:zlib is asked for, counted: inflaters set up, and output capacity reserved (node:zlib allocates
  // the chunk size it is given, or 16 KiB, per call and per stream). A file of small members must not cost one
  // inflater and one output buffer per member, nor an output buffer sized by the rest of the output.
  const zlibModule = createRequire(import.meta.url)('node:zlib') as typeof Zlib;
  const DEFAULT_CHUNK = 16 * 1024;
  function countZlib(): { setups: number; reserved: number; restore: () => void } {
    const counts = { setups: 0, reserved: 0, restore: () => {} };
    const originalSync = zlibModule.inflateRawSync as (...a: unknown[]) => unknown;
    const originalStream = zlibModule.createInflateRaw as (...a: unknown[]) => unknown;
    const sync = mock.method(zlibModule, 'inflateRawSync', function (this: unknown, ...args: unknown[]) {
      counts.setups++;
      counts.reserved += (args[1] as Zlib.ZlibOptions | undefined)?.chunkSize ?? DEFAULT_CHUNK;
      return originalSync.apply(this, args);
    });
    const stream = mock.method(zlibModule, 'createInflateRaw', function (this: unknown, ...args: unknown[]) {
      counts.setups++;
      counts.reserved += (args[0] as Zlib.ZlibOptions | undefined)?.chunkSize ?? DEFAULT_CHUNK;
      return originalStream.apply(this, args);
    });
    counts.restore = () => {
      sync.mock.restore();
      stream.mock.restore();
    };
    return counts;
  }

  const MEMBERS = 20_000;
  const member = zlibModule.gzipSync(Buffer.from('A'));
  const many = new Uint8Array(member.length * MEMBERS);
  for (let i = 0; i < MEMBERS; i++) many.set(member, i * member.length);
  const readings: [string, Uint8Array | ByteSource, { readWholeUpTo: number; windowBytes: number }][] = [
    ['held in memory', many, { readWholeUpTo: Infinity, windowBytes: WINDOW }],
    ['read in windows', counted(many), { readWholeUpTo: 0, windowBytes: WINDOW }],
  ];
  for (const [how, input, reading] of readings) {
    it(`${MEMBERS} one-byte members (${many.length} bytes, ${how}): a bounded number of inflaters, output reserved in proportion to the output`, async () => {
      const counts = countZlib();
      let r;
      try {
        // holdBytes 0: the counting pass runs (as for any input whose output could pass what is held).
        r = await decompressToSource('gzip', input, opts, { chain: ['x'] }, 0, reading);
      } finally {
        counts.restore();
      }
      assert.equal(r.streams, MEMBERS);
      assert.equal(r.source.size, MEMBERS);
      assert.ok(counts.setups <= 64, `${counts.setups} inflaters set up for ${MEMBERS} members`);
      assert.ok(
        counts.reserved <= 64 * 256 * 1024,
        `${counts.reserved} bytes of output reserved for ${MEMBERS} bytes of output`,
      );
      assert.equal(Buffer.from(readAll(r.source)).toString(), 'A'.repeat(MEMBERS));
    });
  }
});
