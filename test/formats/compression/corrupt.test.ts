// Hostile input: random bytes, damaged fixtures and truncations only ever yield a result or one of the
// typed errors (never another exception, never a hang), and checksummed formats never change their
// output silently: a damaged stream that decodes to different bytes always carries a note.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CorruptError, LimitError, UnsupportedError } from '../../../src/core/errors.js';
import { decompress, type Codec, type DecompressResult } from '../../../src/formats/compression/index.js';
import { fixture, manifest, sha256 } from './manifest.js';

const CODECS: Codec[] = ['gzip', 'zlib', 'bzip2', 'xz', 'lzma', 'lz4', 'zstd'];
const OPTS = { maxOutputBytes: 8 * 1024 * 1024 };

/** Decodes and classifies: a result, or the name of a typed error; anything else fails the test. */
async function outcome(codec: Codec, input: Uint8Array): Promise<DecompressResult | string> {
  try {
    const r = await decompress(codec, input, OPTS);
    assert.ok(r.bytes instanceof Uint8Array);
    assert.ok(r.bytes.length <= OPTS.maxOutputBytes);
    assert.ok(Number.isInteger(r.streams) && r.streams >= 0);
    assert.ok(r.notes.every((n) => typeof n === 'string' && n.length > 0));
    return r;
  } catch (e) {
    if (e instanceof CorruptError || e instanceof LimitError || e instanceof UnsupportedError) return e.name;
    throw new Error(`${codec}: untyped ${String(e)}`, { cause: e });
  }
}

describe('random bytes into every codec', () => {
  for (const codec of CODECS) {
    it(codec, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
          await outcome(codec, bytes);
        }),
        { numRuns: 300, seed: 0x5e17 },
      );
    });
  }
});

const VALID = manifest.fixtures.filter((f) => !f.error && !f.file.includes('bcj'));

describe('random bytes behind a valid start (reaches the deeper parsers)', () => {
  for (const codec of CODECS) {
    const sources = VALID.filter((f) => f.codec === codec).map((f) => fixture(f.file));
    it(codec, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: sources.length - 1 }),
          fc.integer({ min: 1, max: 64 }),
          fc.uint8Array({ maxLength: 400 }),
          async (which, keep, tail) => {
            const src = sources[which]!;
            const input = new Uint8Array([...src.subarray(0, Math.min(keep, src.length)), ...tail]);
            await outcome(codec, input);
          },
        ),
        { numRuns: 200, seed: 0xc0de },
      );
    });
  }
});

describe('truncated fixtures give a prefix of the real output', () => {
  for (const f of VALID) {
    it(f.file, async () => {
      const src = fixture(f.file);
      const full = await decompress(f.codec, src, OPTS);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: src.length - 1 }), async (cut) => {
          const r = await outcome(f.codec, src.subarray(0, cut));
          if (typeof r === 'string') {
            assert.equal(r, 'CorruptError');
            return;
          }
          // A truncated stream never invents bytes: what comes out is a prefix of the real output,
          // and a short output is always explained by a note (or is the empty-input case).
          assert.ok(Buffer.compare(full.bytes.subarray(0, r.bytes.length), r.bytes) === 0);
          if (r.bytes.length < full.bytes.length) assert.ok(r.notes.length > 0, `no note at cut ${cut}`);
        }),
        { numRuns: 25, seed: 0x7a11 },
      );
    });
  }
});

/** Fixtures whose format checksums the whole output, so a changed output must be reported. */
const CHECKSUMMED = VALID.filter(
  (f) =>
    ['gzip', 'bzip2', 'xz'].includes(f.codec) ||
    (f.codec === 'zlib' && !f.file.includes('legacy')) ||
    ['lz4/py-checksums.lz4', 'lz4/cli-bx.lz4'].includes(f.file),
);

describe('damaged checksummed fixtures never change their output silently', () => {
  for (const f of CHECKSUMMED) {
    it(f.file, async () => {
      const src = fixture(f.file);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
          async (flips) => {
            const input = new Uint8Array(src);
            for (const [at, xor] of flips) input[at % input.length]! ^= xor;
            const r = await outcome(f.codec, input);
            if (typeof r === 'string') return;
            if (sha256(r.bytes) !== f.sha256) assert.ok(r.notes.length > 0, `silent change: ${JSON.stringify(flips)}`);
          },
        ),
        { numRuns: 60, seed: 0xf11b },
      );
    });
  }
});

describe('corruption policy', () => {
  const cases: { name: string; codec: Codec; input: () => Uint8Array; expect: 'CorruptError' | RegExp }[] = [
    {
      name: 'gzip with a bad magic',
      codec: 'gzip',
      input: () => new Uint8Array([0x1f, 0x8c, 8, 0, 0, 0, 0, 0, 0, 3]),
      expect: 'CorruptError',
    },
    {
      name: 'zlib with method 15',
      codec: 'zlib',
      input: () => new Uint8Array([0x7f, 0x01, 0, 0]),
      expect: 'CorruptError',
    },
    {
      name: 'bzip2 without magic',
      codec: 'bzip2',
      input: () => new TextEncoder().encode('BZx9garbage'),
      expect: 'CorruptError',
    },
    {
      name: 'xz header only',
      codec: 'xz',
      input: () => fixture('xz/small.xz').subarray(0, 12),
      expect: 'CorruptError',
    },
    {
      name: 'lz4 bad magic',
      codec: 'lz4',
      input: () => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
      expect: 'CorruptError',
    },
    {
      name: 'zstd bad magic',
      codec: 'zstd',
      input: () => new Uint8Array([0x28, 0xb5, 0x2f, 0xfe, 0, 0]),
      expect: 'CorruptError',
    },
    {
      name: 'lzma cut after some output keeps the prefix',
      codec: 'lzma',
      input: () => fixture('lzma/big.lzma').subarray(0, 1500),
      expect: /^corrupt after \d+ bytes: lzma stream 1: input ends inside LZMA data/,
    },
    {
      name: 'bzip2 second stream damaged keeps the first',
      codec: 'bzip2',
      input: () => {
        const two = new Uint8Array(fixture('bzip2/two-streams.bz2'));
        two[two.length - 30]! ^= 0xff;
        return two;
      },
      expect: /^(corrupt after 3342 bytes: bzip2 stream 2|block 1 of stream 2: CRC mismatch|stream 2: combined CRC)/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await outcome(c.codec, c.input());
      if (c.expect === 'CorruptError') {
        assert.equal(r, 'CorruptError');
      } else {
        assert.ok(typeof r !== 'string', `threw ${String(r)}`);
        assert.ok(r.bytes.length > 0);
        assert.ok(
          r.notes.some((n) => (c.expect as RegExp).test(n)),
          JSON.stringify(r.notes),
        );
      }
    });
  }

  it('empty input decodes to nothing for every codec (as Python file readers do)', async () => {
    for (const codec of CODECS) {
      const r = await decompress(codec, new Uint8Array(0), OPTS);
      assert.equal(r.bytes.length, 0);
      assert.equal(r.streams, 0);
    }
  });
});
