// The tar sniff decides by the header checksum alone: checksumMatches must say yes exactly when parseHeader's result
// is a header (ok) or a checksum-valid header with unparsable numbers ('field'), on real headers written by
// tar-stream, on those headers with bytes changed, and on arbitrary blocks.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import tarStream from 'tar-stream';
import { checksumMatches, parseHeader } from '../../../src/formats/tar/tar-header.js';

async function realHeader(name: string, size: number): Promise<Uint8Array> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((ok) => pack.on('end', () => ok()));
  pack.entry({ name, size }, Buffer.alloc(size, 1));
  pack.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks).subarray(0, 512));
}

const bySlowPath = (b: Uint8Array): boolean => {
  const p = parseHeader(b);
  return p.ok || p.reason === 'field';
};

describe('tar sniff by checksum', () => {
  it('real headers match; a changed byte outside the checksum field breaks the match; the decisions agree', async () => {
    for (const [name, size] of [
      ['a.pkl', 10],
      ['dir/model.pt', 4096],
      ['x'.repeat(99), 0],
    ] as const) {
      const h = await realHeader(name, size);
      assert.equal(checksumMatches(h), true, name);
      assert.equal(bySlowPath(h), true, name);
      for (const at of [0, 100, 156, 300, 511]) {
        const changed = Uint8Array.from(h);
        changed[at] = changed[at]! ^ 0x5a;
        assert.equal(checksumMatches(changed), false, `${name} byte ${at}`);
        assert.equal(checksumMatches(changed), bySlowPath(changed), `${name} byte ${at}`);
      }
    }
  });

  it('a checksum-valid header whose size field is not a number still matches (parseHeader: field)', async () => {
    const h = Uint8Array.from(await realHeader('a.pkl', 10));
    h.set(Buffer.from('zzzzzzzzzzz\0'), 124); // size field
    let sum = 256;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += h[i]!;
    h.set(Buffer.from(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    assert.equal(parseHeader(h).ok, false);
    assert.equal(checksumMatches(h), true);
    assert.equal(bySlowPath(h), true);
  });

  it('agrees with parseHeader on arbitrary blocks and on blocks given a correct checksum', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 512 }), fc.boolean(), (bytes, fix) => {
        const b = Uint8Array.from(bytes);
        if (fix) {
          let sum = 256;
          for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += b[i]!;
          b.set(Buffer.from(sum.toString(8).padStart(6, '0') + '\0 '), 148);
        }
        assert.equal(checksumMatches(b), bySlowPath(b));
        if (fix) assert.equal(checksumMatches(b), true);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with parseHeader on base-256 checksum fields (0x80 positive, 0xff negative), right or wrong', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 512, maxLength: 512 }),
        fc.constantFrom(0x80, 0xff),
        fc.constantFrom('right', 'off-by-one', 'high-byte', 'random'),
        fc.uint8Array({ minLength: 7, maxLength: 7 }),
        (bytes, lead, how, noise) => {
          const b = Uint8Array.from(bytes);
          let unsigned = 256;
          let signed = 256;
          for (let i = 0; i < 512; i++) {
            if (i >= 148 && i < 156) continue;
            unsigned += b[i]!;
            signed += b[i]! > 127 ? b[i]! - 256 : b[i]!;
          }
          const target = lead === 0x80 ? unsigned : signed;
          b[148] = lead;
          if (how === 'random') b.set(noise, 149);
          else {
            // The 7 bytes after the lead, big-endian; 0xff: the value minus 2^56 (two's complement over 7 bytes).
            let v = BigInt(how === 'off-by-one' ? target + 1 : target);
            if (lead === 0xff) v += 1n << 56n;
            for (let i = 155; i >= 149; i--, v >>= 8n) b[i] = Number(v & 0xffn);
            if (how === 'high-byte') {
              const at = 149 + (noise[0]! % 4);
              b[at] = b[at]! ^ (1 << (noise[1]! % 8));
            }
          }
          assert.equal(checksumMatches(b), bySlowPath(b));
          // A 0xff field is negative: it names the signed sum only when that is below zero.
          if (how === 'right' && (lead === 0x80 || target < 0)) assert.equal(checksumMatches(b), true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
