// bzip2 outputs larger than the hold are counted, then decoded again on demand one block per step: the streamed
// source returns the in-memory decode's bytes, notes and limits (Python-made fixtures, concatenated streams, damaged
// streams), and a bomb is refused while counting with the in-memory limit and message.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { LimitError } from '../../../src/core/errors.js';
import { bzip2Chunks } from '../../../src/formats/compression/bzip2.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { decompress } from '../../../src/formats/compression/index.js';
import { fixture, manifest } from './manifest.js';
import { assertDamagedAgree, assertRedecodedReads, assertSamePaths, STREAM_OPTS as opts } from './stream-paths.js';

const MB = 1024 * 1024;
const loc = { chain: ['t.bz2'] };
const HOLD = 64 * 1024;
const times = (b: Uint8Array, n: number) => Buffer.concat(Array.from({ length: n }, () => b));
const multi = fixture('bzip2/multi-block.bz2');

describe('bzip2 streamed and in-memory decodes agree', () => {
  it('on every bzip2 fixture, damaged ones included', async () => {
    for (const f of manifest.fixtures.filter((x) => x.codec === 'bzip2')) {
      await assertSamePaths('bzip2', fixture(f.file), 16);
    }
  });

  it('40 concatenated streams are re-decoded on demand: the same bytes in any read', async () => {
    const one = (await decompress('bzip2', multi, opts)).bytes;
    const want = times(one, 40);
    const r = await decompressToSource('bzip2', times(multi, 40), opts, loc, HOLD);
    assert.equal(r.streams, 40);
    assertRedecodedReads(r, want, [
      [MB + 5, 300_000],
      [2 * MB - 7, 100],
      [0, want.length],
    ]);
  });

  it('on damaged streams: the same error, or the same prefix and notes', async () => {
    await assertDamagedAgree('bzip2', times(multi, 2), 1024);
  });

  it('one step per block', () => {
    let steps = 0;
    for (const chunk of bzip2Chunks(times(multi, 3), [])) {
      assert.ok(chunk.length <= 107_464, `a ${chunk.length}-byte step`);
      steps++;
    }
    assert.ok(steps >= 6, `${steps} steps`);
  });

  it('a bomb is refused while counting, with the in-memory decode’s limit and message', async () => {
    const bomb = times(fixture('bzip2/zeros-1m.bz2'), 16); // 16 MiB from 720 bytes
    for (const limits of [
      { maxOutputBytes: 8 * MB, maxRatio: 100_000, ratioGraceBytes: 64 * MB },
      { maxOutputBytes: 1 << 30, maxRatio: 1000, ratioGraceBytes: MB },
    ]) {
      const mem = await decompress('bzip2', bomb, limits).then(
        () => assert.fail('in-memory decode passed'),
        (e: unknown) => e as LimitError,
      );
      assert.ok(mem instanceof LimitError, 'a LimitError');
      await assert.rejects(decompressToSource('bzip2', bomb, limits, loc, HOLD), (e: unknown) => {
        assert.ok(e instanceof LimitError, 'a LimitError');
        assert.equal(e.limit, mem.limit);
        assert.equal(e.message, mem.message);
        return true;
      });
    }
  });
});
