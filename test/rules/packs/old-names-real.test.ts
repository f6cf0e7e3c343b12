// Real pickles of public projects written by older releases (test/fixtures/real-world/old-names-manifest.json, read
// from git mirrors, never committed): dill 0.2.x on Python 2 (dill.dill._load_type('ListType') / ('ObjectType')),
// gensim LDA models holding a FakeDict, a Python 2 Sphinx environment holding docutils' reprunicode, and a scikit-learn
// 0.17-era GridSearchCV whose grid_scores_ hold sklearn.grid_search._CVScoreTuple. Each passes, with the name of the
// older release admitted by its pack. The GridSearchCV is a joblib < 0.10 dump: scanned as bytes, without the .npy
// files joblib.load reads beside it, its only blocking findings are those companions'.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
/** What a pickle whose companion files were not read is blocked for (src/scan/companion-files.ts). */
const COMPANION_ABSENT = 'the file beside it is not in this scan';

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly what: string;
  /** The name of the older release the file holds, which its pack admits. */
  readonly admitted: string;
}

const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/old-names-manifest.json', import.meta.url),
  'no real pickle of those older releases present',
);

describe('real pickles holding names of older releases', { skip }, () => {
  for (const { e, bytes } of present) {
    it(`passes: ${e.repository} ${e.path} (${e.what})`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const r = await scanBytes(basename(e.path), bytes);
      const blocking = r.findings
        .filter((f) => BLOCKING.has(f.severity))
        .map((f) => f.evidence.signal)
        .filter((s) => !s.includes(COMPANION_ABSENT));
      assert.deepEqual(blocking, []);
      const admitted = r.pickles.flatMap((p) => p.admitted ?? []).map((a) => a.name);
      assert.ok(admitted.includes(e.admitted), admitted.join(', '));
    });
  }
});
