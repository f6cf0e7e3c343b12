// What the constructor (__new__/__init__) or state hook (__setstate__) of a pack class does with the values a stream
// gives it, from the derived model (callable-effects.json "hooks", read from the library's source by
// scripts/data/class_effects.py): a method of an argument or of the state it calls runs whatever the stream planted
// under that name on the object (an instance __dict__ entry an earlier BUILD set, an item a dict subclass answers
// attribute lookups from), so that planted object is reported as called; a class or function the stream passes where
// the hook calls the value is called; a value that reaches open/exec/import/a loader/getattr (or compile, when it may
// be source text) is reported as that call
// unless the pack admits the hook only in the shape its library writes and checks that shape itself (call-hooks.ts,
// state-hooks.ts).
import {
  anyStateMethods,
  callableSinks,
  classHookSinksAll,
  operationHooks,
  type ClassHook,
  type ImplicitHook,
  type LabelSinks,
} from './callable-effects.js';
import { arrowDtypeCacheAt } from './arrow-arrays.js';
import { instanceClass, instanceClasses } from './instance-class.js';
import { isStatsmodelsDataClass, modelDataStateInert } from './statsmodels-data.js';
import {
  dictGet,
  K,
  kindName,
  UNKNOWN,
  type DictV,
  type ListV,
  type PyObj,
  type PyVal,
  type SetV,
  type TupleV,
} from './values.js';

export interface ClassSinkHost {
  /** Models `callee(*args)` made by the hook (depth-bounded by the host), recording a call fact with `why`. */
  invokeModelled(callee: PyVal, args: PyVal, why: string): void;
  /** Records a call of `module.name` (a derived import) with `detail`. */
  deriveCall(module: string, name: string, via: string, detail: string): void;
  /** What the stream planted under attribute `name` of `v`, or undefined when nothing (UNKNOWN when not kept). */
  plantedAttr(v: PyVal, name: string): PyVal | undefined;
  /**
   * The hook compares, sizes, iterates, indexes or tests `v`: CPython runs `hooks` of v's class (of the objects a
   * tuple or dict holds), checked against their derived sinks with the state each object has (depth-bounded).
   */
  implicitHooks(v: PyVal, hooks: readonly ImplicitHook[], why: string): void;
}

/** The values the hook receives: positional arguments and keywords (a constructor), or the state (BUILD). */
export type HookInput = { readonly args: PyVal | undefined; readonly kwargs?: PyVal } | { readonly state: PyVal };

/** The callable each data sink stands for in a call fact. */
const SINK_CALLABLE: Readonly<Record<string, readonly [string, string]>> = {
  open: ['builtins', 'open'],
  exec: ['builtins', 'exec'],
  compile: ['builtins', 'compile'],
  compileStr: ['builtins', 'compile'],
  import: ['builtins', '__import__'],
  loader: ['pickle', 'loads'],
  getattr: ['builtins', 'getattr'],
  setattr: ['builtins', 'setattr'],
};
/** SINK_CALLABLE's entries, listed once (checkValue runs for every label of every checked hook). */
const SINK_CALLABLE_ENTRIES = Object.entries(SINK_CALLABLE);

/** The entries of a hook record's sinks, listed once per record (the records never change). */
function sinkEntries(sinks: Readonly<Record<string, LabelSinks>>): readonly [string, LabelSinks][] {
  let e = sinkEntryCache.get(sinks);
  if (e === undefined) {
    e = Object.entries(sinks);
    sinkEntryCache.set(sinks, e);
  }
  return e;
}
const sinkEntryCache = new WeakMap<object, readonly [string, LabelSinks][]>();

/** The classes pandas' own DataFrame state is an instance of when it is not a dict (pandas 0.10 - 0.12 pickled it). */
const BLOCK_MANAGERS: ReadonlySet<string> = new Set([
  'pandas.core.internals.BlockManager',
  'pandas.core.internals.managers.BlockManager',
]);

/** The block managers a pandas frame or panel state may be (current and old names), for the `frame-state` check. */
const FRAME_MANAGERS: ReadonlySet<string> = new Set([
  ...BLOCK_MANAGERS,
  'pandas.core.internals.SingleBlockManager',
  'pandas.core.internals.managers.SingleBlockManager',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why a BUILD state is not one the `frame-state` check admits (callable-effects.ts HistoryCheck), or undefined: a block
 * manager object (pandas 0.10 - 0.12 pickled a frame or panel as its manager), a literal dict whose keys are Python
 * identifiers (and whose `_typ`, if any, is a str: 0.13 on), or the series and sparse-frame tuples of 0.10 - 0.12
 * (legacyTupleProblem). pandas 0.13 - 0.24's NDFrame.__setstate__ stores such a dict's
 * entries with object.__setattr__; a dict without `_typ` goes to _unpickle_series_compat (setters and methods of its
 * values: the `any` sink), any other state to the legacy readers (_unpickle_frame/panel/sparse_frame/matrix_compat), which hand the
 * state's items to np.load (a pickle loader with numpy < 1.16.3). pandas 0.10 - 0.12's Panel and SparseDataFrame
 * __setstate__ unpack a 4- or 5-entry dict and np.load its keys: an identifier can be no .npy, .npz or pickle stream
 * (a pickle needs its STOP '.', and a callable needs GLOBAL's newline or a binary opcode), so it only raises there.
 */
export function frameStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object') return `the state is a ${typeof state === 'string' ? 'str' : 'number'}`;
  if (state.k === K.Obj) {
    const c = instanceClasses(state);
    return !c.unknown && c.names.length > 0 && c.names.every((n) => FRAME_MANAGERS.has(n))
      ? undefined
      : 'the state is an object that may be of a class other than a pandas block manager';
  }
  if (state.k === K.Tuple) return legacyTupleProblem(state);
  if (state.k !== K.Dict) return `the state is a ${kindName(state)} (a legacy reader's shape)`;
  if (state.opaque || state.n > state.keys.length) return 'the state dict has entries the analysis did not keep';
  if (!state.keys.every((k) => typeof k === 'string' && IDENTIFIER.test(k)))
    return 'a key of the state dict is not a Python identifier';
  // With no '_typ' (pandas 0.13 - 0.20's Series wrote {'_data', 'name'}), NDFrame.__setstate__ hands the dict to
  // _unpickle_series_compat, which sets _data, name and index through their setters: library code on the values
  // (the `any` sink of the hook's model), no load. A '_typ' that is not a str is no state pandas wrote.
  const typ = dictGet(state, '_typ');
  if (typ === undefined) return undefined;
  const isStr = typeof typ === 'string' || (typeof typ === 'object' && typ.k === K.Str);
  return isStr ? undefined : "the state dict's '_typ' is not a str";
}

/**
 * Why a BUILD state is not the empty dict the `empty-state` check admits (callable-effects.ts HistoryCheck), or
 * undefined. quantile-forest's QuantileForest writes {} unless fitted with sparse_pickle=True; its __setstate__ reads
 * the state only when the object's flag is set, and then calls toarray() and reshape() on the state's items.
 */
export function emptyStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object') return `the state is a ${typeof state === 'string' ? 'str' : 'number'}`;
  if (state.k !== K.Dict) return `the state is a ${kindName(state)}, not an empty dict`;
  if (state.opaque || state.n > 0 || state.keys.length > 0) return 'the state dict has entries';
  return undefined;
}

/** The classes a numpy array argument may be in the stream: numpy's array, or joblib's wrapper that load replaces. */
const ARRAY_ARG_CLASSES = new Set([
  'numpy.ndarray',
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

/** Why an argument is not a numpy array, None, a bool or a number (HistoryCheck 'array-args'), or undefined. */
export function arrayArgProblem(v: PyVal): string | undefined {
  if (typeof v !== 'object') return typeof v === 'string' ? 'a str argument' : undefined;
  if (v.k === K.None || v.k === K.True || v.k === K.False || v.k === K.Float) return undefined;
  if (v.k !== K.Obj) return `a ${kindName(v)} argument`;
  const c = instanceClasses(v);
  return !c.unknown && c.names.length > 0 && c.names.every((n) => ARRAY_ARG_CLASSES.has(n))
    ? undefined
    : `an argument that may be of ${c.unknown ? 'an unknown class' : c.names.join(', ')}`;
}

/** An instance of a pandas index class (any version's name), as far as the stream shows. */
function isIndexObject(v: PyVal | undefined): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj) return false;
  const c = instanceClasses(v);
  return !c.unknown && c.names.length > 0 && c.names.every((n) => /^pandas\.[\w.]+\.\w*Index$/.test(n));
}

/**
 * The two tuple states pandas' NDFrame.__setstate__ (0.13 - 0.24) reads without np.load, which pandas 0.10 - 0.12
 * wrote: a series (nd_state, own_state) - item 0 the ndarray's state tuple, read by _unpickle_series_compat (numpy's
 * ndarray.__setstate__ and a SingleBlockManager); and a sparse frame (series, columns, index, fill_value, kind) whose
 * columns and index are pandas index objects (_unpickle_sparse_frame_compat np.loads them only when they are not). Any
 * other tuple goes to a reader that np.loads its items.
 */
function legacyTupleProblem(state: TupleV): string | undefined {
  if (state.more > 0) return 'the state is a tuple whose items were not all kept';
  const [first, second, third] = state.items;
  if (state.items.length === 2) {
    const ok = typeof first === 'object' && first.k === K.Tuple && typeof second === 'object' && second.k === K.Tuple;
    return ok ? undefined : "the state is a 2-item tuple other than a series' (nd_state, own_state)";
  }
  if (state.items.length === 5) {
    const ok = typeof first === 'object' && first.k === K.Dict && isIndexObject(second) && isIndexObject(third);
    return ok ? undefined : 'the state is a 5-item tuple whose columns and index are not both pandas index objects';
  }
  return `the state is a ${state.items.length}-item tuple (a legacy reader's shape)`;
}

/** Kinds a planted attribute may be called as (a class, function, instance, or a value the analysis lost). */
const CALLABLE_KINDS: ReadonlySet<K> = new Set([K.Global, K.Obj, K.Pers, K.Unknown]);

const NO_ARGS: PyVal = { k: K.Tuple, items: [UNKNOWN], more: 1 };

/** The values a label names in the hook's input (none when the stream gives none there). */
function valuesAt(label: string, params: readonly string[], input: HookInput): PyVal[] {
  const v = valueAt(label, params, input);
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function valueAt(label: string, params: readonly string[], input: HookInput): PyVal | PyVal[] | undefined {
  if ('state' in input) {
    if (label === 'state') return input.state;
    const st = input.state;
    // `state{}`: the state when the hook's dict branch takes it (a dict, or an object that may be a dict subclass).
    if (label === 'state{}') {
      if (typeof st !== 'object') return undefined;
      return st.k === K.Dict || st.k === K.Obj || st.k === K.Unknown || st.k === K.Pers ? st : undefined;
    }
    // `state[0]`: the state when the hook reads its item 0 (pandas <= 0.18's legacy frame branches): a sequence, a dict
    // with a key that may be 0, or an object whose class the stream does not show to be a pandas block manager.
    if (label === 'state[0]') {
      if (typeof st !== 'object') return undefined;
      if (st.k === K.Tuple || st.k === K.List || st.k === K.Unknown || st.k === K.Pers) return st;
      if (st.k === K.Dict)
        return st.opaque || st.n > st.keys.length || st.keys.some((k) => typeof k !== 'string') ? st : undefined;
      if (st.k === K.Obj) return BLOCK_MANAGERS.has(instanceClass(st)?.canonical ?? '') ? undefined : st;
      return undefined;
    }
    // `state[legacy]`: the state when pandas 0.13 - 0.24's NDFrame.__setstate__ hands it to a legacy reader that
    // np.loads its items: a sequence whose item 0 may be a dict or whose length may not be 2 (a 2-item state is the
    // series reader's, which loads nothing), or an object the stream does not show to be a block manager.
    if (label === 'state[legacy]') {
      if (typeof st !== 'object') return undefined;
      if (st.k === K.Unknown || st.k === K.Pers) return st;
      if (st.k === K.Obj) return FRAME_MANAGERS.has(instanceClass(st)?.canonical ?? '') ? undefined : st;
      if (st.k === K.List) return st;
      if (st.k !== K.Tuple) return undefined;
      if (st.more > 0 || st.items.length !== 2) return st;
      const first = st.items[0];
      return typeof first === 'object' &&
        (first.k === K.Dict || first.k === K.Obj || first.k === K.Unknown || first.k === K.Pers)
        ? st
        : undefined;
    }
    if (!label.startsWith('state.')) return undefined;
    if (typeof st !== 'object') return undefined;
    if (st.k === K.Obj || st.k === K.Unknown || st.k === K.Pers) {
      // An object of a class the analysis cannot read as a mapping: anything for a state the analysis cannot read.
      return st.k === K.Obj && st.planted !== undefined
        ? [UNKNOWN, ...keyInReachable(st, label.slice('state.'.length))]
        : UNKNOWN;
    }
    return keyInReachable(st, label.slice('state.'.length));
  }
  if (!label.startsWith('arg:')) return undefined;
  const name = label.slice(4);
  const kw = typeof input.kwargs === 'object' && input.kwargs.k === K.Dict ? input.kwargs : undefined;
  if (name === '**')
    return kw !== undefined && kw.keys.some((k) => !params.includes(k as string)) ? UNKNOWN : undefined;
  const i = /^\d+$/.test(name) ? Number(name) : params.indexOf(name);
  const args = input.args;
  if (i >= 0 && typeof args === 'object' && args.k === K.Tuple) {
    if (i < args.items.length) return args.items[i];
    if (args.more > 0) return UNKNOWN;
  } else if (i >= 0 && args === undefined) return UNKNOWN;
  const pname = i >= 0 ? params[i] : name;
  return kw !== undefined && pname !== undefined ? keyOf(kw, pname) : undefined;
}

/** Bounds of the walk through the containers of a hook's state or of a value the hook takes apart. */
const WALK_DEPTH = 8;
const WALK_NODES = 512;

/**
 * What a hook may reach in `v` by subscripting, iterating and unpacking it: `v` itself, the items of its tuples,
 * lists and sets, the keys and values of its dicts, and the items SETITEM(S) stored on its objects (a dict subclass
 * answers `x[k]` from them). The derived labels follow all of these (class_effects.py: `x = state[3]['k']` and
 * `a, b = state` keep the label, `for blk in state['blocks']` gives each item the label), so a sink of a label applies
 * to every value reachable from the value the label names. `lost`: some are not kept (items past the kept prefix, more
 * code-bearing list items than kept) or the walk's bound was reached.
 */
function reachable(v: PyVal, lookups = false, key?: string): { readonly vals: PyVal[]; lost: boolean } {
  return walkValues(v, lookups, false, key);
}

/**
 * The bounded walk behind reachable (`deep` false: containers' items) and deepReachable (`deep` true: also each
 * object's BUILD states, planted attributes and what it forwards to, twice as deep).
 */
function walkValues(
  v: PyVal,
  lookups: boolean,
  deep: boolean,
  key?: string,
): { readonly vals: PyVal[]; lost: boolean } {
  const out = { vals: [] as PyVal[], lost: false, lookups, deep, key };
  // A number or text reaches nothing (most hook arguments of plain data): no walk state is made for it.
  if (typeof v !== 'object') return out;
  const maxDepth = deep ? WALK_DEPTH * 2 : WALK_DEPTH;
  const seen = new Set<PyVal>();
  // The values to visit and their depths, as two stacks (no pair allocated per value).
  const todo: PyVal[] = [v];
  const depths: number[] = [0];
  while (todo.length > 0) {
    const x = todo.pop()!;
    const depth = depths.pop()!;
    if (typeof x !== 'object' || seen.has(x)) continue;
    if (seen.size >= WALK_NODES) {
      out.lost = true;
      break;
    }
    seen.add(x);
    out.vals.push(x);
    let inner: readonly PyVal[] = childrenOf(x, out);
    if (deep && x.k === K.Obj) {
      const more: PyVal[] = [...inner];
      for (const st of x.states ?? (x.state !== undefined ? [x.state] : [])) {
        // An ArrowDtype's checked state: its cached index_class is the Index class pandas calls itself (arrow-arrays.ts).
        const cacheAt = arrowDtypeCacheAt(x, st);
        if (cacheAt < 0) more.push(st);
        else more.push(...(st as DictV).vals.filter((_, i) => i !== cacheAt));
      }
      if (x.plantedAttrs !== undefined) more.push(...x.plantedAttrs.vals);
      if (x.through !== undefined) more.push(x.through);
      inner = more;
    }
    if (inner.length === 0) continue;
    if (depth >= maxDepth) {
      out.lost = true;
      continue;
    }
    for (const it of inner) {
      todo.push(it);
      depths.push(depth + 1);
    }
  }
  return out;
}

/**
 * Whether the items a dict did not keep make the walk lose something (or a dict the memo stored after its detail
 * budget was changed through a memo read of the summary standing for it: what it holds is not what the walk sees). For a walk that looks methods up and calls
 * classes (`lookups`) or looks for things to call (`deep`: `dataSafe`), items that were all plain data (no
 * DictV.dropsCode) cannot carry a planted method or be a class, so only code-bearing dropped items count; for a walk
 * that reads values by key, every dropped item does.
 */
const dictDropsLost = (d: DictV, dataSafe: boolean): boolean =>
  d.opaque === true || d.lostInto?.changed === true || (d.n > d.keys.length && (!dataSafe || d.dropsCode === true));

/**
 * Whether the dicts a list or set did not keep (ListV.droppedKeys: plain data and instances that answer no sink
 * method) matter to the walk: they hold nothing a walk for methods or things to call finds, but a walk that reads
 * values by key may miss one under its key (any key when it reads by none).
 */
const droppedDictsLost = (x: ListV | SetV, out: { lookups: boolean; deep: boolean; key?: string }): boolean =>
  x.droppedKeys !== undefined &&
  !out.lookups &&
  !out.deep &&
  (out.key === undefined || x.droppedKeys.includes(out.key));

function childrenOf(x: PyObj, out: { lost: boolean; lookups: boolean; deep: boolean; key?: string }): readonly PyVal[] {
  switch (x.k) {
    case K.Tuple:
      // A walk that looks methods up loses only unkept items that may matter to it (TupleV.dropsLost); a walk for
      // things to call (`deep`) only unkept items that are not plain data (TupleV.dropsData).
      if (x.more > 0 && (out.lookups ? x.dropsLost === true : !(out.deep && x.dropsData === true))) out.lost = true;
      return out.deep && x.unkept !== undefined ? [...x.items, ...x.unkept] : x.items;
    case K.List:
      if (x.items !== undefined) return x.items;
      if (x.objsLost === true || droppedDictsLost(x, out)) out.lost = true;
      return x.objs ?? [];
    case K.Set:
    case K.FrozenSet:
      if (x.objsLost === true || droppedDictsLost(x, out)) out.lost = true;
      return x.objs ?? [];
    case K.Dict:
      if (dictDropsLost(x, out.lookups || out.deep)) out.lost = true;
      return [...x.keys, ...x.vals];
    case K.Obj:
      if (x.planted === undefined) return [];
      if (dictDropsLost(x.planted, out.lookups || out.deep)) out.lost = true;
      return [...x.planted.keys, ...x.planted.vals];
    default:
      return [];
  }
}

/**
 * The value of `state.<key>`: the state's own item `key` and, because a hook that rebinds or unpacks its state
 * (`state = state[3]['0.14.1']`, `a, b = state`) labels what it then reads by the last key alone, the item `key` of
 * every dict reachable in the state (and of every object whose SETITEM(S) items a dict subclass answers from), with
 * UNKNOWN among them (fail closed) when part of the state is not kept; none when the state holds no such key.
 */
function keyInReachable(st: PyObj, key: string): PyVal[] {
  const top = st.k === K.Dict ? keyOf(st, key) : undefined;
  const walk = reachable(st, false, key);
  const found: PyVal[] = top !== undefined && top !== UNKNOWN ? [top] : [];
  for (const x of walk.vals) {
    if (typeof x !== 'object') continue;
    const d = x.k === K.Dict ? x : x.k === K.Obj ? x.planted : undefined;
    if (d === undefined || d === st) continue;
    const v = dictGet(d, key);
    if (v !== undefined && !found.includes(v)) found.push(v);
  }
  if (walk.lost || top === UNKNOWN) found.push(UNKNOWN);
  return found;
}

function keyOf(d: DictV, key: string): PyVal | undefined {
  const v = dictGet(d, key);
  if (v !== undefined) return v;
  return d.opaque || d.n > d.keys.length ? UNKNOWN : undefined;
}

const isNone = (v: PyVal): boolean => typeof v === 'object' && v.k === K.None;

/**
 * Whether a value reaching a compile sink may be source text: a str (bytes too for compile/ast.parse), a value the
 * analysis lost, or an object (of a class that may subclass str, numpy.str_). A number, None or a literal container
 * is refused before anything is compiled.
 */
function mayBeText(v: PyVal, bytes: boolean): boolean {
  if (typeof v === 'string') return true;
  if (typeof v !== 'object') return false;
  switch (v.k) {
    case K.Str:
    case K.Unknown:
    case K.Obj:
    case K.Pers:
      return true;
    case K.Bytes:
    case K.ByteArray:
      return bytes;
    default:
      return false;
  }
}

/** Checks one run of `hook` of pack class `canonical` on `input` against its derived sinks. */
export function checkClassSinks(host: ClassSinkHost, canonical: string, hook: ClassHook, input: HookInput): void {
  // statsmodels' ModelData.__setstate__ acts only on a state holding 'restore_design_info' (statsmodels-data.ts checks
  // that shape); on any other plain dict it is __dict__.update, so its model's method sinks are never reached.
  if (hook === 'setstate' && 'state' in input && isStatsmodelsDataClass(canonical) && modelDataStateInert(input.state))
    return;
  // The installed version's hook and every historical version's the history packs admit the name from.
  for (const { rec, shape, ref } of classHookSinksAll(canonical, hook)) {
    for (const [label, sinks] of sinkEntries(rec.sinks)) {
      for (const v of valuesAt(label, rec.params, input))
        checkValue(host, `${ref} (${canonical})`, label, v, sinks, shape);
    }
  }
}

/** Checks one call of pack callable `canonical` with `args` against the sinks derived from its own code. */
export function checkCallableSinks(host: ClassSinkHost, canonical: string, args: PyVal | undefined): void {
  const found = callableSinks(canonical);
  if (found === undefined) return;
  for (const [label, sinks] of sinkEntries(found.rec.sinks)) {
    // The library's reviewed claims (callable-effects.json "calls") already model the arguments it calls.
    for (const v of valuesAt(label, found.rec.params, { args })) checkValue(host, found.ref, label, v, sinks, false);
  }
}

/**
 * BUILD on an object whose class the analysis cannot name: any admitted class's __setstate__ may run, so every method
 * of the state some hook calls is looked up on the state (fail closed).
 */
export function checkUnknownClassState(host: ClassSinkHost, state: PyVal): void {
  checkValue(
    host,
    'the __setstate__ of a class the stream does not name',
    'state',
    state,
    { methods: anyStateMethods() },
    true,
  );
}

/**
 * What library code that may look up and call any attribute of `v`'s objects can reach (the `any` sink): `v`, the items
 * of its containers, and of every object the state each BUILD gave it (the attributes the instance holds), the items
 * SETITEM(S) stored on it and the entries kept as planted attributes, recursively. `lost`: part of it was not kept or
 * the walk's bound was reached.
 */
function deepReachable(v: PyVal): { readonly vals: PyVal[]; lost: boolean } {
  // Strict about what containers did not keep (lookups false): any attribute may be called, so an unkept item that is
  // not plain data (an instance, even one with nothing planted, a class, a container of them) may be what is called;
  // unkept numbers, text and bytes (TupleV.dropsData, DictV without dropsCode) hold nothing to call.
  return walkValues(v, false, true);
}

/**
 * What in `v` library code that may call any attribute of its objects could call (the `any` sink's reading): a class,
 * function, persistent_load result or lost value reachable in it, or its walk not kept; undefined when none.
 */
export function strayCallable(v: PyVal): string | undefined {
  const walk = deepReachable(v);
  for (const x of walk.vals) {
    if (typeof x !== 'object' || !ANY_CALLED.has(x.k) || (x.k === K.Unknown && x.bits !== undefined)) continue;
    return x.k === K.Global ? `it holds ${x.imp.canonical}` : `it holds ${kindName(x)}`;
  }
  return walk.lost ? 'part of it was not kept' : undefined;
}

/** Kinds the `any` sink counts as called when reachable: a class or function, what persistent_load returns, a lost value. */
const ANY_CALLED: ReadonlySet<K> = new Set([K.Global, K.Pers, K.Unknown]);

function checkValue(host: ClassSinkHost, where: string, label: string, v: PyVal, s: LabelSinks, shape: boolean): void {
  if (s.any !== undefined) {
    const walk = deepReachable(v);
    for (const x of walk.vals) {
      // A Python int too long to keep is a number, not something called.
      if (typeof x === 'object' && ANY_CALLED.has(x.k) && !(x.k === K.Unknown && x.bits !== undefined))
        host.invokeModelled(x, NO_ARGS, `${where} may call what its ${label} holds (${s.any})`);
    }
    if (walk.lost)
      host.invokeModelled(
        UNKNOWN,
        NO_ARGS,
        `${where} may call what its ${label} holds (${s.any}), part of which the analysis did not keep`,
      );
  }
  // Methods of the value itself (the hook's own parameter): looked up on it alone, not on what it holds. A value the
  // analysis cannot name may carry any of them.
  for (const m of s.ownMethods ?? []) {
    if (
      typeof v === 'object' &&
      (v.k === K.Unknown || v.k === K.Pers) &&
      !(v.k === K.Unknown && v.bits !== undefined)
    ) {
      host.invokeModelled(UNKNOWN, NO_ARGS, `${where} calls ${m}() of its ${label}, a value the analysis cannot name`);
      continue;
    }
    const planted = host.plantedAttr(v, m);
    // A planted str or number is not callable: the hook raises TypeError there and calls nothing.
    if (planted !== undefined && typeof planted === 'object' && CALLABLE_KINDS.has(planted.k))
      host.invokeModelled(
        planted,
        NO_ARGS,
        `${where} calls ${m}() of its ${label}, which the stream planted on that object (an instance attribute or an item its class answers lookups from)`,
      );
  }
  const methods = s.methods ?? [];
  if (methods.length > 0 || s.call !== undefined) {
    // The hook subscripts, iterates and unpacks what the label names before it calls a method of it or calls it (the
    // labels follow those steps): every value reachable from v is such a target.
    const walk = reachable(v, true);
    for (const x of walk.vals) {
      for (const m of methods) {
        const planted = host.plantedAttr(x, m);
        // A planted str or number is not callable: the hook raises TypeError there and calls nothing.
        if (planted !== undefined && typeof planted === 'object' && CALLABLE_KINDS.has(planted.k)) {
          host.invokeModelled(
            planted,
            NO_ARGS,
            `${where} calls ${m}() of its ${label}, which the stream planted on that object (an instance attribute or an item its class answers lookups from)`,
          );
        }
      }
      if (s.call !== undefined && typeof x === 'object' && x.k === K.Global) {
        host.invokeModelled(x, NO_ARGS, `${where} calls its ${label}: ${s.call}`);
      }
    }
    if (walk.lost) {
      // Items the analysis did not keep may carry a planted method or be a class: the call is not one it can name.
      host.invokeModelled(
        UNKNOWN,
        NO_ARGS,
        `${where} calls ${[...methods, ...(s.call !== undefined ? ['itself'] : [])].join(', ')} of values in its ${label}, part of which the analysis did not keep`,
      );
    }
  }
  // Special methods the hook's operations run on the value's class: that class's own code then runs on its state.
  if (s.dunders !== undefined && s.dunders.length > 0 && typeof v === 'object') {
    host.implicitHooks(v, operationHooks(s.dunders), `${where} (${s.dunders.join(' ')} of its ${label})`);
  }
  if (shape || isNone(v)) return;
  for (const [sink, callable] of SINK_CALLABLE_ENTRIES) {
    const at = s[sink as keyof LabelSinks];
    if (typeof at !== 'string') continue;
    if ((sink === 'compile' || sink === 'compileStr') && !mayBeText(v, sink === 'compile')) continue;
    host.deriveCall(
      callable[0],
      callable[1],
      `${where}: its ${label} reaches ${at}`,
      `${where} passes its ${label} (chosen by the stream) to ${at}`,
    );
  }
}
