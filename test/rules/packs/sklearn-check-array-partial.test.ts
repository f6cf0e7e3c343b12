// HistGradientBoosting* of scikit-learn >= 1.4, fitted on a frame with categorical columns, keep
// FunctionTransformer(functools.partial(check_array, dtype=[numpy.float64], ensure_all_finite=False)) for the
// numerical columns. functools.partial stays refused by the python pack; this one is admitted when every use of the
// import is that shape (vetted-uses.ts): check_array is a stored reference of the scikit-learn pack, the partial is
// never called, its bound keywords are check_array's dtype (numpy types) and finiteness flag (a bool or 'allow-nan')
// only. Real scikit-learn 1.9 output: test/fixtures/sid-real/sk-hgb-categorical.* (scripts/fixtures/sid-real-output.py).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

type Twin = 'none' | 'force-all-finite' | 'estimator-keyword' | 'object-dtype' | 'called' | 'other-function';

/** partial(check_array, dtype=[numpy.float64], ensure_all_finite=False) as FunctionTransformer's func, per `twin`. */
function transformer(twin: Twin): Uint8Array {
  const f: [string, string] =
    twin === 'other-function' ? ['sklearn.utils.validation', 'check_X_y'] : ['sklearn.utils.validation', 'check_array'];
  const p = new P().proto(4);
  p.global('sklearn.preprocessing._function_transformer', 'FunctionTransformer').emptyTuple().newobj();
  p.emptyDict().sbu('func');
  p.global('functools', 'partial')
    .global(...f)
    .op(0x85)
    .reduce(); // TUPLE1, REDUCE
  p.binput(9);
  p.mark()
    .global(...f)
    .emptyTuple()
    .emptyDict();
  p.sbu('dtype');
  if (twin === 'object-dtype') p.global('sklearn.preprocessing._function_transformer', 'FunctionTransformer');
  else p.emptyList().global('numpy', 'float64').op(0x61); // APPEND
  p.setitem();
  p.sbu(twin === 'force-all-finite' ? 'force_all_finite' : 'ensure_all_finite')
    .op(0x89)
    .setitem(); // NEWFALSE
  if (twin === 'estimator-keyword')
    p.sbu('estimator').global('sklearn.preprocessing._function_transformer', 'FunctionTransformer').setitem();
  p.none().op(0x74).build(); // __dict__ None, TUPLE, BUILD
  p.setitem().build();
  if (twin === 'called') p.binget(9).emptyTuple().reduce().pop();
  return p.stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes('hgb.pkl', bytes);
  return r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal);
}

describe('functools.partial over scikit-learn check_array (HistGradientBoosting with categorical columns)', () => {
  it('as scikit-learn >= 1.6 writes it: passes', async () => {
    assert.deepEqual(await blocking(transformer('none')), []);
  });
  it('as 1.4 - 1.5 write it (force_all_finite): passes', async () => {
    assert.deepEqual(await blocking(transformer('force-all-finite')), []);
  });
  const twins: [string, Twin][] = [
    ['an estimator object bound as a keyword', 'estimator-keyword'],
    ['an object as the dtype', 'object-dtype'],
    ['the partial called in the stream', 'called'],
    ['a partial of a function the pack does not admit', 'other-function'],
  ];
  for (const [what, twin] of twins)
    it(`refused: ${what}`, async () => {
      const found = await blocking(transformer(twin));
      assert.ok(found.length > 0, 'no finding');
    });
});
