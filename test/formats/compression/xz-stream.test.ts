// xz and .lzma outputs are decoded in bounded chunks from a circular dictionary window: the streamed source returns
// the in-memory decode's bytes, notes and limits (Python- and CLI-made fixtures, files made by xz(1) at test time with
// small dictionaries that the output wraps many times, damaged streams); the window is allocated as the output
// grows, never past the declared dictionary, and a match beyond the window held fails closed with a LimitError.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CorruptError, LimitError } from '../../../src/core/errors.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { decompress } from '../../../src/formats/compression/index.js';
import { decodeAloneStream } from '../../../src/formats/compression/lzma-alone.js';
import { LzmaDecoder, type LzmaDecoderOptions } from '../../../src/formats/compression/lzma-decoder.js';
import { lzmaFamilyChunksUnverified, xzChunks } from '../../../src/formats/compression/lzma.js';
import { decodeXzStream } from '../../../src/formats/compression/xz.js';
import { fixture, manifest } from './manifest.js';
import { noise } from './lz4-builder.js';
import {
  assertBombRefusedAlike,
  assertDamagedAgree,
  assertRedecodedReads,
  assertSamePaths,
  STREAM_OPTS as opts,
} from './stream-paths.js';

const KB = 1024;
const MB = 1024 * 1024;
const XZ = '/usr/bin/xz';
const noCli = !existsSync(XZ) && 'no /usr/bin/xz';

/** `times` copies of a random `unit`-byte block, one byte changed in each: matches at distance `unit`. */
function repeats(unit: number, times: number, seed: number): Uint8Array {
  const block = noise(unit, seed);
  const out = new Uint8Array(unit * times);
  for (let i = 0; i < times; i++) {
    out.set(block, i * unit);
    out[i * unit + ((i * 7919) % unit)]! ^= 0x5a;
  }
  return out;
}

/** Runs of short random patterns (periods 1 to 300): long matches that overlap their own output. */
function periodic(seed: number): Uint8Array {
  const parts = [1, 2, 3, 7, 31, 100, 300].map((period, i) => {
    const pattern = noise(period, seed + i);
    return Uint8Array.from({ length: 20 * KB + i }, (_, j) => pattern[j % period]!);
  });
  return Buffer.concat(parts.flatMap((p, i) => [p, noise(100, seed + 50 + i)]));
}

/** `data` compressed by xz(1) with `args`. */
function xz(args: string[], data: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync(XZ, [...args, '-c'], { input: data, maxBuffer: 64 * MB }));
}

/** What xz(1) decodes `input` to. */
function unxz(input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync(XZ, ['-dc'], { input, maxBuffer: 256 * MB }));
}

/** Every chunk of an .xz stream decoded by a decoder with `o`, joined. */
function decodeXzWith(input: Uint8Array, o: LzmaDecoderOptions): { bytes: Buffer; notes: string[] } {
  const notes: string[] = [];
  const parts: Buffer[] = [];
  for (const c of decodeXzStream(input, 0, new LzmaDecoder(o), notes)) parts.push(Buffer.from(c));
  return { bytes: Buffer.concat(parts), notes };
}

describe('xz and lzma streamed and in-memory decodes agree', () => {
  it('on every xz and lzma fixture, damaged and joblib ones included', async () => {
    const files = manifest.fixtures.filter((f) => f.codec === 'xz' || f.codec === 'lzma');
    assert.ok(files.length >= 20, `${files.length} fixtures`);
    for (const f of files) await assertSamePaths(f.codec, fixture(f.file), 16);
  });

  it('the decode again (checks not verified) gives the same bytes, also when a check is wrong', () => {
    const joined = (decode: typeof xzChunks, input: Uint8Array) => {
      const parts: Buffer[] = [];
      const notes: string[] = [];
      try {
        for (const c of decode(input, notes, 1 << 30)) parts.push(Buffer.from(c));
      } catch (e) {
        return { error: (e as Error).message, notes };
      }
      return { bytes: Buffer.concat(parts), notes };
    };
    const wrongCheck = fixture('xz/small.xz').slice();
    // The block's CRC-64 sits right before the index (00 | count | records | padding | CRC32) and the 12-byte footer.
    const indexSize = (wrongCheck[wrongCheck.length - 8]! + 1) * 4;
    wrongCheck[wrongCheck.length - 12 - indexSize - 1]! ^= 1;
    const inputs = [...manifest.fixtures.filter((f) => f.codec === 'xz').map((f) => fixture(f.file)), wrongCheck];
    for (const input of inputs) {
      const checked = joined(xzChunks, input);
      const again = joined(lzmaFamilyChunksUnverified, input);
      assert.deepEqual(again.bytes, checked.bytes);
      assert.equal(again.error, checked.error);
    }
    assert.ok(joined(xzChunks, wrongCheck).notes.some((n) => /integrity check mismatch/.test(n)));
    assert.deepEqual(joined(lzmaFamilyChunksUnverified, wrongCheck).notes, []);
  });

  it('on damaged streams: the same error, or the same prefix and notes', async () => {
    await assertDamagedAgree('xz', fixture('xz/multi-block.xz'), 1024);
  });

  it('a bomb is refused while counting, with the in-memory decode’s limit and message', async () => {
    const one = fixture('xz/zeros-1m.xz');
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => one)); // 16 MiB from 4.5 KB
    await assertBombRefusedAlike(
      'xz',
      bomb,
      [
        { maxOutputBytes: 8 * MB, maxRatio: 100_000, ratioGraceBytes: 64 * MB },
        { maxOutputBytes: 1 << 30, maxRatio: 1000, ratioGraceBytes: MB },
      ],
      64 * KB,
    );
  });
});

describe('files made by xz(1): the window wraps, matches reach the whole dictionary', { skip: noCli }, () => {
  // 4 MiB whose matches sit at the dictionary's full distance (64 KiB blocks under a 64 KiB dictionary) or just
  // inside it, so the output wraps the window ~64 times; each row also checks an integrity check or filter.
  const exact = repeats(64 * KB, 64, 1);
  const inside = repeats(60 * KB, 70, 2);
  const rows: { name: string; args: string[]; data: Uint8Array }[] = [
    { name: 'xz, 64 KiB dictionary, 64 KiB blocks', args: ['--lzma2=preset=6,dict=64KiB'], data: exact },
    { name: 'xz, 64 KiB dictionary, CRC32', args: ['--check=crc32', '--lzma2=preset=6,dict=64KiB'], data: inside },
    { name: 'xz, 64 KiB dictionary, SHA-256', args: ['--check=sha256', '--lzma2=dict=64KiB'], data: inside },
    { name: 'xz, no check', args: ['--check=none', '--lzma2=dict=64KiB'], data: exact },
    { name: 'xz, delta 3 + LZMA2', args: ['--delta=dist=3', '--lzma2=dict=64KiB'], data: inside },
    { name: 'xz, 1 MiB blocks (-T2)', args: ['-T2', '--block-size=1MiB', '--lzma2=dict=64KiB'], data: exact },
    { name: '.lzma, 64 KiB dictionary', args: ['--format=lzma', '--lzma1=preset=6,dict=64KiB'], data: exact },
    { name: '.lzma, 4 KiB dictionary', args: ['--format=lzma', '--lzma1=dict=4KiB'], data: repeats(4 * KB, 256, 3) },
    {
      name: 'xz, periodic runs (matches overlapping their output), 4 KiB dictionary',
      args: ['--lzma2=dict=4KiB'],
      data: Buffer.concat(Array.from({ length: 32 }, (_, i) => periodic(i))),
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const input = xz(row.args, row.data);
      const codec = row.args.includes('--format=lzma') ? 'lzma' : 'xz';
      assert.ok(Buffer.from(unxz(input)).equals(Buffer.from(row.data)), 'xz(1) round trip');
      const mem = await decompress(codec, input, opts);
      assert.deepEqual(mem.notes, []);
      assert.ok(Buffer.from(mem.bytes).equals(Buffer.from(row.data)), 'in memory: xz(1)’s bytes');
      const r = await decompressToSource(codec, input, opts, { chain: ['t'] }, 256 * KB);
      assertRedecodedReads(r, row.data, [
        [MB + 5, 300_000],
        [3 * MB - 7, 100],
        [100, 10],
        [0, row.data.length],
      ]);
    });
  }

  it('any step size gives xz(1)’s bytes (matches cut by a step resume in the next one)', () => {
    const data = Buffer.concat([repeats(16 * KB, 24, 4), noise(5000, 5), periodic(6), repeats(3 * KB, 40, 7)]);
    const input = xz(['--lzma2=preset=6,dict=16KiB'], data);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000 }), (step) => {
        const r = decodeXzWith(input, { step });
        assert.deepEqual(r.notes, []);
        assert.ok(r.bytes.equals(data), `step ${step}`);
      }),
      { numRuns: 25 },
    );
  });

  it('no step outputs more than 2 MiB, and the window stays within the declared dictionary', () => {
    const data = repeats(64 * KB, 80, 7);
    const input = xz(['--lzma2=dict=64KiB'], data);
    const decoder = new LzmaDecoder();
    let total = 0;
    for (const chunk of decodeXzStream(input, 0, decoder, [])) {
      assert.ok(chunk.length <= 2 * MB, `a ${chunk.length}-byte step`);
      total += chunk.length;
    }
    assert.equal(total, data.length);
    assert.equal(decoder.windowBytes, 64 * KB);
    // Incompressible data a little past two full steps: at least three steps, whatever their size.
    let steps = 0;
    for (const chunk of xzChunks(xz(['-0'], noise(4 * MB + 64 * KB, 8)), [], 1 << 30)) {
      assert.ok(chunk.length <= 2 * MB, `a ${chunk.length}-byte step`);
      steps++;
    }
    assert.ok(steps >= 3, `${steps} steps`);
  });

  it('a small file whose header declares 64 MiB allocates a window the size of its output, not 64 MiB', () => {
    const data = noise(1000, 9);
    for (const args of [['-9'], ['--format=lzma', '--lzma1=preset=9,dict=64MiB']]) {
      const input = xz(args, data);
      const decoder = new LzmaDecoder();
      const notes: string[] = [];
      const parts: Buffer[] = [];
      const chunks =
        args[0] === '-9' ? decodeXzStream(input, 0, decoder, notes) : decodeAloneStream(input, 0, decoder, notes);
      for (const c of chunks) parts.push(Buffer.from(c));
      assert.ok(Buffer.concat(parts).equals(Buffer.from(data)), args.join(' '));
      assert.deepEqual(notes, []);
      assert.equal(decoder.dictSize, 64 * MB);
      assert.ok(decoder.windowBytes <= 64 * KB, `${args.join(' ')}: a ${decoder.windowBytes}-byte window`);
    }
    // A 1 MB output under a 64 MiB dictionary: the window grows with it, to the next power of two.
    const mb = repeats(100 * KB, 10, 10);
    const decoder = new LzmaDecoder();
    for (const c of decodeXzStream(xz(['-9'], mb), 0, decoder, [])) assert.ok(c.length > 0);
    assert.equal(decoder.windowBytes, MB);
  });

  it('a match beyond the window held fails closed: LimitError when the declared dictionary allows it', () => {
    // Matches at distance 600 KiB under a 1 MiB dictionary, decoded with windows too small for them.
    const data = repeats(600 * KB, 3, 11);
    const input = xz(['--format=lzma', '--lzma1=preset=6,dict=1MiB'], data);
    const run = (dict: number, maxWindow: number) => {
      const stream = input.slice();
      new DataView(stream.buffer).setUint32(1, dict, true); // .lzma header: 1..4 u32le dictionary size
      const parts: Buffer[] = [];
      const notes: string[] = [];
      for (const c of decodeAloneStream(stream, 0, new LzmaDecoder({ maxWindow }), notes)) parts.push(Buffer.from(c));
      return { bytes: Buffer.concat(parts), notes };
    };
    // Held: the declared dictionary, or a bound above the distances, decodes xz(1)'s bytes.
    assert.ok(run(MB, 128 * MB).bytes.equals(Buffer.from(data)));
    assert.ok(run(2 ** 31, 1024 * KB).bytes.equals(Buffer.from(data)), 'a 2 GiB dictionary within a 1 MiB bound');
    // The dictionary allows the match but the bound does not: a limit, never a larger allocation.
    assert.throws(
      () => run(MB, 512 * KB),
      (e: unknown) =>
        e instanceof LimitError &&
        e.limit === 'lzmaWindowBytes' &&
        /past the 524288-byte dictionary window/.test(e.message),
    );
    // The declared dictionary does not allow it (liblzma raises too): corrupt data.
    assert.throws(
      () => run(512 * KB, 128 * MB),
      (e: unknown) => e instanceof CorruptError && /beyond the dictionary size/.test(e.message),
    );
  });
});
