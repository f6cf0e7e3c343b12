// Hash collisions: the other half of the work hashing does. CPython hashes an int as its value modulo the Mersenne
// prime 2^61 − 1 (the sign kept, and −1 hashed as −2), True and False as 1 and 0, and a tuple as a fixed function of
// its items' hashes, so distinct integers that differ by a multiple of that prime share one hash, and so do tuples
// (and instances built from argument tuples) whose items do. Inserting a key into a dict or set walks every earlier
// distinct key of the same hash (they share one probe sequence) and compares it with ==: N such keys cost about N²/2
// probes, a few seconds for 30,000 and hours for 200,000, while each takes ten bytes of stream.
//
// What can share a hash without chance: integers past 2^53 (the VM keeps them as bigint up to 4,096 bytes, and their
// class is computed exactly; longer ones keep only their length and all count as one class), the numeric classes whose
// hash is the same modular value of the number they are built from (int, Fraction, Decimal: from text, digits or a
// ratio of small integers), and tuples, instances
// and frozensets holding any of those. Everything else is left out: str and bytes hashes are keyed per process, so
// distinct ones collide only by chance; floats share a hash with at most a few dozen other floats (the hash of m·2^e
// is m rotated by e within 61 bits, so one hash value is reached by one mantissa per 61 exponents); integers that fit
// 53 bits hash as themselves; objects without a value hash hash by identity. A key class holds the distinct keys seen
// in it (exact values where the VM has them; a key whose value it lacks counts as new each time: fail closed).
import { K, type PyVal, type TupleV } from './values.js';

/** CPython's modulus for numeric hashes. */
export const HASH_MODULUS = (1n << 61n) - 1n;

/** Probes (key comparisons) past which a load's hash-table insertions are reported: as the hash step limit. */
export const COLLISION_PROBE_LIMIT = 2 ** 28;

/** Levels of tuples inside a key that are classed item by item (deeper ones class as one unknown). */
const CLASS_DEPTH = 4;
/** Costs saturate here. */
const CAP = 2 ** 52;

/** Classes whose hash is their number's modular value, built from text or numbers (a collision needs no bigint). */
const NUMERIC_CALLEES = new Set([
  'builtins.int',
  // hash(complex) is hash(re) + 1000003·hash(im): parts chosen together collide at will.
  'builtins.complex',
  'fractions.Fraction',
  'decimal.Decimal',
  '_decimal.Decimal',
  '_pydecimal.Decimal',
]);

/** A key's collision class, and its exact value when the VM has it (undefined: count as distinct). */
export interface KeyClass {
  readonly cls: string;
  readonly exact: string | undefined;
}

/** Tallies of the keys a container holds (dict, set, frozenset, instance of a dict or set subclass, list, tuple). */
const tallies = new WeakMap<object, CollisionTally>();

/** CPython's hash of an int, as text. */
function intHash(v: bigint): string {
  const a = v < 0n ? -v : v;
  let h = a % HASH_MODULUS;
  if (v < 0n) h = -h;
  if (h === -1n) h = -2n;
  return h.toString();
}

/** Can `v` share its hash with a distinct value beyond chance (cheap; tuples answer what was found at their build)? */
export function mayCollide(v: PyVal): boolean {
  if (typeof v === 'bigint') return true;
  if (typeof v !== 'object') return false;
  switch (v.k) {
    case K.Unknown:
      return v.bits !== undefined;
    case K.Tuple:
      return v.collides === true;
    case K.FrozenSet:
    case K.Set:
      return v.tallied === true;
    case K.Obj: {
      const callee = v.callee;
      // A number built by a numeric class (from text, digits or a ratio) may hash as any other; a UUID hashes the
      // integer its state restores.
      if (typeof callee === 'object' && callee.k === K.Global && NUMERIC_CALLEES.has(callee.imp.canonical)) return true;
      if (typeof callee === 'object' && callee.k === K.Global && callee.imp.canonical === 'uuid.UUID') return true;
      if (complexScalar(v)) return true;
      return typeof v.args === 'object' && v.args.k === K.Tuple && v.args.collides === true;
    }
    default:
      return false;
  }
}

/** Notes, where a tuple is built from `all` (its kept items and the dropped ones), whether any item can collide. */
export function noteTupleItems(t: TupleV, all: readonly PyVal[]): void {
  for (const it of all)
    if (mayCollide(it)) {
      t.collides = true;
      const tally = tallyOf(t);
      for (const x of all) tally.addItem(x);
      return;
    }
}

function part(v: PyVal, depth: number): KeyClass {
  switch (typeof v) {
    case 'number':
      return { cls: v === -1 ? 'i-2' : `i${v}`, exact: `i${v}` };
    case 'bigint':
      return { cls: `i${intHash(v)}`, exact: `i${v}` };
    case 'string':
      return { cls: `s${v}`, exact: `s${v}` };
  }
  switch (v.k) {
    case K.None:
      return { cls: 'N', exact: 'N' };
    case K.True:
      return { cls: 'i1', exact: 'i1' };
    case K.False:
      return { cls: 'i0', exact: 'i0' };
    case K.Unknown:
      return { cls: v.bits !== undefined ? 'i?' : '?', exact: undefined };
    case K.Global:
      return { cls: `g${v.imp.canonical}`, exact: `g${v.imp.canonical}` };
    case K.Tuple: {
      if (depth >= CLASS_DEPTH || v.more > 0) return { cls: '(?)', exact: undefined };
      const parts = v.items.map((it) => part(it, depth + 1));
      const exact = parts.every((p) => p.exact !== undefined) ? `(${parts.map((p) => p.exact).join(',')})` : undefined;
      return { cls: `(${parts.map((p) => p.cls).join(',')})`, exact };
    }
    case K.Obj: {
      const callee = v.callee;
      const name = typeof callee === 'object' && callee.k === K.Global ? callee.imp.canonical : '?';
      // A number built from text hashes as the number the text spells: any two may collide.
      if (NUMERIC_CALLEES.has(name) || complexScalar(v)) return { cls: 'n', exact: undefined };
      // uuid.UUID.__hash__ is hash(self.int), restored from its state ({'int': n}); UUIDs equal only UUIDs.
      if (name === 'uuid.UUID') {
        const n = uuidInt(v.state);
        if (n === undefined) return { cls: 'i?', exact: undefined };
        const p = part(n, depth + 1);
        return { cls: p.cls, exact: p.exact === undefined ? undefined : `u${p.exact}` };
      }
      const args = part(v.args, depth + 1);
      return { cls: `o${name}${args.cls}`, exact: undefined };
    }
    case K.FrozenSet:
    case K.Set:
      return { cls: 'F', exact: undefined };
    default:
      return { cls: `k${v.k}`, exact: undefined };
  }
}

/** A numpy complex scalar (`scalar(dtype('c16'), bytes)`): it hashes as the complex number it holds. */
function complexScalar(v: PyVal): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj) return false;
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global || !callee.imp.canonical.endsWith('.multiarray.scalar'))
    return false;
  const dtype = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args.items[0] : undefined;
  if (typeof dtype !== 'object' || dtype.k !== K.Obj || typeof dtype.args !== 'object' || dtype.args.k !== K.Tuple)
    return false;
  const code = dtype.args.items[0];
  return typeof code === 'string' && (code.startsWith('c') || code.startsWith('complex'));
}

/** The `int` a UUID's state dict restores (its hash is that integer's), when the state is a plain dict holding one. */
function uuidInt(state: PyVal | undefined): PyVal | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict || state.opaque === true) return undefined;
  const i = state.keys.indexOf('int');
  return i >= 0 ? state.vals[i] : undefined;
}

/** The collision class of key `v`, or undefined when it cannot share its hash with a distinct key beyond chance. */
export function keyClass(v: PyVal): KeyClass | undefined {
  if (!mayCollide(v)) return undefined;
  return part(v, 0);
}

/** The distinct keys of one container, by collision class, and the probes inserting them cost. */
export class CollisionTally {
  private readonly classes = new Map<string, { n: number; seen: Set<string> | undefined }>();
  /** Probes the insertions so far cost; what a call that hashes the container's items again pays again. */
  potential = 0;

  /** Adds key class `c`; returns the probes its insertion costs (the distinct earlier keys of its class). */
  add(c: KeyClass): number {
    let e = this.classes.get(c.cls);
    if (e === undefined) {
      e = { n: 0, seen: undefined };
      this.classes.set(c.cls, e);
    }
    const probes = e.n;
    if (c.exact !== undefined) {
      e.seen ??= new Set();
      if (e.seen.has(c.exact)) return probes;
      e.seen.add(c.exact);
    }
    e.n++;
    this.potential = Math.min(this.potential + probes, CAP);
    return probes;
  }

  /**
   * Adds an item of a list or tuple: the potential of hashing it again (set(list), Counter(list)), and for a pair
   * that of hashing its first item (dict(pairs), OrderedDict(pairs)).
   */
  addItem(item: PyVal): void {
    const c = keyClass(item);
    if (c !== undefined) this.add(c);
    if (typeof item === 'object' && item.k === K.Tuple && item.items.length === 2) {
      const k = keyClass(item.items[0]!);
      if (k !== undefined) this.add({ cls: `k${k.cls}`, exact: k.exact === undefined ? undefined : `k${k.exact}` });
    }
  }
}

/** The tally of container `c` (made on first use). */
export function tallyOf(c: object): CollisionTally {
  let t = tallies.get(c);
  if (t === undefined) {
    t = new CollisionTally();
    tallies.set(c, t);
    (c as { tallied?: true }).tallied = true;
  }
  return t;
}

/** Probes a call given `v` pays hashing its items again (a list, tuple, dict or set holding colliding keys). */
export function collisionExposure(v: PyVal): number {
  if (typeof v !== 'object' || (v as { tallied?: true }).tallied !== true) return 0;
  return tallies.get(v)?.potential ?? 0;
}

/**
 * A memo stand-in for compacted values that could collide (memo.ts): it stays a colliding key of unknown value, and a
 * call given it pays the largest potential of those it stands for.
 */
export function carryCollisions(standIn: object, from: PyVal): void {
  if (typeof standIn === 'object' && (standIn as TupleV).k === K.Tuple) (standIn as TupleV).collides = true;
  const p = collisionExposure(from);
  const t = tallyOf(standIn);
  if (p > t.potential) t.potential = p;
}

/** Adds `probes` to the potential of the memo's summary of a list or dict (what a memo read of it gives a call). */
export function addPotential(summary: object, probes: number): void {
  if (probes <= 0) return;
  const t = tallyOf(summary);
  t.potential = Math.min(t.potential + probes, CAP);
}
