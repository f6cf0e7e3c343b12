// Collisions in pandas' own hash tables (khash), filled at load from values the stream writes. pandas hashes an
// index's values into a khash table whenever it asks whether they are unique or looks values up in them, and some of
// its unpickling paths do that:
// - Categorical.__setstate__ given a dict state without '_dtype' (the layout pandas wrote before 0.21) builds
//   CategoricalDtype(state['_categories'], ...), whose validation asks categories.is_unique;
// - `_new_Index(CategoricalIndex, d)` runs CategoricalIndex.__new__(**d) → Categorical(data, categories=...): given
//   categories (pandas 0.16 wrote them in d), the same validation, then the codes of `data` are looked up in them;
//   given data that is not a Categorical, its values are factorized (a table of the data's values);
// - `_new_Index(MultiIndex, d)` runs MultiIndex.__new__(**d): pandas 0.23 - 1.3's _new_Index leaves verify_integrity
//   at its default (True), and the check asks level.is_unique of every level.
// khash's probe sequence is a function of the key's 32-bit hash alone (pandas 1.2 on: start `h & mask`, step
// `murmur2_32to32(h) | 1`; before 1.2: the step `(h >> 3 ^ h << 3) | 1`, so there only the hash's low bits count),
// and each insertion compares with every earlier key of its sequence: N keys of one hash cost N²/2 comparisons. The
// int64 hash `(uint32)(k >> 33 ^ k ^ k << 11)` is linear over GF(2) (2^32 distinct int64 keys share each hash value),
// and the float64 hash (murmur2 of the bits from 1.2 on, the int64 hash of the bits in 0.20 - 1.1) is as easy to
// invert, so the stream can choose them. Keys are classed here as the versions' hashes class them, from the array
// bytes the stream holds: int64 (and datetime64/timedelta64) by the int64 hash's low L bits, where L is the bucket
// count's bits plus the three the old step reads (a superset of both probe schemes' classes); float64 by the larger of
// that and the murmur class. Object arrays and lists of values (Python hashes folded to 32 bits: ints and floats choose
// theirs) count as one class unless every item is a str (str hashes are keyed per process; real frames hold levels
// and categories of many thousands of strings), and arrays whose bytes the analysis cannot read as well (fail closed).
import { COLLISION_PROBE_LIMIT } from './hash-collisions.js';
import { arrayShapeAt, isDtypeCall } from './numpy-dtype.js';
import { K, type DictV, type ListV, type PyVal } from './values.js';

/** Comparisons past which a load's khash insertions are reported: the same bound as CPython's dict and set keys. */
export const KHASH_PROBE_LIMIT = COLLISION_PROBE_LIMIT;
/** Costs saturate here. */
const CAP = 2 ** 52;
/** Array bytes read to class keys (beyond this an array's keys count as one class). */
const READ_LIMIT = 2 ** 28;

/** Reads `len` bytes of the stream at `off` (undefined when they cannot be read). */
export type ReadStream = (off: number, len: number) => Uint8Array | undefined;

/** The work one load step makes pandas do in khash tables, and what it hashes. */
export interface KhashCharge {
  readonly probes: number;
  readonly what: string;
}

/** The values of an array as the analysis sees them. */
interface Column {
  /**
   * 'i8': int64-hashed (int64, uint64, datetime64, timedelta64); 'f8': float64; 'O': an object array; 'L': a list or
   * tuple of values (pandas infers the dtype: ints become an int64 table); 'x': other.
   */
  readonly kind: 'i8' | 'f8' | 'O' | 'L' | 'x';
  readonly count: number;
  /** The raw bytes (count * 8 for 'i8'/'f8'), when the stream holds them. */
  readonly bytes?: Uint8Array;
  readonly big: boolean;
  /** 'O' and 'L': every item is a str (CPython keys str hashes per process: they share one only by chance). */
  readonly text?: boolean;
}

const isNewIndex = (c: string): boolean => c.startsWith('pandas.') && c.endsWith('._new_Index');
const FROMBUFFER = new Set(['numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer']);
const RECONSTRUCT = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.core._internal._reconstruct',
]);

function canonicalOf(v: PyVal | undefined): string | undefined {
  return typeof v === 'object' && v.k === K.Global ? v.imp.canonical : undefined;
}

function lastName(c: string): string {
  return c.slice(c.lastIndexOf('.') + 1);
}

function entry(d: PyVal | undefined, key: string): PyVal | undefined {
  if (typeof d !== 'object' || d.k !== K.Dict) return undefined;
  const i = d.keys.indexOf(key);
  return i >= 0 ? d.vals[i] : undefined;
}

const isNone = (v: PyVal | undefined): boolean => typeof v === 'object' && v.k === K.None;

/** The dtype kind of a pickled numpy.dtype: 'i8', 'f8', 'O' or 'x', and whether it is big-endian. */
function dtypeKind(dtype: PyVal | undefined): { kind: Column['kind']; big: boolean } | undefined {
  if (!isDtypeCall(dtype)) return undefined;
  const args = typeof dtype.args === 'object' && dtype.args.k === K.Tuple ? dtype.args.items : [];
  const t = args[0];
  if (typeof t !== 'string') return undefined;
  const m = /^[<>|=]?([a-zA-Z])(\d*)/.exec(t);
  if (!m) return undefined;
  const st = dtype.state;
  const order = typeof st === 'object' && st.k === K.Tuple ? st.items[1] : undefined;
  const big = order === '>' || t.startsWith('>');
  const letter = m[1]!;
  const size = m[2] ?? '';
  if (letter === 'O') return { kind: 'O', big };
  if ((letter === 'i' || letter === 'u' || letter === 'M' || letter === 'm') && size === '8')
    return { kind: 'i8', big };
  if (letter === 'f' && size === '8') return { kind: 'f8', big };
  return { kind: 'x', big };
}

/** The items of an ndarray's state: (version, shape, dtype, is_fortran, raw) or (shape, dtype, is_fortran, raw). */
function arrayState(state: PyVal | undefined): { shape: PyVal; dtype: PyVal; raw: PyVal } | undefined {
  if (typeof state !== 'object' || state.k !== K.Tuple) return undefined;
  const it = state.items;
  // pandas < 0.15 indexes were ndarray subclasses: BUILD gave (ndarray state, own state).
  if (it.length === 2 && typeof it[0] === 'object' && it[0].k === K.Tuple) return arrayState(it[0]);
  const at = arrayShapeAt(it.length);
  if (at < 0) return undefined;
  return { shape: it[at]!, dtype: it[at + 1]!, raw: it[at + 3]! };
}

function shapeCount(shape: PyVal): number | undefined {
  if (typeof shape === 'number') return shape;
  if (typeof shape !== 'object' || shape.k !== K.Tuple || shape.more > 0) return undefined;
  let n = 1;
  for (const x of shape.items) {
    const v = typeof x === 'bigint' ? Number(x) : x;
    if (typeof v !== 'number' || !(v >= 0)) return undefined;
    n = Math.min(n * v, CAP);
  }
  return n;
}

/** Counts `v` put in list `t` (ListV.n, ListV.nonText), where the VM made `t` and counts its items. */
export function countItems(t: ListV, v: PyVal, text: boolean): void {
  if (t.n === undefined) return;
  if (t.n < 31 && typeof v === 'object' && v.k === K.None) t.nones = (t.nones ?? 0) | (1 << t.n);
  t.n++;
  if (typeof v !== 'string' && !(typeof v === 'object' && v.k === K.Str)) t.nonText = true;
  if (text) countText(t, v);
}

/** Adds the length of a str item to the characters a list holds (ListV.chars, longest, textLost). */
export function countText(t: ListV, v: PyVal): void {
  const len = typeof v === 'string' ? v.length : typeof v === 'object' && v.k === K.Str ? v.len : undefined;
  if (len === undefined) return;
  if (len < 0) {
    t.textLost = true;
    return;
  }
  t.chars = (t.chars ?? 0) + len;
  if (len > (t.longest ?? 0)) t.longest = len;
}

/** Arrays joblib's NumpyArrayWrapper reads from the bytes after it: their dtype, count and where the bytes lie. */
const joblibArrays = new WeakMap<object, { dtype: PyVal; count: number; off: number }>();

/** Records that `array` (what a NumpyArrayWrapper BUILD gives) holds `count` items of `dtype` at `off`. */
export function noteJoblibArray(array: PyVal, dtype: PyVal | undefined, count: number, off: number): void {
  // Only an object made for this array (not a shared constant).
  if (typeof array !== 'object' || array.k !== K.Obj || dtype === undefined || Object.isFrozen(array)) return;
  joblibArrays.set(array, { dtype, count, off });
}

function readColumn(
  dtype: PyVal,
  count: number,
  raw: PyVal | undefined,
  off: number | undefined,
  read: ReadStream,
): Column | undefined {
  const d = dtypeKind(dtype);
  if (d === undefined) return undefined;
  let bytes: Uint8Array | undefined;
  const want = count * 8;
  if (d.kind === 'i8' || d.kind === 'f8') {
    if (off !== undefined) bytes = want <= READ_LIMIT ? read(off, want) : undefined;
    else if (typeof raw === 'object' && (raw.k === K.Bytes || raw.k === K.ByteArray)) {
      if (raw.data !== undefined && raw.data.length >= want) bytes = raw.data;
      else if (raw.off >= 0 && raw.len >= want && want <= READ_LIMIT) bytes = read(raw.off, want);
    }
  }
  // An object array's items: a list the VM counted, all of them str (hashes keyed per process), or unknown.
  if (d.kind === 'O') return { kind: 'O', count, big: false, text: allText(raw) };
  return { kind: d.kind, count, big: d.big, ...(bytes !== undefined ? { bytes } : {}) };
}

/** Every item of a list or tuple is a str (the VM counted the list's items, or keeps them). */
function allText(v: PyVal | undefined): boolean {
  if (typeof v !== 'object') return false;
  const isText = (x: PyVal): boolean => typeof x === 'string' || (typeof x === 'object' && x.k === K.Str);
  if (v.k === K.Tuple) return v.more === 0 && v.items.every(isText);
  if (v.k !== K.List) return false;
  if (v.items !== undefined) return v.items.every(isText);
  return v.n !== undefined && v.nonText !== true;
}

/** The array `v` is (an ndarray the stream rebuilds with its BUILD state, or joblib reads), or undefined. */
function arrayOf(v: PyVal | undefined, read: ReadStream): Column | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const j = joblibArrays.get(v);
  if (j !== undefined) return readColumn(j.dtype, j.count, undefined, j.off, read);
  const c = canonicalOf(v.callee);
  if (c !== undefined && FROMBUFFER.has(c)) {
    // Protocol 5: _frombuffer(buffer, dtype, shape, order), the buffer in the stream (BYTEARRAY8) or out of band.
    const a = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args.items : [];
    const count = a[2] === undefined ? undefined : shapeCount(a[2]);
    return count === undefined || a[1] === undefined ? undefined : readColumn(a[1], count, a[0], undefined, read);
  }
  if (c === undefined || !RECONSTRUCT.has(c)) return undefined;
  const s = arrayState(v.state);
  if (s === undefined) return undefined;
  const count = shapeCount(s.shape);
  if (count === undefined) return undefined;
  return readColumn(s.dtype, count, s.raw, undefined, read);
}

/**
 * The values an index-like value holds (an Index written by `_new_Index(cls, {'data': array, ...})`, an ndarray, an
 * old ndarray-subclass index), or undefined when it is none of these or holds nothing hashed by value (a RangeIndex,
 * a CategoricalIndex, whose engine hashes small codes).
 */
function valuesOf(v: PyVal | undefined, read: ReadStream): Column | undefined {
  if (typeof v !== 'object') return undefined;
  // A list or tuple of values (pandas makes an Index of them): the analysis does not keep its numbers.
  if (v.k === K.List) {
    const count = v.items?.length ?? v.n;
    return count === undefined ? undefined : { kind: 'L', count, big: false, text: allText(v) };
  }
  if (v.k === K.Tuple) return { kind: 'L', count: v.items.length + v.more, big: false, text: allText(v) };
  if (v.k !== K.Obj) return undefined;
  const c = canonicalOf(v.callee);
  if (c !== undefined && INDEX_RECONSTRUCTORS.some((r) => c.startsWith('pandas.') && c.endsWith(r))) {
    const args = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args.items : [];
    const cls = canonicalOf(args[0]);
    if (cls === undefined) return undefined;
    const name = lastName(cls);
    if (name === 'RangeIndex' || name === 'CategoricalIndex' || name === 'MultiIndex') return undefined;
    const data = entry(args[1], 'data');
    return arrayOf(data, read) ?? backedArray(data, read);
  }
  return arrayOf(v, read) ?? backedArray(v, read);
}

/** The reconstructors pandas writes an index with, `f(cls, d)` with the values in d['data']. */
const INDEX_RECONSTRUCTORS = ['._new_Index', '._new_DatetimeIndex', '._new_PeriodIndex'];

/**
 * The ndarray an array pandas backs by one holds (DatetimeArray, TimedeltaArray, PeriodArray, the numpy-backed
 * arrays): the ndarray item of its tuple state (NDArrayBacked), or the '_ndarray' / '_data' entry of a dict state.
 */
function backedArray(v: PyVal | undefined, read: ReadStream): Column | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const c = canonicalOf(v.callee);
  if (c === undefined || (!c.startsWith('pandas.') && !c.startsWith('copyreg.'))) return undefined;
  const st = v.state;
  if (typeof st === 'object' && st.k === K.Tuple) {
    for (const it of st.items) {
      const a = arrayOf(it, read);
      if (a !== undefined) return a;
    }
    return undefined;
  }
  return arrayOf(entry(st, '_ndarray') ?? entry(st, '_data'), read);
}

/** kh_int64_hash_func of the int64 whose low and high 32-bit words are `lo` and `hi`. */
function int64Hash(lo: number, hi: number): number {
  return ((hi >>> 1) ^ lo ^ (lo << 11)) >>> 0;
}

const M32 = 0x5bd1e995;
const SEED = 0xc70f6907;

function mix(k: number): number {
  let x = Math.imul(k, M32);
  x ^= x >>> 24;
  return Math.imul(x, M32);
}

/** pandas' murmur2_64to32 of the 64-bit word (lo, hi): its float64 hash from 1.2 on. */
function murmur64(lo: number, hi: number): number {
  let h = (SEED ^ 4) >>> 0;
  h = Math.imul(h, M32) ^ mix(lo);
  h = Math.imul(h, M32) ^ mix(hi);
  h ^= h >>> 13;
  h = Math.imul(h, M32);
  h ^= h >>> 15;
  return h >>> 0;
}

/** All keys in one class: N²/2. */
const oneClass = (n: number): number => Math.min((n * (n - 1)) / 2, CAP);

/** Low bits of a key's hash that decide its probe sequence in every version: the bucket count's bits, plus three. */
function classBits(count: number): number {
  let b = 2;
  while (2 ** b < count && b < 32) b++;
  return Math.min(32, b + 3);
}

/**
 * Comparisons hashing the values of `col` into one khash table (duplicates count as distinct keys). Objects other than
 * str (Python ints and floats choose their hash, and pandas folds it to 32 bits) and values whose bytes the analysis
 * cannot read count as one class.
 */
function columnProbes(col: Column): number {
  if (col.count < 2) return 0;
  if (col.kind === 'x') return 0;
  if (col.kind === 'O' || col.kind === 'L') return col.text === true ? 0 : oneClass(col.count);
  if (col.bytes === undefined) return oneClass(col.count);
  const view = new DataView(col.bytes.buffer, col.bytes.byteOffset, col.count * 8);
  const little = !col.big;
  const bits = classBits(col.count);
  const mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const low = new Uint32Array(col.count);
  const murmur = col.kind === 'f8' ? new Uint32Array(col.count) : undefined;
  for (let i = 0; i < col.count; i++) {
    const a = view.getUint32(i * 8, little);
    const b = view.getUint32(i * 8 + 4, little);
    let lo = little ? a : b;
    let hi = little ? b : a;
    if (murmur !== undefined) {
      // ±0.0 and every NaN hash as 0 (and the NaNs compare equal).
      const exp = (hi >>> 20) & 0x7ff;
      if ((lo === 0 && (hi & 0x7fffffff) === 0) || (exp === 0x7ff && ((hi & 0xfffff) !== 0 || lo !== 0))) {
        lo = 0;
        hi = 0;
        murmur[i] = 0;
      } else murmur[i] = murmur64(lo, hi);
    }
    low[i] = (int64Hash(lo, hi) & mask) >>> 0;
  }
  return Math.max(pairs(low), murmur === undefined ? 0 : pairs(murmur));
}

/** Comparisons inserting keys of these classes one after another: each compares with the earlier keys of its class. */
function pairs(classes: Uint32Array): number {
  classes.sort();
  let probes = 0;
  let run = 1;
  for (let i = 1; i <= classes.length; i++) {
    if (i < classes.length && classes[i] === classes[i - 1]) run++;
    else {
      probes = Math.min(probes + (run * (run - 1)) / 2, CAP);
      run = 1;
    }
  }
  return probes;
}

function describe(col: Column): string {
  const kind = col.kind === 'i8' ? 'int64' : col.kind === 'f8' ? 'float64' : col.kind === 'L' ? 'listed' : 'object';
  const unseen = col.kind === 'O' || col.kind === 'L' || col.bytes === undefined;
  return `${col.count} ${kind} values${unseen ? ' the analysis cannot class' : ''}`;
}

/**
 * A value the memo did not keep (memo.ts: read back past its detail budget) that may be an index, an array or a list
 * of values: the analysis cannot size it.
 */
function lostValues(v: PyVal | undefined): boolean {
  if (typeof v !== 'object') return false;
  if (v.k === K.List) return v.items === undefined && v.n === undefined;
  if (v.k !== K.Obj || v.memoLost !== true) return false;
  const c = canonicalOf(v.callee);
  return c === undefined || c.startsWith('pandas.') || c.startsWith('numpy.') || c.startsWith('copyreg.');
}

/**
 * The charge of hashing the values of `v` (an index or array) once, or undefined when it hashes nothing by value.
 * `lost`: a value the memo did not keep counts as past the bound (a shape no pandas release writes), or not at all.
 */
function chargeOf(v: PyVal | undefined, read: ReadStream, where: string, lost = true): KhashCharge | undefined {
  if (lostValues(v))
    return lost
      ? { probes: CAP, what: `${where} hashes an index or values the analysis did not keep (read back from the memo)` }
      : undefined;
  const col = valuesOf(v, read);
  if (col === undefined) return undefined;
  const probes = columnProbes(col);
  return probes > 0 ? { probes, what: `${where} hashes ${describe(col)}` } : undefined;
}

function sum(charges: (KhashCharge | undefined)[]): KhashCharge | undefined {
  let probes = 0;
  let what: string | undefined;
  for (const c of charges) {
    if (c === undefined) continue;
    probes = Math.min(probes + c.probes, CAP);
    what ??= c.what;
  }
  return what === undefined ? undefined : { probes, what };
}

/** A Categorical written by pandas: its class (any location pandas used), by the instance's class names. */
function isCategorical(name: string): boolean {
  return lastName(name) === 'Categorical' && name.startsWith('pandas.');
}

/**
 * The khash work BUILD with `state` does on an instance of `classes`: Categorical.__setstate__ of a dict without
 * '_dtype' validates the categories (pre-0.15 states name them '_levels').
 */
export function khashStateCharge(classes: readonly string[], state: PyVal, read: ReadStream): KhashCharge | undefined {
  if (classes.some((c) => pandasClass(c, 'BlockManager') || pandasClass(c, 'SingleBlockManager')))
    return legacyManager(state, read);
  if (!classes.some(isCategorical)) return undefined;
  if (typeof state !== 'object' || state.k !== K.Dict) return undefined;
  const d: DictV = state;
  if (d.keys.includes('_dtype')) return undefined;
  const cats = entry(d, '_categories') ?? entry(d, '_levels');
  return chargeOf(cats, read, "Categorical.__setstate__ of a state without '_dtype' (CategoricalDtype validation)");
}

/**
 * BlockManager.__setstate__ of pandas <= 1.0 given a state without the '0.14.1' entry (the layout before 0.14.1:
 * axes, block values, block items) locates each block's items with items_axis.get_indexer(block_items): a table of
 * the items axis.
 */
function legacyManager(state: PyVal, read: ReadStream): KhashCharge | undefined {
  if (typeof state !== 'object' || state.k !== K.Tuple || state.items.length < 3) return undefined;
  const extra = state.items[3];
  if (typeof extra === 'object' && extra.k === K.Dict && (extra.keys.includes('0.14.1') || extra.opaque === true))
    return undefined;
  const axes = state.items[0];
  if (typeof axes !== 'object' || (axes.k !== K.List && axes.k !== K.Tuple)) return undefined;
  const first = axes.k === K.Tuple ? axes.items[0] : (axes.items ?? axes.objs ?? [])[0];
  return chargeOf(
    first,
    read,
    "BlockManager.__setstate__ of a state without '0.14.1' (items.get_indexer, pandas <= 1.0)",
  );
}

/** A pandas class of this name (at any location pandas used). */
function pandasClass(c: string | undefined, name: string): boolean {
  return c !== undefined && c.startsWith('pandas.') && lastName(c) === name;
}

/** The categories a CategoricalDtype value holds: its state's (BUILD) or its call's. */
function dtypeCategories(v: PyVal | undefined): PyVal | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const c = canonicalOf(v.callee);
  const cls =
    c !== undefined &&
    (c.startsWith('copyreg.') || c.endsWith('.__new__')) &&
    typeof v.args === 'object' &&
    v.args.k === K.Tuple
      ? canonicalOf(v.args.items[0])
      : c;
  if (!pandasClass(cls, 'CategoricalDtype')) return undefined;
  const fromState = entry(v.state, 'categories') ?? entry(v.state, '_categories');
  if (fromState !== undefined) return fromState;
  return typeof v.args === 'object' && v.args.k === K.Tuple && pandasClass(c, 'CategoricalDtype')
    ? v.args.items[0]
    : undefined;
}

/** A list or tuple value. */
function isSequence(v: PyVal | undefined): boolean {
  return typeof v === 'object' && (v.k === K.List || v.k === K.Tuple);
}

/** An argument by position or keyword. */
type Arg = (i: number, key: string) => PyVal | undefined;

/** A Categorical value (its codes are reused, nothing is hashed by value). */
function isCategoricalValue(v: PyVal | undefined): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj) return false;
  const c = canonicalOf(v.callee);
  if (c === undefined) return false;
  if (isCategorical(c)) return true;
  const first = typeof v.args === 'object' && v.args.k === K.Tuple ? canonicalOf(v.args.items[0]) : undefined;
  return first !== undefined && isCategorical(first);
}

/** The categories validation and code lookup of Categorical(data, categories, ordered, dtype) and its callers. */
function categoricalWork(
  data: PyVal | undefined,
  cats: PyVal | undefined,
  dtype: PyVal | undefined,
  read: ReadStream,
  who: string,
  viaNewIndex = false,
): KhashCharge | undefined {
  if (cats !== undefined && !isNone(cats))
    return chargeOf(cats, read, `${who} given categories (CategoricalDtype validation)`);
  const fromDtype = dtypeCategories(dtype);
  // A CategoricalDtype given: its categories are not validated, but the codes of data that is not a Categorical are
  // looked up in them (categories.get_indexer: a table of the categories).
  if (fromDtype !== undefined)
    return isCategoricalValue(data)
      ? undefined
      : chargeOf(fromDtype, read, `${who} given a CategoricalDtype (code lookup)`);
  // Data that is not already a Categorical is factorized: a table of its values. pandas writes its Categorical as
  // the data, which the memo may not have kept: there it is not counted.
  if (isCategoricalValue(data)) return undefined;
  return chargeOf(data, read, `${who} given data that is not a Categorical (factorize)`, !viaNewIndex);
}

/** The khash work `cls.__new__` (and, for a call, `__init__`) does with the arguments `arg` gives. */
function constructed(
  cls: string,
  arg: Arg,
  called: boolean,
  read: ReadStream,
  viaNewIndex = false,
): KhashCharge | undefined {
  if (!cls.startsWith('pandas.')) return undefined;
  switch (lastName(cls)) {
    case 'CategoricalIndex':
      // CategoricalIndex.__new__(data, categories, ordered, dtype, copy, name) → Categorical(data, ...).
      return categoricalWork(
        arg(0, 'data'),
        arg(1, 'categories'),
        arg(3, 'dtype'),
        read,
        'CategoricalIndex.__new__',
        viaNewIndex,
      );
    case 'MultiIndex': {
      // MultiIndex.__new__(levels, codes, sortorder, names, dtype, copy, name, verify_integrity=True): the integrity
      // check asks level.is_unique of every level (pandas 0.23 - 1.3's _new_Index leaves it at its default).
      const verify = arg(7, 'verify_integrity');
      if (typeof verify === 'object' && verify.k === K.False) return undefined;
      const levels = arg(0, 'levels');
      if (typeof levels !== 'object' || (levels.k !== K.List && levels.k !== K.Tuple)) return undefined;
      const items = levels.k === K.Tuple ? levels.items : (levels.items ?? levels.objs ?? []);
      // pandas writes a MultiIndex through _new_Index, and its levels may be indexes shared with others (memo reads):
      // there a level the memo did not keep is not counted.
      return sum(
        items.map((lv) => chargeOf(lv, read, "MultiIndex.__new__'s integrity check (level.is_unique)", !viaNewIndex)),
      );
    }
    case 'Index':
    case 'Int64Index':
    case 'UInt64Index':
    case 'Float64Index':
    case 'NumericIndex': {
      // Index.__new__(data, dtype, ...) with a CategoricalDtype makes a CategoricalIndex of the data; given a list of
      // tuples, a MultiIndex (MultiIndex.from_tuples factorizes each position's values).
      // The analysis keeps no plain tuples of a list, so any list or tuple of values counts (no pandas release writes
      // one as an index's data).
      const data = arg(0, 'data');
      if (isSequence(data))
        return chargeOf(data, read, 'Index.__new__ given a list (of tuples: MultiIndex.from_tuples factorizes them)');
      const cats = dtypeCategories(arg(1, 'dtype'));
      if (cats === undefined) return undefined;
      return isCategoricalValue(data)
        ? undefined
        : chargeOf(cats, read, 'Index.__new__ given a CategoricalDtype (code lookup)');
    }
    case 'Categorical':
      // Categorical(values, categories, ordered, dtype): __init__, run only when the class is called.
      return called
        ? categoricalWork(arg(0, 'values'), arg(1, 'categories'), arg(3, 'dtype'), read, 'Categorical()')
        : undefined;
    case 'CategoricalDtype': {
      // CategoricalDtype(categories, ordered): __init__ validates the categories.
      const cats = arg(0, 'categories');
      return called && cats !== undefined && !isNone(cats)
        ? chargeOf(cats, read, 'CategoricalDtype() (validation of its categories)')
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The khash work a call or NEWOBJ of `canonical` with `args` (and NEWOBJ_EX's `kwargs`) does: `_new_Index(cls, d)`
 * runs cls.__new__(cls, **d); a class called or NEWOBJ'd runs its __new__ (and, called, its __init__) on them.
 */
export function khashCallCharge(
  canonical: string,
  args: PyVal,
  kwargs: PyVal | undefined,
  called: boolean,
  read: ReadStream,
): KhashCharge | undefined {
  if (!canonical.startsWith('pandas.')) return undefined;
  const pos = typeof args === 'object' && args.k === K.Tuple ? args.items : [];
  if (isNewIndex(canonical)) {
    const cls = canonicalOf(pos[0]);
    const d = pos[1];
    if (cls === undefined || typeof d !== 'object' || d.k !== K.Dict) return undefined;
    return constructed(cls, (_i, key) => entry(d, key), false, read, true);
  }
  return constructed(canonical, (i, key) => entry(kwargs, key) ?? pos[i], called, read);
}
