// The real-world benign corpus of the allowlist packs (test/fixtures/real/ecosystem.json, made by
// scripts/fixtures/real-ecosystem.py with Debian's pandas, joblib, numpy, scipy, scikit-learn, statsmodels, gensim,
// xgboost, networkx, pytz and dateutil), scanned under the default policy: benign files pass the gate (no blocking
// finding, every pickle within the strict threshold); files using a name a pack review refused are blocked with that
// review's reason and nothing worse; files that use a shape-admitted class in another shape are PICKLE-EXEC naming
// its hook; known loader-model gaps stay named until they are fixed.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../../src/scan/engine.js';

const ROOT = new URL('../../fixtures/real/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, 'ecosystem.json'), 'utf8')) as {
  files: { file: string; expect: string; notes: string }[];
};
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

describe('real ecosystem output under the default policy', () => {
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file}`, async () => {
      const r = await scanPaths([join(ROOT, f.file)]);
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      const why = r.findings.map((x) => `${x.ruleId} ${x.evidence.signal.slice(0, 160)}`).join('\n');
      const ids = new Set(blocking.map((x) => x.ruleId));
      if (f.expect === 'benign') {
        assert.deepEqual([...ids], [], why);
        for (const p of r.pickles) assert.equal(p.safety, 'LIKELY_SAFE', `${p.where}: ${why}`);
      } else if (f.expect === 'not-admitted') {
        // Other names of the same object may be dangerous (PICKLE-EXEC); nothing outside the pickle rules.
        assert.ok(ids.has('PICKLE-GLOBAL-IMPORT') && [...ids].every((i) => i.startsWith('PICKLE-')), why);
        assert.ok(!ids.has('PICKLE-STRUCT'), why);
        assert.ok(
          blocking.some((x) => x.evidence.signal.includes('not admitted by the')),
          `the review's reason is named: ${why}`,
        );
      } else if (f.expect === 'shape-refused') {
        // Admitted only in the shape its library usually writes: this file's state leaves it (the hook is named).
        assert.ok(ids.has('PICKLE-EXEC') && [...ids].every((i) => i.startsWith('PICKLE-')), why);
        assert.ok(
          blocking.some((x) => x.ruleId === 'PICKLE-EXEC' && x.evidence.signal.includes('__setstate__')),
          `the hook is named: ${why}`,
        );
      } else if (f.expect === 'known-false-block') {
        assert.deepEqual([...ids], ['PICKLE-STRUCT'], `${f.notes}: ${why}`);
      } else assert.fail(`unknown expect ${f.expect}`);
    });
  }
});
