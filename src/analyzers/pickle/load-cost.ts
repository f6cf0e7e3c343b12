// The work a real load does that the stream's size does not bound: hashing. CPython's tuple hash is not cached and
// hashes every item again, so a tower of tuples that share their items (t = (t, t), memo reuse) costs 2^depth per
// hash while taking a few bytes per level; each dict key (SETITEM(S), DICT), set member (ADDITEMS) and frozenset
// member (FROZENSET) is hashed once on insertion. str, bytes and frozenset hashes are cached; other objects cost one.
// An instance built from an argument tuple counts as that tuple: a tuple subclass (a namedtuple, tuple.__new__ of a
// tuple) hashes the items its __new__ was given, and the analysis does not know which admitted classes are tuples.
// The loader also re-hashes what a call is given (set(list), frozenset(tuple), OrderedDict(pairs), dict(d)), so lists
// and dicts carry the hash cost of what they hold (exposure), charged again at every call they are passed to.
import { K, type DictV, type ListV, type PyVal, type TupleV } from './values.js';

/**
 * Nesting past which hashing one value is reported: CPython's tuple hash recurses once per level on the C stack with
 * no recursion guard, and the loading process dies (SIGSEGV) at about 150,000 levels on an 8 MiB main-thread stack,
 * far fewer on a worker thread's. Library pickles nest keys a few levels deep.
 */
export const HASH_DEPTH_LIMIT = 10_000;
/** Hash steps past which a load is reported: about 2^28 item hashes, seconds to minutes of CPython time. */
export const HASH_STEP_LIMIT = 2 ** 28;
/** Costs saturate here (exact well past the limit, and no float drift in the sums). */
const CAP = 2 ** 52;

/** Hash cost of nested tuples, computed once when first hashed (the DAG is walked once, not per path). */
const costs = new WeakMap<TupleV, number>();
/** Nesting depth of the same tuples (the C recursion one hash makes), computed with the cost. */
const depths = new WeakMap<TupleV, number>();
/** Hash cost of the items a long tuple did not keep (the VM keeps a prefix), recorded when it was built. */
const dropped = new WeakMap<TupleV, number>();

/** The tuple a value hashes as: a tuple, or the argument tuple of an instance a call or NEWOBJ built. */
function asTuple(v: PyVal): TupleV | undefined {
  if (typeof v !== 'object') return undefined;
  if (v.k === K.Tuple) return v;
  if (v.k === K.Obj && typeof v.args === 'object' && v.args.k === K.Tuple) return v.args;
  return undefined;
}

/** Hash cost of a list or dict inside an argument tuple (tuple(list), tuple(dict) hash what they hold). */
function heldCost(v: PyVal): number {
  if (typeof v !== 'object') return 0;
  if (v.k === K.List) return (v as ListV).cost ?? 0;
  if (v.k === K.Dict) return (v as DictV).keyCost ?? 0;
  return 0;
}

/** Records the hash cost of the items of `all` that tuple `t` (which keeps only a prefix of them) dropped. */
export function noteDropped(t: TupleV, all: readonly PyVal[]): void {
  let c = 0;
  for (let i = t.items.length; i < all.length; i++) c = Math.min(c + hashCost(all[i]!), CAP);
  dropped.set(t, c);
}

/** Item hashes one `hash(v)` performs (iterative: keys nested 100,000s deep do not use the JS stack). */
export function hashCost(v: PyVal): number {
  const root = asTuple(v);
  if (root === undefined) return 1;
  const known = costs.get(root);
  if (known !== undefined) return known;
  if (!deepHash(root)) return 1 + root.items.length + root.more;
  const stack: TupleV[] = [root];
  while (stack.length > 0) {
    const t = stack[stack.length - 1]!;
    if (costs.has(t)) {
      stack.pop();
      continue;
    }
    let pending = false;
    for (const it of t.items) {
      const tt = asTuple(it);
      if (tt !== undefined && deepHash(tt) && !costs.has(tt)) {
        stack.push(tt);
        pending = true;
      }
    }
    if (pending) continue;
    let c = 1 + t.items.length + (t.more > 0 ? (dropped.get(t) ?? t.more) : 0);
    let d = 1;
    for (const it of t.items) {
      const tt = asTuple(it);
      if (tt !== undefined) {
        c += (costs.get(tt) ?? 1 + tt.items.length + tt.more) - 1;
        d = Math.max(d, 1 + (depths.get(tt) ?? 1));
      } else {
        c += heldCost(it);
        if (typeof it === 'object' && it.k === K.List) d = Math.max(d, 1 + (it.depth ?? 0));
      }
    }
    costs.set(t, Math.min(c, CAP));
    depths.set(t, d);
    stack.pop();
  }
  return costs.get(root)!;
}

/**
 * The hash cost and nesting depth of `v` (a tuple, or an instance built from an argument tuple), for a stand-in that
 * replaces it, or undefined when hashing it is flat (deepHash false).
 */
export function hashFacts(v: PyVal): { cost: number; depth: number } | undefined {
  const t = asTuple(v);
  if (t === undefined || !deepHash(t)) return undefined;
  const cost = hashCost(t);
  return { cost, depth: depths.get(t) ?? 1 };
}

/**
 * Makes `standIn` (a tuple whose items are dropped: more > 0, so deepHash holds) hash as the values it stands for: the
 * largest cost and depth given so far. A memo that compacts a deep key keeps what a later hash of it will cost.
 */
export function carryHash(standIn: TupleV, facts: { cost: number; depth: number }): void {
  costs.set(standIn, Math.min(Math.max(costs.get(standIn) ?? 0, facts.cost), CAP));
  depths.set(standIn, Math.max(depths.get(standIn) ?? 1, facts.depth));
}

/** Levels of C recursion one `hash(v)` makes (1 for a flat tuple or a non-tuple; a list: the deepest it holds). */
export function hashDepth(v: PyVal): number {
  if (typeof v === 'object' && v.k === K.List) return v.depth ?? 0;
  const t = asTuple(v);
  if (t === undefined || !deepHash(t)) return 1;
  hashCost(t);
  return depths.get(t) ?? 1;
}

/** Does hashing `v` cost more than a flat tuple's work (the VM's fast path leaves such keys to the general path)? */
export function deepHash(v: PyVal): boolean {
  const t = asTuple(v);
  if (t === undefined) return false;
  if (t.more > 0) return true;
  for (const it of t.items) if (asTuple(it) !== undefined || heldCost(it) > 0) return true;
  return false;
}

/** Cheap test: does `v` hold hash cost a list element or argument must account for (exposure(v) > 0)? */
export function holdsHashCost(v: PyVal): boolean {
  return heldCost(v) > 0 || deepHash(v);
}

/**
 * The hash cost a call given `v` may spend re-hashing what it holds: a list's or dict's held cost, a nested tuple's
 * (or an instance's argument tuple's) hash; 0 for values whose hashing is flat.
 */
export function exposure(v: PyVal): number {
  const held = heldCost(v);
  if (held > 0) return held;
  return deepHash(v) ? hashCost(v) : 0;
}

/** Running total of one load's hash steps. */
export class HashBudget {
  total = 0;
  reported = false;

  /** Adds the cost of hashing `v`; true the first time the total passes the limit. */
  add(v: PyVal): boolean {
    return this.addSteps(hashCost(v));
  }

  /** Adds `steps` item hashes; true the first time the total passes the limit. */
  addSteps(steps: number): boolean {
    if (this.reported) return false;
    this.total = Math.min(this.total + steps, CAP);
    if (this.total <= HASH_STEP_LIMIT) return false;
    this.reported = true;
    return true;
  }
}
