// latin1Short must decode exactly as Buffer's latin1 decoding does, for every length it accepts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { latin1Short, SHORT_STRING_MAX } from '../../../src/formats/pickle/short-string.js';

describe('latin1Short', () => {
  it('equals Buffer latin1 decoding for every length up to SHORT_STRING_MAX, at any offset', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: SHORT_STRING_MAX + 8 }),
        fc.nat(SHORT_STRING_MAX + 8),
        fc.nat(SHORT_STRING_MAX),
        (bytes, p0, len0) => {
          const p = Math.min(p0, bytes.length);
          const len = Math.min(len0, bytes.length - p);
          const want = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1', p, p + len);
          assert.equal(latin1Short(bytes, p, len), want);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('covers each length exactly (0..SHORT_STRING_MAX) and refuses longer runs', () => {
    const b = Uint8Array.from({ length: 40 }, (_, i) => 0x41 + i);
    for (let n = 0; n <= SHORT_STRING_MAX; n++)
      assert.equal(latin1Short(b, 3, n), Buffer.from(b).toString('latin1', 3, 3 + n));
    assert.throws(() => latin1Short(b, 0, SHORT_STRING_MAX + 1), RangeError);
  });
});
