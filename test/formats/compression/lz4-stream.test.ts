// LZ4 outputs larger than the hold are counted, then decoded again on demand from a 64 KiB-history window: the
// streamed source returns the in-memory decode's bytes, notes and limits (real python-lz4 frames, generated frames of
// every shape, damaged frames), a payload past the held part is found, and a block decoding past its declared maximum
// stops the decode there with the existing note — as python-lz4 raises there — so no step outputs more than a block.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { runPickle } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { decompress } from '../../../src/formats/compression/index.js';
import { lz4Chunks } from '../../../src/formats/compression/lz4.js';
import { RedecodedSource } from '../../../src/formats/compression/redecoded-source.js';
import { lz4Block, lz4Frame, lz4FrameOfBlocks, noise, repetitive } from './lz4-builder.js';
import { fixture, manifest } from './manifest.js';
import { assertBombRefusedAlike, assertSamePaths as assertSame, STREAM_OPTS as opts } from './stream-paths.js';

const MB = 1024 * 1024;
const loc = { chain: ['t.lz4'] };
const HOLD = 64 * 1024;

const assertSamePaths = (input: Uint8Array, hold: number) => assertSame('lz4', input, hold);

describe('LZ4 streamed and in-memory decodes agree', () => {
  it('on every python-lz4 and lz4(1) fixture, damaged ones included', async () => {
    const files = [...manifest.fixtures.filter((f) => f.codec === 'lz4'), ...manifest.lz4Property];
    for (const f of files) await assertSamePaths(fixture(f.file), 16);
  });

  it('on generated frames of every shape larger than head + tail, read in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1 << 30 }),
          size: fc.integer({ min: 2 * MB + 1, max: 3 * MB }),
          code: fc.integer({ min: 4, max: 7 }),
          linked: fc.boolean(),
          contentChecksum: fc.boolean(),
          blockChecksum: fc.boolean(),
        }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: MB })), {
          minLength: 1,
          maxLength: 8,
        }),
        async (o, reads) => {
          const data = repetitive(o.size, o.seed);
          const frame = lz4Frame(data, o);
          const r = await decompressToSource('lz4', frame, opts, loc, HOLD);
          assert.equal(r.streamed, true);
          assert.ok(r.source instanceof RedecodedSource, 'a RedecodedSource');
          assert.deepEqual(r.notes, (await decompress('lz4', frame, opts)).notes);
          assert.equal(r.source.size, data.length);
          for (let at = 0; at < data.length; at += 256 * 1024) {
            const want = data.subarray(at, at + 256 * 1024);
            assert.ok(Buffer.from(r.source.read(at, 256 * 1024)).equals(Buffer.from(want)), `read(${at})`);
          }
          for (const [at, n] of reads) {
            const o0 = Math.floor(at * data.length);
            const got = r.source.read(o0, n);
            assert.ok(Buffer.from(got).equals(Buffer.from(data.subarray(o0, o0 + n))), `read(${o0}, ${n})`);
          }
        },
      ),
      { numRuns: 4 },
    );
  });

  it('on damaged frames: the same error, or the same prefix and notes', async () => {
    const data = repetitive(200_000, 11);
    const frame = lz4Frame(data, { linked: true, contentChecksum: true, blockChecksum: true });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(frame.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (flips) => {
          const bad = frame.slice();
          for (const [at, x] of flips) bad[at]! ^= x;
          await assertSamePaths(bad, 1024);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('LZ4 outputs larger than the hold', () => {
  it('a payload between the kept head and tail is found by the pickle VM', async () => {
    // 1.5 MB of BININT1 + POP, the payload, 1.5 MB more, then None and STOP: the import is decoded on demand.
    const body = Buffer.alloc(1_500_000, Buffer.from([0x4b, 0x01, 0x30]));
    const pkl = Buffer.concat([
      Buffer.from([0x80, 0x02]),
      body,
      Buffer.from("cposix\nsystem\n(S'true'\ntR0"),
      body,
      Buffer.from('N.'),
    ]);
    const r = await decompressToSource('lz4', lz4Frame(pkl, { code: 5, linked: true }), opts, loc, HOLD);
    assert.equal(r.streamed, true);
    const run = runPickle(r.source, 0, r.source.size, {
      limits: DEFAULT_LIMITS,
      loader: { persistentLoad: false, joblibArrays: true },
    });
    assert.deepEqual(
      run.imports.map((i) => i.canonical),
      ['os.system'],
    );
  });

  it('a bomb is refused while counting, with the in-memory decode’s limit and message', async () => {
    const bomb = lz4Frame(new Uint8Array(16 * MB), { code: 7 });
    await assertBombRefusedAlike(
      'lz4',
      bomb,
      [
        { maxOutputBytes: 8 * MB, maxRatio: 1000, ratioGraceBytes: 64 * MB },
        { maxOutputBytes: 1 << 30, maxRatio: 10, ratioGraceBytes: MB },
      ],
      HOLD,
    );
  });

  it('under the hold after counting, the output is held in one buffer', async () => {
    const data = repetitive(300_000, 3);
    const r = await decompressToSource('lz4', lz4Frame(data), opts, loc, 400_000);
    assert.equal(r.streamed, false);
    assert.ok(Buffer.from(r.source.read(0, r.source.size)).equals(Buffer.from(data)), 'same bytes');
  });
});

describe('an LZ4 block larger than its declared maximum', () => {
  const first = repetitive(65536, 5);
  const zeros = new Uint8Array(10 * MB);
  /** Block 1 fills the 64 KiB maximum; block 2 decodes to 10 MB (its compressed size is under 64 KiB). */
  const decoded = lz4FrameOfBlocks([
    { bytes: lz4Block(first, 0, 0, first.length) },
    { bytes: lz4Block(zeros, 0, 0, zeros.length) },
  ]);
  /** Block 2 is a stored block of 70,000 bytes. */
  const stored = lz4FrameOfBlocks([
    { bytes: lz4Block(first, 0, 0, first.length) },
    { bytes: new Uint8Array(70_000).fill(7), stored: true },
  ]);

  /** Block 2 is 65,536 random bytes as a compressed block: 65,536 decoded, but over 64 KiB compressed. */
  const random = noise(65536, 9);
  const compressed = lz4FrameOfBlocks([
    { bytes: lz4Block(first, 0, 0, first.length) },
    { bytes: lz4Block(random, 0, 0, random.length) },
  ]);

  it('stops the decode before that block with the existing note; no step outputs more than the maximum', async () => {
    for (const frame of [decoded, stored, compressed]) {
      const r = await decompress('lz4', frame, opts);
      assert.ok(Buffer.from(r.bytes).equals(Buffer.from(first)), `${r.bytes.length} bytes, not block 1`);
      assert.deepEqual(r.notes, ['LZ4 frame 1: a block is larger than the declared maximum (python-lz4 raises)']);
      await assertSamePaths(frame, 1024);
      const notes: string[] = [];
      for (const chunk of lz4Chunks(frame, notes)) assert.ok(chunk.length <= 65536, `a ${chunk.length}-byte step`);
    }
  });

  const python =
    existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import lz4.frame']).status === 0;
  it('python-lz4 reads the same bytes and then raises', { skip: !python && 'no python-lz4' }, () => {
    const script = [
      'import io, sys, lz4.frame',
      'r = lz4.frame.LZ4FrameFile(io.BytesIO(sys.stdin.buffer.read()))',
      'n = 0',
      'try:',
      '    while True:',
      '        c = r.read(int(sys.argv[1]))',
      '        if not c: break',
      '        n += len(c)',
      '    print(n, "ok")',
      'except Exception as e:',
      '    print(n, type(e).__name__)',
    ].join('\n');
    // How much of block 1 arrives before the error depends on python-lz4's input buffering (its decompress call that
    // meets block 2 raises and drops what that call decoded); no reader sees anything of block 2 or after. Sentinel
    // keeps all of block 1: the most any reader can see.
    for (const frame of [decoded, stored, compressed]) {
      for (const size of [1, 8192, 65536]) {
        const out = spawnSync('/usr/bin/python3', ['-c', script, String(size)], { input: frame, encoding: 'utf8' });
        const [n, error] = out.stdout.trim().split(' ');
        assert.equal(error, 'RuntimeError');
        assert.ok(Number(n) <= first.length, out.stdout);
      }
    }
  });
});
