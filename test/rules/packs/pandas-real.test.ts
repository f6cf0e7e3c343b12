// Real pandas pickles that public projects committed (pandas-real-manifest.json, scanned when their mirrors are
// present) pass with no blocking finding: a Prophet model whose datetime Series and frames sit past the memo's detail
// budget (pandas 2 writes an array and its ndarray naming one dtype object), and a Pipeline whose FunctionTransformer
// stores pandas.get_dummies (admitted as a stored reference). Their hostile twins: test/analyzers/pickle/
// memo-budget-freq.test.ts and test/rules/packs/stored-function-references.test.ts.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly what: string;
}
const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/pandas-real-manifest.json', import.meta.url),
  'no real pandas file of pandas-real-manifest.json present',
);

describe('real pandas pickles of public projects', { skip }, () => {
  for (const { e, bytes } of present) {
    it(`${e.what}: ${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const r = await scanBytes(e.path, bytes);
      assert.deepEqual(
        r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal),
        [],
      );
      for (const p of r.pickles) assert.equal(p.safety, 'LIKELY_SAFE');
    });
  }
});
