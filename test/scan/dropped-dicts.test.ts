// Lists keep at most 16 of the items that may run code (values.ts keepObj). An unkept dict used to make every walk of
// the list fail closed, so that pandas' output past the memo's detail budget was blocked: a list of Series names each
// manager's block dicts through the memo's summary list, which then stands for more dicts than a list keeps. An unkept
// dict is now left out without loss when it is whole, its keys are plain text (no special name) and its values are
// plain data or instances that answer no sink method (as an unkept instance is); a walk that reads values by key
// counts it lost when the key is one of the keys it held. A later change to the dict (SETITEMS, also through a memo
// read of the summary standing for it) or to an instance in it (a second BUILD, also of an object whose memo stand-in
// was left out) makes the list's unkept items lost. These cases build the stream a pickler writes (NEWOBJ, BUILD,
// MEMOIZE after every container) with the host class IsotonicRegression, whose reviewed hook (the scikit-learn
// history pack) calls pop of values its state holds; `pop` planted is xgboost's Booster (admitted only when not
// called). Real pandas output: test/fixtures/memo-budget/series-list-*.pkl (test/analyzers/pickle/memo-budget.test.ts).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);
const DICTS = 20;
/** Memo entries before the estimator: past 10,000 the memo keeps stand-ins and summaries. */
const PAST_BUDGET = 10_050;

type Plant =
  | 'none'
  | 'state'
  | 'setitem-dict'
  | 'setitem-summary'
  | 'rebuild-tree'
  | 'rebuild-standin'
  | 'value-list'
  | 'value-import'
  | 'dunder-key';

class Memo {
  n = 0;
  constructor(readonly p: P) {}
  put(): number {
    this.p.memoize();
    return this.n++;
  }
  get(i: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, i, true);
    this.p.op(0x6a, b); // LONG_BINGET
  }
}

function tree(p: P, m: Memo, pop: boolean): number {
  p.global('sklearn.tree._classes', 'DecisionTreeClassifier').emptyTuple().newobj();
  const at = m.put();
  p.emptyDict();
  m.put();
  p.sbu('max_depth').int(2).setitem();
  if (pop) p.sbu('pop').global('xgboost.core', 'Booster').setitem();
  p.build();
  return at;
}

/** IsotonicRegression whose `estimators_` is a list of DICTS dicts {tree, w}; dict `at` changed as `plant` says. */
function estimator(at: number, plant: Plant, padding: number): Uint8Array {
  const p = new P().proto(4);
  const m = new Memo(p);
  for (let i = 0; i < padding; i++) {
    p.emptyList();
    m.put();
    p.pop();
  }
  // A tree stored (and memoized) before the list, read back into dict `at` (past the budget: its stand-in).
  let shared = -1;
  if (plant === 'rebuild-standin') {
    shared = tree(p, m, false);
    p.pop();
  }
  p.global('sklearn.isotonic', 'IsotonicRegression').emptyTuple().newobj();
  m.put();
  p.emptyDict();
  m.put();
  p.sbu('estimators_').emptyList();
  m.put();
  p.mark();
  let dictAt = -1;
  let treeAt = -1;
  for (let i = 0; i < DICTS; i++) {
    p.emptyDict();
    const d = m.put();
    if (i === at) dictAt = d;
    p.mark();
    if (i === at && plant === 'dunder-key') p.sbu('__dict__').int(1);
    p.sbu('tree');
    if (i === at && plant === 'rebuild-standin') m.get(shared);
    else {
      const t = tree(p, m, i === at && plant === 'state');
      if (i === at) treeAt = t;
    }
    p.sbu('w');
    if (i === at && plant === 'value-list') {
      p.emptyList();
      m.put();
      tree(p, m, false);
      p.op(0x61); // APPEND
    } else if (i === at && plant === 'value-import') p.global('xgboost.core', 'Booster');
    else p.int(i);
    p.op(0x75); // SETITEMS
  }
  p.op(0x65); // APPENDS
  p.setitem();
  // After the list: SETITEM on the dict (a memo read: past the budget the summary dict), or BUILD on the tree again.
  if (plant === 'setitem-dict' || plant === 'setitem-summary') {
    m.get(dictAt);
    p.sbu('extra');
    tree(p, m, true);
    p.setitem().pop();
  }
  if (plant === 'rebuild-tree' || plant === 'rebuild-standin') {
    m.get(plant === 'rebuild-tree' ? treeAt : shared);
    p.emptyDict().sbu('pop').global('xgboost.core', 'Booster').setitem().build().pop();
  }
  return p.build().stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  return (await scanBytes('estimator.pkl', bytes)).findings
    .filter((f) => BLOCKING.has(f.severity))
    .map((f) => `${f.ruleId} ${f.evidence.signal.slice(0, 200)}`);
}

describe('dicts a list did not keep', () => {
  const cases: [string, number, Plant, number, boolean][] = [
    ['20 dicts of a tree and a number', 18, 'none', 0, false],
    ['20 dicts of a tree and a number, past the memo budget', 18, 'none', PAST_BUDGET, false],
    ['pop planted in the tree of dict 2 (kept)', 2, 'state', 0, true],
    ['pop planted in the tree of dict 18 (not kept)', 18, 'state', 0, true],
    ['pop planted in the tree of dict 18 (not kept), past the memo budget', 18, 'state', PAST_BUDGET, true],
    ['dict 18 given a tree with pop by SETITEM after the list was filled', 18, 'setitem-dict', 0, true],
    [
      'dict 18 given a tree with pop by SETITEM through the memo summary, past the budget',
      18,
      'setitem-summary',
      PAST_BUDGET,
      true,
    ],
    ['the tree of dict 18 built again with pop after the list was filled', 18, 'rebuild-tree', 0, true],
    ['the tree of dict 18 built again with pop, past the budget', 18, 'rebuild-tree', PAST_BUDGET, true],
    [
      "dict 18 holds a memo stand-in's tree, built again with pop through a memo read after the list was filled",
      18,
      'rebuild-standin',
      PAST_BUDGET,
      true,
    ],
    ['dict 18 holds a list of a tree (not left out: fail closed)', 18, 'value-list', 0, true],
    ['dict 18 holds an import (not left out)', 18, 'value-import', 0, true],
    ['dict 18 has a special key (not left out)', 18, 'dunder-key', 0, true],
  ];
  for (const [name, at, plant, padding, blocked] of cases) {
    it(`${blocked ? 'blocks' : 'passes'}: ${name}`, async () => {
      const found = await blocking(estimator(at, plant, padding));
      if (blocked) assert.ok(found.length > 0, 'passes');
      else assert.deepEqual(found, []);
    });
  }
});
