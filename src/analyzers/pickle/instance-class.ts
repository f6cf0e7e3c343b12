// The class a VM value is an instance of, as far as the stream decides it: a class called or NEWOBJ'd directly, the
// class argument of a reconstructor (copyreg._reconstructor, copyreg.__newobj__, cls.__new__ — how protocols 0-2
// rebuild objects), the new_type of torch._tensor._rebuild_from_type_v2. Hooks that run on unpickling (__setstate__,
// joblib's array reading) are decided by this class on every path that reaches them, not only when BUILD targets an
// object made by calling the class itself.
import { dictClass, effectOf, isPackClass, reviewedClass } from './callable-effects.js';
import type { ImportFact } from './facts.js';
import { K, kindName, type ObjV, type PyVal } from './values.js';

/**
 * Callables whose result is an instance of their first argument. scikit-learn's Cython modules each define
 * `newObj(obj)`, `return obj.__new__(obj)`, the reconstructor their classes' __reduce__ writes (at the old module
 * locations of 0.15 - 0.23 too, which the scikit-learn history pack admits with the same source in every version).
 */
export const RECONSTRUCTORS: ReadonlySet<string> = new Set([
  'copyreg._reconstructor',
  'copyreg.__newobj__',
  'copyreg.__newobj_ex__',
  'sklearn.metrics._dist_metrics.newObj',
  'sklearn.neighbors._ball_tree.newObj',
  'sklearn.neighbors._kd_tree.newObj',
  'sklearn.neighbors._dist_metrics.newObj',
  'sklearn.neighbors.ball_tree.newObj',
  'sklearn.neighbors.dist_metrics.newObj',
  'sklearn.neighbors.kd_tree.newObj',
]);

/** torch._tensor._rebuild_from_type_v2(func, new_type, args, state): func(*args) becomes a `new_type`. */
export const REBUILD_FROM_TYPE_V2 = 'torch._tensor._rebuild_from_type_v2';

/** The class import of `v`'s class, or undefined when the stream does not say (a call result of unknown type). */
export function instanceClass(v: PyVal): ImportFact | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global) return undefined;
  const c = callee.imp.canonical;
  if (RECONSTRUCTORS.has(c) || c.endsWith('.__new__')) return classArg(v.args, 0);
  if (c === REBUILD_FROM_TYPE_V2) return classArg(v.args, 1);
  return callee.imp;
}

function classArg(args: PyVal, i: number): ImportFact | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple) return undefined;
  const cls = args.items[i];
  return typeof cls === 'object' && cls.k === K.Global ? cls.imp : undefined;
}

/**
 * The classes a value may be an instance of, as far as the stream and the callables' effect model (callable-effects.ts)
 * decide it; `unknown` when it may also be of a class the analysis cannot name (a call result of a name outside the
 * packs, an object called, a persistent id). Hooks that depend on a class run for every name here, and for an unknown
 * class every hook whose trigger the state carries runs (fail closed).
 */
export interface ClassSet {
  readonly names: readonly string[];
  readonly unknown: boolean;
}

export const UNKNOWN_CLASS: ClassSet = Object.freeze({ names: Object.freeze([]) as readonly string[], unknown: true });
const MAX_CLASS_DEPTH = 32;

export function instanceClasses(v: PyVal, depth = 0): ClassSet {
  if (typeof v !== 'object') return typeof v === 'string' ? STR_CLASS : INT_CLASS;
  switch (v.k) {
    case K.Obj: {
      if (depth > MAX_CLASS_DEPTH) return UNKNOWN_CLASS;
      // A memo stand-in (an object stored past the memo's detail budget, read back): the classes of the objects it
      // stands for, as its record keeps them (vm.ts keepLostAttrs), while the record is whole. The record grows as the
      // stand-in comes to stand for more objects, so the answer is not remembered.
      if (v.memoLost === true) {
        const info = v.lostAttrs;
        return info === undefined || info.over ? UNKNOWN_CLASS : { names: [...info.classes], unknown: false };
      }
      // An object's classes follow from what made it (callee, call, arguments: fixed when it is made), so the answer
      // for a whole walk (depth 0) is remembered per object; a nested one may be cut by the depth bound, so it is not.
      if (depth > 0) return objectClasses(v, depth);
      let s = objectClassCache.get(v);
      if (s === undefined) {
        s = objectClasses(v, 0);
        objectClassCache.set(v, s);
      }
      return s;
    }
    case K.FileLike:
      return BYTESIO_CLASS;
    case K.Unknown:
    case K.Pers:
    case K.Global:
      // A class, function or module object itself, or what persistent_load returns: not an instance the VM can name.
      return UNKNOWN_CLASS;
    default: {
      let s = kindClasses.get(v.k);
      if (s === undefined) {
        s = fixedClass(`builtins.${kindName(v)}`);
        kindClasses.set(v.k, s);
      }
      return s;
    }
  }
}

function fixedClass(name: string): ClassSet {
  return Object.freeze({ names: Object.freeze([name]) as readonly string[], unknown: false });
}

const STR_CLASS = fixedClass('builtins.str');
const INT_CLASS = fixedClass('builtins.int');
const BYTESIO_CLASS = fixedClass('io.BytesIO');
/** The class of a value of each built-in kind (the kind alone names it). */
const kindClasses = new Map<K, ClassSet>();
/** instanceClasses of each object, as first answered (see there). */
const objectClassCache = new WeakMap<ObjV, ClassSet>();

function objectClasses(v: ObjV, depth: number): ClassSet {
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global) return UNKNOWN_CLASS;
  const c = callee.imp.canonical;
  // NEWOBJ runs cls.__new__(cls, …): an instance of exactly that class.
  if (v.call?.kind === 'NEWOBJ' || v.call?.kind === 'NEWOBJ_EX') return { names: [c], unknown: false };
  if (RECONSTRUCTORS.has(c) || c.endsWith('.__new__')) return classArgSet(v.args, 0);
  if (c === REBUILD_FROM_TYPE_V2) return classArgSet(v.args, 1);
  const e = effectOf(c);
  if (e !== undefined) {
    const names: string[] = [];
    let unknown = false;
    const items = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args.items : undefined;
    for (const r of e.returns) {
      let s: ClassSet;
      if ('new' in r) s = classArgSet(v.args, r.new);
      else if ('arg' in r) s = items?.[r.arg] !== undefined ? instanceClasses(items[r.arg]!, depth + 1) : UNKNOWN_CLASS;
      else if ('fixed' in r) s = { names: [r.fixed], unknown: false };
      else s = UNKNOWN_CLASS;
      for (const n of s.names) if (!names.includes(n)) names.push(n);
      unknown ||= s.unknown;
    }
    return { names, unknown };
  }
  // A pack class called is an instance of it; any other name (outside the packs) may return anything.
  return isPackClass(c) ? { names: [c], unknown: false } : { names: [c], unknown: true };
}

function classArgSet(args: PyVal, i: number): ClassSet {
  const cls = classArg(args, i);
  return cls !== undefined ? { names: [cls.canonical], unknown: false } : UNKNOWN_CLASS;
}

/**
 * Whether `o` may be an instance of a dict subclass: a class the effect model derives as one (callable-effects.json
 * `dict`, the packs' and the allowlists' classes), a class a reconstructor was given that the derived facts do not
 * cover, or, when its class cannot be named, an object the stream called (not a named callable: one outside the packs
 * and allowlists is reported by its import, and the allowlists' names are reviewed).
 */
export function mayBeDict(o: ObjV): boolean {
  const classes = instanceClasses(o);
  if (classes.names.some((n) => n === 'builtins.dict' || dictClass(n))) return true;
  const callee = typeof o.callee === 'object' && o.callee.k === K.Global ? o.callee.imp.canonical : undefined;
  if (classes.names.some((n) => n !== callee && !reviewedClass(n))) return true;
  return classes.unknown && callee === undefined;
}
