// Streams of very many tiny frames cost memory by the size of their output, not by their frame count: what a counting
// pass keeps (the output, its ends) and what a re-decode pulls is gathered into blocks, the zstd reader hands out no
// empty steps, and a zstd frame's window is no larger than what its blocks can decode to. Structure is asserted
// (pieces per output, steps, windows), never memory figures; a scan of a million frames in a small heap is in the
// slow tier (test/hostile/many-frames-heap.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countChunks, DecoderProducer, type ChunkDecoder } from '../../../src/formats/compression/chunk-source.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { GATHER_BLOCK } from '../../../src/formats/compression/gathered-chunks.js';
import { lz4Chunks } from '../../../src/formats/compression/lz4.js';
import { fzstdWindowAt, zstdChunks } from '../../../src/formats/compression/zstd.js';
import { readAll } from '../../../src/sources/byte-source.js';
import { lz4Frame } from './lz4-builder.js';

const LIMIT = 1 << 30;
const opts = { maxOutputBytes: LIMIT, maxRatio: 1e6, ratioGraceBytes: LIMIT };

/** A zstd frame holding `data` (≤ 255 bytes) in one raw block: single segment, 1-byte content size. */
function zstdRawFrame(data: Uint8Array): Uint8Array {
  const n = data.length;
  const bh = (n << 3) | 1;
  return Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, n, bh & 255, (bh >>> 8) & 255, bh >>> 16, ...data]);
}

/** A zstd frame declaring a window of 2^(10 + exp) bytes, holding `data` (≤ 255 bytes) in one raw block. */
function zstdWindowFrame(exp: number, data: Uint8Array): Uint8Array {
  const n = data.length;
  const bh = (n << 3) | 1;
  return Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, exp << 3, bh & 255, (bh >>> 8) & 255, bh >>> 16, ...data]);
}

function repeat(frame: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(frame.length * times);
  for (let i = 0; i < times; i++) out.set(frame, i * frame.length);
  return out;
}

/** The output `decode` yields over `input`, one entry per step. */
function steps(decode: ChunkDecoder, input: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const g = decode(input, [], LIMIT);
  for (let s = g.next(); !s.done; s = g.next()) out.push(s.value.slice());
  return out;
}

/** A decoder of `count` steps of `size` bytes each (byte i of the output is i mod 251), an empty step between each. */
function tinySteps(count: number, size: number): ChunkDecoder {
  return function* () {
    let at = 0;
    for (let i = 0; i < count; i++) {
      const c = new Uint8Array(size);
      for (let j = 0; j < size; j++) c[j] = (at + j) % 251;
      at += size;
      yield c;
      yield new Uint8Array(0);
    }
    return count;
  };
}

function expected(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = i % 251;
  return out;
}

describe('a counting pass keeps tiny steps gathered into blocks', () => {
  // [steps, bytes per step]: tiny steps (gathered) and the benign twin of large steps (kept one piece each).
  const cases: [number, number, number][] = [
    [200_000, 1, Math.ceil(200_000 / (GATHER_BLOCK / 2)) + 1],
    [50_000, 3, Math.ceil(150_000 / (GATHER_BLOCK / 2)) + 1],
    [4, 3 * GATHER_BLOCK, 4],
  ];
  for (const [count, size, maxPieces] of cases) {
    it(`${count} steps of ${size} bytes: at most ${maxPieces} pieces kept, the output and its ends intact`, () => {
      const counted = countChunks(tinySteps(count, size), new Uint8Array(0), LIMIT, () => {}, LIMIT);
      const total = count * size;
      assert.equal(counted.length, total);
      assert.ok(counted.kept, 'kept whole (under keepUpTo)');
      assert.ok(counted.kept.length <= maxPieces, `${counted.kept.length} pieces for ${total} bytes`);
      assert.ok(counted.kept.every((p) => p.length > 0));
      assert.deepEqual(Buffer.concat(counted.kept), Buffer.from(expected(total)));
      assert.deepEqual(Buffer.from(counted.ends.tail()), Buffer.from(expected(total).subarray(-(1 << 20))));
    });
  }

  it('a re-decode pull gathers tiny steps: one pull holds at least a block in a few pieces', () => {
    const producer = new DecoderProducer(tinySteps(300_000, 1), new Uint8Array(0), LIMIT);
    const pieces = producer.pull();
    const got = pieces.reduce((n, p) => n + p.length, 0);
    assert.ok(got >= GATHER_BLOCK, `${got} bytes in one pull`);
    assert.ok(pieces.length <= 2, `${pieces.length} pieces in one pull`);
    let all = got;
    for (let p = producer.pull(); p.length > 0; p = producer.pull()) all += p.reduce((n, x) => n + x.length, 0);
    assert.equal(all, 300_000);
    assert.equal(producer.produced, 300_000);
  });
});

describe('many tiny zstd and LZ4 frames', () => {
  const pickle = new TextEncoder().encode('cposix\nsystem\n(S"id"\ntR.');
  const frames = 20_000;

  it('zstd: empty frames yield no steps; 1-byte frames one step each, none empty', () => {
    const empty = repeat(zstdRawFrame(new Uint8Array(0)), frames);
    assert.equal(steps(zstdChunks, empty).length, 0);
    const tiny = steps(zstdChunks, repeat(zstdRawFrame(Uint8Array.of(0x41)), frames));
    assert.equal(tiny.length, frames);
    assert.ok(tiny.every((c) => c.length === 1));
  });

  // Each case: the stream, and what it decodes to. Decoded through the counting pass (holdBytes below the bound the
  // codec's ratio gives), as a large input is.
  const cases: [string, 'zstd' | 'lz4', Uint8Array, Uint8Array][] = [
    [
      'zstd: empty frames, then the pickle',
      'zstd',
      Buffer.concat([repeat(zstdRawFrame(new Uint8Array(0)), frames), zstdRawFrame(pickle)]),
      pickle,
    ],
    [
      'zstd: 1-byte frames, then the pickle',
      'zstd',
      Buffer.concat([repeat(zstdRawFrame(Uint8Array.of(0x41)), frames), zstdRawFrame(pickle)]),
      Buffer.concat([Buffer.alloc(frames, 0x41), pickle]),
    ],
    [
      'lz4: 1-byte frames, then the pickle',
      'lz4',
      Buffer.concat([repeat(lz4Frame(Uint8Array.of(0x41)), frames), lz4Frame(pickle)]),
      Buffer.concat([Buffer.alloc(frames, 0x41), pickle]),
    ],
    ['lz4 benign twin: one frame', 'lz4', lz4Frame(pickle), pickle],
  ];
  for (const [name, codec, input, output] of cases) {
    it(`${name}: every frame decoded, the output exact`, async () => {
      const r = await decompressToSource(codec, input, opts, { chain: ['x'] }, 1024);
      assert.deepEqual(Buffer.from(readAll(r.source)), Buffer.from(output));
      assert.deepEqual(r.notes, []);
      assert.equal(r.streams, codec === 'lz4' && input.length < 100 ? 1 : frames + 1);
    });
  }
});

describe('a zstd frame window is no larger than its blocks can fill', () => {
  // [declared window exponent (2^(10+exp)), content bytes, largest window fzstd may allocate]
  const cases: [number, number, number][] = [
    [17, 0, 1024],
    [17, 200, 1024],
    [20, 200, 1024],
    [0, 200, 1024], // benign twin: a 1 KiB window is kept as declared
  ];
  for (const [exp, n, most] of cases) {
    it(`a frame declaring ${2 ** (10 + exp)} bytes of window holding ${n} bytes: fzstd gets at most ${most}`, () => {
      const frame = zstdWindowFrame(exp, new Uint8Array(n).fill(7));
      assert.ok(fzstdWindowAt(frame, 0, LIMIT) <= most);
      assert.deepEqual(Buffer.concat(steps(zstdChunks, frame)), Buffer.alloc(n, 7));
    });
  }
});

describe('the LZ4 reader keeps no per-frame state', () => {
  it('20,000 empty LZ4 frames yield no steps', () => {
    assert.equal(steps(lz4Chunks, repeat(lz4Frame(new Uint8Array(0)), 20_000)).length, 0);
  });
});
