// XGBoost's scikit-learn models (xgboost.sklearn.XGBModel and every subclass: XGBClassifier, XGBRegressor, XGBRanker,
// XGBRF*, the Dask models) in XGBoost 0.47 - 1.0.2 rebuild their booster on unpickling: XGBModel.__setstate__(state)
// passes a '_Booster' that is not a Booster to Booster(model_file=_Booster), whose load_model reads a str as a model
// file path or URL (XGBoosterLoadModel: dmlc streams open local files and remote URLs) and any other value as a model
// buffer. XGBoost itself pickles a Booster, None, or (the oldest releases) the raw model bytes. The state is admitted
// when its '_Booster' is one of those; a str, or a value the analysis cannot read, is reported as the file read.
import { instanceClass } from './instance-class.js';
import { K, type PyVal } from './values.js';

const MODEL_CLASS = /^xgboost\.(?:sklearn\.XGB[A-Za-z]*|dask\.Dask[A-Za-z]*)$/;

/** Classes whose instances run XGBModel.__setstate__ (in the XGBoost versions that define one). */
export function isXgboostModelClass(canonical: string): boolean {
  // The prefix first: a cheap no for the other classes every BUILD asks about.
  return canonical.startsWith('xgboost.') && MODEL_CLASS.test(canonical);
}

const UNKNOWN_KEYS: ReadonlySet<K> = new Set([K.Obj, K.Global, K.Pers, K.Unknown]);

/** Why the booster value would be read as a file path, or undefined when XGBoost parses it as data or keeps it. */
function boosterProblem(v: PyVal): string | undefined {
  if (typeof v === 'string' || (typeof v === 'object' && v.k === K.Str))
    return 'the pickled _Booster is a str: Booster(model_file=...) reads it as a model file path or URL';
  if (typeof v !== 'object') return undefined; // an int: load_model's buffer path raises
  if (v.k === K.None || v.k === K.Bytes || v.k === K.ByteArray) return undefined;
  if (v.k === K.Obj && instanceClass(v)?.canonical === 'xgboost.core.Booster') return undefined;
  if (v.k === K.Tuple || v.k === K.List || v.k === K.Dict || v.k === K.Set || v.k === K.FrozenSet) return undefined;
  return 'the pickled _Booster is a value the analysis cannot read (a str would be read as a model file path)';
}

/**
 * Why XGBModel.__setstate__ with `state` may read a file the stream names, or undefined when it cannot. Unknown,
 * computed or truncated state counts.
 */
export function xgboostModelStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict) return "the state is not a plain dict (state['_Booster'])";
  if (state.opaque || state.n > state.keys.length) return 'the state has more entries than were kept for analysis';
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i]!;
    if (key === '_Booster') {
      const p = boosterProblem(state.vals[i]!);
      if (p !== undefined) return p;
    } else if (typeof key === 'object' && (UNKNOWN_KEYS.has(key.k) || (key.k === K.Str && key.lost === true)))
      return `a state key is not a literal name (${key.k === K.Str ? 'not kept' : 'computed'}) and may be _Booster`;
  }
  return undefined;
}
