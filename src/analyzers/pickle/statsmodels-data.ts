// statsmodels' data classes (statsmodels.base.data.ModelData and its subclasses PandasData, PatsyData) rebuild their
// design info on unpickling: ModelData.__setstate__(d), when d holds 'restore_design_info', runs
// patsy.dmatrices(d['formula'], d['frame'] or d['orig_endog'].join(d['orig_exog']), eval_env=…). patsy evaluates
// every term of the formula as Python code, looking names up in the pickled data, then in the caller's frames, so a
// call in the formula (`f(x)`, even patsy's own `C(x)`) calls whatever the stream makes that name resolve to. The
// state is admitted when it has no 'restore_design_info', or a formula of bare names, numbers and patsy's operators
// only (patsy's grammar: ~ + - * / : ** and parentheses; a name followed by `(` is a Python call).
import { K, type PyVal } from './values.js';

const DATA_CLASS = /^statsmodels\.base\.data\.(?:ModelData|PandasData|PatsyData)$/;

/** Classes whose instances run ModelData.__setstate__. */
export function isStatsmodelsDataClass(canonical: string): boolean {
  return DATA_CLASS.test(canonical);
}

const PY_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);
const TOKEN =
  /\s+|([A-Za-z_][A-Za-z0-9_]*)|(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|(\*\*|[~+\-*/:()])/y;

/** Undefined when patsy evaluates nothing but name lookups and numbers for `formula`; otherwise why not. */
export function formulaProblem(formula: string): string | undefined {
  if (formula.length > 4096) return 'the formula is longer than the analysis reads';
  let prevAtom = false;
  let depth = 0;
  let atoms = 0;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < formula.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(formula);
    if (!m)
      return `the formula has ${JSON.stringify(formula[at])} at ${at}, outside patsy's operators, names and numbers`;
    const [, name, num, op] = m;
    if (name !== undefined || num !== undefined) {
      if (name !== undefined && PY_KEYWORDS.has(name)) return `the formula uses the Python keyword '${name}'`;
      // Two atoms in a row form one Python expression patsy evaluates as written.
      if (prevAtom) return `'${name ?? num}' follows another name or number (one Python expression)`;
      prevAtom = true;
      atoms++;
    } else if (op !== undefined) {
      if (op === '(') {
        if (prevAtom) return 'a name or number followed by ( is a Python call';
        depth++;
      } else if (op === ')') {
        if (--depth < 0) return 'unbalanced parentheses';
      }
      // After `)` a name or `(` would extend the expression; after an operator or `(` anything may follow.
      prevAtom = op === ')';
    }
  }
  if (depth !== 0) return 'unbalanced parentheses';
  return atoms === 0 ? 'the formula has no terms' : undefined;
}

/** Kinds of keys whose text the stream computes or the VM does not know. */
const UNKNOWN_KEYS: ReadonlySet<K> = new Set([K.Obj, K.Global, K.Pers, K.Unknown]);

/**
 * Why ModelData.__setstate__ with `state` may evaluate a formula or call a pickled object's method, or undefined
 * when it cannot. Unknown, computed or truncated state counts.
 */
export function modelDataStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict)
    return "the state is not a plain dict ('in' and [] on it run its type's code)";
  if (state.opaque || state.n > state.keys.length) return 'the state has more entries than were kept for analysis';
  let restore = false;
  let frame = false;
  const formulas: PyVal[] = [];
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i]!;
    if (key === 'restore_design_info') restore = true;
    else if (key === 'formula') formulas.push(state.vals[i]!);
    else if (key === 'frame') frame = true;
    else if (typeof key === 'object' && (UNKNOWN_KEYS.has(key.k) || (key.k === K.Str && key.lost === true)))
      return `a state key is not a literal name (${key.k === K.Str ? 'not kept' : 'computed'}) and may be restore_design_info`;
  }
  if (!restore) return undefined;
  if (!frame) return "no 'frame': __setstate__ calls orig_endog.join(orig_exog) on pickled objects";
  if (formulas.length === 0) return "restore_design_info without a 'formula'";
  for (const f of formulas) {
    if (typeof f !== 'string') return 'the formula cannot be read statically';
    const p = formulaProblem(f);
    if (p !== undefined) return `patsy evaluates the pickled formula ${JSON.stringify(f.slice(0, 80))}: ${p}`;
  }
  return undefined;
}
