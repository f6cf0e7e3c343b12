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
});
