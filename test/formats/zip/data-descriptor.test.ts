// Case table for data descriptors (APPNOTE 4.3.9): with and without the optional signature, 32-bit and zip64 size
// fields, which layout wins when the expected (central) values match one, both or neither, and truncated input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readDataDescriptor, type DataDescriptor } from '../../../src/formats/zip/local-header.js';
import { MemorySource } from '../../../src/sources/byte-source.js';

const SIG = [0x50, 0x4b, 0x07, 0x08];
const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const le64 = (n: number): number[] => [...le32(n % 0x100000000), ...le32(Math.floor(n / 0x100000000))];

const CRC = 0x12345678;
const at = (bytes: number[]): MemorySource => new MemorySource({ chain: ['d'] }, Uint8Array.from(bytes));

const cases: [string, number[], { c: number; u: number }, boolean, DataDescriptor][] = [
  [
    'signature, 32-bit sizes',
    [...SIG, ...le32(CRC), ...le32(100), ...le32(200)],
    { c: 100, u: 200 },
    false,
    { length: 16, matches: true, crc32: CRC, compressedSize: 100, uncompressedSize: 200 },
  ],
  [
    'no signature, 32-bit sizes',
    [...le32(CRC), ...le32(100), ...le32(200), 0, 0, 0, 0],
    { c: 100, u: 200 },
    false,
    { length: 12, matches: true, crc32: CRC, compressedSize: 100, uncompressedSize: 200 },
  ],
  [
    'signature, zip64 sizes, zip64 preferred',
    [...SIG, ...le32(CRC), ...le64(5e9), ...le64(6e9)],
    { c: 5e9, u: 6e9 },
    true,
    { length: 24, matches: true, crc32: CRC, compressedSize: 5e9, uncompressedSize: 6e9 },
  ],
  [
    'zip64 sizes found although 32-bit was preferred',
    [...SIG, ...le32(CRC), ...le64(100), ...le64(200)],
    { c: 100, u: 200 },
    false,
    { length: 24, matches: true, crc32: CRC, compressedSize: 100, uncompressedSize: 200 },
  ],
  [
    '32-bit sizes found although zip64 was preferred',
    [...SIG, ...le32(CRC), ...le32(100), ...le32(200), ...le32(7), ...le32(7)],
    { c: 100, u: 200 },
    true,
    { length: 16, matches: true, crc32: CRC, compressedSize: 100, uncompressedSize: 200 },
  ],
  [
    'both layouts match (uncompressed size 0): the preferred one, 32-bit',
    [...SIG, ...le32(CRC), ...le32(100), ...le32(0), ...le32(0), ...le32(0)],
    { c: 100, u: 0 },
    false,
    { length: 16, matches: true, crc32: CRC, compressedSize: 100, uncompressedSize: 0 },
  ],
  [
    'both layouts match (uncompressed size 0): the preferred one, zip64',
    [...SIG, ...le32(CRC), ...le32(100), ...le32(0), ...le32(0), ...le32(0)],
    { c: 100, u: 0 },
    true,
    { length: 24, matches: true, crc32: CRC, compressedSize: 100, uncompressedSize: 0 },
  ],
  [
    'crc differs, signature: the preferred layout is reported with its length',
    [...SIG, ...le32(CRC + 1), ...le32(100), ...le32(200), ...le32(0), ...le32(0)],
    { c: 100, u: 200 },
    false,
    { length: 16, matches: false, crc32: CRC + 1, compressedSize: 100, uncompressedSize: 200 },
  ],
  [
    'sizes differ, signature, zip64 preferred',
    [...SIG, ...le32(CRC), ...le64(1), ...le64(2)],
    { c: 100, u: 200 },
    true,
    { length: 24, matches: false, crc32: CRC, compressedSize: 1, uncompressedSize: 2 },
  ],
  [
    'no signature and no match: no length',
    [...le32(CRC), ...le32(1), ...le32(2), ...le32(0), ...le32(0), ...le32(0)],
    { c: 100, u: 200 },
    false,
    { length: 0, matches: false, crc32: CRC, compressedSize: 1, uncompressedSize: 2 },
  ],
  [
    'cut by the end of the file: only the fields present',
    [...le32(CRC), 1, 0],
    { c: 100, u: 200 },
    false,
    { length: 0, matches: false, crc32: CRC },
  ],
  ['nothing left', [], { c: 0, u: 0 }, false, { length: 0, matches: false }],
  [
    'zip64 high word above 2^53: not a size',
    [...SIG, ...le32(CRC), ...le32(100), ...le32(0xffffffff), ...le32(200), ...le32(0)],
    { c: 100, u: 200 },
    true,
    { length: 24, matches: false, crc32: CRC, uncompressedSize: 200 },
  ],
];

describe('readDataDescriptor', () => {
  for (const [name, bytes, sizes, preferZip64, expected] of cases) {
    it(name, () => {
      const got = readDataDescriptor(
        at(bytes),
        0,
        { crc32: CRC, compressedSize: sizes.c, uncompressedSize: sizes.u },
        preferZip64,
      );
      assert.deepEqual(got, expected);
    });
  }
});
