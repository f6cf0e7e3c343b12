// LZ4's legacy format (`lz4 -l`), which `lz4 -d` reads, is read as lz4(1) reads it: the pickle inside is scanned like
// any other LZ4 content, alone or behind a skippable frame (the same verdict either way), across its 8 MiB blocks and
// before a standard frame; the benign twins pass. At the format's edges the decoder agrees with `lz4 -dc`: the same
// output where it succeeds, corrupt (or a disagreement) where it fails, never more than it decoded. Fixtures by the
// real lz4 tool and by hand (scripts/fixtures/lz4-legacy.py; manifest.json holds what `lz4 -dc` does with each).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scan } from '../../../src/api/scan.js';
import { CorruptError } from '../../../src/core/errors.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { lz4Chunks } from '../../../src/formats/compression/lz4.js';
import { sniffCodec } from '../../../src/formats/compression/sniff.js';
import { readAll } from '../../../src/sources/byte-source.js';

const dir = fileURLToPath(new URL('../../fixtures/lz4-legacy/', import.meta.url));
const manifest = JSON.parse(readFileSync(dir + 'manifest.json', 'utf8')) as {
  fixtures: {
    file: string;
    hostile: boolean | null;
    lz4Status: number;
    decodedLength: number;
    decodedSha256: string;
    sha256: string;
  }[];
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytesOf = (file: string) => new Uint8Array(readFileSync(dir + file));

describe('LZ4 legacy format', () => {
  it('is sniffed as lz4', () => {
    assert.equal(sniffCodec(Uint8Array.of(0x02, 0x21, 0x4c, 0x18, 6, 0, 0, 0)), 'lz4');
    assert.equal(sniffCodec(Uint8Array.of(0x02, 0x21, 0x4c, 0x19, 6, 0, 0, 0)), undefined);
  });

  for (const f of manifest.fixtures.filter((x) => x.hostile !== null)) {
    it(`${f.file}: ${f.hostile ? 'the pickle inside is found' : 'benign twin, passes'}`, async () => {
      assert.equal(sha(bytesOf(f.file)), f.sha256);
      const r = await scan([dir + f.file]);
      assert.ok(r.files[0]!.formats.includes('lz4'), r.files[0]!.formats.join(','));
      if (f.hostile)
        assert.ok(
          r.findings.some((x) => x.ruleId === 'PICKLE-EXEC'),
          f.file,
        );
      else
        assert.deepEqual(
          r.findings.filter((x) => x.severity === 'CRITICAL' || x.severity === 'HIGH').map((x) => x.ruleId),
          [],
        );
    });
  }

  for (const f of manifest.fixtures) {
    const ok = f.lz4Status === 0;
    it(`${f.file}: ${ok ? 'decodes to what lz4 -dc gives' : `lz4 -dc fails (${f.lz4Status}); so does the decoder`}`, () => {
      const notes: string[] = [];
      const parts: Uint8Array[] = [];
      let threw: unknown;
      try {
        const g = lz4Chunks(bytesOf(f.file), notes);
        for (let s = g.next(); !s.done; s = g.next()) parts.push(s.value.slice());
      } catch (e) {
        threw = e;
      }
      const out = Buffer.concat(parts);
      if (ok) {
        assert.equal(threw, undefined);
        assert.deepEqual(notes, []);
        assert.equal(sha(out), f.decodedSha256);
      } else {
        assert.ok(threw instanceof CorruptError || notes.length > 0, 'reported');
        if (threw !== undefined) assert.ok(threw instanceof CorruptError, String(threw));
        assert.ok(out.length >= f.decodedLength);
        assert.equal(sha(out.subarray(0, f.decodedLength)), f.decodedSha256, 'what lz4 -dc gave comes first');
      }
    });
  }

  it('two 8 MiB blocks read through input windows decode as in memory', async () => {
    const f = manifest.fixtures.find((x) => x.file === 'hostile-two-blocks-legacy.lz4')!;
    const input = bytesOf(f.file);
    const src = {
      location: { chain: ['x'] },
      size: input.length,
      read: (o: number, n: number) => input.slice(o, o + n),
    };
    const opts = { maxOutputBytes: 1 << 30, maxRatio: 1e6, ratioGraceBytes: 1 << 30 };
    const r = await decompressToSource('lz4', src, opts, { chain: ['x'] }, 1 << 20, {
      readWholeUpTo: 0,
      windowBytes: 4096,
    });
    assert.equal(r.source.size, f.decodedLength);
    assert.equal(sha(readAll(r.source)), f.decodedSha256);
  });
});
