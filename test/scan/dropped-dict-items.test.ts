// Dicts keep their first KEEP_ITEMS items (values.ts) and count the rest. A derived sink that calls a method on what
// its label names (class-sinks.ts) walks every value reachable from it, and an item a dict did not keep used to make
// every such walk fail closed: a fitted CountVectorizer or TfidfVectorizer (its vocabulary_ maps thousands of words to
// column numbers) was blocked for `BaseEstimator.__setstate__ calls pop of values in its state` (real files written
// by scikit-learn 0.24 - 1.5 in public projects: test/fixtures/real-world/public-manifest.json). An item past the
// kept ones now makes the walk lose something only when its key or value is not plain data (a str, number, bytes,
// None, True, False, or a numpy scalar rebuilt from bytes, which newer scikit-learn writes as the column numbers):
// nothing can be planted on those, and none is a class. A dropped item that holds an object, a
// container or an import still does, wherever it sits. Reads by key (`state.<key>`) still count every dropped item.
// The host class is IsotonicRegression, whose reviewed hook (the scikit-learn history pack) calls pop of values its
// state holds; BaseEstimator's own hook looks pop up on the state dict itself only (test/scan/sklearn-default-size.test.ts).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);
const WORDS = 120;

type Plant = 'none' | 'numpy-ints' | 'value-object' | 'key-import' | 'value-list' | 'object-scalar';

/**
 * A CountVectorizer as scikit-learn pickles it (NEWOBJ, a state dict, BUILD) whose vocabulary_ maps WORDS words to
 * column numbers; item `at` of the vocabulary is replaced as `plant` says.
 */
function vectorizer(at: number, plant: Plant): Uint8Array {
  const p = new P().proto(4);
  p.global('sklearn.isotonic', 'IsotonicRegression').emptyTuple().newobj();
  p.emptyDict().sbu('lowercase').op(0x88); // NEWTRUE
  p.setitem();
  p.sbu('vocabulary_').emptyDict();
  for (let i = 0; i < WORDS; i++) {
    if (i === at && plant === 'value-object') {
      // An instance of an admitted class whose state plants `pop` (xgboost's Booster, admitted only when not called).
      p.sbu(`w${i}`).global('sklearn.tree._classes', 'DecisionTreeClassifier').emptyTuple().newobj();
      p.emptyDict().sbu('pop').global('xgboost.core', 'Booster').setitem().build();
    } else if (i === at && plant === 'key-import') p.global('xgboost.core', 'Booster').int(i);
    else if (i === at && plant === 'value-list') {
      p.sbu(`w${i}`).emptyList().global('sklearn.tree._classes', 'DecisionTreeClassifier').emptyTuple().newobj();
      p.emptyDict().sbu('pop').global('xgboost.core', 'Booster').setitem().build().op(0x61); // APPEND
    } else if (plant === 'numpy-ints' || (i === at && plant === 'object-scalar')) {
      // scikit-learn >= 1.? writes the column numbers as numpy int64 scalars: scalar(dtype('i8'), 8 bytes).
      p.sbu(`w${i}`).global('numpy._core.multiarray', 'scalar');
      p.global('numpy', 'dtype')
        .sbu(i === at && plant === 'object-scalar' ? 'O' : 'i8')
        .op(0x89)
        .op(0x88); // NEWFALSE NEWTRUE
      p.op(0x87).reduce(); // TUPLE3
      if (i === at && plant === 'object-scalar') {
        // The object dtype returns its second argument itself: here an object with pop planted.
        p.global('sklearn.tree._classes', 'DecisionTreeClassifier').emptyTuple().newobj();
        p.emptyDict().sbu('pop').global('xgboost.core', 'Booster').setitem().build();
      } else p.sbb(new Uint8Array([i, 0, 0, 0, 0, 0, 0, 0]));
      p.op(0x86).reduce(); // TUPLE2
    } else p.sbu(`w${i}`).int(i);
    p.setitem();
  }
  p.setitem();
  p.sbu('_sklearn_version').sbu('1.0.2').setitem();
  return p.build().stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  return (await scanBytes('vectorizer.pkl', bytes)).findings
    .filter((f) => BLOCKING.has(f.severity))
    .map((f) => `${f.ruleId} ${f.evidence.signal.slice(0, 160)}`);
}

describe('dict items the analysis did not keep', () => {
  const cases: [string, number, Plant, boolean][] = [
    ['a vocabulary of 120 words (56 not kept), all plain data', 100, 'none', false],
    ['a vocabulary of 120 numpy int64 scalars (56 not kept)', 100, 'numpy-ints', false],
    ['an object with pop planted as word 3 (kept)', 3, 'value-object', true],
    [
      'an object-dtype numpy scalar holding an object with pop planted as word 100 (not kept)',
      100,
      'object-scalar',
      true,
    ],
    ['an object with pop planted as word 100 (not kept)', 100, 'value-object', true],
    ['an import as the key of word 100 (not kept)', 100, 'key-import', true],
    ['a list holding an object with pop planted as word 100 (not kept)', 100, 'value-list', true],
  ];
  for (const [name, at, plant, blocked] of cases) {
    it(`${blocked ? 'blocks' : 'passes'}: ${name}`, async () => {
      const found = await blocking(vectorizer(at, plant));
      if (blocked) assert.ok(found.length > 0, 'passes');
      else assert.deepEqual(found, []);
    });
  }
});
