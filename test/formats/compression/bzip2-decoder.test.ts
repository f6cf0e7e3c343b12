// The bzip2 decoder against the real tool: bzip2(1) (libbzip2) compresses generated data at test time and our decode
// returns the data (block sizes 1 and 9, several blocks, concatenated streams), at least the bytes bzip2 -dc delivers
// before a truncation (it writes in 5000-byte steps), a note for a damaged block CRC; and a decode resumed at any marked block returns the output from there.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bzip2Chunks } from '../../../src/formats/compression/bzip2.js';
import {
  countChunks,
  redecodedSource,
  RESUME_SPACING,
  type ChunkDecoder,
} from '../../../src/formats/compression/chunk-source.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { RedecodedSource } from '../../../src/formats/compression/redecoded-source.js';
import { STREAM_OPTS as opts } from './stream-paths.js';

const bzip2 = existsSync('/usr/bin/bzip2') ? '/usr/bin/bzip2' : undefined;
const skip = !bzip2 && 'no bzip2 CLI';

/** ~400 KB mixing text, seeded noise, every byte value and runs around the 4-byte run-length threshold. */
function sample(seed: number): Buffer {
  const parts: Buffer[] = [];
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  for (let i = 0; i < 1000; i++) {
    switch (rnd() % 5) {
      case 0:
        parts.push(Buffer.from(`line ${rnd() % 1000} of a pickle-ish text\n`.repeat(1 + (rnd() % 20))));
        break;
      case 1:
        parts.push(Buffer.from(Array.from({ length: 200 + (rnd() % 800) }, () => rnd() & 255)));
        break;
      case 2:
        parts.push(Buffer.alloc([3, 4, 5, 255, 259, 260, 1000, 5000][rnd() % 8]!, rnd() & 255));
        break;
      case 3:
        parts.push(Buffer.from(Array.from({ length: 256 }, (_, b) => b)));
        break;
      default:
        parts.push(Buffer.alloc(1 + (rnd() % 40), 'ab'));
    }
  }
  return Buffer.concat(parts);
}

const compress = (data: Buffer, level: number) =>
  execFileSync(bzip2!, [`-${level}`, '-c'], { input: data, maxBuffer: 64 << 20 });

function decode(input: Uint8Array): { bytes: Buffer; notes: string[]; streams: number | Error } {
  const notes: string[] = [];
  const out: Buffer[] = [];
  try {
    const g = bzip2Chunks(input, notes);
    for (;;) {
      const step = g.next();
      if (step.done) return { bytes: Buffer.concat(out), notes, streams: step.value };
      out.push(Buffer.from(step.value));
    }
  } catch (e) {
    return { bytes: Buffer.concat(out), notes, streams: e as Error };
  }
}

describe('bzip2 decoder against bzip2(1)', { skip }, () => {
  const data = [sample(1), sample(7)];
  const cases = [1, 9].map((level) => ({ level, input: compress(data[0]!, level) }));

  it('decodes what bzip2 -1 and -9 made, byte for byte', () => {
    for (const { level, input } of cases) {
      const r = decode(input);
      assert.deepEqual(r.notes, [], `level ${level}`);
      assert.equal(r.streams, 1);
      assert.ok(r.bytes.equals(data[0]!), `level ${level}`);
    }
  });

  it('several blocks and concatenated streams of different block sizes', () => {
    const big = Buffer.concat([data[0]!, data[1]!, data[0]!]);
    const input = Buffer.concat([compress(big, 1), compress(data[1]!, 9), compress(data[0]!, 2)]);
    let steps = 0;
    for (const _ of bzip2Chunks(input, [])) steps++;
    assert.ok(steps >= 10, `${steps} blocks`);
    const r = decode(input);
    assert.deepEqual(r.notes, []);
    assert.equal(r.streams, 3);
    assert.ok(r.bytes.equals(Buffer.concat([big, data[1]!, data[0]!])));
  });

  it('a truncated stream gives the complete blocks (what bzip2 -dc delivers, to its 5000-byte step), and says so', () => {
    const whole = Buffer.concat([data[0]!, data[1]!]);
    const input = compress(whole, 1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: input.length - 1 }), (cut) => {
        const part = input.subarray(0, cut);
        const real = spawnSync(bzip2!, ['-dc'], { input: part, maxBuffer: 64 << 20 });
        assert.notEqual(real.status, 0);
        const r = decode(part);
        const got = `cut at ${cut}: ${r.bytes.length} vs ${real.stdout.length} bytes`;
        assert.ok(r.bytes.subarray(0, real.stdout.length).equals(real.stdout), got);
        assert.ok(r.bytes.length - real.stdout.length < 5000, got);
        assert.ok(whole.subarray(0, r.bytes.length).equals(r.bytes), got);
        if (r.streams instanceof Error) assert.equal(r.bytes.length, 0);
        else assert.match(r.notes.join('\n'), /^corrupt after \d+ bytes: (input ends inside bzip2 stream 1|bzip2)/);
      }),
      { numRuns: 12 },
    );
  });

  it('a damaged block CRC is a note; the bytes are still the block', () => {
    const input = Buffer.from(cases[0]!.input);
    input[10]! ^= 0x40; // inside the first block's stored CRC (bytes 10..13)
    const real = spawnSync(bzip2!, ['-dc'], { input, maxBuffer: 64 << 20 });
    assert.notEqual(real.status, 0, 'bzip2 refuses it');
    const r = decode(input);
    assert.ok(r.bytes.equals(data[0]!));
    assert.deepEqual(r.notes, [
      'block 1 of stream 1: CRC mismatch (Python raises)',
      'stream 1: combined CRC mismatch (Python raises)',
    ]);
  });
});

describe('bzip2 decode resumed at a block', { skip }, () => {
  const big = Buffer.concat([sample(3), sample(4), sample(5)]);
  const input = Buffer.concat([compress(big, 1), compress(sample(6), 1)]);
  const whole = Buffer.concat([big, sample(6)]);
  const marks: { output: number; state: unknown }[] = [];
  let at = 0;
  for (const chunk of bzip2Chunks(input, [], 0, { mark: (state) => marks.push({ output: at, state }) })) {
    at += chunk.length;
  }

  it('every marked block start decodes to the rest of the output', () => {
    assert.ok(marks.length >= 8, `${marks.length} marks`);
    fc.assert(
      fc.property(fc.nat(marks.length - 1), (i) => {
        const m = marks[i]!;
        const parts: Buffer[] = [];
        for (const c of bzip2Chunks(input, [], 0, { from: m.state })) parts.push(Buffer.from(c));
        const rest = Buffer.concat(parts);
        assert.ok(rest.equals(whole.subarray(m.output)), `from block mark ${i}`);
      }),
      { numRuns: 10 },
    );
  });

  it('an output past the hold keeps what fits and re-decodes only after it, in any read order', async () => {
    const hold = 300_000;
    const r = await decompressToSource('bzip2', input, opts, { chain: ['t.bz2'] }, hold);
    assert.equal(r.streamed, true);
    assert.ok(r.source instanceof RedecodedSource);
    const src = r.source;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(whole.length - 1), fc.nat(400_000)), { minLength: 1, maxLength: 6 }),
        async (reads) => {
          for (const [o, n] of reads) {
            const want = whole.subarray(o, o + n);
            assert.ok(Buffer.from(src.read(o, n)).equals(want), `read(${o}, ${n})`);
            const into = new Uint8Array(Math.min(n, whole.length - o));
            assert.equal(src.readInto(o, into), into.length);
            assert.ok(Buffer.from(into).equals(want), `readInto(${o}, ${n})`);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('the counting pass keeps the blocks that fit in the hold and resumes at the first block past it', () => {
    const hold = 300_000;
    const c = countChunks(bzip2Chunks, input, 1 << 30, () => {}, hold);
    assert.equal(c.kept, undefined);
    assert.ok(c.prefix, 'a kept prefix');
    const { output, state } = c.prefix.resume[0]!;
    // The block holding byte `hold` is the first step past the hold.
    const mark = marks.filter((m) => m.output <= hold).pop()!;
    assert.equal(output, mark.output);
    assert.deepEqual(state, mark.state);
    assert.ok(Buffer.concat(c.prefix.chunks).equals(whole.subarray(0, output)));
  });

  it('a read behind the window or far ahead of it resumes at the nearest kept block at or before it', () => {
    const many = Buffer.concat(Array.from({ length: 48 }, (_, i) => sample(100 + i)));
    const bz = compress(many, 1);
    const opened: unknown[] = [];
    /** Records where each decode that is actually run starts (a generator's body runs on its first step). */
    const spy: ChunkDecoder = function* (i, n, l, r) {
      opened.push(r?.from);
      return yield* bzip2Chunks(i, n, l, r);
    };
    const hold = 1 << 20;
    const c = countChunks(spy, bz, 1 << 30, () => {}, hold);
    assert.ok(c.prefix);
    const points = c.prefix.resume;
    assert.ok(points.length >= 4, `${points.length} resume points`);
    for (let i = 1; i < points.length; i++) assert.ok(points[i]!.output - points[i - 1]!.output >= RESUME_SPACING);
    const src = redecodedSource({ chain: ['t.bz2'] }, bz, spy, 1 << 30, c);
    opened.length = 0;
    const far = many.length - 3 * (1 << 20);
    assert.ok(Buffer.from(src.read(far, 5000)).equals(many.subarray(far, far + 5000)));
    const near = points.filter((p) => p.output <= far).pop()!;
    assert.ok(near.output > points[0]!.output);
    assert.deepEqual(opened.at(-1), near.state, 'a far read opens at the nearest point');
    assert.ok(Buffer.from(src.read(hold + 10, 5000)).equals(many.subarray(hold + 10, hold + 5010)));
    assert.deepEqual(opened.at(-1), points.filter((p) => p.output <= hold + 10).pop()!.state, 'a read behind too');
  });
});
