// Local-header sizes of an entry written with a data descriptor (flag bit 3): the format asks for 0 there, and some
// writers (macOS's Archive Utility) fill in the uncompressed size they know while leaving the compressed size 0.
// zipfile and miniz read only the central sizes, so a 0 in either local field is a placeholder; a local value that
// is given and differs from the central one is still LOCAL_CENTRAL_SIZE_MISMATCH, and without bit 3 every local
// value must agree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readZip } from '../../../src/formats/zip/index.js';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { buildZip } from './zip-builder.js';

const DATA = Buffer.from('x'.repeat(5000));

/** A one-entry deflated zip, its local sizes (compressed at 18, uncompressed at 22) rewritten. */
function zipWith(descriptor: boolean, local: { c?: number; u?: number }): Uint8Array {
  const bytes = Buffer.from(buildZip([{ name: 'a/data.pkl', data: DATA, method: 8, descriptor }]));
  if (local.c !== undefined) bytes.writeUInt32LE(local.c, 18);
  if (local.u !== undefined) bytes.writeUInt32LE(local.u, 22);
  return bytes;
}

function codes(bytes: Uint8Array): string[] {
  const zip = readZip(new MemorySource({ chain: ['z.zip'] }, bytes), { maxEntries: 10 });
  return zip.anomalies.map((a) => a.code);
}

describe('local sizes beside a data descriptor', () => {
  const compressed = (): number => {
    const b = Buffer.from(buildZip([{ name: 'a/data.pkl', data: DATA, method: 8 }]));
    return b.readUInt32LE(18);
  };
  const cases: [string, boolean, { c?: number; u?: number }, boolean][] = [
    ['bit 3, both local sizes 0 (the placeholder)', true, {}, false],
    ['bit 3, compressed 0 and the true uncompressed size (Archive Utility)', true, { u: DATA.length }, false],
    ['bit 3, the true compressed size and uncompressed 0', true, { c: compressed() }, false],
    ['bit 3, both true sizes', true, { c: compressed(), u: DATA.length }, false],
    ['bit 3, compressed 0 and a wrong uncompressed size', true, { u: DATA.length + 1 }, true],
    ['bit 3, a wrong compressed size', true, { c: 7, u: DATA.length }, true],
    ['no bit 3, compressed 0', false, { c: 0 }, true],
    ['no bit 3, the true sizes', false, {}, false],
  ];
  for (const [name, descriptor, local, mismatch] of cases) {
    it(`${name}: ${mismatch ? 'a size mismatch' : 'no anomaly about sizes'}`, () => {
      assert.equal(codes(zipWith(descriptor, local)).includes('LOCAL_CENTRAL_SIZE_MISMATCH'), mismatch);
    });
  }
});
