// Lists keep at most 16 of the items that may run code (values.ts keepObj). A derived sink that calls a method on
// what its label names (class-sinks.ts) walks every value reachable from it, and an item the list did not keep used
// to make every such walk fail closed: a RandomForestClassifier of more than 16 trees, as scikit-learn writes it, was
// blocked. An unkept instance now counts as lost only when it answers a method some derived sink calls, holds items,
// or changes after it was judged (a later BUILD on it, or SETITEMS on its state dict). These cases build the
// stream scikit-learn writes for a forest (NEWOBJ of each tree, a BUILD of its dict) and plant the method on one tree.
// The host class is IsotonicRegression, whose reviewed hook (the scikit-learn history pack) calls pop of values its
// state holds; BaseEstimator's own hook looks pop up on the state dict itself only (test/scan/sklearn-default-size.test.ts).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);
const TREES = 20;

type Plant = 'none' | 'state' | 'rebuild' | 'state-dict';

/** A forest of TREES trees; tree `at` gets `pop` = xgboost's Booster (admitted only when not called) as `plant` says. */
function forest(at: number, plant: Plant): Uint8Array {
  const p = new P().proto(4);
  p.global('sklearn.isotonic', 'IsotonicRegression').emptyTuple().newobj();
  p.emptyDict().sbu('estimators_').emptyList().mark();
  for (let i = 0; i < TREES; i++) {
    p.global('sklearn.tree._classes', 'DecisionTreeClassifier').emptyTuple().newobj();
    if (i === at) p.binput(200);
    p.emptyDict();
    if (i === at) p.binput(201);
    p.sbu('max_depth').int(2).setitem();
    if (i === at && plant === 'state') p.sbu('pop').global('xgboost.core', 'Booster').setitem();
    p.build();
  }
  p.op(0x65); // APPENDS
  p.setitem();
  // After the list: a second BUILD on the tree, or SETITEMS on its state dict.
  if (plant === 'rebuild')
    p.binget(200).emptyDict().sbu('pop').global('xgboost.core', 'Booster').setitem().build().pop();
  if (plant === 'state-dict') p.binget(201).sbu('pop').global('xgboost.core', 'Booster').setitem().pop();
  return p.build().stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  return (await scanBytes('forest.pkl', bytes)).findings
    .filter((f) => BLOCKING.has(f.severity))
    .map((f) => `${f.ruleId} ${f.evidence.signal.slice(0, 160)}`);
}

describe('list items the analysis did not keep', () => {
  const cases: [string, number, Plant, boolean][] = [
    ['a forest of 20 trees, nothing planted', 17, 'none', false],
    ['pop planted in the state of tree 2 (kept)', 1, 'state', true],
    ['pop planted in the state of tree 18 (not kept)', 17, 'state', true],
    ['tree 18 built again with pop after the list was filled', 17, 'rebuild', true],
    ["tree 18's state dict given pop by SETITEM after the list was filled", 17, 'state-dict', true],
  ];
  for (const [name, at, plant, blocked] of cases) {
    it(`${blocked ? 'blocks' : 'passes'}: ${name}`, async () => {
      const found = await blocking(forest(at, plant));
      if (blocked) assert.ok(found.length > 0, 'passes');
      else assert.deepEqual(found, []);
    });
  }
});
