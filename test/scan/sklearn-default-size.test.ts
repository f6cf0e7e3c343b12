// scikit-learn ensembles fitted with their default sizes (scripts/fixtures/sklearn-default-size.py, Debian's
// scikit-learn): a default-size model holds far more objects than the pickle VM keeps in detail, and each must pass.
// BaseEstimator.__setstate__ calls pop on its state dict itself, never on what the state holds: a
// HistGradientBoostingRegressor of 100 iterations was blocked when that call was checked on every value the state
// reaches. Beside them, the case table of that reading: a pop planted on the state itself is still reported.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes, scanPaths } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const DIR = new URL('../fixtures/real/sklearn-default/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { files: string[] };

describe('scikit-learn ensembles of default size pass', () => {
  it('holds the ensembles, by pickle and by joblib', () => {
    assert.ok(manifest.files.length >= 12);
  });
  for (const file of manifest.files)
    it(file, async () => {
      const r = await scanPaths([join(DIR, file)]);
      const blocking = r.findings.filter((f) => BLOCKING.has(f.severity));
      assert.deepEqual(
        blocking.map((f) => f.evidence.signal),
        [],
      );
    });
});

describe("BaseEstimator.__setstate__'s pop is looked up on the state itself", () => {
  /** A DecisionTreeRegressor rebuilt with `state` as its BUILD argument. */
  const tree = (state: (p: P) => P): Uint8Array =>
    state(new P().proto(4).global('sklearn.tree._classes', 'DecisionTreeRegressor').emptyTuple().newobj())
      .build()
      .stop()
      .bytes();
  /** An object whose own state planted pop (xgboost's Booster class, admitted only when not called). */
  const planted = (p: P): P =>
    p
      .global('sklearn.tree._classes', 'DecisionTreeClassifier')
      .emptyTuple()
      .newobj()
      .emptyDict()
      .sbu('pop')
      .global('xgboost.core', 'Booster')
      .setitem()
      .build();
  const cases: [string, (p: P) => P, boolean][] = [
    ['a dict state', (p) => p.emptyDict().sbu('max_depth').int(2).setitem(), false],
    [
      'a dict state holding an object with pop planted (never called)',
      (p) => planted(p.emptyDict().sbu('x')).setitem(),
      false,
    ],
    ['the state an object with pop planted (its pop is called)', planted, true],
  ];
  for (const [what, state, blocked] of cases)
    it(`${blocked ? 'blocks' : 'passes'}: ${what}`, async () => {
      const r = await scanBytes('tree.pkl', tree(state));
      const found = r.findings.filter((f) => BLOCKING.has(f.severity));
      if (blocked) assert.ok(found.length > 0, 'passes');
      else
        assert.deepEqual(
          found.map((f) => f.evidence.signal),
          [],
        );
    });
});
