// A fitted sklearn-som SOM that a public project committed (sklearn-som-manifest.json, scanned when its mirror is
// present) passes with no blocking finding: the sklearn-som history pack admits its class, the numpy and joblib packs
// its arrays. The same class carrying a payload is blocked by the history-packs-real tables.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly model: string;
}
const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/sklearn-som-manifest.json', import.meta.url),
  'no real sklearn-som file present',
);

describe('real sklearn-som files of public projects', { skip }, () => {
  for (const { e, bytes } of present) {
    it(`${e.model}: ${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const r = await scanBytes('model.joblib', bytes);
      assert.deepEqual(
        r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal),
        [],
      );
      assert.ok(
        r.pickles
          .flatMap((x) => x.admitted ?? [])
          .some((a) => a.name === 'sklearn_som.som.SOM' && a.pack === 'sklearn-som'),
      );
    });
  }
});
