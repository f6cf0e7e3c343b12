// The work a real load does that the stream's size does not bound: hashing. CPython's tuple hash is not cached and
// hashes every item again, so a tower of tuples that share their items (t = (t, t), memo reuse) costs 2^depth per
// hash while taking a few bytes per level; each dict key (SETITEM(S), DICT), set member (ADDITEMS) and frozenset
// member (FROZENSET) is hashed once on insertion. str, bytes and frozenset hashes are cached; other objects cost one.
import { K, type PyVal, type TupleV } from './values.js';

/** Hash steps past which a load is reported: about 2^28 item hashes, seconds to minutes of CPython time. */
export const HASH_STEP_LIMIT = 2 ** 28;
/** Costs saturate here (exact well past the limit, and no float drift in the sums). */
const CAP = 2 ** 52;

/** Hash cost of tuples whose items are not all of cost 1 (flat tuples cost 1 + length and are not recorded). */
const nestedCost = new WeakMap<TupleV, number>();

/** Records the hash cost of a tuple about to be built from `items` (all of them, before any prefix is dropped). */
export function noteTuple(t: TupleV, items: readonly PyVal[]): void {
  let c = 1 + items.length;
  let nested = false;
  for (const it of items) {
    if (typeof it === 'object' && it.k === K.Tuple) {
      const ic = nestedCost.get(it);
      if (ic === undefined) c += it.items.length + it.more;
      else c += ic - 1;
      nested = true;
    }
  }
  if (nested) nestedCost.set(t, Math.min(c, CAP));
}

/** Item hashes one `hash(v)` performs. */
export function hashCost(v: PyVal): number {
  if (typeof v !== 'object' || v.k !== K.Tuple) return 1;
  return nestedCost.get(v) ?? 1 + v.items.length + v.more;
}

/** Is hashing `v` more than a flat tuple's work (the VM's fast path leaves such keys to the general path)? */
export function deepHash(v: PyVal): boolean {
  return typeof v === 'object' && v.k === K.Tuple && nestedCost.has(v);
}

/** Running total of one load's hash steps. */
export class HashBudget {
  total = 0;
  reported = false;

  /** Adds the cost of hashing `v`; true the first time the total passes the limit. */
  add(v: PyVal): boolean {
    this.total = Math.min(this.total + hashCost(v), CAP);
    if (this.reported || this.total <= HASH_STEP_LIMIT) return false;
    this.reported = true;
    return true;
  }
}
