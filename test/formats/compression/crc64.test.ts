// CRC-64/XZ: the catalogue check value, and the slicing-by-8 update fed in any pieces agrees with a bit-at-a-time
// reference (reflected polynomial 0xC96C5795D7870F42, init and xorout all ones).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Crc64Xz, crc64xz } from '../../../src/formats/compression/crc64.js';

const POLY = 0xc96c5795d7870f42n;
const MASK = (1n << 64n) - 1n;

/** Bit-at-a-time CRC-64/XZ as a bigint. */
function reference(data: Uint8Array): bigint {
  let crc = MASK;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  }
  return crc ^ MASK;
}

const asBigint = (le: Uint8Array) => BigInt('0x' + Buffer.from(le).reverse().toString('hex'));

describe('CRC-64/XZ', () => {
  it('check value of "123456789" is 0x995DC9BBDF1939FA', () => {
    assert.equal(asBigint(crc64xz(Buffer.from('123456789'))), 0x995dc9bbdf1939fan);
  });

  it('any data fed in any pieces gives the bit-at-a-time CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(40), { maxLength: 8 }), (data, cuts) => {
        const crc = new Crc64Xz();
        let at = 0;
        for (const n of cuts) {
          const to = Math.min(data.length, at + n);
          crc.update(data, at, to);
          at = to;
        }
        crc.update(data, at);
        assert.equal(asBigint(crc.digest()), reference(data));
      }),
      { numRuns: 200 },
    );
  });
});
