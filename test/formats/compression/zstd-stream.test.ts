// zstd outputs larger than the hold are counted, then decoded again on demand, fzstd fed one block per step: the
// streamed source returns the in-memory decode's bytes, notes and limits (zstd(1) fixtures, damaged frames), no step
// outputs more than a block, and a bomb is refused while counting with the in-memory limit and message.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { decompress } from '../../../src/formats/compression/index.js';
import { zstdChunks } from '../../../src/formats/compression/zstd.js';
import { fixture, manifest, sha256 } from './manifest.js';
import {
  assertBombRefusedAlike,
  assertDamagedAgree,
  assertRedecodedReads,
  assertSamePaths,
  STREAM_OPTS as opts,
  zstdBomb,
} from './stream-paths.js';

const MB = 1024 * 1024;
const loc = { chain: ['t.zst'] };
const HOLD = 64 * 1024;
const varied = fixture('zstd/varied-4m.zst');

describe('zstd streamed and in-memory decodes agree', () => {
  it('on every zstd(1) fixture, damaged ones included', async () => {
    for (const f of manifest.fixtures.filter((x) => x.codec === 'zstd'))
      await assertSamePaths('zstd', fixture(f.file), 16);
  });

  it('a 4 MiB frame is re-decoded on demand: zstd(1)’s bytes, forward, backward and whole reads', async () => {
    const want = (await decompress('zstd', varied, opts)).bytes;
    assert.equal(sha256(want), manifest.fixtures.find((f) => f.file === 'zstd/varied-4m.zst')!.sha256);
    const r = await decompressToSource('zstd', varied, opts, loc, HOLD);
    assertRedecodedReads(r, want, [
      [MB + 5, 300_000],
      [3 * MB - 7, 100],
      [1_200_000, 10],
      [0, 4 * MB],
    ]);
  });

  it('on damaged frames: the same error, or the same prefix and notes', async () => {
    await assertDamagedAgree('zstd', varied, MB);
  });

  it('no step outputs more than one block', () => {
    for (const input of [varied, zstdBomb(64)]) {
      let steps = 0;
      for (const chunk of zstdChunks(input, [], 1 << 30)) {
        assert.ok(chunk.length <= 128 * 1024, `a ${chunk.length}-byte step`);
        steps++;
      }
      assert.ok(steps >= 32, `${steps} steps`);
    }
  });

  it('decodes lazily: a step holds about one block, not the frame', () => {
    const chunks = zstdChunks(zstdBomb(1024), [], 1 << 30); // 128 MiB in one frame
    const before = process.memoryUsage().arrayBuffers;
    chunks.next();
    chunks.next();
    const grown = process.memoryUsage().arrayBuffers - before;
    chunks.return(0);
    assert.ok(grown < 16 * MB, `${grown} bytes held after two steps`);
  });

  it('a bomb is refused while counting, with the in-memory decode’s limit and message', async () => {
    const bomb = zstdBomb(128); // 16 MiB from 518 bytes
    await assertBombRefusedAlike(
      'zstd',
      bomb,
      [
        { maxOutputBytes: 8 * MB, maxRatio: 100_000, ratioGraceBytes: 64 * MB },
        { maxOutputBytes: 1 << 30, maxRatio: 1000, ratioGraceBytes: MB },
      ],
      HOLD,
    );
  });
});
