// The work a real load does that the stream's size does not bound: hashing. CPython's tuple hash is not cached and
// hashes every item again, so a tower of tuples that share their items (t = (t, t), memo reuse) costs 2^depth per
// hash while taking a few bytes per level; each dict key (SETITEM(S), DICT), set member (ADDITEMS) and frozenset
// member (FROZENSET) is hashed once on insertion. str, bytes and frozenset hashes are cached; other objects cost one.
import { K, type PyVal, type TupleV } from './values.js';

/** Hash steps past which a load is reported: about 2^28 item hashes, seconds to minutes of CPython time. */
export const HASH_STEP_LIMIT = 2 ** 28;
/** Costs saturate here (exact well past the limit, and no float drift in the sums). */
const CAP = 2 ** 52;

/** Hash cost of nested tuples, computed once when first hashed (the DAG is walked once, not per path). */
const costs = new WeakMap<TupleV, number>();
/** Hash cost of the items a long tuple did not keep (the VM keeps a prefix), recorded when it was built. */
const dropped = new WeakMap<TupleV, number>();

function isTuple(v: PyVal): v is TupleV {
  return typeof v === 'object' && v.k === K.Tuple;
}

/** Records the hash cost of the items of `all` that tuple `t` (which keeps only a prefix of them) dropped. */
export function noteDropped(t: TupleV, all: readonly PyVal[]): void {
  let c = 0;
  for (let i = t.items.length; i < all.length; i++) c = Math.min(c + hashCost(all[i]!), CAP);
  dropped.set(t, c);
}

/** Item hashes one `hash(v)` performs (iterative: keys nested 100,000s deep do not use the JS stack). */
export function hashCost(v: PyVal): number {
  if (!isTuple(v)) return 1;
  const known = costs.get(v);
  if (known !== undefined) return known;
  if (!deepHash(v)) return 1 + v.items.length + v.more;
  const stack: TupleV[] = [v];
  while (stack.length > 0) {
    const t = stack[stack.length - 1]!;
    if (costs.has(t)) {
      stack.pop();
      continue;
    }
    let pending = false;
    for (const it of t.items) {
      if (isTuple(it) && deepHash(it) && !costs.has(it)) {
        stack.push(it);
        pending = true;
      }
    }
    if (pending) continue;
    let c = 1 + t.items.length + (t.more > 0 ? (dropped.get(t) ?? t.more) : 0);
    for (const it of t.items) if (isTuple(it)) c += (costs.get(it) ?? 1 + it.items.length + it.more) - 1;
    costs.set(t, Math.min(c, CAP));
    stack.pop();
  }
  return costs.get(v)!;
}

/** Does hashing `v` cost more than a flat tuple's work (the VM's fast path leaves such keys to the general path)? */
export function deepHash(v: PyVal): boolean {
  if (!isTuple(v)) return false;
  if (v.more > 0) return true;
  for (const it of v.items) if (isTuple(it)) return true;
  return false;
}

/** Running total of one load's hash steps. */
export class HashBudget {
  total = 0;
  reported = false;

  /** Adds the cost of hashing `v`; true the first time the total passes the limit. */
  add(v: PyVal): boolean {
    if (this.reported) return false;
    this.total = Math.min(this.total + hashCost(v), CAP);
    if (this.total <= HASH_STEP_LIMIT) return false;
    this.reported = true;
    return true;
  }
}
