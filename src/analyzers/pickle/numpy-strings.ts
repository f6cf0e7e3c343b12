// numpy 2's variable-width text dtype (numpy.dtypes.StringDType) in pickles. numpy writes the dtype as
// `_convert_to_stringdtype_kwargs(coerce)` or `(coerce, na_object)` (numpy/_core/_internal.py, numpy 2.0 on), which
// returns StringDType(coerce=coerce[, na_object=na_object]), and an array of it as any array: _reconstruct, then BUILD
// with (version, shape, dtype, is_fortran, data), where data is a list of the items (the dtype's flags hold
// NPY_LIST_PICKLE: bytes are refused). What numpy runs on the stream's values, observed on numpy 2.0.2 and 2.4.6 with
// objects that record their method calls:
// - the constructor: bool(coerce), na_object != na_object, str(na_object);
// - the array's __setstate__, for every item: item == na_object (either side's __eq__), and str(item) when it is not a
//   str and coerce is on (an error otherwise);
// - `array[i] = value` (SETITEM) later: str(value).
// ndarray.__new__(ndarray, shape, dtype, buffer) with this dtype takes raw bytes as packed string records (pointers
// into memory), where numpy's reduce never gives it a buffer. So the dtype is admitted only as numpy writes it: a
// bool coerce, a na_object of None, a float, a str or pandas.NA, used only as an array's dtype in its BUILD state (or
// a joblib array wrapper's), the array's items plain values (no object whose methods would run), and no items given
// to the array afterwards.
import { arrayShapeAt } from './numpy-dtype.js';
import { K, madeByName, type ListV, type ObjV, type PyVal } from './values.js';

/** The function numpy's reduce names, at numpy 2's home and the numpy.core spelling that forwards to it. */
export const STRING_DTYPE_CALLABLES: ReadonlySet<string> = new Set([
  'numpy._core._internal._convert_to_stringdtype_kwargs',
  'numpy.core._internal._convert_to_stringdtype_kwargs',
]);

/** pandas.NA as pickles name it (NAType.__reduce__ returns 'NA': `pandas.NA`), and its defining module. */
const PANDAS_NA: ReadonlySet<string> = new Set(['pandas.NA', 'pandas._libs.missing.NA']);

/** A na_object whose != and str() are the interpreter's own: None, a float or int, a str, pandas.NA. */
function plainNa(v: PyVal): boolean {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return true;
  if (typeof v !== 'object') return false;
  if (v.k === K.None || v.k === K.Float) return true;
  // A str too long to keep is still a str.
  if (v.k === K.Str) return true;
  return v.k === K.Global && PANDAS_NA.has(v.imp.canonical);
}

/**
 * Why a call `_convert_to_stringdtype_kwargs(*args)` is not one numpy writes (its methods would run on the stream's
 * values), or undefined. `args` undefined: the arguments are not all in the stream (a partial adds some).
 */
export function stringDtypeCallProblem(args: PyVal | undefined): string | undefined {
  if (args === undefined) return 'its arguments are not all in the stream (a partial or wrapper adds some)';
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more > 0) return 'its arguments are not a literal tuple';
  const [coerce, na] = args.items;
  if (args.items.length < 1 || args.items.length > 2)
    return `${args.items.length} arguments (numpy writes (coerce,) or (coerce, na_object))`;
  const flag =
    typeof coerce === 'number' || (typeof coerce === 'object' && (coerce.k === K.True || coerce.k === K.False));
  if (!flag) return 'coerce is not a bool or int (the constructor takes its truth value: its __bool__ would run)';
  if (na !== undefined && !plainNa(na))
    return 'na_object is not None, a number, a str or pandas.NA (the constructor runs its != and str())';
  return undefined;
}

/** A StringDType the stream made as numpy writes it (and left as made: no BUILD, nothing set on it). */
export function isStringDtype(v: PyVal | undefined): v is ObjV {
  const name = madeByName(v);
  if (name === undefined || !STRING_DTYPE_CALLABLES.has(name)) return false;
  const o = v as ObjV;
  return o.state === undefined && o.planted === undefined && stringDtypeCallProblem(o.args) === undefined;
}

/** Made by the StringDType function at all (whether or not as numpy writes it). */
export function madeAsStringDtype(v: PyVal | undefined): boolean {
  const name = madeByName(v);
  return name !== undefined && STRING_DTYPE_CALLABLES.has(name);
}

/**
 * The list's items are all known plain: no object but pandas.NA (whose == and str() are pandas' own code), nothing the
 * memo summarised or read back.
 */
function plainList(l: ListV): boolean {
  return (
    l.n !== undefined &&
    (l.objs ?? []).every((o) => typeof o === 'object' && o.k === K.Global && PANDAS_NA.has(o.imp.canonical)) &&
    l.objsMore !== true &&
    l.objsLost !== true &&
    l.readBack !== true &&
    l.lostInto === undefined
  );
}

/** The position of the dtype in an ndarray BUILD state, or -1. */
function dtypeAt(items: readonly PyVal[]): number {
  const at = arrayShapeAt(items.length);
  return at < 0 ? -1 : at + 1;
}

/** An ndarray BUILD state whose dtype is made by the StringDType function. */
export function stringArrayState(state: PyVal): boolean {
  if (typeof state !== 'object' || state.k !== K.Tuple) return false;
  const at = dtypeAt(state.items);
  return at >= 0 && madeAsStringDtype(state.items[at]);
}

/**
 * For an ndarray BUILD state whose dtype is a StringDType call result: why numpy's __setstate__ would run the stream's
 * code or read what the analysis cannot follow, or undefined (also when the dtype is another one).
 */
export function stringArrayStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Tuple) return undefined;
  const it = state.items;
  const at = dtypeAt(it);
  if (at < 0 || !madeAsStringDtype(it[at])) return undefined;
  if (!isStringDtype(it[at])) return 'its StringDType was not made as numpy writes it';
  const data = it[at + 2];
  // numpy refuses anything but a list for this dtype (the load ends in a TypeError).
  if (typeof data !== 'object' || data.k !== K.List) return undefined;
  if (!plainList(data))
    return (
      'an item of its StringDType array is not a plain value: numpy compares every item with na_object and calls ' +
      'str() on it'
    );
  return undefined;
}
