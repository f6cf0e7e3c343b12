// Zip entries compressed with bzip2 (12) or LZMA (14), as Python's zipfile and 7z write them: zipfile-based loaders
// (np.load, zipfile) read them, so they are decoded and scanned; only torch archives, which miniz cannot read with
// those methods, get ARCHIVE-TAMPER. Fixtures: scripts/fixtures/zip-methods.py.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '../../fixtures/containers/zip-methods');
const scan = async (f: string) =>
  (await scanBytes(f, readFileSync(join(DIR, f)))).findings.map((x) =>
    [x.ruleId, x.location.chain.slice(1).join(' '), x.evidence.details?.anomaly ?? ''].filter(Boolean).join(' '),
  );

describe('zip methods zipfile reads besides stored and deflate', () => {
  const cases: [string, string[]][] = [
    ['bzip2_benign.zip', []],
    ['lzma_benign.zip', []],
    ['bzip2_evil.zip', ['PICKLE-EXEC /model/weights.pkl']],
    ['lzma_evil.zip', ['PICKLE-EXEC /model/weights.pkl']],
    ['7z_lzma_evil.zip', ['PICKLE-EXEC /model/weights.pkl']],
  ];
  for (const [file, want] of cases) it(file, async () => assert.deepEqual(await scan(file), want));

  it('a torch checkpoint with LZMA entries: decoded and scanned, and ARCHIVE-TAMPER (torch cannot read it)', async () => {
    const got = await scan('torch_lzma.pt');
    assert.ok(got.includes('ARCHIVE-TAMPER UNSUPPORTED_METHOD'), got.join('\n'));
    assert.ok(!got.some((g) => g.startsWith('SCAN-INCOMPLETE')), got.join('\n'));
  });
});
