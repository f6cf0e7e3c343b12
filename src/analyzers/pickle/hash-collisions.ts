// Hash collisions: the other half of the work hashing does. Inserting a key into a dict or set walks every earlier
// distinct key of the same hash (they share one probe sequence) and compares it with ==: N such keys cost about N²/2
// probes, a few seconds for 30,000 and hours for 200,000, while each takes a few bytes of stream.
//
// So keys are counted by the hash CPython (64-bit build) actually gives them, computed here from their values: an int
// hashes as its value modulo the Mersenne prime 2^61 − 1 (the sign kept, −1 hashed as −2), True and False as 1 and 0,
// a float as the rational it equals modulo that prime (±inf as ±314159; NaN as 0 before Python 3.10, where no NaN
// equals another: the worst case is counted), a complex as hash(re) + 1000003·hash(im), a tuple by folding its items'
// hashes into an accumulator (the xxHash-style fold of 3.8 and later, and the multiply-xor fold of earlier releases:
// both are tallied and the worse counts), a frozenset by mixing the xor of its members' shuffled hashes with its size,
// and a pandas Interval as the tuple (left, right, closed). Every fold step is invertible, so an attacker picks items
// that make any number of distinct keys hash alike; computing the real value is the only exact answer.
//
// Strings, bytes, None, classes and functions hash per process: each is a fixed unknown lane, the same for equal ones.
// A tuple holding one still collides with another exactly when the accumulator before it is equal and the lanes after
// it are (each fold step is a bijection of the accumulator for a fixed lane), and under the pre-3.8 fold only the low
// 63 bits of each later lane and the parity of their top bits matter (the top bit passes through xor and an odd
// multiplier unchanged): such a hash is kept as a symbol naming that state. A key the VM cannot value (an integer too
// long to keep, a number built from text by Fraction or Decimal, a frozenset of unkept members, a tuple nested past
// the depth classed here) falls into a class of its own counting each key as new: fail closed.
//
// Small ints and floats are not tallied: one hash value is shared by at most two ints below 2^53 and a few hundred
// floats (the hash of m·2^e is m rotated by e within 61 bits, so a value is reached by one mantissa per residue of e
// modulo 61 whose rotation fits 53 bits, at most six of those, times the 34 exponents of that residue), too few to
// matter; a key of any other kind is hashed and tallied. A class holds the distinct keys seen in it (keys equal in
// Python, such as 1, 1.0 and True, are one key).
//
// A probe costs what its comparison walks: two equal-hash keys are compared until they differ, so a probe between
// keys of a class is charged the smaller of their weights (30-bit digits of an integer, or of the one a number text
// spells; 8-byte words of a str or bytes; the sum over a tuple's items). A number the VM cannot value (a Decimal or
// Fraction from text, an integer from text, a numpy scalar of long double, complex long double, void or object dtype)
// may share its hash with every valued integer of the container, and comparing it with one converts the integer
// (work quadratic in its digits): those pairs are charged across classes. numpy scalars of the plain numeric dtypes
// hash as the numbers they hold (few share a hash), datetime64 and timedelta64 values as their dates (few), and NaT,
// which hashes alike and equals nothing, is a class counting every key as new, each comparison charged as slow.
import { K, type FloatV, type PyVal, type SetV, type TupleV } from './values.js';

/** CPython's modulus for numeric hashes. */
export const HASH_MODULUS = (1n << 61n) - 1n;

/** Probes (key comparisons) past which a load's hash-table insertions are reported: as the hash step limit. */
export const COLLISION_PROBE_LIMIT = 2 ** 28;

/** Levels of tuples, frozensets and instances inside a key that are hashed (deeper keys class as unknown). */
const HASH_DEPTH = 48;
/**
 * Characters of a key's hash symbols and identity past which it is not valued (and is classed as keys the VM cannot
 * value are): a tuple whose items are the same nested tuple, many levels deep, would spell an identity of exponential
 * length.
 */
const KEY_TEXT = 8192;

/** The characters `p`'s symbols and identity take. */
const textOf = (p: Hashed): number =>
  (typeof p.h === 'string' ? p.h.length : 20) + (typeof p.o === 'string' ? p.o.length : 20) + (p.exact?.length ?? 0);
/** Costs saturate here. */
const CAP = 2 ** 52;

const M64 = (1n << 64n) - 1n;
const TOP = 1n << 63n;
const LOW63 = TOP - 1n;
/** The 3.8+ tuple fold's primes and its length salt. */
const XX1 = 11400714785074694791n;
const XX2 = 14029467366897019727n;
const XX5 = 2870177450012600261n;
const XX_LEN = XX5 ^ 3527539n;
/** The pre-3.8 tuple fold's seed, first multiplier, multiplier step and final addend. */
const OLD_SEED = 0x345678n;
const OLD_MULT = 1000003n;
const OLD_STEP = 82520n;
const OLD_ADD = 97531n;
/** complex: hash(re) + IMAG·hash(im). */
const IMAG = 1000003n;
/** frozenset: member shuffle, size factor, final affine map and the stand-in for −1. */
const FS_XOR = 89869747n;
const FS_MUL = 3644798167n;
const FS_SIZE = 1927868237n;
const FS_A = 69069n;
const FS_C = 907133923n;

/** Classes whose hash is their number's modular value, built from text or numbers (valued here only as noted). */
const NUMERIC_CALLEES = new Set([
  'builtins.int',
  'builtins.complex',
  'fractions.Fraction',
  'decimal.Decimal',
  '_decimal.Decimal',
  '_pydecimal.Decimal',
]);

/**
 * A hash under one fold: an exact 64-bit value (unsigned), or a symbol naming a value fixed per process (a string's
 * hash, or a fold that went through one). Under the pre-3.8 fold a symbol ends with `~0` or `~1`: the parity of the top
 * bit it carries (two symbols differing only there hash 2^63 apart).
 */
type Lane = bigint | string;

/** A key's hash under the 3.8+ fold (`h`) and the pre-3.8 one (`o`), and its identity under == (undefined: unknown). */
interface Hashed {
  readonly h: Lane;
  readonly o: Lane;
  readonly exact: string | undefined;
}

/**
 * A key's collision class under each fold (an exact hash, a symbol, or a fail-closed class of unvalued keys), and its
 * exact value when the VM has it (undefined: count as distinct).
 */
export interface KeyClass {
  readonly cls: Lane;
  readonly old: Lane;
  readonly exact: string | undefined;
  /**
   * What one comparison with this key walks, in 30-bit digits or 8-byte words (keyWeight): a probe between two keys
   * of a class costs the smaller of their weights (equal prefixes are compared until they differ). 1 when absent.
   */
  readonly w?: number;
  /**
   * A number: an integer the VM values (`exact`), or a number it cannot value (`loose`: a Decimal or Fraction from
   * text, an integer from text, a numpy scalar of a dtype whose hash is not its number's), which may share its hash
   * with any number of the container, whatever its class.
   */
  readonly numeric?: 'exact' | 'loose';
}

/** Tallies of the keys a container holds (dict, set, frozenset, instance of a dict or set subclass, list, tuple). */
const tallies = new WeakMap<object, CollisionTally>();
/** Hashes of tuples already computed (shared tuples are hashed once), null: not valued. */
const tupleHashes = new WeakMap<TupleV, Hashed | null>();
/**
 * Frozensets FROZENSET built: their members (hashed when the frozenset is, then replaced by the result), or null when
 * not valued. Absent: not valued either.
 */
const frozensets = new WeakMap<SetV, readonly PyVal[] | Hashed | null>();
/** Members kept per frozenset for its hash: a larger one used as a key is not valued (fail closed). */
const FROZENSET_MEMBERS = 4096;
/** Frozensets past that size. */
const largeFrozensets = new WeakSet<SetV>();
/** Identities of NaN floats and of unhashable containers (each object is its own key). */
const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identity(o: object): number {
  let id = identities.get(o);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(o, id);
  }
  return id;
}

/** A signed Py_hash_t as the unsigned 64-bit lane. */
const u64 = (h: bigint): bigint => BigInt.asUintN(64, h);
/** An unsigned lane that the hash slot reserves (−1) mapped to what CPython returns instead. */
const notMinusOne = (h: bigint, instead: bigint): bigint => (h === M64 ? u64(instead) : h);

/** CPython's hash of an int (signed). */
function intHashSigned(v: bigint): bigint {
  const a = v < 0n ? -v : v;
  let h = a % HASH_MODULUS;
  if (v < 0n) h = -h;
  return h === -1n ? -2n : h;
}

/** CPython's hash of an int, as text (the class the tests name). */
function intHash(v: bigint): string {
  return intHashSigned(v).toString();
}

const f64 = new Float64Array(1);
const f64words = new Uint32Array(f64.buffer);

/** CPython's hash of a float (signed): the rational it equals modulo 2^61 − 1; NaN as 0 (before 3.10). */
export function floatHash(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x === Infinity) return 314159n;
  if (x === -Infinity) return -314159n;
  if (Number.isSafeInteger(x)) return x === -1 ? -2n : BigInt(x) % HASH_MODULUS;
  f64[0] = Math.abs(x);
  const hi = f64words[1]!;
  const lo = f64words[0]!;
  const biased = hi >>> 20;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  // 2^61 ≡ 1: a power of two is a rotation within 61 bits.
  const r = BigInt(((exp % 61) + 61) % 61);
  let h = (mant % HASH_MODULUS) << r;
  h = (h & HASH_MODULUS) + (h >> 61n);
  if (h >= HASH_MODULUS) h -= HASH_MODULUS;
  if (x < 0) h = -h;
  return h === -1n ? -2n : h;
}

/** The identity under == of a number given as a float (ints and integral floats alike). */
function floatExact(f: FloatV): string {
  const x = f.v;
  if (Number.isNaN(x)) return `nan#${identity(f)}`;
  if (Number.isInteger(x)) return BigInt(x).toString();
  return `f${x}`;
}

/** CPython's hash of complex(re, im) (unsigned), parts as floats. */
function complexHash(re: number, im: number): bigint {
  return notMinusOne(u64(floatHash(re) + IMAG * floatHash(im)), -2n);
}

const rotl31 = (x: bigint): bigint => ((x << 31n) | (x >> 33n)) & M64;

/** The 3.8+ tuple fold of `lanes`. */
function foldNew(lanes: readonly Lane[]): Lane {
  let acc = XX5;
  let i = 0;
  for (; i < lanes.length; i++) {
    const lane = lanes[i]!;
    if (typeof lane !== 'bigint') break;
    acc = (rotl31((acc + lane * XX2) & M64) * XX1) & M64;
  }
  if (i === lanes.length) return notMinusOne((acc + (BigInt(lanes.length) ^ XX_LEN)) & M64, 1546275796n);
  // From the first symbol on the accumulator is unknown but fixed by its state and the lanes that follow.
  const rest = lanes.slice(i).map((l) => (typeof l === 'bigint' ? l.toString(16) : `<${l}>`));
  return `T${lanes.length}:${acc.toString(16)}|${rest.join('|')}`;
}

/** The pre-3.8 tuple fold of `lanes`. */
function foldOld(lanes: readonly Lane[]): Lane {
  let x = OLD_SEED;
  let mult = OLD_MULT;
  const n = lanes.length;
  let i = 0;
  for (; i < n; i++) {
    const lane = lanes[i]!;
    if (typeof lane !== 'bigint') break;
    x = ((x ^ lane) * mult) & M64;
    mult = (mult + OLD_STEP + 2n * BigInt(n - 1 - i)) & M64;
  }
  if (i === n) return notMinusOne((x + OLD_ADD) & M64, -2n);
  // Low bits of a product depend only on low bits: past the first symbol, keep each lane's low 63 bits and the
  // parity of all top bits (the accumulator's included).
  let parity = (x & TOP) !== 0n ? 1 : 0;
  const rest: string[] = [];
  for (; i < n; i++) {
    const lane = lanes[i]!;
    if (typeof lane === 'bigint') {
      if ((lane & TOP) !== 0n) parity ^= 1;
      rest.push((lane & LOW63).toString(16));
    } else {
      if (lane.endsWith('~1')) parity ^= 1;
      rest.push(`<${lane.slice(0, -2)}>`);
    }
  }
  return `T${n}:${(x & LOW63).toString(16)}|${rest.join('|')}~${parity}`;
}

const shuffle = (h: bigint): bigint => ((h ^ FS_XOR ^ (h << 16n)) * FS_MUL) & M64;

/** The frozenset mix of distinct members' lanes (`old`: symbols carry a top-bit parity, which shuffles keep). */
function foldSet(lanes: readonly Lane[], old: boolean): Lane {
  let acc = 0n;
  const syms: string[] = [];
  for (const lane of lanes) {
    if (typeof lane === 'bigint') acc ^= shuffle(lane);
    else if (old) {
      if (lane.endsWith('~1')) acc ^= TOP;
      syms.push(lane.slice(0, -2));
    } else syms.push(lane);
  }
  if (syms.length > 0) {
    syms.sort();
    const known = old ? `${(acc & LOW63).toString(16)}^${(acc & TOP) === 0n ? 0 : 1}` : acc.toString(16);
    const sym = `F${lanes.length}:${known}|${syms.map((s) => `<${s}>`).join('|')}`;
    return old ? `${sym}~0` : sym;
  }
  acc ^= (BigInt(lanes.length + 1) * FS_SIZE) & M64;
  acc ^= (acc >> 11n) ^ (acc >> 25n);
  acc = (acc * FS_A + FS_C) & M64;
  return notMinusOne(acc, 590923713n);
}

/** A fixed unknown lane (a per-process hash) named `name`, in both folds. */
function symbol(name: string, exact: string | undefined): Hashed {
  return { h: name, o: `${name}~0`, exact };
}

/** A number's hash from its signed value. */
function numeric(h: bigint, exact: string): Hashed {
  const l = u64(h);
  return { h: l, o: l, exact };
}

/**
 * CPython's hash of `v` under the 3.8+ tuple fold (`h`) and the earlier one (`o`), as an unsigned 64-bit value or a
 * symbol (a fold through a per-process hash), or undefined when the VM cannot value it.
 */
export function keyHash(v: PyVal): { h: Lane; o: Lane } | undefined {
  const p = hashOf(v, 0);
  return p === undefined ? undefined : { h: p.h, o: p.o };
}

/** The hash of `v` under each fold and its identity, or undefined when the VM cannot value it. */
function hashOf(v: PyVal, depth: number): Hashed | undefined {
  switch (typeof v) {
    case 'number':
      return numeric(v === -1 ? -2n : BigInt(v) % HASH_MODULUS, String(v));
    case 'bigint':
      return numeric(intHashSigned(v), v.toString());
    case 'string':
      if (v.length > KEY_TEXT) return undefined;
      return symbol(`s${JSON.stringify(v)}`, `s${JSON.stringify(v)}`);
  }
  if (depth > HASH_DEPTH) return undefined;
  switch (v.k) {
    case K.None:
      return symbol('N', 'N');
    case K.True:
      return numeric(1n, '1');
    case K.False:
      return numeric(0n, '0');
    case K.Float: {
      const x = (v as FloatV).v;
      if (x === undefined) return undefined;
      return numeric(floatHash(x), floatExact(v as FloatV));
    }
    case K.Global:
      return symbol(`g${v.imp.canonical}`, `g${v.imp.canonical}`);
    case K.Str:
      // A str the VM did not keep: equal ones hash alike, so every one of this length is one lane (fail closed).
      return symbol(`S${v.len}`, undefined);
    case K.Bytes:
      return symbol(`B${v.len}`, undefined);
    case K.Tuple:
      return tupleHash(v, depth);
    case K.FrozenSet:
      return frozensetHash(v, depth);
    case K.Obj:
      return objectHash(v, depth);
    case K.List:
    case K.Dict:
    case K.Set:
    case K.ByteArray: {
      // Unhashable: an argument of an instance key, which then hashes by identity or from its state.
      const id = `#${identity(v)}`;
      return symbol(id, id);
    }
    default:
      return undefined;
  }
}

function tupleHash(t: TupleV, depth: number): Hashed | undefined {
  const known = tupleHashes.get(t);
  if (known !== undefined) return known ?? undefined;
  let r: Hashed | undefined;
  if (t.more === 0 && t.memoLost !== true) {
    const hs: Lane[] = [];
    const os: Lane[] = [];
    const ex: string[] = [];
    let exact = true;
    let text = 0;
    for (const it of t.items) {
      const p = hashOf(it, depth + 1);
      if (p === undefined || (text += textOf(p)) > KEY_TEXT) {
        hs.length = 0;
        break;
      }
      hs.push(p.h);
      os.push(p.o);
      if (p.exact === undefined) exact = false;
      else ex.push(p.exact);
    }
    if (hs.length === t.items.length)
      r = { h: foldNew(hs), o: foldOld(os), exact: exact ? `(${ex.join(',')})` : undefined };
  }
  tupleHashes.set(t, r ?? null);
  return r;
}

/** Notes, where FROZENSET builds `set` from `items`, its members (hashed if it is ever hashed). */
export function noteFrozenset(set: SetV, items: readonly PyVal[]): void {
  if (items.length <= FROZENSET_MEMBERS) frozensets.set(set, items);
  else largeFrozensets.add(set);
}

/** The hash of a frozenset FROZENSET built, when every member is valued. */
function frozensetHash(set: SetV, depth: number): Hashed | undefined {
  const known = frozensets.get(set);
  if (known === undefined || known === null) return undefined;
  if (!Array.isArray(known)) return known as Hashed;
  frozensets.set(set, null);
  const members = new Map<string, Hashed>();
  let text = 0;
  for (const it of known as readonly PyVal[]) {
    const p = hashOf(it, depth + 1);
    if (p === undefined || p.exact === undefined || (text += textOf(p)) > KEY_TEXT) return undefined;
    if (!members.has(p.exact)) members.set(p.exact, p);
  }
  const ms = [...members.values()];
  const exact = `{${[...members.keys()].sort().join(',')}}`;
  const r: Hashed = {
    h: foldSet(
      ms.map((m) => m.h),
      false,
    ),
    o: foldSet(
      ms.map((m) => m.o),
      true,
    ),
    exact,
  };
  frozensets.set(set, r);
  return r;
}

function calleeName(v: PyVal): string {
  return typeof v === 'object' && v.k === K.Global ? v.imp.canonical : '?';
}

/** A number (int or float) an argument holds, as a float value. */
function asFloat(v: PyVal | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'object') return undefined;
  if (v.k === K.Float) return (v as FloatV).v;
  if (v.k === K.True) return 1;
  if (v.k === K.False) return 0;
  return undefined;
}

/** An instance whose hash is not modelled by its class: numbers, UUIDs and Intervals are. */
function generic(o: Extract<PyVal, { k: K.Obj }>): boolean {
  const name = calleeName(o.callee);
  return !(NUMERIC_CALLEES.has(name) || name === 'uuid.UUID' || name === 'pandas._libs.interval.Interval');
}

function objectHash(o: Extract<PyVal, { k: K.Obj }>, depth: number): Hashed | undefined {
  const name = calleeName(o.callee);
  const args = typeof o.args === 'object' && o.args.k === K.Tuple ? o.args : undefined;
  if (name === 'builtins.complex' && args !== undefined && args.more === 0 && args.items.length <= 2) {
    // complex(re, im) of numbers: hashed as CPython does (parts converted to float).
    const re = args.items.length > 0 ? asFloat(args.items[0]) : 0;
    const im = args.items.length > 1 ? asFloat(args.items[1]) : 0;
    if (re !== undefined && im !== undefined) {
      const h = complexHash(re, im);
      const exact = im === 0 ? floatExact({ k: K.Float, v: re }) : `c${re},${im}`;
      return { h, o: h, exact };
    }
    return undefined;
  }
  // A number built from text or by a class not valued here may hash as any other.
  if (NUMERIC_CALLEES.has(name) || complexScalar(o)) return undefined;
  // uuid.UUID.__hash__ is hash(self.int), restored from its state ({'int': n}); UUIDs equal only UUIDs.
  if (name === 'uuid.UUID') {
    const n = uuidInt(o.state);
    const p = n === undefined || (typeof n !== 'number' && typeof n !== 'bigint') ? undefined : hashOf(n, depth + 1);
    return p === undefined ? undefined : { h: p.h, o: p.o, exact: `u${p.exact}` };
  }
  if (name === 'builtins.frozenset' || name === 'builtins.set') return undefined;
  // A numpy scalar of a real dtype hashes as the number it holds: not valued here (its bytes are not kept), and as a
  // key alone it shares its hash with few others, as a float does.
  if (name.endsWith('.multiarray.scalar')) return undefined;
  if (args === undefined) return undefined;
  // pandas' Interval hashes as the tuple (left, right, closed); closed defaults to 'right'.
  if (name === 'pandas._libs.interval.Interval' && args.more === 0 && args.items.length >= 2) {
    const items = args.items.length === 2 ? [...args.items, 'right'] : args.items;
    const p = tupleHash({ k: K.Tuple, items, more: 0 }, depth + 1);
    return p === undefined ? undefined : { h: p.h, o: p.o, exact: p.exact === undefined ? undefined : `I${p.exact}` };
  }
  // Any other instance: its hash may be a function of the arguments it was made from (a named tuple hashes them as a
  // tuple), so instances count as one class per class and argument hash; made alike and left unchanged, they are one.
  const p = tupleHash(args, depth + 1);
  if (p === undefined) return undefined;
  const exact = o.state === undefined && p.exact !== undefined ? `o${name}${p.exact}` : undefined;
  const h = typeof p.h === 'bigint' ? `o${name}:${p.h.toString(16)}` : `o${name}:<${p.h}>`;
  const ol = typeof p.o === 'bigint' ? `o${name}:${p.o.toString(16)}` : `o${name}:<${p.o}>`;
  return { h, o: `${ol}~0`, exact };
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

/**
 * numpy scalar dtypes whose scalars hash as the Python number (or str, bytes) they equal: bools, ints, unsigned ints,
 * floats up to 64 bits, complex up to 128 bits (valued as complex keys are), text and bytes. The others — long
 * double and its complex (hashed as the nearest double, so thousands of distinct values share a hash), datetime64 and
 * timedelta64 (NaT hashes alike and equals nothing), void, objects, and any dtype not spelled as a literal code —
 * may share a hash with any number of others.
 */
const PLAIN_SCALAR_DTYPE =
  /^[<>|=]?(?:b1|\?|bool|[iu][1248]|u?int(?:8|16|32|64)|f[248]|float(?:16|32|64)|[bBhHiIlLqQpPefd]|c(?:8|16)|complex(?:64|128)|[FD]|[US]\d*|str|bytes)$/;

/** Reads `len` stream bytes at `off` (undefined: out of the stream). */
export type ReadStream = (off: number, len: number) => Uint8Array | undefined;

/** A comparison of two NaT scalars, in int comparisons (about 700 ns against 10). */
const NAT_COMPARE = 64;

/**
 * A datetime64 or timedelta64 scalar (`scalar(dtype('M8[..]' or 'm8[..]'), 8 bytes)`): 'nat' when its value is NaT
 * (or cannot be read: fail closed), 'value' otherwise; undefined for any other key.
 */
function timeScalar(v: PyVal, read?: ReadStream): 'nat' | 'value' | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global || !callee.imp.canonical.endsWith('.multiarray.scalar'))
    return undefined;
  const args = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args.items : [];
  const dtype = args[0];
  if (typeof dtype !== 'object' || dtype.k !== K.Obj || typeof dtype.args !== 'object' || dtype.args.k !== K.Tuple)
    return undefined;
  const code = dtype.args.items[0];
  if (typeof code !== 'string' || !/^[<>|=]?(?:[Mm]8|datetime64|timedelta64)(?:\[\w+\])?$/.test(code)) return undefined;
  const raw = args[1];
  let bytes: Uint8Array | undefined;
  if (typeof raw === 'string' && raw.length === 8) bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0) & 0xff);
  else if (typeof raw === 'object' && (raw.k === K.Bytes || raw.k === K.ByteArray) && raw.len === 8)
    bytes = raw.data ?? (raw.off >= 0 ? read?.(raw.off, 8) : undefined);
  if (bytes === undefined || bytes.length !== 8) return 'nat';
  // NaT is the int64 minimum, 0x8000000000000000, in either byte order.
  const le = bytes[7] === 0x80 && bytes.subarray(0, 7).every((b) => b === 0);
  const be = bytes[0] === 0x80 && bytes.subarray(1).every((b) => b === 0);
  return le || be ? 'nat' : 'value';
}

/** A numpy scalar (`scalar(dtype(code), bytes)`) of a dtype outside PLAIN_SCALAR_DTYPE. */
function riskyScalar(v: PyVal): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj) return false;
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global || !callee.imp.canonical.endsWith('.multiarray.scalar'))
    return false;
  const dtype = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args.items[0] : undefined;
  if (typeof dtype !== 'object' || dtype.k !== K.Obj || typeof dtype.args !== 'object' || dtype.args.k !== K.Tuple)
    return true;
  const code = dtype.args.items[0];
  return typeof code !== 'string' || !PLAIN_SCALAR_DTYPE.test(code);
}

/**
 * What one `==` between `v` and another key of its hash walks before they differ, at most: 30-bit digits of an
 * integer (or of the one a number text spells), 8-byte words of a str or bytes, the sum over a tuple's items, a
 * frozenset's members. Small values weigh 1.
 */
export function keyWeight(v: PyVal | undefined, depth = 0): number {
  if (v === undefined) return 1;
  if (typeof v === 'bigint') return Math.max(1, Math.ceil(bitLength(v) / 30));
  if (typeof v === 'string') return 1 + Math.ceil(v.length / 8);
  if (typeof v !== 'object') return 1;
  switch (v.k) {
    case K.Unknown:
      return v.bits !== undefined ? Math.max(1, Math.ceil(v.bits / 30)) : 1;
    case K.Str:
      return 1 + Math.ceil(Math.max(0, (v as { len: number }).len) / 8);
    case K.Bytes:
    case K.ByteArray:
      return 1 + Math.ceil(Math.max(0, v.len) / 8);
    case K.Tuple: {
      if (depth >= 8) return CAP;
      let w = 0;
      for (const x of v.items) w = Math.min(w + keyWeight(x, depth + 1), CAP);
      return Math.max(1, w);
    }
    case K.FrozenSet:
      return Math.max(1, (v as SetV).objs?.length ?? 1);
    case K.Obj: {
      if (depth >= 8) return CAP;
      // A numpy scalar compares its one value (its dtype is not walked).
      if (calleeName(v.callee).endsWith('.multiarray.scalar')) return 1;
      const args = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args.items : [];
      // A number built from text: its digits (a hex digit is 4 bits, a decimal one 3.3: 7 per 30-bit digit, or more).
      if (NUMERIC_CALLEES.has(calleeName(v.callee))) {
        const t = args[0];
        const len = typeof t === 'string' ? t.length : typeof t === 'object' && t.k === K.Str ? t.len : -1;
        if (len >= 0) return 1 + Math.ceil(len / 7);
      }
      let w = 0;
      for (const x of args) w = Math.min(w + keyWeight(x, depth + 1), CAP);
      return Math.max(1, w);
    }
    default:
      return 1;
  }
}

function bitLength(v: bigint): number {
  return (v < 0n ? -v : v).toString(16).length * 4;
}

/** The `int` a UUID's state dict restores (its hash is that integer's), when the state is a plain dict holding one. */
function uuidInt(state: PyVal | undefined): PyVal | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict || state.opaque === true) return undefined;
  const i = state.keys.indexOf('int');
  return i >= 0 ? state.vals[i] : undefined;
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
      if (complexScalar(v) || riskyScalar(v)) return true;
      return typeof v.args === 'object' && v.args.k === K.Tuple && v.args.collides === true;
    }
    default:
      return false;
  }
}

/**
 * A key whose hash is computed and tallied when inserted (anything but a str, bytes, None, class, small int or float
 * that is a number: those share a hash value with too few others to matter). Cheap: the fast paths ask it per key.
 */
export function needsHash(v: PyVal): boolean {
  if (typeof v === 'bigint') return true;
  if (typeof v !== 'object') return false;
  switch (v.k) {
    case K.Tuple:
    case K.FrozenSet:
    case K.Obj:
      return true;
    case K.Float:
      return Number.isNaN((v as FloatV).v);
    case K.Unknown:
      return v.bits !== undefined;
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

/** The syntactic class of a key the VM cannot value (fail closed: keys of one class may share any hash). */
function part(v: PyVal, depth: number): { cls: string; exact: string | undefined } {
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
      if (depth >= 4 || v.more > 0) return { cls: '(?)', exact: undefined };
      const parts = v.items.map((it) => part(it, depth + 1));
      const exact = parts.every((p) => p.exact !== undefined) ? `(${parts.map((p) => p.exact).join(',')})` : undefined;
      return { cls: `(${parts.map((p) => p.cls).join(',')})`, exact };
    }
    case K.Obj: {
      const name = calleeName(v.callee);
      if (NUMERIC_CALLEES.has(name) || complexScalar(v) || riskyScalar(v)) return { cls: 'n', exact: undefined };
      if (name === 'uuid.UUID') return { cls: 'i?', exact: undefined };
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

/**
 * The collision class of key `v` under each tuple fold, or undefined when it cannot share its hash with enough
 * distinct keys to matter. Keys the VM values get their exact hash; others that may collide a fail-closed class
 * (prefixed `?`) counting each key as new.
 */
export function keyClass(v: PyVal, read?: ReadStream): KeyClass | undefined {
  if (!needsHash(v) && !mayCollide(v)) return undefined;
  // A datetime64 or timedelta64 scalar: a value hashes as its datetime (or count) does, few alike; NaT hashes alike
  // and equals nothing, and each comparison of two is slow: every NaT is a new key of one class.
  const time = timeScalar(v, read);
  if (time === 'value') return undefined;
  // One NaT object read back from the memo many times is one key (a dict finds it by identity).
  if (time === 'nat') {
    const exact = `NaT#${identity(v as object)}`;
    return { cls: '?NaT', old: '?NaT', exact, w: NAT_COMPARE };
  }
  const p = hashOf(v, 0);
  // An instance known only by the class and arguments it was made from (its hash may come from its state or its
  // identity instead) is counted only where those arguments may collide: instances made alike are common keys.
  const known = p !== undefined && !(p.exact === undefined && typeof v === 'object' && v.k === K.Obj && generic(v));
  const w = keyWeight(v);
  const exactInt = typeof v === 'bigint' || (typeof v === 'object' && v.k === K.Unknown && v.bits !== undefined);
  if (known) return { cls: p.h, old: p.o, exact: p.exact, w, ...(exactInt ? { numeric: 'exact' as const } : {}) };
  if (!mayCollide(v) && !(typeof v === 'object' && v.k === K.FrozenSet && largeFrozensets.has(v))) return undefined;
  const c = part(v, 0);
  const numeric = c.cls === 'n' ? ('loose' as const) : exactInt ? ('exact' as const) : undefined;
  return { cls: `?${c.cls}`, old: `?${c.cls}`, exact: c.exact, w, ...(numeric ? { numeric } : {}) };
}

/** Distinct keys of one class: their count, the first one's identity, and the rest once there are two. */
interface ClassEntry {
  n: number;
  first: string | undefined;
  seen: Set<string> | undefined;
  /** The largest weight (keyWeight) of its keys. */
  w: number;
}

/** Adds a key of identity `exact` to `map`'s class `cls`; returns the probes its insertion costs and whether new. */
function addTo(map: Map<Lane, ClassEntry>, cls: Lane, exact: string | undefined, w = 1): [number, boolean] {
  const e = map.get(cls);
  if (e === undefined) {
    map.set(cls, { n: 1, first: exact, seen: undefined, w });
    return [0, true];
  }
  // Each earlier key of the class is compared with this one, each comparison as long as the shorter of the two.
  const probes = Math.min(e.n * Math.min(w, e.w), CAP);
  if (w > e.w) e.w = w;
  if (exact !== undefined) {
    if (e.first === exact) return [probes, false];
    if (e.seen === undefined) {
      e.seen = new Set();
      if (e.first !== undefined) e.seen.add(e.first);
    } else if (e.seen.has(exact)) return [probes, false];
    e.seen.add(exact);
  }
  e.n++;
  return [probes, true];
}

/** The distinct keys of one container, by hash under each tuple fold, and the probes inserting them cost. */
export class CollisionTally {
  private readonly classes = new Map<Lane, ClassEntry>();
  private readonly oldClasses = new Map<Lane, ClassEntry>();
  /** Probes the insertions so far cost (the worse fold); what a call that hashes the items again pays again. */
  potential = 0;

  /** Adds key class `c`; returns the probes its insertion costs (the distinct earlier keys of its hash). */
  add(c: KeyClass): number {
    const w = c.w ?? 1;
    const [probes, fresh] = addTo(this.classes, c.cls, c.exact, w);
    const [oldProbes] = addTo(this.oldClasses, c.old, c.exact, w);
    let worst = Math.max(probes, oldProbes);
    // A number the VM cannot value may share its hash with every valued integer of the container (their classes
    // never meet otherwise), and comparing a Decimal or Fraction with an integer converts the integer: work
    // quadratic in its digits.
    if (fresh && c.numeric === 'loose') {
      worst = Math.min(worst + this.exactNumbers.n * mixedCompare(this.exactNumbers.w, w), CAP);
      this.looseNumbers.n++;
      this.looseNumbers.w = Math.max(this.looseNumbers.w, w);
    } else if (fresh && c.numeric === 'exact') {
      worst = Math.min(worst + this.looseNumbers.n * mixedCompare(w, this.looseNumbers.w), CAP);
      this.exactNumbers.n++;
      this.exactNumbers.w = Math.max(this.exactNumbers.w, w);
    }
    if (fresh) this.potential = Math.min(this.potential + worst, CAP);
    return worst;
  }

  /** Valued integers and numbers the VM cannot value, added so far: their count and largest weight. */
  private readonly exactNumbers = { n: 0, w: 1 };
  private readonly looseNumbers = { n: 0, w: 1 };

  /**
   * Adds an item of a list or tuple: the potential of hashing it again (set(list), Counter(list)), and for a pair
   * that of hashing its first item (dict(pairs), OrderedDict(pairs)).
   */
  addItem(item: PyVal): void {
    const c = keyClass(item);
    if (c !== undefined) this.add(c);
    if (typeof item === 'object' && item.k === K.Tuple && item.items.length === 2) {
      const k = keyClass(item.items[0]!);
      if (k !== undefined)
        this.add({ cls: `k${k.cls}`, old: `k${k.old}`, exact: k.exact === undefined ? undefined : `k${k.exact}` });
    }
  }
}

/** A comparison of an integer of `intW` digits with a number of another type (of weight `otherW`). */
function mixedCompare(intW: number, otherW: number): number {
  return Math.min(intW * intW + otherW, CAP);
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
