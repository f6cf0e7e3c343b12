// What the python pack's admitted callables run on their arguments (data/iterating-callables.json, read from CPython
// by scripts/data/derive-iterating-callables.py): `set(x)`, `frozenset(x)`, `deque(x, n)`, `Counter(x)`,
// `OrderedDict(x)`, `defaultdict(f, x)`, `bytes(x)`, `bytearray(x)`, `tuple.__new__(tuple, x)` and
// `copyreg._reconstructor(cls, base, x)` with a dict, set, list, tuple or deque base iterate x: CPython runs x's
// class's __iter__ (or __getitem__) and __len__, and the hashing builders hash and compare what it yields, the dict
// builders take each item apart as a (key, value) pair. On an object, that is its library's code on the state the
// stream gave it (scipy's csc_matrix.__iter__ converts to CSR in unchecked C++, pandas' Categorical takes its
// categories by unchecked codes, a SparseArray yields as many items as its stored length says).
import table from './data/iterating-callables.json' with { type: 'json' };
import { instanceClasses } from './instance-class.js';
import { K, type ObjV, type PyVal } from './values.js';

/** The special methods (and attribute lookups, `.name`) a callable runs on an argument and on the items of a list there. */
export interface ArgumentHooks {
  readonly arg: readonly string[];
  readonly items: readonly string[];
}

/** How a stream calls an admitted callable: a call (REDUCE, INST, OBJ: __new__ and __init__), or NEWOBJ (__new__). */
export type CallWay = 'call' | 'new';

interface IteratingFile {
  readonly callables: Readonly<Record<string, Partial<Record<CallWay, Readonly<Record<string, ArgumentHooks>>>>>>;
  readonly reconstructorBases: Readonly<Record<string, ArgumentHooks>>;
}

const data = table as IteratingFile;

/** The derived record of every callable the python pack admits a call of (the invariant test enumerates it). */
export function derivedCallables(): IteratingFile['callables'] {
  return data.callables;
}

/** The derived record of every class copyreg._reconstructor may take as its base. */
export function derivedBases(): IteratingFile['reconstructorBases'] {
  return data.reconstructorBases;
}

/** What `canonical` called `way` runs on its positional arguments, by position; undefined when it runs nothing. */
export function argumentHooks(canonical: string, way: CallWay): ReadonlyMap<number, ArgumentHooks> | undefined {
  const memo = way === 'call' ? byCall : byNew;
  let out = memo.get(canonical);
  if (out === undefined) {
    const rec = Object.hasOwn(data.callables, canonical) ? data.callables[canonical]![way] : undefined;
    const m = new Map<number, ArgumentHooks>();
    for (const [pos, hooks] of Object.entries(rec ?? {})) m.set(Number(pos), hooks);
    out = m.size > 0 ? m : null;
    memo.set(canonical, out);
  }
  return out ?? undefined;
}
/** argumentHooks' answers by name (null: none), per way; asked at every call and NEWOBJ. */
const byCall = new Map<string, ReadonlyMap<number, ArgumentHooks> | null>();
const byNew = new Map<string, ReadonlyMap<number, ArgumentHooks> | null>();

/** What copyreg._reconstructor(cls, base, state) runs on its state through base.__new__ and base.__init__. */
export function baseHooks(base: string): ArgumentHooks | undefined {
  const rec = Object.hasOwn(data.reconstructorBases, base) ? data.reconstructorBases[base] : undefined;
  return rec === undefined || (rec.arg.length === 0 && rec.items.length === 0) ? undefined : rec;
}

/**
 * Whether a call of `canonical`, in any way the pack admits it, may iterate one of its arguments: the callable
 * iterates one, or (copyreg._reconstructor, or a class taken as its base) it hands one to a base whose __new__ or
 * __init__ does.
 */
export function iteratesArguments(canonical: string): boolean {
  let out = anyWay.get(canonical);
  if (out === undefined) {
    const rec = Object.hasOwn(data.callables, canonical) ? data.callables[canonical]! : {};
    const ways = Object.values(rec).flatMap((r) => Object.values(r ?? {}));
    out =
      ways.some((h) => iterates(h.arg)) ||
      iterates(baseHooks(canonical)?.arg ?? []) ||
      (canonical === RECONSTRUCTOR && Object.values(data.reconstructorBases).some((h) => iterates(h.arg)));
    anyWay.set(canonical, out);
  }
  return out;
}
const anyWay = new Map<string, boolean>();
const RECONSTRUCTOR = 'copyreg._reconstructor';

/** Special methods by which CPython iterates a value (iter(), the old sequence protocol, a length hint). */
const ITERATION: ReadonlySet<string> = new Set(['__iter__', '__getitem__', '__len__', '__length_hint__']);

/** Whether the hooks iterate the value (its class's iteration protocol runs). */
export const iterates = (names: readonly string[]): boolean => names.some((n) => ITERATION.has(n));

/**
 * Classes whose iteration the VM models: CPython's own containers (native iteration over the items they hold, which
 * the VM tallies as each call makes them: argument-work.ts `holds`), numpy's ndarray (native iteration over its
 * elements, which its allocation is charged for), and pandas' RangeIndex (a lazy range, whose length the VM charges to
 * every call that iterates its arguments: argument-work.ts).
 */
const MODELLED_ITERATION: ReadonlySet<string> = new Set([
  'builtins.set',
  'builtins.frozenset',
  'builtins.list',
  'builtins.tuple',
  'builtins.dict',
  'builtins.str',
  'builtins.bytes',
  'builtins.bytearray',
  'builtins.range',
  'collections.deque',
  'collections.Counter',
  'collections.OrderedDict',
  'collections.defaultdict',
  'numpy.ndarray',
  'pandas.core.indexes.range.RangeIndex',
  'pandas.indexes.range.RangeIndex',
]);

/**
 * Why iterating `v` runs code the VM does not model, or undefined: an object that may be of a class outside
 * MODELLED_ITERATION (its __iter__/__len__/__getitem__ run its library's code on the state the stream gave it), or
 * what persistent_load returns. Values the stream spells out (tuples, lists, dicts, sets, text, numbers) are iterated
 * by CPython itself.
 */
export function unmodelledIteration(v: PyVal): string | undefined {
  if (typeof v !== 'object') return undefined;
  if (v.k === K.Pers) return 'an object persistent_load returns';
  if (v.k !== K.Obj) return undefined;
  const c = instanceClasses(v);
  if (c.unknown || c.names.length === 0) return 'an object of a class the stream does not name';
  const other = c.names.filter((n) => !MODELLED_ITERATION.has(n));
  return other.length === 0 ? undefined : `an object of ${other.join(', ')}`;
}

/** The items of a container the stream spells out that the analysis kept (objects and containers among them). */
export function keptItems(v: PyVal): readonly PyVal[] {
  if (typeof v !== 'object') return [];
  switch (v.k) {
    case K.Tuple:
      return v.items;
    case K.List:
      return v.items ?? v.objs ?? [];
    case K.Set:
    case K.FrozenSet:
      return v.objs ?? [];
    default:
      return [];
  }
}

/**
 * Whether a container the stream spells out holds items the analysis did not keep that may be objects (an unkept
 * container among its items is iterated by CPython itself).
 */
export function itemsLost(v: PyVal): boolean {
  if (typeof v !== 'object') return false;
  switch (v.k) {
    case K.Tuple:
      return v.more > 0 && v.dropsData !== true;
    case K.List:
      return v.items === undefined && v.unkeptObj === true;
    case K.Set:
    case K.FrozenSet:
      return v.unkeptObj === true;
    default:
      return false;
  }
}

/** Bound of the walk through the objects an object of a modelled class yields (a container of containers). */
const YIELD_DEPTH = 3;

/**
 * What iterating `v`, an object whose iteration is modelled (unmodelledIteration undefined), yields that may run code
 * when the caller hashes or takes it apart: an object ndarray's elements (the item list of its BUILD state), a CPython
 * container's items (what its constructor was given, and the keys and values SETITEM(S) stored on it). `lost`: some
 * may not be kept (or the walk's bound was reached).
 */
export function yieldedObjects(v: ObjV, depth = 0): { objs: PyVal[]; lost: boolean } {
  const out = { objs: [] as PyVal[], lost: false };
  if (depth >= YIELD_DEPTH) return { objs: [], lost: true };
  const names = instanceClasses(v).names;
  const take = (x: PyVal): void => {
    if (typeof x !== 'object') return;
    if (x.k === K.Obj && unmodelledIteration(x) === undefined) {
      // A CPython container or array among the items: what it holds is reached the same way.
      out.objs.push(x);
      const inner = yieldedObjects(x, depth + 1);
      out.objs.push(...inner.objs);
      if (inner.lost) out.lost = true;
    } else if (x.k === K.Obj || x.k === K.Pers || x.k === K.Unknown) out.objs.push(x);
    else if (x.k === K.Dict) {
      for (const k of [...x.keys, ...x.vals]) take(k);
      if (x.opaque === true || x.n > x.keys.length) out.lost = true;
    } else {
      for (const it of keptItems(x)) take(it);
      if (itemsLost(x)) out.lost = true;
    }
  };
  if (names.includes('numpy.ndarray')) {
    // numpy's ndarray state (version, shape, dtype, is_fortran, data): an object array's data is the list of elements.
    for (const st of v.states ?? (v.state !== undefined ? [v.state] : [])) {
      const data = typeof st === 'object' && st.k === K.Tuple ? st.items[4] : undefined;
      if (typeof data === 'object' && (data.k === K.List || data.k === K.Tuple)) take(data);
      else if (typeof data === 'object' && (data.k === K.Obj || data.k === K.Unknown || data.k === K.Pers))
        out.lost = true;
    }
    return out;
  }
  // A CPython container: the arguments it was made from (a memo stand-in's are not known) and its stored items.
  if (v.memoLost === true) out.lost = true;
  const args = v.args;
  if (typeof args === 'object' && args.k === K.Tuple) {
    for (const a of args.items) if (typeof a === 'object' && a.k !== K.Global) take(a);
    if (args.more > 0) out.lost = true;
  }
  if (v.planted !== undefined) take(v.planted);
  return out;
}
