// Tuples keep their first KEEP_ITEMS items (values.ts). A derived sink that calls a method on what its label names
// (class-sinks.ts) walks every value reachable from it, and a tuple with more items used to make every such walk fail
// closed: scikit-learn's IsolationForest keeps tuples of one array per tree (_decision_path_lengths,
// _average_path_length_per_tree: zip(*...) of 100 trees by default), and real forests of public projects
// (test/fixtures/real-world/public-manifest.json) were blocked for `BaseEstimator.__setstate__ calls pop of values in
// its state`. Unkept tuple items now follow the rule of unkept list items (test/scan/dropped-items.test.ts):
// plain data, or an instance that answers no sink method and holds no items, is not lost; the instance is remembered,
// and a later BUILD or SETITEMS on it (or on its state dict) makes the tuple's unkept items lost. Anything else that
// may run code (an import, an instance that answers a sink method) makes them lost at once.
// The host class is IsotonicRegression, whose reviewed hook (the scikit-learn history pack) calls pop of values its
// state holds; BaseEstimator's own hook looks pop up on the state dict itself only (test/scan/sklearn-default-size.test.ts).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);
const TREES = 100;

type Plant = 'none' | 'state' | 'import' | 'rebuild' | 'state-dict';

/** An IsolationForest whose state holds a tuple of TREES instances; item `at` is planted as `plant` says. */
function forest(at: number, plant: Plant): Uint8Array {
  const p = new P().proto(4);
  p.global('sklearn.isotonic', 'IsotonicRegression').emptyTuple().newobj();
  p.emptyDict().sbu('_decision_path_lengths').mark();
  for (let i = 0; i < TREES; i++) {
    if (i === at && plant === 'import') {
      p.global('xgboost.core', 'Booster');
      continue;
    }
    p.global('sklearn.tree._classes', 'ExtraTreeRegressor').emptyTuple().newobj();
    if (i === at) p.binput(200);
    p.emptyDict();
    if (i === at) p.binput(201);
    p.sbu('max_depth').int(2).setitem();
    if (i === at && plant === 'state') p.sbu('pop').global('xgboost.core', 'Booster').setitem();
    p.build();
  }
  p.op(0x74); // TUPLE
  p.setitem();
  if (plant === 'rebuild')
    p.binget(200).emptyDict().sbu('pop').global('xgboost.core', 'Booster').setitem().build().pop();
  if (plant === 'state-dict') p.binget(201).sbu('pop').global('xgboost.core', 'Booster').setitem().pop();
  p.sbu('_sklearn_version').sbu('1.3.2').setitem();
  return p.build().stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  return (await scanBytes('iforest.pkl', bytes)).findings
    .filter((f) => BLOCKING.has(f.severity))
    .map((f) => `${f.ruleId} ${f.evidence.signal.slice(0, 160)}`);
}

describe('tuple items the analysis did not keep', () => {
  const cases: [string, number, Plant, boolean][] = [
    ['a tuple of 100 trees, nothing planted', 80, 'none', false],
    ['pop planted in the state of tree 3 (kept)', 3, 'state', true],
    ['pop planted in the state of tree 81 (not kept)', 80, 'state', true],
    ['an import as item 81 (not kept)', 80, 'import', true],
    ['tree 81 built again with pop after the tuple was made', 80, 'rebuild', true],
    ["tree 81's state dict given pop by SETITEM after the tuple was made", 80, 'state-dict', true],
  ];
  for (const [name, at, plant, blocked] of cases) {
    it(`${blocked ? 'blocks' : 'passes'}: ${name}`, async () => {
      const found = await blocking(forest(at, plant));
      if (blocked) assert.ok(found.length > 0, 'passes');
      else assert.deepEqual(found, []);
    });
  }
});
