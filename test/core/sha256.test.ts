// The JavaScript SHA-256 behind finding fingerprints against FIPS 180-4's examples and node:crypto (fingerprints
// stored in baselines must not change).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sha256, sha256Hex } from '../../src/core/sha256.js';

const nodeHex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('sha256', () => {
  it("FIPS 180-4 examples: 'abc' and the two-block 448-bit message", () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('every length around the padding boundaries equals node:crypto', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
      assert.equal(hex(sha256(data)), nodeHex(data), `length ${n}`);
    }
  });
  it('random bytes and UTF-8 text equal node:crypto', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => hex(sha256(b)) === nodeHex(b)));
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => sha256Hex(s) === nodeHex(s)));
  });
});
