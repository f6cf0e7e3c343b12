// The effect model of the callables the allowlist packs admit (data/callable-effects.json, derived and probed against
// the libraries by scripts/data/derive-callable-effects.py): what a call returns, what it calls, and which argument
// classes the library itself passes. The VM follows classes through calls with it and reports calls outside it.
import { keyedJson, lazyJson } from '../../core/lazy-json.js';
import { Memo2 } from '../../core/memo2.js';
import admittedWork from './data/admitted-work.json' with { type: 'json' };
import effects from './data/callable-effects.json' with { type: 'json' };
import history from './data/history-effects.json' with { type: 'json' };
import catboostHistory from './data/history-effects-catboost.json' with { type: 'json' };
import neatHistory from './data/history-effects-neat-python.json' with { type: 'json' };
import nltkHistory from './data/history-effects-nltk.json' with { type: 'json' };
import sklearnCrfsuiteHistory from './data/history-effects-sklearn-crfsuite.json' with { type: 'json' };
import lifelinesHistory from './data/history-effects-lifelines.json' with { type: 'json' };
import quantileForestHistory from './data/history-effects-quantile-forest.json' with { type: 'json' };
import omegaconfHistory from './data/history-effects-omegaconf.json' with { type: 'json' };
import pandasHistory from './data/history-effects-pandas.json' with { type: 'json' };
import pmdarimaHistory from './data/history-effects-pmdarima.json' with { type: 'json' };
import pyramidHistory from './data/history-effects-pyramid.json' with { type: 'json' };
import skforecastHistory from './data/history-effects-skforecast.json' with { type: 'json' };
import lookupHooks from './data/lookup-hooks.json' with { type: 'json' };
import sklearnHistory from './data/history-effects-scikit-learn.json' with { type: 'json' };
import statsmodelsHistory from './data/history-effects-statsmodels.json' with { type: 'json' };
import gymnasiumHistory from './data/history-effects-gymnasium.json' with { type: 'json' };
import sb3History from './data/history-effects-stable-baselines3.json' with { type: 'json' };
import prophetHistory from './data/history-effects-prophet.json' with { type: 'json' };
import cmdstanpyHistory from './data/history-effects-cmdstanpy.json' with { type: 'json' };
import stanioHistory from './data/history-effects-stanio.json' with { type: 'json' };
import accelerateHistory from './data/history-effects-accelerate.json' with { type: 'json' };
import transformersHistory from './data/history-effects-transformers.json' with { type: 'json' };
import trlHistory from './data/history-effects-trl.json' with { type: 'json' };
import scipyHistory from './data/history-effects-scipy.json' with { type: 'json' };
import docutilsHistory from './data/history-effects-docutils.json' with { type: 'json' };
import sphinxHistory from './data/history-effects-sphinx.json' with { type: 'json' };
import mystParserHistory from './data/history-effects-myst-parser.json' with { type: 'json' };
import pybtexHistory from './data/history-effects-pybtex.json' with { type: 'json' };
import bibtexHistory from './data/history-effects-sphinxcontrib-bibtex.json' with { type: 'json' };
import programOutputHistory from './data/history-effects-sphinxcontrib-programoutput.json' with { type: 'json' };
import externalTocHistory from './data/history-effects-sphinx-external-toc.json' with { type: 'json' };
import mystNbHistory from './data/history-effects-myst-nb.json' with { type: 'json' };

import langchainHistory from './data/history-effects-langchain.json' with { type: 'json' };

/** One alternative of what a call returns. */
export type Returns =
  { readonly new: number } | { readonly arg: number } | { readonly fixed: string } | { readonly unknown: true };

/** What a call calls: argument k with arguments `with`, or method `method` of arguments `of` (or their elements). */
export type Calls =
  | { readonly arg: number; readonly with: readonly number[] }
  | { readonly method: string; readonly of: readonly number[]; readonly elements?: boolean };

export interface CallableEffect {
  readonly returns: readonly Returns[];
  readonly calls?: readonly Calls[];
  /** 'reference': the library only names it in its pickles, never calls it (any call is the stream's own). */
  readonly written: 'call' | 'reference';
  /** Argument k: a family root (the classes the library passes derive from it) or 'data' (str/bytes only). */
  readonly args?: Readonly<Record<string, string>>;
  /** The call runs cls.__new__(cls, **args[newKwargs]) for the class passed as argument 0. */
  readonly newKwargs?: number;
  /** pandas.read_pickle's compat unpickler answers this call's TypeError with object.__new__(argument 0). */
  readonly compat?: boolean;
  readonly source: string;
  /** The current name of an old spelling. */
  readonly as?: string;
  /** Its own sinks (what it does with its arguments, read from its source): a key of the hooks table. */
  readonly sinks?: string;
}

/**
 * The hooks a stream runs on a class it names: __new__ (call, NEWOBJ), __init__ (call), __setstate__ (BUILD),
 * __hash__ (an instance used as a dict key or set member), __eq__ (such a key whose hash collides with another's), and
 * the special methods a hook or an admitted callable runs on a value it compares, sizes, iterates, indexes or tests
 * (ImplicitHook).
 */
export type ClassHook = 'new' | 'init' | 'setstate' | ImplicitHook;

/** Special methods CPython runs on an object's class (never its instance __dict__) for an operation on the object. */
export type ImplicitHook =
  'hash' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'len' | 'iter' | 'index' | 'bool' | 'getitem' | 'contains';

/**
 * The hooks an operation may run, by the special method the derivation recorded (class_effects.py `dunders`), with
 * CPython's fallbacks: object.__ne__ calls __eq__; a truth test without __bool__ calls __len__; iteration without
 * __iter__ calls __getitem__; `in` without __contains__ iterates and compares with __eq__; an ordering comparison may
 * run the reflected method of the other operand, and functools.total_ordering derives the others from one.
 */
const OPERATION_HOOKS: Readonly<Record<string, readonly ImplicitHook[]>> = {
  __hash__: ['hash'],
  __eq__: ['eq', 'ne'],
  __ne__: ['ne', 'eq'],
  __lt__: ['lt', 'le', 'gt', 'ge'],
  __le__: ['lt', 'le', 'gt', 'ge'],
  __gt__: ['lt', 'le', 'gt', 'ge'],
  __ge__: ['lt', 'le', 'gt', 'ge'],
  __len__: ['len'],
  __bool__: ['bool', 'len'],
  __iter__: ['iter', 'getitem'],
  __getitem__: ['getitem'],
  __index__: ['index'],
  __contains__: ['contains', 'iter', 'getitem', 'eq'],
};

/** The implicit hooks a list of recorded special methods may run (unknown names: none). */
export function operationHooks(dunders: readonly string[]): ImplicitHook[] {
  const out = new Set<ImplicitHook>();
  for (const d of dunders) for (const h of Object.hasOwn(OPERATION_HOOKS, d) ? OPERATION_HOOKS[d]! : []) out.add(h);
  return [...out];
}

/** Sinks a stream value reaches in a hook: the callables it reaches (with where), methods of it the hook calls. */
export interface LabelSinks {
  /** Methods called on the value or on anything the hook takes out of it (subscripts, iterates, unpacks). */
  readonly methods?: readonly string[];
  /**
   * Methods called on the labelled value itself: the hook's own parameter, read where the hook never binds that name
   * again (`state.get('k')` on the state BUILD passes), so never on what the value holds.
   */
  readonly ownMethods?: readonly string[];
  /** Special methods an operation on the value runs on its class (==, <, len, iteration, indexing, truth). */
  readonly dunders?: readonly string[];
  readonly call?: string;
  readonly open?: string;
  readonly exec?: string;
  /** Parsed as Python source by compile/ast.parse (a str or bytes); CPython's compiler runs on the stream's text. */
  readonly compile?: string;
  /** Parsed as Python source by ast.literal_eval (a str only: other values are walked as a syntax tree or refused). */
  readonly compileStr?: string;
  readonly import?: string;
  readonly loader?: string;
  readonly getattr?: string;
  /** `setattr(self, key, value)` for the items of the state: a `__class__` key re-types the instance. */
  readonly setattr?: string;
  /**
   * A hand-reviewed over-approximation (scripts/data/history/<lib>.py): the hook hands the value to library code the
   * derivation does not follow (pandas' old managers duck-type their axes and block values through Index(x),
   * make_block and numpy), which may look up and call any attribute of any object in it: every class, function or
   * lost value reachable in it, through containers and the objects' own BUILD states and items, counts as called.
   */
  readonly any?: string;
}

/**
 * What one constructor or state hook does with the values the stream gives it, read from the library's source by
 * scripts/data/class_effects.py. Labels: `arg:<i>` (positional i after self/cls; params[i] names it), `arg:<name>`
 * (a keyword-only parameter), `arg:**` (any other keyword), `state` (the state BUILD passes), `state.<key>`,
 * `state{}` (the state when it is a dict, or an object that may be one), `state[0]` (the state when its item 0 is read:
 * a sequence, a dict with a key that may be 0, an object not shown to be a pandas block manager).
 */
export interface HookRecord {
  readonly sinks: Readonly<Record<string, LabelSinks>>;
  readonly params: readonly string[];
}

type ClassEntry = { readonly attrsFromItems?: boolean; readonly dict?: boolean } & Partial<
  Readonly<Record<ClassHook, string>>
> &
  Partial<Readonly<Record<`${ClassHook}Shape`, boolean>>>;

interface EffectsFile {
  readonly callables: Record<string, CallableEffect>;
  readonly classes: Record<string, ClassEntry>;
  /** Classes of the scikit-learn and torch allowlists that have hook sinks (not pack classes). */
  readonly allowlistClasses: Record<string, ClassEntry>;
  readonly hooks: Record<string, HookRecord>;
  readonly families: Record<string, readonly string[]>;
  readonly ufunc_source: string;
}

/**
 * The hooks of the names the history packs admit, read from every pinned version's source
 * (scripts/data/derive-history-effects.py): a load runs the hooks of the version the consumer has installed.
 */
interface HistoryFile {
  readonly classes: Record<string, Partial<Record<ClassHook, readonly string[]>>>;
  readonly hooks: Record<string, HookRecord>;
}

/**
 * The effect data, parsed on first use (a scan whose pickles name no pack callable never parses it); in the bundle a
 * lookup parses the part of the name's top-level module only (src/core/lazy-json.ts).
 */
const data = keyedJson<EffectsFile>(effects);

interface HistoryEffectsFile {
  readonly classes: Record<string, ClassEntry>;
  readonly hooks: Record<string, HookRecord>;
  /** Classes older released versions pass for a family root (pandas < 0.15's Index classes to numpy's _reconstruct). */
  readonly families?: Record<string, readonly string[]>;
  /**
   * Shape checks the VM makes on every value that may be an instance of the class (HistoryCheck), because hooks of
   * some released versions act on other shapes (their review verdict is "checked" with that check's name).
   */
  readonly checks?: Record<string, readonly HistoryCheck[]>;
  /**
   * Admitted classes that are Python classes (the review read them from Python source over builtin or Python bases):
   * their instances are heap types, whose deallocation CPython guards with its trashcan (nesting.ts).
   */
  readonly heapTypes?: Record<string, true>;
  /**
   * Classes whose released versions' __getattr__/__getattribute__ answer a name they lack from the instance's data
   * (pandas' NDFrame: a label of its axes), with that hook: every such lookup counts as answered by the stream.
   */
  readonly lookups?: Record<string, { readonly hook: string; readonly has: readonly string[] }>;
  /** The effect records of the functions the history pack admits (what a call returns: the VM follows its class). */
  readonly callables?: Record<string, CallableEffect>;
}

/**
 * A shape a history pack admits a class in, checked by the VM on every value that may be of the class:
 * - `items`: no SETITEM(S), APPEND(S) or ADDITEMS targets an instance (the library writes none; the released versions'
 *   __setitem__/append/extend/add run their library code on the stream's values);
 * - `frame-state`: a BUILD state is a block manager object or a literal dict whose `_typ` is a str and whose keys are
 *   Python identifiers (what pandas wrote; pandas 0.13 - 0.24's NDFrame.__setstate__ stores that with
 *   object.__setattr__ and hands any other state to its legacy readers, which np.load the state's items);
 * - `new-empty`: NEWOBJ gives its __new__ no arguments (pandas 0.13 on write `copyreg.__newobj__(cls)`; the __new__ of
 *   0.10 - 0.12, which builds the object from its arguments, then runs on none);
 * - `catboost-state`: one BUILD of the dict CatBoost writes (catboost-model.ts: bytes '__model', metric rows of plain
 *   data, literal keys), which every released _CatBoostBase.__setstate__ hands to native code as data;
 * - `file-resource`: a BUILD state is the dict sklearn-crfsuite's FileResource writes (file-resource.ts: its own keys,
 *   literal bools, no name on an automatic resource, a suffix and prefix without a path separator, bytes data), whose
 *   __setstate__ writes the data to a new temporary file and whose __del__ unlinks the automatic file;
 * - `one-build`: at most one BUILD on an instance (lifelines' CoxPHFitter answers a name it lacks from the delegate its
 *   state sets: a second BUILD's __setstate__ lookup would reach what the first one planted);
 * - `scalar-value`: a call (or NEWOBJ) of the class gives it one str, number, bool or None (an Enum member pickles as
 *   a call of its class with its value; Enum.__new__ formats a value that is no member's with repr(), and
 *   transformers' ExplicitEnum._missing_ with format(): the __repr__/__format__/__str__ of an object's class would run);
 * - `empty-state`: every BUILD state is an empty dict (quantile-forest's QuantileForest: its __setstate__ does nothing
 *   with one, and with a flag the stream's call sets hands the state's items to scipy's toarray and reshape);
 * - `array-args`: a call (or NEWOBJ) of the class gives it numpy arrays, None, bools and numbers only, no keywords
 *   (QuantileForest's constructor takes the truth value of its flag argument: an object's __bool__/__len__ would run);
 * - `omegaconf-state`: every BUILD state is the literal dict OmegaConf writes for the class (omegaconf-state.ts: its own
 *   keys, metadata of the exact class with plain types in its type fields, content of config nodes and scalars), and
 *   no instance is a dict key or set member (the containers hash their whole rendering, the nodes their value).
 * - `punkt-state`: every BUILD state is the one NLTK writes for its Punkt classes (punkt-state.ts): a tokenizer's dict of
 *   its PunktParameters, its PunktLanguageVars and the PunktToken class, the parameters' sets of plain values and
 *   defaultdict(int), and the language variables' 1.
 * - `translation-proxy`: a call (or NEWOBJ) of Sphinx's translation proxy gives it nothing, or one of Sphinx's
 *   translation functions and strings; every BUILD state is three strings or (that function, a tuple of strings)
 *   (translation-proxy.ts: the object calls its stored function on its stored arguments when read as text).
 * - `str-args`: a call (or NEWOBJ) of the class gives it str arguments only, no keywords (Sphinx's path class: the
 *   constructor runs os.fspath on each argument, which calls any other object's __fspath__).
 * - `pydantic-state`: every BUILD state is the dict pydantic 1's BaseModel.__getstate__ writes (pydantic-state.ts:
 *   '__dict__' a plain dict of text keys, '__fields_set__' a set of text, '__private_attribute_values__' a plain dict
 *   of private names), which its __setstate__ stores with object.__setattr__ (a property setter of the stream's name
 *   would run, and '__class__' would be reassigned).
 */
export type HistoryCheck =
  | 'items'
  | 'frame-state'
  | 'new-empty'
  | 'catboost-state'
  | 'file-resource'
  | 'one-build'
  | 'scalar-value'
  | 'empty-state'
  | 'array-args'
  | 'omegaconf-state'
  | 'punkt-state'
  | 'translation-proxy'
  | 'str-args'
  | 'pydantic-state';
/**
 * The effect models of the history packs' classes (scripts/data/derive-history.py): for names only older released
 * versions define, the union over those versions of what each one's hooks do with the stream's values.
 */
const histories = [
  keyedJson<HistoryEffectsFile>(pandasHistory),
  keyedJson<HistoryEffectsFile>(sklearnHistory),
  keyedJson<HistoryEffectsFile>(catboostHistory),
  keyedJson<HistoryEffectsFile>(statsmodelsHistory),
  keyedJson<HistoryEffectsFile>(pmdarimaHistory),
  keyedJson<HistoryEffectsFile>(pyramidHistory),
  keyedJson<HistoryEffectsFile>(neatHistory),
  keyedJson<HistoryEffectsFile>(skforecastHistory),
  keyedJson<HistoryEffectsFile>(gymnasiumHistory),
  keyedJson<HistoryEffectsFile>(sb3History),
  keyedJson<HistoryEffectsFile>(nltkHistory),
  keyedJson<HistoryEffectsFile>(prophetHistory),
  keyedJson<HistoryEffectsFile>(cmdstanpyHistory),
  keyedJson<HistoryEffectsFile>(stanioHistory),
  keyedJson<HistoryEffectsFile>(accelerateHistory),
  keyedJson<HistoryEffectsFile>(transformersHistory),
  keyedJson<HistoryEffectsFile>(trlHistory),
  keyedJson<HistoryEffectsFile>(sklearnCrfsuiteHistory),
  keyedJson<HistoryEffectsFile>(lifelinesHistory),
  keyedJson<HistoryEffectsFile>(quantileForestHistory),
  keyedJson<HistoryEffectsFile>(omegaconfHistory),
  keyedJson<HistoryEffectsFile>(scipyHistory),
  keyedJson<HistoryEffectsFile>(docutilsHistory),
  keyedJson<HistoryEffectsFile>(sphinxHistory),
  keyedJson<HistoryEffectsFile>(mystParserHistory),
  keyedJson<HistoryEffectsFile>(pybtexHistory),
  keyedJson<HistoryEffectsFile>(bibtexHistory),
  keyedJson<HistoryEffectsFile>(programOutputHistory),
  keyedJson<HistoryEffectsFile>(externalTocHistory),
  keyedJson<HistoryEffectsFile>(mystNbHistory),

  keyedJson<HistoryEffectsFile>(langchainHistory),
];
const historyData = keyedJson<HistoryFile>(history);
/** inFamily's families by root (the union over the effect model and the history packs), read once per root. */
const families = new Map<string, ReadonlySet<string>>();
let fixed: Set<string> | undefined;

/** The shape checks history packs admit `canonical` under (HistoryCheck), none for a class they do not check. */
export function historyChecks(canonical: string): readonly HistoryCheck[] {
  let out = historyChecksCache.get(canonical);
  if (out === undefined) {
    const found: HistoryCheck[] = [];
    for (const h of histories) for (const c of h.get('checks', canonical) ?? []) if (!found.includes(c)) found.push(c);
    out = found;
    historyChecksCache.set(canonical, out);
  }
  return out;
}

/** Whether a history pack admits `canonical` as a Python class (a heap type: its deallocation is guarded). */
export function isHeapTypeClass(canonical: string): boolean {
  let out = heapTypeCache.get(canonical);
  if (out === undefined) {
    out = histories.some((h) => h.get('heapTypes', canonical) === true);
    heapTypeCache.set(canonical, out);
  }
  return out;
}
const heapTypeCache = new Map<string, boolean>();

/**
 * Names a history pack admits whose review found the effect of an installed name (the same call under an older
 * location): numpy < 1.0's _internal._reconstruct(subtype, shape, dtype) is ndarray.__new__(subtype, shape, dtype),
 * as multiarray._reconstruct is.
 */
const SAME_EFFECT: Readonly<Record<string, string>> = {
  'numpy.core._internal._reconstruct': 'numpy.core.multiarray._reconstruct',
};

/** historyChecks' answers by class (asked at every BUILD, per class the instance may be). */
const historyChecksCache = new Map<string, readonly HistoryCheck[]>();

/** effectOf's answers by name (null: not a pack callable): the VM asks per object and per name, the data never changes. */
const effectCache = new Map<string, CallableEffect | null>();

/** The effect model of a pack callable, or undefined when the name is not one. */
export function effectOf(canonical: string): CallableEffect | undefined {
  const known = effectCache.get(canonical);
  if (known !== undefined) return known ?? undefined;
  const e = readEffect(canonical);
  effectCache.set(canonical, e ?? null);
  return e;
}

function readEffect(canonical: string): CallableEffect | undefined {
  const own = data.get('callables', canonical);
  if (own !== undefined) return own;
  if (Object.hasOwn(SAME_EFFECT, canonical))
    return { ...data.get('callables', SAME_EFFECT[canonical]!)!, as: SAME_EFFECT[canonical] };
  // A function only released versions define (a history pack's name), with its review's effect record.
  for (const h of histories) {
    const e = h.get('callables', canonical);
    if (e !== undefined) return e;
  }
  return undefined;
}

/**
 * Whether a derivation recorded class `canonical`'s hooks: a pack class, a scikit-learn or torch class whose hooks
 * reach a sink, or a class of a history pack's effect tables.
 */
export function hasClassRecord(canonical: string): boolean {
  if (data.get('classes', canonical) !== undefined || data.get('allowlistClasses', canonical) !== undefined)
    return true;
  if (histories.some((h) => h.get('classes', canonical) !== undefined)) return true;
  return historyData.get('classes', canonical) !== undefined;
}

/** The packs' class entries by name (null: none), read once per name. */
const packClasses = new Map<string, ClassEntry | null>();

function packClass(canonical: string): ClassEntry | undefined {
  let entry = packClasses.get(canonical);
  if (entry === undefined) {
    entry = data.get('classes', canonical) ?? null;
    packClasses.set(canonical, entry);
  }
  return entry ?? undefined;
}

/** Whether the packs admit `canonical` as a class (calling or NEWOBJ'ing it makes an instance of it). */
export function isPackClass(canonical: string): boolean {
  return packClass(canonical) !== undefined;
}

/** Classes the effect model says a pack callable returns (library classes whose behaviour the packs reviewed). */
function fixedClasses(): ReadonlySet<string> {
  if (!fixed) {
    fixed = new Set<string>();
    for (const e of Object.values(data.field('callables')))
      for (const r of e.returns) if ('fixed' in r) fixed.add(r.fixed);
  }
  return fixed;
}

/**
 * Whether the packs reviewed how instances of `canonical` answer attribute lookups (a pack class, or a class a pack
 * callable returns). For any other class (a name outside the packs) the VM cannot tell and assumes the worst.
 */
export function reviewedClass(canonical: string): boolean {
  return packClass(canonical) !== undefined || fixedClasses().has(canonical);
}

/** A dict subclass whose __getattr__ answers from its items and that has no __setstate__ (BUILD asks its items). */
export function attrsFromItems(canonical: string): boolean {
  return packClass(canonical)?.attrsFromItems === true;
}

/**
 * A pack class that subclasses dict (derived from the installed library, or a history pack's class the stream may
 * call, as NLTK's FreqDist): a BUILD state of it sets its entries, and a call's dict argument fills its items.
 */
export function dictClass(canonical: string): boolean {
  let out = dictClasses.get(canonical);
  if (out === undefined) {
    out =
      (data.get('classes', canonical) ?? data.get('allowlistClasses', canonical))?.dict === true ||
      histories.some((h) => h.get('classes', canonical)?.dict === true);
    dictClasses.set(canonical, out);
  }
  return out;
}

/** dictClass's answers by class (asked per object that may be a dict; the data never changes). Bounded by the names
 * streams use, as the other caches here. */
const dictClasses = new Map<string, boolean>();

/**
 * Whether `canonical` is one of the classes the library passes for family `root` (in the installed version, or in an
 * older released version a history pack admits the class from).
 */
export function inFamily(root: string, canonical: string): boolean {
  // Read per family root (in the bundle a history pack's families are split by module: a pack with no family under
  // the root's module reads nothing).
  let family = families.get(root);
  if (family === undefined) {
    const all = new Set<string>(data.get('families', root) ?? []);
    for (const h of histories) for (const n of h.get('families', root) ?? []) all.add(n);
    families.set(root, (family = all));
  }
  return family.has(canonical);
}

/** The library source an effect was read from. */
export function effectSource(e: CallableEffect): string {
  return e.source === 'ufunc' ? data.field('ufunc_source') : e.source;
}

/**
 * The derived sinks of `hook` of pack class `canonical`, with whether its pack admits that hook only in the shape its
 * library writes (a "shape" verdict whose own check lives in call-hooks.ts / state-hooks.ts). Undefined when the hook
 * reaches nothing with the stream's values (it stores them, or it is C code the pack review covers).
 */
export function classHookSinks(
  canonical: string,
  hook: ClassHook,
): { readonly ref: string; readonly rec: HookRecord; readonly shape: boolean } | undefined {
  const entry = data.get('classes', canonical) ?? data.get('allowlistClasses', canonical);
  if (entry === undefined) {
    for (const h of histories) {
      const he = h.get('classes', canonical);
      if (he === undefined) continue;
      const r = he[hook];
      const rec = r === undefined ? undefined : h.get('hooks', r);
      return rec === undefined ? undefined : { ref: r!, rec, shape: false };
    }
    return undefined;
  }
  const ref = entry[hook];
  const rec = ref === undefined ? undefined : data.get('hooks', ref);
  if (rec === undefined) return undefined;
  return { ref: ref!, rec, shape: entry[`${hook}Shape`] === true };
}

/** A hook's derived sinks: the record, where it was read, and whether its pack admits it only in its library's shape. */
export interface HookSinks {
  readonly ref: string;
  readonly rec: HookRecord;
  readonly shape: boolean;
}

/**
 * The derived sinks of `hook` of `canonical` in every version the packs admit it from: the installed library's
 * (classHookSinks) and each historical version's that reaches a sink (a history pack name; never "shape": those
 * checks are written against the installed version).
 */
export function classHookSinksAll(canonical: string, hook: ClassHook): readonly HookSinks[] {
  return hookSinksMemo.remember(hook, canonical, readHookSinksByHook);
}

/**
 * classHookSinksAll's answers by hook, then class (the VM asks at every call and BUILD; the data never changes).
 * Bounded: names come from scanned streams.
 */
const hookSinksMemo = new Memo2<ClassHook, string, readonly HookSinks[]>(50_000);
const readHookSinksByHook = (hook: ClassHook, canonical: string): HookSinks[] => readHookSinksAll(canonical, hook);

function readHookSinksAll(canonical: string, hook: ClassHook): HookSinks[] {
  const out: HookSinks[] = [];
  const current = classHookSinks(canonical, hook);
  if (current !== undefined) out.push(current);
  // A name the installed packs admit whose older versions' hook reaches more (a history pack's model of it).
  for (const h of histories) {
    const r = h.get('classes', canonical)?.[hook];
    const rec = r === undefined ? undefined : h.get('hooks', r);
    if (rec !== undefined && r !== current?.ref) out.push({ ref: r!, rec, shape: false });
  }
  for (const ref of historyData.get('classes', canonical)?.[hook] ?? []) {
    const rec = historyData.get('hooks', ref);
    if (rec !== undefined) out.push({ ref: `${ref} (history)`, rec, shape: false });
  }
  // A name the installed pack admits that older versions defined too (scikit-learn's estimators): the per-library
  // history models (classHookSinks gives them only to names the installed packs do not list) join its own.
  for (const h of histories) {
    const r = h.get('classes', canonical)?.[hook];
    const rec = r === undefined ? undefined : h.get('hooks', r);
    if (rec !== undefined && !out.some((x) => x.rec === rec)) out.push({ ref: r!, rec, shape: false });
  }
  return out;
}

/** The derived sinks of pack callable `canonical` (what its own code does with its arguments), or undefined. */
export function callableSinks(canonical: string): { readonly ref: string; readonly rec: HookRecord } | undefined {
  const e = effectOf(canonical);
  if (e?.sinks === undefined) return undefined;
  const rec = data.get('hooks', e.sinks);
  return rec === undefined ? undefined : { ref: e.sinks, rec };
}

let sinkMethods: ReadonlySet<string> | undefined;

/**
 * Every method name any derived hook or callable sink calls on a value it reaches (the union over all labels of the
 * hooks tables): an object that answers none of them cannot be the target of such a call.
 */
export function anySinkMethods(): ReadonlySet<string> {
  if (sinkMethods === undefined) {
    const all = new Set<string>();
    for (const recs of [data.field('hooks'), historyData.field('hooks'), ...histories.map((h) => h.field('hooks'))])
      for (const rec of Object.values(recs))
        for (const label of Object.values(rec.sinks))
          for (const m of [...(label.methods ?? []), ...(label.ownMethods ?? [])]) all.add(m);
    sinkMethods = all;
  }
  return sinkMethods;
}

let stateMethods: readonly string[] | undefined;

/**
 * Methods of the state that any admitted class's __setstate__ calls (the union over the hooks table): a BUILD on an
 * object whose class the analysis cannot name may run any of those hooks.
 */
export function anyStateMethods(): readonly string[] {
  if (stateMethods === undefined) {
    const all = new Set<string>();
    for (const recs of [data.field('hooks'), historyData.field('hooks'), ...histories.map((h) => h.field('hooks'))])
      for (const rec of Object.values(recs)) {
        const st = rec.sinks['state'];
        for (const m of [...(st?.methods ?? []), ...(st?.ownMethods ?? [])]) all.add(m);
      }
    stateMethods = [...all].sort();
  }
  return stateMethods;
}

/**
 * Admitted classes whose attribute lookup runs a __getattr__/__getattribute__ of their library for a name the class
 * lacks (scripts/data/derive-lookup-hooks.py): statsmodels' ResultsWrapper forwards it to its _results, torch's Module
 * answers from the dicts of its state, pandas' NDFrame from its labels. `profiles`: the hook and which of `methods`
 * (every method a derived hook calls, and the unpickler's own lookups) the class has; it answers the others.
 */
interface LookupFile {
  readonly methods: readonly string[];
  readonly profiles: readonly { readonly hook: string; readonly has: readonly string[] }[];
  readonly classes: Readonly<Record<string, number>>;
  /** Classes whose hook answers from the labels of their data (pandas' NDFrame): the answer is an element of it. */
  readonly labelClasses?: Readonly<Record<string, number>>;
}
const lookupData = lazyJson<LookupFile>(lookupHooks);
let lookupSets: { methods: ReadonlySet<string>; has: ReadonlySet<string>[] } | undefined;

/**
 * The lookup hook of class `canonical` that answers attribute `name` (a name the class itself lacks) from something
 * other than the instance __dict__, or undefined when the class has the name or runs no such hook. A name outside the
 * derived method list counts as lacking (the derivation did not look for it).
 */
export function lookupAnsweredBy(canonical: string, name: string): string | undefined {
  const d = lookupData();
  if (!Object.hasOwn(d.classes, canonical)) {
    // A class only released versions define (a history pack's name): its hook is not read per name (fail closed).
    // A class whose installed version's hook answers from its data labels is modelled by labelLookupBy instead.
    if (d.labelClasses !== undefined && Object.hasOwn(d.labelClasses, canonical)) return undefined;
    for (const h of histories) {
      const l = h.get('lookups', canonical);
      if (l !== undefined && !l.has.includes(name)) return `${l.hook} (released versions)`;
    }
    return undefined;
  }
  lookupSets ??= { methods: new Set(d.methods), has: d.profiles.map((p) => new Set(p.has)) };
  const i = d.classes[canonical]!;
  if (lookupSets.methods.has(name) && lookupSets.has[i]!.has(name)) return undefined;
  return d.profiles[i]!.hook;
}

/** hasLookupHook's answers by class name. */
const lookupHookClasses = new Map<string, boolean>();

/**
 * Whether lookupAnsweredBy or labelLookupBy may answer any name at all for class `canonical` (it has a lookup hook the
 * derivation or a history pack recorded): a class without one answers no lookup, whatever the name, so a caller that
 * would ask for many names can ask this once.
 */
export function hasLookupHook(canonical: string): boolean {
  let has = lookupHookClasses.get(canonical);
  if (has === undefined) {
    const d = lookupData();
    has =
      Object.hasOwn(d.classes, canonical) ||
      (d.labelClasses !== undefined && Object.hasOwn(d.labelClasses, canonical)) ||
      histories.some((h) => h.get('lookups', canonical) !== undefined);
    lookupHookClasses.set(canonical, has);
  }
  return has;
}

let labelSets: { methods: ReadonlySet<string>; has: ReadonlySet<string>[] } | undefined;

/**
 * The lookup hook of class `canonical` that answers attribute `name` (a name the class lacks) with an element of the
 * object's own data under a label of that name (pandas' NDFrame.__getattr__: `self[name]`), or undefined when the class
 * has the name or runs no such hook. The answer is whatever the stream put in the object's object arrays.
 */
export function labelLookupBy(canonical: string, name: string): string | undefined {
  const d = lookupData();
  const classes = d.labelClasses;
  if (classes === undefined || !Object.hasOwn(classes, canonical)) return undefined;
  labelSets ??= { methods: new Set(d.methods), has: d.profiles.map((p) => new Set(p.has)) };
  const i = classes[canonical]!;
  if (labelSets.methods.has(name) && labelSets.has[i]!.has(name)) return undefined;
  return d.profiles[i]!.hook;
}

/**
 * A call an admitted function makes of one of its own arguments (scripts/data/derive-admitted-work.py, read from its
 * source): argument `arg` called with arguments `with` (positions of the function's own), with the items of argument
 * `spread` (`func(*args)`: torch's _rebuild_from_type), or with arguments it computes ('any').
 */
export interface CallThrough {
  readonly arg: number;
  readonly with?: readonly number[] | 'any';
  readonly spread?: number;
}

/**
 * A loop of a class's __setstate__ whose bound is a number read from the state under `key` (`range(state['key'])`,
 * or `range(self.key)` once the state was stored): `hook` is the method that loops (derive-admitted-work.py).
 */
export interface StateLoop {
  readonly key: string;
  readonly hook: string;
  /**
   * The instance-dict entries (dicts) the class's __getattr__ answers `self.key` from when the instance dict lacks
   * it, in lookup order (torch's Module.__getattr__: _parameters, _buffers, _modules); absent: no __getattr__.
   */
  readonly via?: readonly string[];
}

interface WorkFile {
  readonly callThrough: Readonly<Record<string, readonly CallThrough[]>>;
  readonly loops: Readonly<Record<string, readonly StateLoop[]>>;
}

const workData = lazyJson<WorkFile>(admittedWork);

/** The calls admitted function `canonical` makes of its own arguments (none: it calls none of them). */
export function callThroughOf(canonical: string): readonly CallThrough[] | undefined {
  const t = workData().callThrough;
  return Object.hasOwn(t, canonical) ? t[canonical] : undefined;
}

/** The loops over a number read from the state that the __setstate__ of class `canonical` (or its bases') runs. */
export function stateLoopsOf(canonical: string): readonly StateLoop[] | undefined {
  const t = workData().loops;
  return Object.hasOwn(t, canonical) ? t[canonical] : undefined;
}

/** Where the __setstate__ of pack class `canonical` is defined (its derived hook reference), if the pack records it. */
export function setstateOf(canonical: string): string | undefined {
  return (data.get('classes', canonical) ?? data.get('allowlistClasses', canonical))?.setstate;
}
