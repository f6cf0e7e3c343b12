// Compressed input read in bounded windows: a CompressedInput reads as the bytes it windows (any window size, any
// access order), and every codec decodes the same from windows as from the whole input — real gzip/lz4/zstd/bzip2/
// xz/lzma CLI output (multi-member, concatenated frames and streams, multi-block xz, every xz check, delta, truncated,
// trailing garbage or padding), windows that split every header, frame, member, block, index and footer — while no
// read is larger than a window; a source that fails or shrinks is an error.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { countChunks, type ChunkDecoder } from '../../../src/formats/compression/chunk-source.js';
import { compressedInput, InputReadError } from '../../../src/formats/compression/compressed-input.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import type { Codec } from '../../../src/formats/compression/index.js';
import { lz4Chunks } from '../../../src/formats/compression/lz4.js';
import { zstdChunks } from '../../../src/formats/compression/zstd.js';
import { bzip2Chunks } from '../../../src/formats/compression/bzip2.js';
import { lzmaChunks, xzChunks } from '../../../src/formats/compression/lzma.js';
import { openEntry, readZip } from '../../../src/formats/zip/index.js';
import { openEntryBounded } from '../../../src/formats/zip/open-entry-bounded.js';
import { MemorySource, type ByteSource } from '../../../src/sources/byte-source.js';
import { buildZip } from '../zip/zip-builder.js';
import { fixture, manifest } from './manifest.js';
import { STREAM_OPTS as opts } from './stream-paths.js';

/** A source that is not in memory (no `bytes`): counts its reads; `shrinkTo` makes reads past it come back short. */
class TestSource implements ByteSource {
  readonly location = { chain: ['t.bin'] };
  readonly size: number;
  largestRead = 0;
  reads = 0;
  shrinkTo = Infinity;
  failAt = Infinity;
  constructor(
    private readonly data: Uint8Array,
    withReadInto = true,
  ) {
    this.size = data.length;
    if (!withReadInto) this.readInto = undefined;
  }
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
    return out.subarray(0, this.readInto$(offset, out));
  }
  readInto?: (offset: number, target: Uint8Array) => number = (o, t) => this.readInto$(o, t);
  private readInto$(offset: number, target: Uint8Array): number {
    this.reads++;
    this.largestRead = Math.max(this.largestRead, target.length);
    if (offset + target.length > this.failAt) throw new Error('EIO: i/o error');
    const end = Math.min(this.size, this.shrinkTo, offset + target.length);
    const part = this.data.subarray(Math.min(offset, end), end);
    target.set(part);
    return part.length;
  }
}

function cli(cmd: string, args: string[], input: Uint8Array): Uint8Array {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${String(r.stderr)}`);
  return new Uint8Array(r.stdout);
}

/** Varied, compressible bytes: text-like lines of 7 letters (`noisy`: of 90 characters, compressing ~1.2:1). */
function text(n: number, seed: number, noisy = false): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (i % 61 === 60) out[i] = 10;
    else out[i] = noisy ? 33 + ((x >>> 16) % 90) : 97 + ((x >>> 16) % 7) + ((i >>> 9) & 3);
  }
  return out;
}

const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

const CODECS = ['gzip', 'lz4', 'zstd', 'bzip2', 'xz', 'lzma'] as const;
type WindowedCodec = (typeof CODECS)[number];

/**
 * Real CLI output per codec: concatenated members/frames/streams of two payloads (xz: the first in blocks of a
 * tenth of it, by two threads; .lzma: end-marked streams of unknown size, as lzma(1) writes them).
 */
function samples(size: number, noisy = false): Record<WindowedCodec, Uint8Array> {
  const a = text(size, 1, noisy);
  const b = text(size >>> 1, 2, noisy);
  const block = `--block-size=${Math.max(1024, Math.floor(size / 10))}`;
  return {
    xz: cat(cli('xz', ['-c', '-1', '-T2', block], a), cli('xz', ['-c', '-0', '-C', 'sha256'], b)),
    lzma: cat(cli('lzma', ['-c', '-1'], a), cli('lzma', ['-c', '-0'], b)),
    gzip: cat(cli('gzip', ['-c', '-6'], a), cli('gzip', ['-c', '-1', '--name'], b)),
    lz4: cat(cli('lz4', ['-c', '-1', '-B4', '-BD', '--content-size'], a), cli('lz4', ['-c', '-9', '-B4', '-BX'], b)),
    zstd: cat(cli('zstd', ['-c', '-3', '--no-check', '-B16384'], a), cli('zstd', ['-c', '-1', '--check'], b)),
    bzip2: cat(cli('bzip2', ['-c', '-1'], a), cli('bzip2', ['-c', '-9'], b)),
  };
}

const loc = { chain: ['t'] };
const DECODERS: Record<'lz4' | 'zstd' | 'bzip2' | 'xz' | 'lzma', ChunkDecoder> = {
  lz4: lz4Chunks,
  zstd: zstdChunks,
  bzip2: bzip2Chunks,
  xz: xzChunks,
  lzma: lzmaChunks,
};

type Outcome = { error: string } | { bytes: Buffer; notes: string[]; streams: number; streamed: boolean };

/** decompressToSource over `input` whole, or through `windowBytes`-byte windows of a source not in memory. */
async function outcome(codec: Codec, input: Uint8Array, hold: number, windowBytes?: number): Promise<Outcome> {
  try {
    const r =
      windowBytes === undefined
        ? await decompressToSource(codec, input, opts, loc, hold)
        : await decompressToSource(codec, new TestSource(input), opts, loc, hold, { readWholeUpTo: 0, windowBytes });
    const bytes = Buffer.from(r.source.read(0, r.source.size));
    return { bytes, notes: r.notes, streams: r.streams, streamed: r.streamed };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

async function assertSameOutcome(codec: Codec, input: Uint8Array, hold: number, windowBytes: number): Promise<void> {
  const whole = await outcome(codec, input, hold);
  const windowed = await outcome(codec, input, hold, windowBytes);
  if ('error' in whole || 'error' in windowed) {
    assert.deepEqual(windowed, whole);
    return;
  }
  assert.deepEqual(windowed.notes, whole.notes, `${codec} notes (window ${windowBytes})`);
  assert.equal(windowed.streams, whole.streams);
  assert.equal(windowed.streamed, whole.streamed);
  assert.ok(windowed.bytes.equals(whole.bytes), `${codec} bytes (window ${windowBytes})`);
}

describe('CompressedInput', () => {
  it('reads as the bytes it windows, for any window size and access order', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.array(
          fc.tuple(fc.constantFrom('byteAt', 'view', 'indexOf'), fc.integer({ min: -3, max: 310 }), fc.nat(90)),
          { maxLength: 30 },
        ),
        (data, window, withReadInto, ops) => {
          const src = new TestSource(data, withReadInto);
          const input = compressedInput(src, window);
          assert.equal(input.whole, undefined);
          assert.equal(input.length, data.length);
          for (const [op, pos, n] of ops) {
            if (op === 'byteAt') assert.equal(input.byteAt(pos), pos >= 0 && pos < data.length ? data[pos] : -1);
            else if (op === 'indexOf') {
              const want = pos >= data.length ? -1 : data.indexOf(n % 7, Math.max(0, pos));
              assert.equal(input.indexOf(n % 7, pos), want);
            } else {
              const from = Math.max(0, Math.min(pos, data.length));
              assert.deepEqual(input.view(pos, n), data.subarray(from, Math.min(data.length, from + n)));
            }
          }
          // Reads are window-sized, except one-off views larger than a window.
          assert.ok(src.largestRead <= Math.max(window, 90));
        },
      ),
    );
  });

  it('views stay valid after the window moves on', () => {
    const data = text(1000, 3);
    const input = compressedInput(new TestSource(data), 16);
    const first = input.view(0, 16);
    input.view(500, 16);
    input.byteAt(900);
    assert.deepEqual(first, data.subarray(0, 16));
  });

  it('bytes in memory are used in place', () => {
    const data = text(100, 4);
    const src = new TestSource(data);
    const mem = compressedInput(new MemorySource(loc, data));
    assert.equal(mem.whole, data);
    assert.equal(mem.view(10, 20).buffer, data.buffer);
    assert.equal(compressedInput(data).whole, data);
    assert.equal(src.reads, 0);
  });

  it('a source that shrinks or fails while read throws InputReadError (a CorruptError)', () => {
    const data = text(100, 5);
    const shrinking = new TestSource(data);
    shrinking.shrinkTo = 60;
    assert.throws(() => compressedInput(shrinking, 16).view(50, 16), InputReadError);
    const failing = new TestSource(data);
    failing.failAt = 40;
    assert.throws(() => compressedInput(failing, 16).byteAt(30), /reading the input at offset 30 failed: EIO/);
  });
});

describe('windowed and whole-input decoding agree on real CLI output', () => {
  const real = samples(200_000);
  const cases: [string, (b: Uint8Array) => Uint8Array][] = [
    ['as written', (b) => b],
    ['truncated in the middle', (b) => b.subarray(0, Math.floor(b.length * 0.6))],
    ['truncated near the end', (b) => b.subarray(0, b.length - 3)],
    ['with trailing garbage', (b) => cat(b, new TextEncoder().encode('trailing garbage!'))],
    ['with trailing zeros', (b) => cat(b, new Uint8Array(1000))],
  ];
  for (const codec of CODECS) {
    for (const [name, change] of cases) {
      it(`${codec} ${name}: held and streamed, windows of 1 B to 1 MiB`, async () => {
        const input = change(real[codec]);
        for (const hold of [64 * 1024, 64 * 1024 * 1024]) {
          for (const w of [7, 4096, 65_537, 1 << 20]) await assertSameOutcome(codec, input, hold, w);
        }
      });
    }
  }

  it('windows of every size split headers, frames, members and blocks at every boundary (fast-check)', async () => {
    const small = samples(6000);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CODECS),
        fc.integer({ min: 1, max: 97 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        fc.uint8Array({ maxLength: 12 }),
        async (codec, window, cut, tail) => {
          const whole = small[codec];
          const input = cat(cut === undefined ? whole : whole.subarray(0, Math.floor(whole.length * cut)), tail);
          await assertSameOutcome(codec, input, 1024, window);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('corrupt data: each chunk decoder gives the same output and notes from windows (fast-check)', () => {
    const real2 = samples(40_000);
    fc.assert(
      fc.property(
        fc.constantFrom('lz4', 'zstd', 'bzip2', 'xz', 'lzma' as const),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 1, max: 5000 }),
        (codec, where, xor, window) => {
          const input = real2[codec].slice();
          input[Math.floor(where * (input.length - 1))]! ^= xor;
          const run = (x: Uint8Array | ReturnType<typeof compressedInput>) => {
            try {
              const c = countChunks(DECODERS[codec], x, 1 << 30, () => {}, 1 << 30);
              return { notes: c.notes, streams: c.streams, bytes: Buffer.concat(c.kept ?? []) };
            } catch (e) {
              return { error: (e as Error).message };
            }
          };
          assert.deepEqual(run(compressedInput(new TestSource(input), window)), run(input));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('corrupt gzip: the counting pass and the on-demand source agree from windows', async () => {
    const input = real.gzip.slice();
    input[Math.floor(input.length / 3)]! ^= 0x55;
    for (const w of [3, 5000, 1 << 20]) await assertSameOutcome('gzip', input, 1024, w);
  });

  // Outputs of 3.75 MB: larger than the head and tail a streamed source keeps, so its middle is decoded again.
  const big = samples(2_500_000, true);
  const WINDOW = 300 * 1024;

  it('no read is larger than a window (node:zlib is fed 256 KiB slices), and the input is never read whole', async () => {
    for (const codec of CODECS) {
      for (const hold of [1024, 64 * 1024 * 1024]) {
        const src = new TestSource(big[codec]);
        const reading = { readWholeUpTo: 0, windowBytes: WINDOW };
        const r = await decompressToSource(codec, src, opts, loc, hold, reading);
        assert.equal(r.streamed, hold === 1024);
        assert.equal(r.source.size, 3_750_000);
        r.source.read(0, r.source.size);
        assert.ok(src.largestRead <= WINDOW, `${codec}: largest read ${src.largestRead}`);
        assert.ok(src.size > 2 * WINDOW, `${codec}: ${src.size}-byte input`);
      }
    }
  });

  it('a source that shrinks while read is an error, in the counting pass and in the re-decode', async () => {
    for (const codec of CODECS) {
      const src = new TestSource(big[codec]);
      src.shrinkTo = Math.floor(src.size / 2);
      const reading = { readWholeUpTo: 0, windowBytes: 4096 };
      await assert.rejects(decompressToSource(codec, src, opts, loc, 1024, reading), InputReadError, codec);
      const later = new TestSource(big[codec]);
      const r = await decompressToSource(codec, later, opts, loc, 1024, reading);
      assert.equal(r.streamed, true);
      later.shrinkTo = Math.floor(later.size / 2);
      // Past the kept head: decoded again from the input, which now ends early.
      assert.throws(() => r.source.read(1_800_000, 1_000_000), InputReadError, codec);
    }
  });
});

describe('xz and .lzma from windows: every kind of stream xz(1) and lzma(1) write', () => {
  const a = text(5000, 7);
  const b = text(3000, 8, true);
  const xzOf = (args: string[], data: Uint8Array) => cli('xz', ['-c', ...args], data);
  // Each a file of its own: streams of every check type, delta filters, many blocks, several streams, .lzma.
  const files: [string, Codec, Uint8Array][] = [
    ['CRC64, one block', 'xz', xzOf(['-6'], a)],
    ['CRC32, blocks of 1000 bytes', 'xz', xzOf(['-0', '-C', 'crc32', '--block-size=1000'], a)],
    ['SHA-256, two threads, blocks of 700', 'xz', xzOf(['-1', '-T2', '-C', 'sha256', '--block-size=700'], b)],
    ['no check', 'xz', xzOf(['-0', '-C', 'none'], b)],
    ['delta + LZMA2', 'xz', xzOf(['--delta=dist=4', '--lzma2=preset=1', '-C', 'crc32'], a)],
    ['three streams', 'xz', cat(xzOf(['-0'], a), xzOf(['-C', 'none', '-0'], b), xzOf(['-9e'], a))],
    ['streams with zero padding', 'xz', cat(xzOf(['-0'], a), new Uint8Array(8), xzOf(['-0'], b))],
    ['an .xz then an .lzma stream', 'xz', cat(xzOf(['-0'], a), xzOf(['--format=lzma', '-0'], b))],
    ['.lzma, unknown size, two streams', 'lzma', cat(cli('lzma', ['-c', '-6'], a), cli('lzma', ['-c', '-0'], b))],
    ...manifest.fixtures
      .filter((f) => f.codec === 'lzma' || f.codec === 'xz')
      .map((f): [string, Codec, Uint8Array] => [`fixture ${f.file}`, f.codec, fixture(f.file)]),
  ];
  assert.ok(
    files.some(([name]) => name === 'fixture lzma/known-size.lzma'),
    'a .lzma of known size',
  );

  it('the same bytes, notes and streams from windows of 1 to 97 bytes, cut and with a tail (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.integer({ min: 1, max: 97 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.constant(new Uint8Array(4))),
        fc.constantFrom(1024, 64 * 1024 * 1024),
        async ([, codec, whole], window, cut, tail, hold) => {
          const input = cat(cut === undefined ? whole : whole.subarray(0, Math.floor(whole.length * cut)), tail);
          await assertSameOutcome(codec, input, hold, window);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every file, whole: from windows of 1, 5 and 64 bytes', async () => {
    for (const [name, codec, input] of files) {
      for (const w of [1, 5, 64]) {
        const before = await outcome(codec, input, 1024);
        assert.ok(!('error' in before) || /BCJ|filter/.test(before.error), `${name}: ${JSON.stringify(before)}`);
        await assertSameOutcome(codec, input, 1024, w);
      }
    }
  });
});

describe('a large deflated zip entry is read in windows', () => {
  // Incompressible: the compressed data (~6 MiB) is larger than one 4 MiB window.
  const whole = new Uint8Array(randomBytes(6 * 1024 * 1024));
  const zip = buildZip([{ name: 'big.bin', data: whole, method: 8 }]);
  it('same bytes and anomalies as from memory, held and streamed, no read larger than a window', async () => {
    const mem = new MemorySource({ chain: ['t.zip'] }, zip);
    const z = readZip(mem, { maxEntries: 10 });
    const e = z.entries[0]!;
    const want = openEntry(mem, z, e, opts);
    for (const hold of [64 * 1024, 64 * 1024 * 1024]) {
      const file = new TestSource(zip);
      const zf = readZip(file, { maxEntries: 10 });
      const reads = file.largestRead;
      const o = await openEntryBounded(file, zf, zf.entries[0]!, opts, hold);
      assert.deepEqual(o.anomalies, want.anomalies);
      assert.ok(Buffer.from(o.source.read(0, o.source.size)).equals(Buffer.from(whole)));
      assert.ok(file.largestRead <= Math.max(reads, 4 * 1024 * 1024), `largest read ${file.largestRead}`);
      assert.ok(file.largestRead < deflateRawSync(whole).length, 'the compressed data was never read whole');
    }
  });
});
