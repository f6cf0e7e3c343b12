// Real output of older library versions, written by the libraries themselves in Debian's and Ubuntu's releases of
// the time (test/fixtures/bullseye-real: Debian 11, Python 3.9, scikit-learn 0.23.2, pandas 1.1.5, numpy 1.19.5,
// scipy 1.6.0, statsmodels 0.12.2, joblib 0.17.0, torch 1.7, xgboost 1.2.1, networkx 2.5; test/fixtures/focal-real:
// Ubuntu 20.04, Python 3.8, scikit-learn 0.22.2, numpy 1.17.4, scipy 1.3.3, joblib 0.14.0), by
// scripts/fixtures/sid-real-output.py run in a chroot (scripts/oracle-chroot.sh bullseye DIR for the first). Every
// file passes. Before the packs learnt them, 10 were blocked: a pandas Series in a dateutil zone (the `any` sink's walk
// of the zone's tuple of transitions), Timedelta called as pandas < 2.0 wrote it, ufuncs through numpy <
// 1.20's _ufunc_reconstruct, scipy <= 1.8's rv_frozen and scipy <= 1.5's (ctor_param, random_state) state.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertPasses, fixtureDir, scanFixture } from '../helpers/proof-fixtures.js';

for (const [set, expect] of [
  ['bullseye-real', { numpy: /^1\.19/, sklearn: /^0\.23/, pandas: /^1\.1/ }],
  ['focal-real', { numpy: /^1\.17/, sklearn: /^0\.22/, scipy: /^1\.3/ }],
] as const) {
  const dir = fixtureDir(set);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    versions: Record<string, string>;
    files: Record<string, { object: string; writer: string }>;
  };
  describe(`real output of older library versions (${set})`, () => {
    it('the set was written by the versions it names', () => {
      for (const [lib, re] of Object.entries(expect)) assert.match(manifest.versions[lib]!, re, lib);
      assert.ok(Object.keys(manifest.files).length >= 50);
    });
    for (const [file, { object, writer }] of Object.entries(manifest.files)) {
      it(`${file} (${object}, ${writer}) passes`, async () => {
        assertPasses(await scanFixture(join(dir, file)));
      });
    }
  });
}
