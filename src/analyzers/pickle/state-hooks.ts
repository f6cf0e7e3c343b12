// Unpickling hooks of classes that run code the pickled state carries. The VM checks the hook of an instance's class
// (instance-class.ts) wherever state reaches it: BUILD, and torch helpers that call __setstate__ or setattr
// themselves. A hook that would run foreign code is reported as the call it makes (builtins.exec, builtins.eval).
import { ARROW_DTYPES, ARROW_STRING_ARRAYS, arrowDtypeStateProblem, arrowStringStateProblem } from './arrow-arrays.js';
import { BSPLINE_CLASSES, bsplineStateProblem } from './scipy-bspline.js';
import { distributionStateProblem, isScipyDistributionClass } from './scipy-distributions.js';
import { isStatsmodelsDataClass, modelDataStateProblem } from './statsmodels-data.js';
import { isXgboostModelClass, xgboostModelStateProblem } from './xgboost-model.js';
import type { ClassSet } from './instance-class.js';
import { K, type DictV, type PyVal } from './values.js';

export interface StateHook {
  /** The hook's name, e.g. `__setstate__`. */
  readonly hook: string;
  /** What the hook does with the state. */
  readonly what: string;
  /** The callable the hook ends up calling with state-chosen code. */
  readonly runs: { readonly module: string; readonly name: string };
  readonly applies: (classCanonical: string) => boolean;
  /** State keys that make the hook act (an instance of a class the analysis cannot name is checked when present). */
  readonly triggers: readonly string[];
  /** Why this state makes the hook run foreign code, or undefined when it cannot. */
  readonly problem: (state: PyVal) => string | undefined;
}

export const STATE_HOOKS: readonly StateHook[] = [
  {
    hook: '__setstate__',
    what: 'runs exec(self._parse_arg_template) (scipy.stats rv_generic)',
    runs: { module: 'builtins', name: 'exec' },
    applies: isScipyDistributionClass,
    triggers: ['_parse_arg_template', '_attach_methods', '_attach_argparser_methods'],
    problem: (state) => {
      const p = distributionStateProblem(state);
      return p === undefined ? undefined : `execs the pickled _parse_arg_template: ${p}`;
    },
  },
  {
    hook: '__setstate__',
    what: 'evaluates the pickled formula with patsy (statsmodels ModelData)',
    runs: { module: 'builtins', name: 'eval' },
    applies: isStatsmodelsDataClass,
    triggers: ['restore_design_info'],
    problem: modelDataStateProblem,
  },
  {
    hook: '__setstate__',
    what: 'loads a str _Booster as a model file path or URL (XGBoost 0.47 - 1.0.2 XGBModel)',
    runs: { module: 'builtins', name: 'open' },
    applies: isXgboostModelClass,
    triggers: ['_Booster'],
    problem: xgboostModelStateProblem,
  },
  {
    hook: '__setstate__',
    what:
      "hands the state's _pa_array (or _data) to pyarrow.chunked_array, which converts anything but a pyarrow array " +
      'with pyarrow.asarray, and stores the rest on the instance (pandas >= 2.1 ArrowExtensionArray)',
    runs: { module: 'pyarrow.lib', name: 'asarray' },
    applies: (c) => ARROW_STRING_ARRAYS.has(c),
    triggers: ['_pa_array'],
    problem: arrowStringStateProblem,
  },
  {
    hook: '__dict__ update (BUILD)',
    what:
      "stores pyarrow_dtype, which pandas' ArrowDtype.__hash__, __eq__ and name format and compare while a frame is " +
      'rebuilt (pandas 1.5 - 3.0 ArrowDtype)',
    runs: { module: 'builtins', name: 'getattr' },
    applies: (c) => ARROW_DTYPES.has(c),
    triggers: ['pyarrow_dtype'],
    problem: arrowDtypeStateProblem,
  },
  {
    hook: '__dict__ update (BUILD)',
    what:
      "stores t, c and k unchecked, which BSpline.__call__ hands to scipy's evaluate_spline (native reads of knots and " +
      'coefficients by the degree: scipy 1.0 - 1.17 BSpline)',
    runs: { module: 'scipy.interpolate._bspl', name: 'evaluate_spline' },
    applies: (c) => BSPLINE_CLASSES.has(c),
    triggers: ['k'],
    problem: bsplineStateProblem,
  },
  {
    hook: 'property setters',
    what:
      "sets BUILD's slot state through the class's property setters (scikit-learn kernels' theta setter calls " +
      'get_params/set_params, TfidfVectorizer 0.20 - 1.x its _validate_vocabulary, looked up on the instance; ' +
      "hmmlearn's Gaussian models' covars_ setter converts and compares the value's items)",
    runs: { module: 'builtins', name: 'setattr' },
    applies: hasSklearnSetters,
    triggers: [],
    problem: slotStateProblem,
  },
];

/**
 * Classes whose property setters act on more than the value they store: scikit-learn's that call methods looked up on
 * the instance, hmmlearn's Gaussian models' covars_ (a numpy conversion and comparisons of the value's items). Their
 * history packs admit them with a dict state only: neither library writes a slot state, none of them has __slots__.
 */
function hasSklearnSetters(canonical: string): boolean {
  return (
    canonical.startsWith('sklearn.gaussian_process.kernels.') ||
    canonical === 'sklearn.feature_extraction.text.TfidfVectorizer' ||
    canonical === 'hmmlearn.hmm.GaussianHMM' ||
    canonical === 'hmmlearn.vhmm.VariationalGaussianHMM'
  );
}

/** BUILD's (dict, slots) state with slots that may be set: setattr per slot key runs the class's setters. */
function slotStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Tuple) return undefined;
  const slots = state.items[1];
  if (slots === undefined ? state.more === 0 : typeof slots === 'object' && slots.k === K.None) return undefined;
  return 'a slot state (the second item of a (dict, slots) state) runs the property setters; the library writes a dict';
}

/** The hook of `classCanonical` that `state` would turn into foreign code, with why. */
export function stateHookProblem(
  classCanonical: string,
  state: PyVal,
): (Pick<StateHook, 'hook' | 'what' | 'runs'> & { readonly problem: string }) | undefined {
  for (const h of STATE_HOOKS) {
    if (!h.applies(classCanonical)) continue;
    const problem = h.problem(state);
    if (problem !== undefined) return { hook: h.hook, what: h.what, runs: h.runs, problem };
  }
  return undefined;
}

type HookProblem = Pick<StateHook, 'hook' | 'what' | 'runs'> & { readonly problem: string; readonly cls: string };

/** Kinds of keys whose text the stream computes or the VM does not know. */
const UNKNOWN_KEYS: ReadonlySet<K> = new Set([K.Obj, K.Global, K.Pers, K.Unknown]);

/** Whether `state` may set one of `keys` (a literal key, a computed or unkept one, entries beyond those kept). */
function mayCarry(state: PyVal, keys: readonly string[]): boolean {
  if (typeof state !== 'object') return false;
  // A list of pairs or an object the analysis cannot read can set any key through __dict__.update.
  if (state.k === K.List || state.k === K.Unknown || state.k === K.Pers) return true;
  const dicts: DictV[] = [];
  if (state.k === K.Dict) dicts.push(state);
  else if (state.k === K.Tuple) {
    for (const it of state.items) if (typeof it === 'object' && it.k === K.Dict) dicts.push(it);
  } else if (state.k === K.Obj && state.planted !== undefined) dicts.push(state.planted);
  for (const d of dicts) {
    if (d.opaque || d.n > d.keys.length) return true;
    for (const key of d.keys) {
      if (typeof key === 'string') {
        if (keys.includes(key)) return true;
      } else if (typeof key === 'object' && (UNKNOWN_KEYS.has(key.k) || (key.k === K.Str && key.lost === true)))
        return true;
    }
  }
  return false;
}

/**
 * The hooks `state` would turn into foreign code on an instance that may be of any class in `classes`: the hooks of
 * every named class, and, when the class may be one the analysis cannot name, every hook whose trigger keys the state
 * may carry (fail closed: the class might be that hook's).
 */
export function classStateHookProblems(classes: ClassSet, state: PyVal): HookProblem[] {
  const out: HookProblem[] = [];
  for (const h of STATE_HOOKS) {
    const named = classes.names.find((c) => h.applies(c));
    if (named === undefined && !(classes.unknown && mayCarry(state, h.triggers))) continue;
    // An object whose items were planted (SETITEMS) hands those items to __dict__.update as the state.
    const seen = typeof state === 'object' && state.k === K.Obj && state.planted !== undefined ? state.planted : state;
    const problem = h.problem(seen);
    if (problem !== undefined) {
      out.push({ hook: h.hook, what: h.what, runs: h.runs, problem, cls: named ?? 'a class the stream does not name' });
    }
  }
  return out;
}
