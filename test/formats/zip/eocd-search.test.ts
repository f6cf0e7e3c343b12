// The end-of-central-directory search (zipfile's rfind over the last 22 + 65535 bytes): the last signature that has
// a full 22-byte record after it, or -1. Checked against a byte-by-byte reference on generated tails and on the
// edge cases: a signature inside the last 21 bytes, several signatures, tails shorter than a record, views.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lastEocdIn } from '../../../src/formats/zip/end-records.js';

function reference(tail: Uint8Array): number {
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 5 && tail[i + 3] === 6) return i;
  return -1;
}

const SIG = [0x50, 0x4b, 5, 6];
const withSigAt = (len: number, ...at: number[]): Uint8Array => {
  const b = new Uint8Array(len);
  for (const a of at) b.set(SIG, a);
  return b;
};

describe('EOCD signature search', () => {
  const cases: [string, Uint8Array, number][] = [
    ['empty', new Uint8Array(0), -1],
    ['shorter than a record, signature at 0', withSigAt(21, 0), -1],
    ['exactly one record', withSigAt(22, 0), 0],
    ['signature 21 bytes before the end (no room for the record)', withSigAt(40, 19), -1],
    ['signature 22 bytes before the end', withSigAt(40, 18), 18],
    ['the last of several', withSigAt(100, 3, 50, 70), 70],
    ['a later one without room does not hide an earlier one', withSigAt(100, 10, 90), 10],
    ['partial signature at the end only', Uint8Array.from([...new Uint8Array(30), 0x50, 0x4b, 5]), -1],
  ];
  for (const [what, tail, want] of cases)
    it(what, () => {
      assert.equal(lastEocdIn(tail), want);
      assert.equal(reference(tail), want);
    });

  it('agrees with the byte-by-byte search on generated tails and on views into larger buffers', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 4 }),
        fc.nat(8),
        fc.nat(8),
        (bytes, sigs, before, after) => {
          const b = Uint8Array.from(bytes);
          for (const s of sigs) if (s + 4 <= b.length) b.set(SIG, s);
          // The tail as a view with signature bytes just outside it on both sides: they must not be seen.
          const outer = new Uint8Array(before + b.length + after);
          for (let i = 0; i < before; i++) outer[i] = SIG[i % 4]!;
          for (let i = 0; i < after; i++) outer[before + b.length + i] = SIG[i % 4]!;
          outer.set(b, before);
          const view = outer.subarray(before, before + b.length);
          assert.equal(lastEocdIn(view), reference(b));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
