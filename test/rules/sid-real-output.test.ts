// Real output of the newest library versions Debian packages (sid: scikit-learn 1.9, pandas 2.3, numpy 2.4, scipy
// 1.17, statsmodels 0.15, joblib 1.5, torch 2.14, xgboost 3.3, networkx 3.4; test/fixtures/sid-real/, written by
// scripts/fixtures/sid-real-output.py in a chroot made by scripts/oracle-chroot.sh): every file passes. Among them the
// names newer numpy writes by their public module: numpy.ma.MaskedArray (np.ma arrays, a GridSearchCV's cv_results_),
// the ufuncs as numpy.<name> (FunctionTransformer(np.log1p)) and numpy.rec.recarray, admitted by the numpy pack as
// other names of the objects it derived (scripts/data/packs/numpy.py OLD_NAMES).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allowEntry } from '../../src/rules/data/allowlist.js';
import { assertPasses, fixtureDir, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('sid-real');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  versions: Record<string, string>;
  files: Record<string, { object: string; writer: string }>;
};

describe('real output of the newest Debian library versions (sid)', () => {
  it('the set was written by numpy 2, scikit-learn 1.9 and pandas 2.3', () => {
    assert.match(manifest.versions.numpy!, /^2\./);
    assert.match(manifest.versions.sklearn!, /^1\.9/);
    assert.match(manifest.versions.pandas!, /^2\.3/);
    assert.ok(Object.keys(manifest.files).length >= 25);
  });

  it('numpy 2 public names are the pack entries of the same objects', () => {
    assert.match(allowEntry('numpy.ma.MaskedArray')?.reason ?? '', /numpy\.ma\.core\.MaskedArray/);
    assert.equal(allowEntry('numpy.ma.MaskedArray')?.calls, 'new');
    assert.match(allowEntry('numpy.log1p')?.reason ?? '', /numpy\.core\._multiarray_umath\.log1p/);
    assert.match(allowEntry('numpy.rec.recarray')?.reason ?? '', /newer name of numpy\.recarray/);
    // numpy's non-ufunc public functions are not admitted by it.
    assert.equal(allowEntry('numpy.load'), undefined);
    assert.equal(allowEntry('numpy.frompyfunc'), undefined);
  });

  for (const [file, { object, writer }] of Object.entries(manifest.files)) {
    it(`${file} (${object}, ${writer}) passes`, async () => {
      assertPasses(await scanFixture(join(DIR, file)));
    });
  }
});
