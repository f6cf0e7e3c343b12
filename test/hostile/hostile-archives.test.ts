// Archive budgets checked per entry: maxTotalBytes caps the next inflation (and counts inflations that failed on a
// limit), an entry declaring more than maxEntryBytes is refused before it is inflated, and a gzip bomb's work counts
// against the total like a zip entry's.
import { strict as assert } from 'node:assert';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { buildZip } from '../formats/zip/zip-builder.js';

const MB = 1024 * 1024;

function limitsHit(r: Awaited<ReturnType<typeof scanBytes>>): string[] {
  return r.findings
    .filter((f) => f.ruleId === 'SCAN-INCOMPLETE')
    .map((f) => String((f.evidence.details as { limit?: string } | undefined)?.limit ?? ''));
}

/** The zip with every local and central header's uncompressed size set to `size`. */
function declareSizes(zip: Uint8Array, size: number): Uint8Array {
  const b = zip.slice();
  const dv = new DataView(b.buffer);
  for (let i = 0; i + 4 <= b.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50) dv.setUint32(i + 22, size, true);
    else if (sig === 0x02014b50) dv.setUint32(i + 24, size, true);
  }
  return b;
}

describe('per-entry archive budgets', () => {
  it('maxTotalBytes: the entry that would pass it is not inflated in full and is reported', async () => {
    const entries = [0, 1, 2].map((i) => ({
      name: `e${i}.bin`,
      data: new Uint8Array(MB).fill(i + 1),
      method: 8 as const,
    }));
    const r = await scanBytes('three.zip', buildZip(entries), { limits: { maxTotalBytes: 2.5 * MB } });
    assert.deepEqual(limitsHit(r), ['maxTotalBytes']);
    assert.match(r.findings.find((f) => f.ruleId === 'SCAN-INCOMPLETE')!.where, /e2\.bin/);
  });
  const bombs = [0, 1, 2, 3].map((i) => ({ name: `big${i}.bin`, data: new Uint8Array(3 * MB), method: 8 as const }));
  const ratioLimits = { maxEntryBytes: 4 * MB, maxTotalBytes: 3.5 * MB, maxRatio: 10, ratioGraceBytes: MB };
  it('inflations stopped by a limit count against maxTotalBytes: later entries are not tried', async () => {
    // Each entry declares 768 KiB (a lie: it inflates to 3 MB) and is stopped by maxRatio after 1 MB of work.
    const r = await scanBytes('bombs.zip', declareSizes(buildZip(bombs), 768 * 1024), {
      limits: { ...ratioLimits, maxTotalBytes: 1.5 * MB },
    });
    // Without the charge for the first (failed) inflation, the second would be tried and stopped by maxRatio too.
    assert.deepEqual(limitsHit(r), ['maxRatio', 'maxTotalBytes', 'maxTotalBytes', 'maxTotalBytes']);
  });
  it('entries that declare more than maxRatio allows are refused without inflating (nothing is charged)', async () => {
    // Each entry truly declares 3 MB from ~3 KB: every one is refused by the ratio, none costs maxTotalBytes.
    const r = await scanBytes('bombs.zip', buildZip(bombs), { limits: ratioLimits });
    assert.deepEqual(limitsHit(r), ['maxRatio', 'maxRatio', 'maxRatio', 'maxRatio']);
  });
  it('a gzip bomb inside a zip counts its decompressed bytes even when it fails', async () => {
    const gz = gzipSync(new Uint8Array(4 * MB));
    const entries = [0, 1, 2, 3].map((i) => ({ name: `g${i}.gz`, data: gz, method: 0 as const }));
    const r = await scanBytes('gz.zip', buildZip(entries), {
      limits: { maxEntryBytes: 3 * MB, maxTotalBytes: 7 * MB, ratioGraceBytes: 64 * MB },
    });
    const hit = limitsHit(r);
    assert.ok(hit.includes('maxTotalBytes'), hit.join());
  });
});
