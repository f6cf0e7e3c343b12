// A fitted scikit-learn-extra KMedoids and a Pipeline ending in an sktime TimeSeriesForestClassifier that public
// projects committed (extra-forest-manifest.json, scanned when their mirrors are present) pass with no blocking
// finding, the model's class admitted by its pack. Their hostile twins are blocked by scikit-learn-extra-history.test.ts
// and sktime-forests.test.ts.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { mirroredManifest, type MirroredFile } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);

interface RealFile extends MirroredFile {
  readonly sha256: string;
  readonly model: string;
  readonly pack: string;
}
const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/extra-forest-manifest.json', import.meta.url),
  'no real scikit-learn-extra or sktime forest file present',
);

describe('real scikit-learn-extra and sktime forest files of public projects', { skip }, () => {
  for (const { e, bytes } of present) {
    it(`${e.model}: ${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const r = await scanBytes(e.path, bytes);
      assert.deepEqual(
        r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal),
        [],
      );
      assert.ok(
        r.pickles.flatMap((x) => x.admitted ?? []).some((a) => a.name === e.model && a.pack === e.pack),
        JSON.stringify(r.pickles.flatMap((x) => x.admitted ?? []).map((a) => [a.name, a.pack])),
      );
    });
  }
});
