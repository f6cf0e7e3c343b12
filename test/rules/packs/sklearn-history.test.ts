// The scikit-learn history pack (scripts/data/history/scikit-learn.py, derived by scripts/data/derive-history.py
// scikit-learn from 49 released versions, 0.15.0 - 1.9.0): estimators at the module locations older releases defined
// them pass, each naming the pack and the version range, and the effect model of their old hooks
// (history-effects-scikit-learn.json) still catches a state that plants a callable where those hooks call it.
// Streams are written here opcode by opcode, the way CPython's pickler writes an estimator (NEWOBJ, then BUILD).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { classHookSinksAll } from '../../../src/analyzers/pickle/callable-effects.js';
import { allowEntry, refusedBy } from '../../../src/rules/data/allowlist.js';
import { scanBytes } from '../../../src/scan/engine.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
/** BINUNICODE */
const str = (s: string): Buffer => Buffer.concat([Buffer.from('X'), u32(Buffer.byteLength(s)), Buffer.from(s)]);
const glob = (module: string, name: string): Buffer => Buffer.from(`c${module}\n${name}\n`, 'latin1');
/** A dict of str keys and small ints or strs, as EMPTY_DICT MARK ... SETITEMS. */
const dict = (kv: [string, number | string][]): Buffer =>
  Buffer.concat([
    Buffer.from('}('),
    ...kv.flatMap(([k, v]) => [str(k), typeof v === 'number' ? Buffer.from([0x4b, v]) : str(v)]),
    Buffer.from('u'),
  ]);
/** cls.__new__(cls) then BUILD with `state`, at protocol 2. */
const estimator = (module: string, name: string, state: Buffer): Buffer =>
  Buffer.concat([Buffer.from([0x80, 2]), glob(module, name), Buffer.from(')\x81', 'latin1'), state, Buffer.from('b.')]);

async function blocking(name: string, bytes: Uint8Array) {
  const r = await scanBytes(name, bytes);
  return { r, blocking: r.findings.filter((f) => BLOCKING.has(f.severity)) };
}

describe('scikit-learn history pack', () => {
  it('admits estimators where older releases defined them, through __new__, naming the versions', () => {
    const cases: [string, RegExp][] = [
      ['sklearn.linear_model.logistic.LogisticRegression', /^scikit-learn 0\.15\.0 - 0\.21\.3$/],
      ['sklearn.preprocessing.data.StandardScaler', /^scikit-learn 0\.15\.0 - 0\.21\.3$/],
      ['sklearn.ensemble.forest.RandomForestClassifier', /^scikit-learn 0\.15\.0 - 0\.21\.3$/],
      ['sklearn.ensemble.gradient_boosting.BinomialDeviance', /^scikit-learn 0\.15\.0 - 0\.21\.3$/],
    ];
    for (const [name, versions] of cases) {
      const e = allowEntry(name);
      assert.equal(e?.source, 'scikit-learn', name);
      assert.equal(e?.calls, 'new', name);
      assert.match(e?.versions ?? '', versions, name);
    }
  });

  it('a current name also listed by the installed pack adds the released versions to its evidence', () => {
    const e = allowEntry('sklearn.linear_model._logistic.LogisticRegression');
    assert.equal(e?.source, 'scikit-learn');
    assert.match(e?.versions ?? '', /^scikit-learn 1\.2\.1; scikit-learn 0\.22 - /);
  });

  it('an estimator pickled by scikit-learn 0.20 passes, naming the pack and versions', async () => {
    const bytes = estimator(
      'sklearn.linear_model.logistic',
      'LogisticRegression',
      dict([
        ['penalty', 'l2'],
        ['max_iter', 100],
        ['_sklearn_version', '0.20.3'],
      ]),
    );
    const { r, blocking: b } = await blocking('old-logistic.pkl', bytes);
    assert.deepEqual(
      b.map((f) => f.evidence.signal),
      [],
    );
    const admitted = r.pickles.flatMap((p) => p.admitted ?? []);
    assert.deepEqual(admitted, [
      {
        name: 'sklearn.linear_model.logistic.LogisticRegression',
        pack: 'scikit-learn',
        versions: 'scikit-learn 0.15.0 - 0.21.3',
        reading: 'pickle.load with scikit-learn 0.15.0 - 0.21.3',
      },
    ]);
  });

  it("an old estimator whose state plants 'pop' (BaseEstimator.__setstate__ calls state.pop) is blocked", async () => {
    // The soundness fixture's stream, with the class moved to where scikit-learn 0.15 - 0.21 defined it.
    const attack = readFileSync(new URL('../../fixtures/soundness/m2-sklearn-setstate-state-pop.pkl', import.meta.url));
    const cut = attack.indexOf(0x93); // STACK_GLOBAL of the estimator class
    const bytes = Buffer.concat([
      Buffer.from([0x80, 4]),
      glob('sklearn.linear_model.base', 'LinearRegression'),
      attack.subarray(cut + 1),
    ]);
    assert.equal(allowEntry('sklearn.linear_model.base.LinearRegression')?.source, 'scikit-learn');
    const { blocking: b } = await blocking('old-state-pop.pkl', bytes);
    assert.ok(
      b.some((f) => f.evidence.signal.includes('tzfile')),
      b.map((f) => f.evidence.signal).join('\n'),
    );
  });

  it('a kernel with a dict state passes; with a slot state (its theta setter runs) it is blocked', async () => {
    const state = dict([['length_scale', 1]]);
    const ok = await blocking('rbf.pkl', estimator('sklearn.gaussian_process.kernels', 'RBF', state));
    assert.deepEqual(
      ok.blocking.map((f) => f.evidence.signal),
      [],
    );
    const slots = Buffer.concat([state, dict([['theta', 1]]), Buffer.from([0x86])]); // TUPLE2 (dict, slots)
    const bad = await blocking('rbf-slots.pkl', estimator('sklearn.gaussian_process.kernels', 'RBF', slots));
    assert.ok(
      bad.blocking.some((f) => f.evidence.signal.includes('setattr')),
      bad.r.findings.map((f) => f.evidence.signal).join('\n'),
    );
  });

  it('IsotonicRegression of 0.16 - 1.x: a state key _build_f is called by the old __setstate__ (modelled)', () => {
    const sinks = classHookSinksAll('sklearn.isotonic.IsotonicRegression', 'setstate');
    assert.ok(
      sinks.some((s) => s.rec.sinks['state._build_f']?.call !== undefined),
      JSON.stringify(sinks.map((s) => s.ref)),
    );
  });

  it('score functions at their 0.15 - 0.21 locations pass as values a selector holds, never as calls', async () => {
    const fns = ['chi2', 'f_classif', 'f_oneway', 'f_regression'].map(
      (f) => `sklearn.feature_selection.univariate_selection.${f}`,
    );
    fns.push(
      'sklearn.feature_selection.mutual_info_.mutual_info_classif',
      'sklearn.feature_selection.mutual_info_.mutual_info_regression',
    );
    for (const name of fns) {
      const e = allowEntry(name);
      assert.equal(e?.source, 'scikit-learn', name);
      assert.equal(e?.calls, 'none', name);
      assert.match(e?.versions ?? '', /^scikit-learn 0\.1[58]\S* - 0\.21\.3$/, name);
    }
    // SelectKBest as 0.20 pickles it: NEWOBJ, then BUILD with score_func named by GLOBAL.
    const state = Buffer.concat([
      Buffer.from('}('),
      str('score_func'),
      glob('sklearn.feature_selection.univariate_selection', 'f_classif'),
      str('k'),
      Buffer.from([0x4b, 2]),
      str('_sklearn_version'),
      str('0.20.3'),
      Buffer.from('u'),
    ]);
    const selector = estimator('sklearn.feature_selection.univariate_selection', 'SelectKBest', state);
    const { r, blocking: ok } = await blocking('select-k-best.pkl', selector);
    assert.deepEqual(
      ok.map((f) => f.evidence.signal),
      [],
    );
    assert.ok(
      r.pickles
        .flatMap((p) => p.admitted ?? [])
        .some((a) => a.name === fns[1] && a.versions === 'scikit-learn 0.15.0 - 0.21.3'),
      JSON.stringify(r.pickles.map((p) => p.admitted)),
    );
    // The same function called by the stream (REDUCE with the stream's arguments) is refused.
    const call = Buffer.concat([
      Buffer.from([0x80, 2]),
      glob('sklearn.feature_selection.univariate_selection', 'f_classif'),
      str('a'),
      str('b'),
      Buffer.from([0x86]), // TUPLE2
      Buffer.from('R.'),
    ]);
    const bad = await blocking('f-classif-call.pkl', call);
    assert.ok(
      bad.blocking.some((f) => f.evidence.signal.includes('univariate_selection.f_classif')),
      bad.r.findings.map((f) => f.evidence.signal).join('\n'),
    );
  });

  it('metadata-routing requests (1.3 on) pass rebuilt through __new__; called with arguments they are refused', async () => {
    for (const n of ['MetadataRequest', 'MethodMetadataRequest']) {
      const e = allowEntry(`sklearn.utils._metadata_requests.${n}`);
      assert.equal(e?.source, 'scikit-learn', n);
      assert.equal(e?.calls, 'new', n);
    }
    const request = estimator(
      'sklearn.utils._metadata_requests',
      'MetadataRequest',
      dict([['owner', 'LogisticRegression']]),
    );
    const ok = await blocking('metadata-request.pkl', request);
    assert.deepEqual(
      ok.blocking.map((f) => f.evidence.signal),
      [],
    );
    const call = Buffer.concat([
      Buffer.from([0x80, 2]),
      glob('sklearn.utils._metadata_requests', 'MetadataRequest'),
      str('owner'),
      Buffer.from([0x85]), // TUPLE1
      Buffer.from('R.'),
    ]);
    const bad = await blocking('metadata-request-call.pkl', call);
    assert.ok(
      bad.blocking.some((f) => f.evidence.signal.includes('MetadataRequest')),
      bad.r.findings.map((f) => f.evidence.signal).join('\n'),
    );
  });

  it("refuses 0.17's Bunch (no __setstate__: BUILD asks its items)", () => {
    assert.equal(allowEntry('sklearn.datasets.base.Bunch'), undefined);
    assert.match(refusedBy('sklearn.datasets.base.Bunch')?.reason ?? '', /0\.17/);
  });
});
