// Containment depth: how deep objects hold objects, however the stream filled them. CPython frees a container's items
// from its own deallocator, recursively on the C stack; list, tuple, dict, set and instances of Python classes guard
// that recursion (the trashcan defers frees past a nesting level), but deque, defaultdict, numpy object arrays, slice
// and other C types do not, and a chain of a few hundred thousand of them, made without any argument nesting (an
// empty deque given the previous level by APPEND, a defaultdict by SETITEM, an object array by its BUILD state, the
// previous level read back from the memo each time), loads normally and kills the process with SIGSEGV when it is
// freed. The analysis counts every object a call or NEWOBJ makes as one level (whatever its class, over-counting), but
// an instance of a class a pack admits as a Python class (a heap type, its deallocation guarded: history packs marked
// so, callable-effects.ts isHeapTypeClass) and looks through lists, tuples, dicts and sets (guarded: they add no
// level), and keeps on each value the depth of what it holds, updated where the stream adds to it (APPEND(S),
// SETITEM(S), ADDITEMS, BUILD, call arguments, tuples, lists, dicts and frozensets built).
//
// A depth kept where a value is filled is exact when every value is filled before it is placed in another (as
// pickle's Pickler writes: a container's items and an object's state come before the opcode that places it). A
// stream can instead fill a value it placed earlier, read back from the memo (or duplicated): a late link, which can
// join chains whose depths were kept apart. A chain with k late links is made of at most k + 1 runs filled in order,
// each no deeper than the deepest depth kept, so the deepest chain is at most (k + 1) × that depth: the bound the
// analysis reports against. Pickle's Pickler writes no late links, and its recursion limit keeps real nesting far
// below the limit.
import { K, type PyVal } from './values.js';

/**
 * Nesting past which a load is reported: about 100,000 levels of an unguarded C type overflow an 8 MiB stack (far
 * fewer on a worker thread's); pickle's Pickler stops at Python's recursion limit (1,000 frames by default).
 */
export const NEST_LIMIT = 10_000;

/** Levels of objects `v` holds, itself included when it is an object a call made (0 for plain data). */
export function nestOf(v: PyVal): number {
  if (typeof v !== 'object') return 0;
  switch (v.k) {
    case K.Obj:
      return v.nest ?? 1;
    case K.List:
    case K.Dict:
    case K.Tuple:
    case K.Set:
    case K.FrozenSet:
      return v.nest ?? 0;
    default:
      return 0;
  }
}

/** The deepest nesting of `items` (a tuple, list, dict or frozenset built from them holds that depth). */
export function deepestOf(items: readonly PyVal[], containers = false): number {
  let most = 0;
  for (const it of items)
    if (typeof it === 'object') {
      const n = containers ? levelsOf(it) : nestOf(it);
      if (n > most) most = n;
    }
  return most;
}

/**
 * Levels `v` makes for a reader that frees containers recursively too (torch's C++ unpickler of TorchScript archives:
 * its generic lists, tuples and dicts have no trashcan): a list, tuple, dict or set is a level of its own.
 */
export function levelsOf(v: PyVal): number {
  const n = nestOf(v);
  if (typeof v !== 'object') return n;
  return v.k === K.List || v.k === K.Dict || v.k === K.Tuple || v.k === K.Set || v.k === K.FrozenSet ? n + 1 : n;
}

/** Running bound of one load: the deepest depth kept, and the late links (see above). */
export class NestBound {
  deepest = 0;
  late = 0;
  reported = false;

  /** The deepest chain the load may hold (saturating). */
  bound(): number {
    return Math.min(this.deepest * (this.late + 1), 2 ** 52);
  }

  /** True the first time the bound passes NEST_LIMIT. */
  over(): boolean {
    if (this.reported || this.bound() <= NEST_LIMIT) return false;
    this.reported = true;
    return true;
  }
}
