// Output caps: decompression bombs (built here in memory, never committed) stop at the cap quickly
// with bounded memory, the LimitError names the limit that fired, and the ratio limit honours its grace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { LimitError } from '../../../src/core/errors.js';
import { decompress, type Codec } from '../../../src/formats/compression/index.js';
import { xxhash32 } from '../../../src/formats/compression/xxhash32.js';
import { fixture } from './manifest.js';
import { zstdBomb } from './stream-paths.js';

const MiB = 1024 * 1024;

function repeat(unit: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(unit.length * times);
  for (let i = 0; i < times; i++) out.set(unit, i * unit.length);
  return out;
}

/** One LZ4 frame of `blocks` blocks, each one literal then a run of about 4 MiB at offset 1. */
function lz4Bomb(blocks: number): Uint8Array {
  const descriptor = [0x60, 0x70]; // version 1, independent blocks; 4 MiB maximum block size
  const hc = (xxhash32(new Uint8Array(descriptor)) >>> 8) & 0xff;
  const extra = Math.floor((4 * MiB - 1 - 19) / 255);
  const block = new Uint8Array(1 + 1 + 2 + extra + 1 + 1 + 5);
  let p = 0;
  block[p++] = 0x1f; // 1 literal, match length 15 + extension
  block[p++] = 0x41;
  block[p++] = 1; // offset 1
  block[p++] = 0;
  block.fill(255, p, p + extra);
  p += extra;
  block[p++] = 0;
  block[p++] = 0x50; // last sequence: 5 literals
  block.fill(0x41, p, p + 5);
  const size = new Uint8Array(new Uint32Array([block.length]).buffer);
  const body = repeat(new Uint8Array([...size, ...block]), blocks);
  return new Uint8Array([0x04, 0x22, 0x4d, 0x18, ...descriptor, hc, ...body, 0, 0, 0, 0]);
}

interface Bomb {
  codec: Codec;
  /** Output the input would produce without a cap. */
  claimed: number;
  build: () => Uint8Array;
}

const BOMBS: Bomb[] = [
  {
    codec: 'gzip',
    claimed: 1024 * MiB,
    build: () => repeat(zlib.gzipSync(new Uint8Array(64 * MiB), { level: 9 }), 16),
  },
  { codec: 'zlib', claimed: 64 * MiB, build: () => zlib.deflateSync(new Uint8Array(64 * MiB), { level: 9 }) },
  { codec: 'bzip2', claimed: 1024 * MiB, build: () => repeat(fixture('bzip2/zeros-1m.bz2'), 1024) },
  { codec: 'xz', claimed: 1024 * MiB, build: () => repeat(fixture('xz/zeros-1m.xz'), 1024) },
  { codec: 'lzma', claimed: 1024 * MiB, build: () => repeat(fixture('lzma/zeros-1m.lzma'), 1024) },
  { codec: 'lz4', claimed: 1024 * MiB, build: () => lz4Bomb(256) },
  { codec: 'zstd', claimed: 1024 * MiB, build: () => zstdBomb(8192) },
];

describe('decompression bombs stop at the cap', () => {
  for (const bomb of BOMBS) {
    it(`${bomb.codec}: ${bomb.claimed / MiB} MiB claimed, cap 8 MiB`, async () => {
      const input = bomb.build();
      const rssBefore = process.memoryUsage().rss;
      await assert.rejects(decompress(bomb.codec, input, { maxOutputBytes: 8 * MiB }), (e: unknown) => {
        assert.ok(e instanceof LimitError, String(e));
        assert.equal(e.limit, 'maxEntryBytes');
        return true;
      });
      // Time is measured by `npm run bench` (scripts/bench-hostile.mjs), not asserted here.
      const grew = process.memoryUsage().rss - rssBefore;
      // Loose: the output buffer (≤ 8 MiB, doubled while growing) plus decoder state; never the claim.
      assert.ok(grew < 160 * MiB, `rss grew by ${(grew / MiB).toFixed(0)} MiB`);
    });
  }
});

describe('the cap is exact: an output of exactly maxOutputBytes passes, one byte less fails', () => {
  const ONE_MIB_OF_ZEROS: [Codec, () => Uint8Array][] = [
    ['gzip', () => zlib.gzipSync(new Uint8Array(MiB))],
    ['zlib', () => zlib.deflateSync(new Uint8Array(MiB))],
    ['bzip2', () => fixture('bzip2/zeros-1m.bz2')],
    ['xz', () => fixture('xz/zeros-1m.xz')],
    ['lzma', () => fixture('lzma/zeros-1m.lzma')],
    ['zstd', () => fixture('zstd/zeros-1m.zst')],
  ];
  for (const [codec, build] of ONE_MIB_OF_ZEROS) {
    it(codec, async () => {
      const input = build();
      const r = await decompress(codec, input, { maxOutputBytes: MiB });
      assert.equal(r.bytes.length, MiB);
      assert.ok(r.bytes.every((b) => b === 0));
      await assert.rejects(decompress(codec, input, { maxOutputBytes: MiB - 1 }), (e: unknown) => {
        assert.ok(e instanceof LimitError);
        assert.equal(e.limit, 'maxEntryBytes');
        return true;
      });
    });
  }
});

describe('ratio limit', () => {
  const cases: { name: string; maxRatio: number; ratioGraceBytes: number; limit?: string }[] = [
    { name: 'over the ratio after the grace', maxRatio: 100, ratioGraceBytes: 64 * 1024, limit: 'maxRatio' },
    { name: 'over the ratio but within the grace', maxRatio: 100, ratioGraceBytes: 2 * MiB },
    { name: 'under the ratio', maxRatio: 1e6, ratioGraceBytes: 0 },
  ];
  for (const codec of ['bzip2', 'xz', 'lzma', 'zstd'] as const) {
    const ext = { bzip2: 'bz2', xz: 'xz', lzma: 'lzma', zstd: 'zst' }[codec];
    for (const c of cases) {
      it(`${codec}: ${c.name}`, async () => {
        const input = fixture(`${codec}/zeros-1m.${ext}`);
        const run = decompress(codec, input, {
          maxOutputBytes: 64 * MiB,
          maxRatio: c.maxRatio,
          ratioGraceBytes: c.ratioGraceBytes,
        });
        if (c.limit) {
          await assert.rejects(run, (e: unknown) => e instanceof LimitError && e.limit === c.limit);
        } else {
          assert.equal((await run).bytes.length, MiB);
        }
      });
    }
  }

  it('names maxEntryBytes when both limits are passed and the byte cap is the smaller', async () => {
    const input = fixture('xz/zeros-1m.xz');
    await assert.rejects(
      decompress('xz', input, { maxOutputBytes: 100, maxRatio: 2, ratioGraceBytes: 0 }),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxEntryBytes',
    );
  });

  it('without ratioGraceBytes the ratio applies from the first byte', async () => {
    const input = zlib.gzipSync(new Uint8Array(100_000));
    await assert.rejects(
      decompress('gzip', input, { maxOutputBytes: MiB, maxRatio: 10 }),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxRatio',
    );
  });
});

describe('zstd headers cannot make the decoder allocate what they declare', () => {
  /** One RLE block of 1000 bytes of 0x5a, as the last block. */
  const rleBlock = [((1000 << 3) | (1 << 1) | 1) & 0xff, ((1000 << 3) >>> 8) & 0xff, (1000 << 3) >>> 16, 0x5a];
  const cases: [string, number[]][] = [
    ['window descriptor of 2 GiB', [0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3]],
    ['window descriptor of 3.75 TiB (past what zstd accepts)', [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xff]],
    ['single segment declaring 2^40 bytes', [0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0]],
    ['single segment declaring 3 GiB', [0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0xc0]],
  ];
  for (const [name, header] of cases) {
    it(name, async () => {
      const rssBefore = process.memoryUsage().rss;
      const r = await decompress('zstd', new Uint8Array([...header, ...rleBlock]), { maxOutputBytes: 4 * MiB });
      assert.equal(r.bytes.length, 1000);
      assert.ok(r.bytes.every((b) => b === 0x5a));
      assert.ok(process.memoryUsage().rss - rssBefore < 64 * MiB);
    });
  }
});

describe('budget edge values', () => {
  const codecs: [Codec, string][] = [
    ['gzip', 'gzip/small.gz'],
    ['zlib', 'zlib/small.zlib'],
    ['bzip2', 'bzip2/small.bz2'],
    ['xz', 'xz/small.xz'],
    ['lzma', 'lzma/small.lzma'],
    ['lz4', 'lz4/small.lz4'],
    ['zstd', 'zstd/small.zst'],
  ];
  for (const [codec, file] of codecs) {
    it(`${codec}: an unbounded budget still decodes; a NaN budget fails closed`, async () => {
      const input = fixture(file);
      const r = await decompress(codec, input, { maxOutputBytes: Number.MAX_SAFE_INTEGER });
      assert.equal(r.bytes.length, 3342);
      await assert.rejects(decompress(codec, input, { maxOutputBytes: NaN }), LimitError);
      await assert.rejects(decompress(codec, input, { maxOutputBytes: 1 << 20, maxRatio: NaN }), LimitError);
    });
  }
});
