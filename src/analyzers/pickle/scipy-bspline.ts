// scipy's BSpline in pickles. BSpline is pickled as its instance dict ({t, c, k, extrapolate, axis}: NEWOBJ, then
// BUILD), so the checks its __init__ makes are not made at load, and its evaluation (scipy.interpolate._bspl's
// evaluate_spline, Cython) trusts them: it reads knots t[i - k .. i + k + 1] and coefficients c[i - k .. i] for the
// interval i it finds among t[k .. n], n = len(t) - k - 1. Observed with scipy 1.10.1: a degree of 100000 over 10 knots
// dies of SIGSEGV when the spline is called; coefficients shorter than n return numbers read from outside the array.
// So a BSpline state is admitted only when it holds what __init__ would have accepted (scipy 1.10 - 1.17
// interpolate/_bsplines.py): an int degree k >= 0, 1-D knots of at least 2k + 2 items, coefficients of at least one
// dimension and at least len(t) - k - 1 rows. Knot values (sorted, finite) are not read: evaluate_spline's interval
// search stays within t[k .. n] whatever their order.
import { arrayShape } from './numpy-dtype.js';
import { K, type PyVal } from './values.js';

/** BSpline at its scipy >= 1.8 home and the older public module (scipy 1.0 - 1.7). */
export const BSPLINE_CLASSES: ReadonlySet<string> = new Set([
  'scipy.interpolate._bsplines.BSpline',
  'scipy.interpolate.bsplines.BSpline',
]);

/**
 * The instance dict's keys: scipy <= 1.14 stores t and c, newer releases _t and _c (properties over them) and
 * _asarray (the array namespace's asarray, a function reference judged where the stream names it).
 */
const STATE_KEYS: ReadonlySet<string> = new Set(['t', 'c', '_t', '_c', 'k', 'extrapolate', 'axis', '_asarray']);

/** Why a BSpline BUILD state is not one its __init__ would accept (its evaluation then reads out of bounds). */
export function bsplineStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict) return 'the state is not a dict';
  if (state.opaque === true || state.n > state.keys.length) return 'the state dict was not kept whole';
  const get = (key: string): PyVal | undefined => {
    const i = state.keys.indexOf(key);
    return i < 0 ? undefined : state.vals[i];
  };
  for (const key of state.keys)
    if (typeof key !== 'string' || !STATE_KEYS.has(key)) return `a state key BSpline does not have (${String(key)})`;
  const k = get('k');
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 0) return 'its degree k is not an int >= 0';
  const t = arrayShape(get('_t') ?? get('t'));
  const c = arrayShape(get('_c') ?? get('c'));
  if (t === undefined || c === undefined)
    return 'its knots or coefficients are not arrays whose shape the analysis reads';
  if (t.length !== 1) return `its knots are ${t.length}-dimensional`;
  const n = t[0]! - k - 1;
  if (n < k + 1) return `${t[0]} knots for degree ${k} (at least ${2 * k + 2} needed)`;
  if (c.length < 1 || c[0]! < n) return `coefficients of ${c.length < 1 ? 'no' : c[0]} rows for ${n} basis functions`;
  return undefined;
}
