// statsmodels' data classes (statsmodels.base.data.ModelData and its subclasses PandasData, PatsyData) rebuild their
// design info on unpickling: ModelData.__setstate__(d), when d holds 'restore_design_info', runs
// patsy.dmatrices(d['formula'], d['frame'] or d['orig_endog'].join(d['orig_exog']), eval_env=…). patsy evaluates
// every term of the formula as Python code, looking names up in the pickled data, then in the loading process's
// frames, then patsy's builtins, so a call in the formula (`f(x)`) calls whatever the stream makes that name resolve
// to. The state is admitted when it has no 'restore_design_info', or a formula of bare names, numbers, patsy's
// operators (~ + - * / : ** and parentheses) and patsy's categorical marker written as `C(name)`.
// patsy looks every name up in the data first: with a pickled DataFrame, frame[name] runs DataFrame.__getitem__ on
// the DataFrame's pickled state, and NDFrame.__setstate__ sets every state key as an instance attribute (a
// '_constructor_sliced' there is called on the column). The frame must be None (the lookup raises) or a DataFrame
// whose state has only the keys pandas writes; then frame['C'] either raises KeyError (patsy goes on to its own C)
// or is built by the class's own constructors (a Series or DataFrame, which are not callable: C(g) raises TypeError),
// so the stream cannot choose what `C(name)` calls. The argument is looked up like a bare name. Any other call, and
// C with a second argument (patsy calls methods of a contrast object it looks up the same way), is refused.
import { instanceClass } from './instance-class.js';
import { K, type PyVal } from './values.js';

const DATA_CLASSES: ReadonlySet<string> = new Set([
  'statsmodels.base.data.ModelData',
  'statsmodels.base.data.PandasData',
  'statsmodels.base.data.PatsyData',
]);

/** Classes whose instances run ModelData.__setstate__ (a set lookup: asked at every call and BUILD of a class). */
export function isStatsmodelsDataClass(canonical: string): boolean {
  return DATA_CLASSES.has(canonical);
}

const PY_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);
const TOKEN =
  /\s+|([A-Za-z_][A-Za-z0-9_]*)|(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|(\*\*|[~+\-*/:()])/y;

/** The calls admitted in a formula: patsy's categorical marker C, with one bare name as its only argument. */
const ADMITTED_CALLS: ReadonlySet<string> = new Set(['C']);
const MAX_FORMULA = 4096;

type Token = { name?: string; num?: string; op?: string; at: number };

/** patsy's formula tokens, or why the text has something else. */
function tokens(formula: string): Token[] | string {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < formula.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(formula);
    if (!m)
      return `the formula has ${JSON.stringify(formula[at])} at ${at}, outside patsy's operators, names and numbers`;
    const [, name, num, op] = m;
    if (name !== undefined) out.push({ name, at });
    else if (num !== undefined) out.push({ num, at });
    else if (op !== undefined) out.push({ op, at });
  }
  return out;
}

/** Undefined when patsy evaluates nothing but name lookups, numbers and `C(name)` for `formula`; otherwise why not. */
export function formulaProblem(formula: string): string | undefined {
  if (formula.length > MAX_FORMULA) return 'the formula is longer than the analysis reads';
  const toks = tokens(formula);
  if (typeof toks === 'string') return toks;
  let prevAtom = false;
  let depth = 0;
  let atoms = 0;
  for (let i = 0; i < toks.length; i++) {
    const { name, num, op } = toks[i]!;
    if (name !== undefined || num !== undefined) {
      if (name !== undefined && PY_KEYWORDS.has(name)) return `the formula uses the Python keyword '${name}'`;
      // Two atoms in a row form one Python expression patsy evaluates as written.
      if (prevAtom) return `'${name ?? num}' follows another name or number (one Python expression)`;
      if (toks[i + 1]?.op === '(') {
        const arg = toks[i + 2]?.name;
        if (name === undefined || !ADMITTED_CALLS.has(name))
          return `'${name ?? num}(' is a Python call of a name the pickled data may answer`;
        if (arg === undefined || PY_KEYWORDS.has(arg) || toks[i + 3]?.op !== ')')
          return `${name}(…) has an argument other than one bare name (patsy evaluates it as Python)`;
        i += 3; // C ( name ): one term
      }
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

/** NDFrame.__getstate__'s keys for a DataFrame (pandas 1.x; '_data' and '_attrs' in older pickles). */
const FRAME_STATE_KEYS: ReadonlySet<string> = new Set([
  '_mgr',
  '_data',
  '_typ',
  '_metadata',
  'attrs',
  '_attrs',
  '_flags',
]);
const isDict = (v: PyVal | undefined) => typeof v === 'object' && v.k === K.Dict && v.opaque !== true;

/** Why the data patsy looks names up in first may answer with a stream-chosen object, or undefined. */
export function frameProblem(frame: PyVal): string | undefined {
  if (typeof frame === 'object' && frame.k === K.None) return undefined;
  if (
    typeof frame !== 'object' ||
    frame.k !== K.Obj ||
    instanceClass(frame)?.canonical !== 'pandas.core.frame.DataFrame'
  )
    return "the 'frame' patsy looks names up in is not a pandas DataFrame";
  // Every BUILD the frame had: each one's entries stay instance attributes.
  const states = frame.states ?? (frame.state !== undefined ? [frame.state] : [undefined]);
  for (const st of states) {
    const problem = frameStateProblem(st);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function frameStateProblem(st: PyVal | undefined): string | undefined {
  if (typeof st !== 'object' || st.k !== K.Dict || st.opaque === true || st.n !== st.keys.length)
    return "the 'frame' DataFrame's state is not a dict the analysis kept";
  for (let i = 0; i < st.keys.length; i++) {
    const key = st.keys[i]!;
    const val = st.vals[i]!;
    if (typeof key !== 'string' || !FRAME_STATE_KEYS.has(key))
      return `the 'frame' DataFrame's state sets ${typeof key === 'string' ? `'${key}'` : 'a computed key'}, which pandas does not write (it becomes an instance attribute frame[name] may use)`;
    if (key === '_typ' && val !== 'dataframe') return "the 'frame' DataFrame's _typ is not 'dataframe'";
    if ((key === 'attrs' || key === '_attrs' || key === '_flags') && !isDict(val))
      return `the 'frame' DataFrame's ${key} is not a literal dict`;
  }
  return undefined;
}

/**
 * Whether ModelData.__setstate__ with `state` only updates the instance __dict__ (every released version, 0.8 - 0.14:
 * its other code runs under `if "restore_design_info" in d`): a plain dict kept whole whose keys are all literal names,
 * none of them 'restore_design_info'. Then the methods its derived model reaches (orig_endog.join, patsy's lookups in
 * the frame) are never called, whatever the values are.
 */
export function modelDataStateInert(state: PyVal): boolean {
  if (typeof state !== 'object' || state.k !== K.Dict || state.opaque || state.n !== state.keys.length) return false;
  // A key whose text was not kept inline (a long or lost str, a computed object) might be that name: not inert.
  return state.keys.every((key) => (typeof key === 'string' ? key !== 'restore_design_info' : typeof key !== 'object'));
}

/**
 * Why ModelData.__setstate__ with `state` may evaluate a formula or call a pickled object's method, or undefined
 * when it cannot. Unknown, computed or truncated state counts.
 */
export function modelDataStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict)
    return "the state is not a plain dict ('in' and [] on it run its type's code)";
  if (state.opaque || state.n > state.keys.length) return 'the state has more entries than were kept for analysis';
  let restore = false;
  let frame: PyVal | undefined;
  const formulas: PyVal[] = [];
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i]!;
    if (key === 'restore_design_info') restore = true;
    else if (key === 'formula') formulas.push(state.vals[i]!);
    else if (key === 'frame') frame = state.vals[i]!;
    else if (typeof key === 'object' && (UNKNOWN_KEYS.has(key.k) || (key.k === K.Str && key.lost === true)))
      return `a state key is not a literal name (${key.k === K.Str ? 'not kept' : 'computed'}) and may be restore_design_info`;
  }
  if (!restore) return undefined;
  if (frame === undefined) return "no 'frame': __setstate__ calls orig_endog.join(orig_exog) on pickled objects";
  if (formulas.length === 0) return "restore_design_info without a 'formula'";
  for (const f of formulas) {
    if (typeof f !== 'string') return 'the formula cannot be read statically';
    const p = formulaProblem(f);
    if (p !== undefined) return `patsy evaluates the pickled formula ${JSON.stringify(f.slice(0, 80))}: ${p}`;
  }
  const fp = frameProblem(frame);
  if (fp !== undefined)
    return `patsy evaluates the pickled formula with names looked up in the pickled data first: ${fp}`;
  return undefined;
}
