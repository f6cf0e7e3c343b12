// A sparse file (a size far beyond what the disk stores: an unfinished download, or a size made up to exhaust the
// scan) is read as far as its reader needs and not hashed: the whole-file hash would walk holes the file system fills
// with zeros. It is SCAN-INCOMPLETE; a file stored whole of the same format is hashed as before.
import { strict as assert } from 'node:assert';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/index.js';
import { sparseHoles } from '../../src/scan/engine.js';

let dir: string;

/** A GGUF header with one F32 tensor of 2^38 elements (1 TiB of data), padded to 32 bytes. */
function ggufHeader(): Buffer {
  const str = (s: string): Buffer => {
    const b = Buffer.from(s);
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(b.length));
    return Buffer.concat([n, b]);
  };
  const u32 = (v: number): Buffer => Buffer.from(new Uint32Array([v]).buffer);
  const i64 = (v: bigint): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    return b;
  };
  const h = Buffer.concat([
    Buffer.from('GGUF'),
    u32(3),
    i64(1n),
    i64(1n),
    str('general.architecture'),
    u32(8),
    str('llama'),
    str('w'),
    u32(2),
    i64(1n << 20n),
    i64(1n << 18n),
    u32(0),
    i64(0n),
  ]);
  return Buffer.concat([h, Buffer.alloc((32 - (h.length % 32)) % 32)]);
}

/** Writes `head`, then sets the size to `head + data` bytes (holes where the file system allows them). */
function sparse(path: string, head: Buffer, data: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    ftruncateSync(fd, head.length + data);
  } finally {
    closeSync(fd);
  }
}

let sparseOk = false;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-sparse-'));
  try {
    sparse(join(dir, 'huge.gguf'), ggufHeader(), 2 ** 40);
    sparseOk = sparseHoles(statSync(join(dir, 'huge.gguf'))) !== undefined;
  } catch {
    sparseOk = false;
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sparse files', () => {
  it('sizes: holes of 1 GiB or more over 15/16 of the size are sparse; stored files are not', () => {
    const G = 1024 ** 3;
    assert.equal(sparseHoles({ size: 2 ** 40, blocks: 8 }), 2 ** 40 - 4096);
    assert.equal(sparseHoles({ size: 2 * G, blocks: 0 }), 2 * G);
    // Stored whole, or compressed by the file system to a quarter: not sparse.
    assert.equal(sparseHoles({ size: 2 * G, blocks: (2 * G) / 512 }), undefined);
    assert.equal(sparseHoles({ size: 8 * G, blocks: (2 * G) / 512 }), undefined);
    // Under 1 GiB of holes: read as any file.
    assert.equal(sparseHoles({ size: 512 * 1024 * 1024, blocks: 0 }), undefined);
    assert.equal(sparseHoles({ size: 2 * G } as { size: number; blocks: number }), undefined);
  });

  it('a GGUF declaring 1 TiB of tensor data in a sparse file is SCAN-INCOMPLETE, never hashed', async (t) => {
    if (!sparseOk) return t.skip('the temporary folder does not keep holes in files (no sparse files)');
    // Hashing the 1 TiB would take hours; the test runner's default timeout would end the test first.
    const r = await scan(join(dir, 'huge.gguf'));
    const f = r.findings.find((x) => x.ruleId === 'SCAN-INCOMPLETE' && /sparse file/.test(x.evidence.signal));
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.evidence.signal)));
    assert.equal(r.summary.gate.passed, false);
    assert.equal(r.files[0]?.sha256, undefined);
    assert.deepEqual(r.files[0]?.formats, ['gguf']);
  });

  it('the same file in a run that records no digests is read as any file: no sparse-file finding', async (t) => {
    if (!sparseOk) return t.skip('the temporary folder does not keep holes in files (no sparse files)');
    const r = await scan(join(dir, 'huge.gguf'), { sha256: false });
    assert.equal(
      r.findings.some((x) => /sparse file/.test(x.evidence.signal)),
      false,
      JSON.stringify(r.findings.map((x) => x.evidence.signal)),
    );
    assert.deepEqual(r.files[0]?.formats, ['gguf']);
  });
});
