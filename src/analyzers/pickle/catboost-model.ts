// CatBoost's models (catboost.core.CatBoost and its subclasses, the CatBoost history pack) rebuild themselves on
// unpickling with _CatBoostBase.__setstate__(state), which every released version writes the same way: one BUILD of a
// dict of str keys whose '__model' holds the model CatBoost's native library serialized (bytes, handed to its model
// reader), whose '_test_evals' holds a list per eval set of rows of metric values (0.1 - 0.8: '_test_eval', the rows of
// one set; the native _set_test_evals iterates them and converts each value with float()), and whose other entries
// are stored (setattr of a few attributes, self._init_params.update(state), 0.1.1 - 0.1.1.5 self.__dict__.update).
// The history pack admits the classes in that shape only (HistoryCheck 'catboost-state'); any other state — a
// non-dict, keys the analysis cannot read, a model that is not bytes, metric values that hold objects whose
// __float__/__iter__/__len__ would run, a second BUILD on one model — is reported.
import { K, LIST, type PyVal } from './values.js';

/** Keys whose values the hook hands to library code, with the list nesting the native code iterates. */
const TEST_EVAL_DEPTH: Readonly<Record<string, number>> = { _test_eval: 2, _test_evals: 3 };
const MODEL_KEY = '__model';
const HANDLED = new Set([MODEL_KEY, ...Object.keys(TEST_EVAL_DEPTH)]);

/** Plain data converting with float() or iterating over runs no code of the stream's. */
function plainLeaf(v: PyVal): boolean {
  if (typeof v !== 'object') return true;
  return (
    v.k === K.Float ||
    v.k === K.True ||
    v.k === K.False ||
    v.k === K.None ||
    v.k === K.Str ||
    v.k === K.Bytes ||
    v.k === K.ByteArray
  );
}

/**
 * Why `v` is not nested lists/tuples (at most `depth` levels) of plain data, or undefined. A list keeps only the items
 * that may run code (values.ts keepObj): one that kept none, dropped none and is not a stand-in holds plain data only
 * (a list of plain data nested deeper than CatBoost writes only makes float() raise).
 */
function metricRowsProblem(v: PyVal, depth: number): string | undefined {
  if (plainLeaf(v) || typeof v !== 'object') return undefined;
  if (v.k !== K.Tuple && v.k !== K.List)
    return `${v.k === K.Obj ? 'an object' : 'a value'} where CatBoost writes numbers (float() or iteration would run its code)`;
  if (depth === 0) return 'a container nested deeper than CatBoost writes';
  if (v.k === K.Tuple) {
    if (v.more > 0) return 'a tuple with more items than the analysis kept';
    for (const it of v.items) {
      const p = metricRowsProblem(it, depth - 1);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (v === LIST || v.objsMore === true || v.objsLost === true || v.lostInto !== undefined || v.readBack === true)
    return 'a list whose items the analysis did not keep';
  for (const it of v.items ?? v.objs ?? []) {
    const p = metricRowsProblem(it, depth - 1);
    if (p !== undefined) return p;
  }
  return undefined;
}

/**
 * Why `state`, given to the `builds`-th BUILD of a CatBoost model, is not the state CatBoost writes, or undefined.
 * Unknown, computed or truncated state counts.
 */
export function catboostStateProblem(state: PyVal, builds: number): string | undefined {
  if (builds > 1)
    return 'a second BUILD on one model (CatBoost writes one; 0.1.1 - 0.1.1.5 put the first state into the instance __dict__, where the second __setstate__ would call what it planted)';
  if (typeof state !== 'object' || state.k !== K.Dict) return 'the state is not a plain dict';
  if (state.opaque === true || state.n > state.keys.length) return 'the state has entries the analysis did not keep';
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i]!;
    if (typeof key !== 'string') {
      // A long literal str key is a parameter name longer than the keys the hook reads; anything else may be one.
      if (typeof key === 'object' && key.k === K.Str && key.lost !== true && key.len > MODEL_KEY.length * 4) continue;
      return 'a state key is not literal text (it may be a key the hook hands to library code)';
    }
    if (!HANDLED.has(key)) continue;
    const v = state.vals[i]!;
    if (key === MODEL_KEY) {
      if (typeof v !== 'object' || (v.k !== K.Bytes && v.k !== K.ByteArray))
        return "the '__model' entry is not bytes (CatBoost writes the serialized model as bytes)";
      continue;
    }
    const p = metricRowsProblem(v, TEST_EVAL_DEPTH[key]!);
    if (p !== undefined) return `the '${key}' entry holds ${p}`;
  }
  return undefined;
}
