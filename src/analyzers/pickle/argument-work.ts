// Work a load does that a call's argument values choose, not the stream's size (CWE-400). A few admitted callables
// turn a small number or a short text into work or memory out of all proportion to the bytes that wrote them:
// - `bytearray(n)` allocates and zeroes n bytes (`bytearray___init__` → `PyByteArray_Resize` + memset); `bytes(n)`
//   asks for n zeroed bytes of address space (`_PyBytes_FromSize(n, 1)`, calloc), so a memory-limited loader fails
//   with MemoryError; REDUCE and NEWOBJ alike;
// - `range(...)` is lazy, but every call given it may iterate it: `set`, `frozenset`, `collections.deque`,
//   `collections.Counter`, `bytearray`, `bytes`, `tuple.__new__`, `copyreg._reconstructor`'s `base.__init__(obj, state)`
//   all do, and what they build holds every item: passing that result to further calls (memo reuse) copies it again;
// - `fractions.Fraction(text)` computes `10 ** exponent` for an exponent in the text (`Fraction.__new__`: numerator or
//   denominator `*= 10 ** exp`), and `Fraction(Decimal(text))` does the same through `Decimal.as_integer_ratio`;
// - `numpy.ndarray.__new__(shape, dtype)` and `_reconstruct(subtype, shape, dtype)` allocate count * itemsize bytes
//   for any shape their arguments give (numpy writes shape (0,)), and an item size of 0 makes count free;
// - `decimal.Decimal(int)` converts the integer to decimal digits in time quadratic in its length (libmpdec's
//   base conversion), from an integer the stream writes in linear space (LONG4).
// - `re._compile(pattern, flags)` runs CPython's regular-expression compiler, whose time grows with the code points
//   the pattern's character classes span, not with its length (regex-work.ts);
// Library pickles write none of these shapes: bytes and bytearray are written as their contents, a Fraction as its
// "n/d" text, a Decimal as its digits text, and a range is stored, not handed to a call.
import { allocationWork } from './numpy-dtype.js';
import { REGEX_COMPILE_LIMIT, REGEX_ITEMS_PER_MICROSECOND, regexCompileCost } from './regex-work.js';
import { COLLISION_PROBE_LIMIT } from './hash-collisions.js';
import { iteratesArguments } from './iterating-callables.js';
import { K, madeByName, type LongStrV, type ObjV, type PyVal } from './values.js';

/** Items or bytes a load may materialise beyond what the stream holds before it is reported (64 Mi). */
export const MATERIAL_LIMIT = 2 ** 26;
/**
 * Digit operations (30-bit digits) of reducing a Fraction of two integers the stream gives (gcd and floor divisions:
 * the product of their digit counts): about a tenth of a second.
 */
export const FRACTION_DIGIT_WORK = 2 ** 26;

/** Bits of an integer the stream gives: its magnitude's, or the length of one too long to keep. */
function intBits(v: PyVal | undefined): number | undefined {
  const n = intOf(v);
  if (n !== undefined) return bitLength(n);
  return typeof v === 'object' && v.k === K.Unknown && typeof v.bits === 'number' ? v.bits : undefined;
}

/** Bits of an integer's magnitude. */
function bitLength(n: bigint): number {
  const a = n < 0n ? -n : n;
  return a === 0n ? 0 : (a.toString(16).length - 1) * 4 + Math.floor(Math.log2(Number(`0x${a.toString(16)[0]}`))) + 1;
}

/** Decimal digits of a power of ten a constructor may compute from a short exponent (10 ** 100,000: milliseconds). */
export const POWER_DIGITS_LIMIT = 100_000;
/** Bits of an integer `Decimal(int)` may convert (quadratic: 2^18 bits ≈ 0.1 s of CPython; 2^22 bits ≈ 30 s). */
export const DECIMAL_INT_BITS_LIMIT = 2 ** 18;

/** What one call's arguments make the loader do: items or bytes made, and a reason when a one-off limit is passed. */
export interface ArgumentWork {
  /** Items or bytes the call materialises (charged against MATERIAL_LIMIT over the whole load). */
  readonly items: number;
  /** Items or bytes the result holds (a later call given it may copy them again). */
  readonly holds: number;
  /** A single computation past its own limit, with the reason. */
  readonly over?: string;
  /** Items the result yields when iterated without holding them (pandas' RangeIndex): see iteratesArguments. */
  readonly lazy?: number;
}

/** pandas' RangeIndex at its locations (pandas.indexes.range before 0.20). */
const isRangeIndex = (canonical: string): boolean =>
  canonical === 'pandas.core.indexes.range.RangeIndex' || canonical === 'pandas.indexes.range.RangeIndex';

/** len(range(start, stop, step)) of a RangeIndex's arguments (a dict of them, or the positional three). */
function rangeIndexLength(values: PyVal | undefined, positional: PyVal[]): number {
  // Keywords the analysis did not keep (a dict the memo summarised) may be any range.
  if (typeof values === 'object' && values.k === K.Dict && (values.opaque === true || values.n > values.keys.length))
    return Infinity;
  const pick = (key: string, i: number): PyVal =>
    (typeof values === 'object' && values.k === K.Dict ? values.vals[values.keys.indexOf(key)] : positional[i]) ?? {
      k: K.None,
    };
  const none = (v: PyVal): boolean => typeof v === 'object' && v.k === K.None;
  const [first, stop, step] = [pick('start', 0), pick('stop', 1), pick('step', 2)];
  const start = none(first) ? 0 : first;
  // RangeIndex(n) is range(0, n); a None step is 1.
  const args: PyVal[] = none(stop) ? [0, start] : [start, stop];
  args.push(none(step) ? 1 : step);
  return rangeLength({ k: K.Tuple, items: args, more: 0 });
}

/** Items a value yields lazily (heldLazy): a RangeIndex. */
export function lazyItems(v: PyVal | undefined): number {
  if (typeof v !== 'object' || v.k !== K.Obj) return 0;
  return (v as ObjV).lazy ?? 0;
}

const NONE: ArgumentWork = { items: 0, holds: 0 };

/** The integer a value is, as a bigint (Python int), or undefined. */
function intOf(v: PyVal | undefined): bigint | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'object' && (v.k === K.True || v.k === K.False)) return v.k === K.True ? 1n : 0n;
  return undefined;
}

const toNumber = (n: bigint): number => (n > BigInt(2 ** 52) ? 2 ** 52 : n < 0n ? 0 : Number(n));

/** len(range(*args)) as CPython computes it; Infinity when an argument is not a known integer. */
export function rangeLength(args: PyVal): number {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more > 0) return Infinity;
  const ints = args.items.map(intOf);
  if (ints.some((i) => i === undefined) || ints.length < 1 || ints.length > 3) return Infinity;
  const [start, stop, step] =
    ints.length === 1 ? [0n, ints[0]!, 1n] : [ints[0]!, ints[1]!, ints.length === 3 ? ints[2]! : 1n];
  if (step === 0n) return 0;
  const span = step > 0n ? stop - start : start - stop;
  const mag = step > 0n ? step : -step;
  if (span <= 0n) return 0;
  return toNumber((span + mag - 1n) / mag);
}

/** The modulus of CPython's int hash (sys.hash_info.modulus on 64-bit builds). */
const HASH_MODULUS = (1n << 61n) - 1n;

/** A range call's step as an int (1 when not given), or undefined when it is not a literal int. */
function rangeStep(args: PyVal): bigint | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more > 0) return undefined;
  if (args.items.length < 3) return args.items.length >= 1 ? 1n : undefined;
  const step = intOf(args.items[2]);
  return step === undefined || step === 0n ? undefined : step;
}

/** Items or bytes a value holds that the stream did not write (a range, or what a call built from one). */
export function heldItems(v: PyVal | undefined): number {
  if (typeof v !== 'object' || v.k !== K.Obj) return 0;
  return (v as ObjV).holds ?? 0;
}

/** The positional and keyword argument values of a call (the kept ones). */
function argValues(args: PyVal, kwargs?: PyVal): PyVal[] {
  const out: PyVal[] = [];
  if (typeof args === 'object' && args.k === K.Tuple) out.push(...args.items);
  if (typeof kwargs === 'object' && kwargs.k === K.Dict) out.push(...kwargs.vals);
  return out;
}

/**
 * Python's whitespace (str.isspace, which `re`'s `\s` and str.strip use for str): JavaScript's `\s` lacks
 * U+001C-U+001F and U+0085 and adds U+FEFF, so the set is spelled out.
 */
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/**
 * A number text as Fraction's pattern and libmpdec's reader accept it, with Python's `\d` (every Unicode decimal
 * digit, category Nd) and whitespace; a little more lenient than either (underscores anywhere), so a text Python
 * accepts is never missed.
 */
let numberTextPattern: RegExp | undefined;
/** Built on first use: a Unicode property pattern builds ICU sets when created, at every start as a module constant. */
const NUMBER_TEXT = (): RegExp =>
  (numberTextPattern ??= new RegExp(
    `^${PY_SPACE}*[+-]?(?:\\p{Nd}[\\p{Nd}_]*)?(?:\\.[\\p{Nd}_]*)?[eE]([+-]?\\p{Nd}[\\p{Nd}_]*)${PY_SPACE}*$`,
    'u',
  ));
let decimalDigit: RegExp | undefined;
const DECIMAL_DIGIT = (): RegExp => (decimalDigit ??= /\p{Nd}/u);

/**
 * The value of a decimal digit (category Nd) as Python's int() reads it. Unicode assigns decimal digits only in
 * contiguous runs of ten, zero to nine, so the value is the code point's distance from the start of its run of Nd
 * code points, modulo ten.
 */
export function digitValue(ch: string): number {
  const cp = ch.codePointAt(0)!;
  let start = cp;
  while (start > 0 && cp - start < 1000 && DECIMAL_DIGIT().test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/**
 * The exponent of a number's text as Python's Fraction and Decimal parsers read it ("1e9", "-2.5E+7", digits of any
 * script, Python's whitespace around it), or 0.
 */
export function textExponent(text: string): bigint {
  const m = NUMBER_TEXT().exec(text);
  if (!m) return 0n;
  let digits = '';
  for (const ch of m[1]!) {
    if (ch === '_') continue;
    digits += ch === '+' || ch === '-' ? ch : String(digitValue(ch));
  }
  try {
    return BigInt(digits);
  } catch {
    return 0n;
  }
}

/**
 * Reads the text of a str the analysis did not keep (its bytes in the stream), or undefined when it is longer than
 * the caller reads (TEXT_READ_LIMIT) or was lost.
 */
export type LongText = (v: LongStrV) => string | undefined;

/** Bytes of a str not kept that are read to find a number text's exponent; a longer text is judged unread. */
export const TEXT_READ_LIMIT = 1 << 20;

/**
 * The text a value carries: a str, or the text argument a Decimal was built from; a str too long to keep is read
 * with `long`. `null`: a str whose text cannot be read (lost, or longer than TEXT_READ_LIMIT).
 */
function numberText(v: PyVal | undefined, decimal: boolean, long?: LongText): string | null | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v.k === K.Str) return long?.(v) ?? null;
  if (!decimal || typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global || callee.imp.canonical !== 'decimal.Decimal')
    return undefined;
  const a = v.args;
  return typeof a === 'object' && a.k === K.Tuple ? numberText(a.items[0], false, long) : undefined;
}

/**
 * The digits of the integer a Decimal object `v` stands for (its digits, and as many zeros as a positive exponent
 * adds), made from a number text or from a `(sign, digits, exponent)` tuple: undefined when `v` is not a Decimal, null
 * when it is one the analysis cannot read (a text not kept, an exponent that is not an integer, digits not kept).
 */
function decimalDigits(v: PyVal | undefined, long?: LongText, anyExponent = false): bigint | null | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global || callee.imp.canonical !== 'decimal.Decimal')
    return undefined;
  const a = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args.items[0] : undefined;
  if (a === undefined) return 0n;
  if (typeof a === 'number' || typeof a === 'bigint') return BigInt(String(a).length);
  if (typeof a === 'object' && (a.k === K.Tuple || a.k === K.List)) {
    const t = a as { items: PyVal[]; more?: number };
    const digits = t.items[1];
    const x = t.items[2];
    // The exponent 'F', 'n', 'N' (infinity, NaNs): no integer.
    if (typeof x === 'string' && /^[FnN]$/.test(x)) return 0n;
    const e = intOf(x);
    const n =
      typeof digits === 'object' && (digits.k === K.Tuple || digits.k === K.List) && !(digits as { more?: number }).more
        ? (digits as { items: PyVal[] }).items.length
        : undefined;
    if (e === undefined || n === undefined) return null;
    return BigInt(n) + (e > 0n ? e : anyExponent ? -e : 0n);
  }
  const text = numberText(a, false, long);
  if (text === null) return null;
  if (text === undefined) return typeof a === 'object' ? null : 0n;
  // The text's length bounds its digits (a sign, a point and the exponent's own characters are counted too).
  const e = textExponent(text);
  return BigInt(text.length) + (e > 0n ? e : anyExponent ? -e : 0n);
}

/** Bits a decimal digit takes, rounded up (log2 10). */
const BITS_PER_DIGIT = 3.33;

/**
 * Bits of the integer a value is, or that an admitted numeric object made by a call stands for and converts back to
 * (a literal or kept-unknown int; `int(x)` of a number text, a Fraction or a Decimal, or `int.__new__(int, x)`; a
 * Fraction's numerator or denominator, the larger; a Decimal's digits and exponent): undefined when the value is no
 * number of these kinds, null when it is one whose size the analysis cannot read (fail closed: its size may be any).
 */
function numberBits(v: PyVal | undefined, long?: LongText, depth = 0): number | null | undefined {
  const lit = intBits(v);
  if (lit !== undefined) return lit;
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const name = madeByName(v);
  if (name !== 'builtins.int' && name !== 'fractions.Fraction' && name !== 'decimal.Decimal') return undefined;
  if (depth > 8) return null;
  if (name === 'decimal.Decimal') {
    const d = decimalDigits(v, long, true);
    return d === null || d === undefined ? null : Math.ceil(Number(d) * BITS_PER_DIGIT);
  }
  const args = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args : undefined;
  if (args === undefined || args.more > 0) return null;
  if (args.items.length === 0) return 0;
  let most = 0;
  for (const a of args.items.slice(0, name === 'builtins.int' ? 1 : 2)) {
    const text = numberText(a, false, long);
    if (text === null) return null;
    if (text !== undefined) {
      // A number text: its digits (up to base 36: 6 bits a character), and 10 ** exponent for a Fraction's.
      let e = name === 'fractions.Fraction' ? textExponent(text) : 0n;
      if (e < 0n) e = -e;
      most = Math.max(most, text.length * 6 + Math.ceil(Number(e) * BITS_PER_DIGIT));
      continue;
    }
    const b = numberBits(a, long, depth + 1);
    if (b === null) return null;
    if (b === undefined) {
      // A float, or a value that is no number (a TypeError in the constructor): nothing long.
      if (typeof a === 'number' || (typeof a === 'object' && a.k === K.Float)) continue;
      return null;
    }
    most = Math.max(most, b);
  }
  return most;
}

/** An int argument's bits (`numberBits` of an int literal or an `int(...)` object; other values undefined). */
function intArgBits(v: PyVal | undefined, long?: LongText): number | null | undefined {
  if (typeof v === 'object' && v.k === K.Obj) return madeByName(v) === 'builtins.int' ? numberBits(v, long) : undefined;
  return intBits(v);
}

/** Elements a tensor size names (the product of a tuple or list of ints); 2^52 when it is not a readable size. */
function sizeCount(size: PyVal | undefined, depth = 0): number {
  // torch.Size(tuple) pickles as a call of torch.Size with the tuple.
  if (typeof size === 'object' && size.k === K.Obj && depth < 4) {
    const a = size.args;
    return sizeCount(typeof a === 'object' && a.k === K.Tuple ? a.items[0] : undefined, depth + 1);
  }
  const items = typeof size === 'object' && (size.k === K.Tuple || size.k === K.List) ? size.items : undefined;
  if (!items || (size as { more?: number }).more) return 2 ** 52;
  let count = 1;
  for (const x of items) {
    const n = intOf(x);
    if (n === undefined || n < 0n) return 2 ** 52;
    count = Math.min(count * toNumber(n), 2 ** 52);
  }
  return count;
}

/** Elements a torch storage's persistent id states (`('storage', type, key, location, numel)`), else 0. */
function storageElements(storage: PyVal | undefined): number {
  if (typeof storage !== 'object' || storage.k !== K.Pers) return 0;
  const pid = storage.pid;
  if (typeof pid !== 'object' || pid.k !== K.Tuple) return 0;
  const n = intOf(pid.items[4]);
  return n === undefined || n < 0n ? 0 : toNumber(n);
}

/** A class's constructor a reconstructor runs on arguments of its own call (constructedBy). */
interface Construction {
  readonly cls: string;
  readonly args: PyVal;
  readonly kwargs?: PyVal;
}

const tupleOf = (items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });

/**
 * The constructor a call of reconstructor `canonical` runs, with the arguments it hands it: a class is built through
 * the same constructor model however the stream asks for it (a call of the class, NEWOBJ(_EX), or a helper that
 * calls it). copyreg._reconstructor(cls, base, state) runs base.__new__(cls, state) and base.__init__(obj, state)
 * for a base other than object; copyreg.__newobj__(cls, *args) runs cls.__new__(cls, *args); copyreg.__newobj_ex__
 * (cls, args, kwargs) runs cls.__new__(cls, *args, **kwargs); `C.__new__(cls, *args)` runs C's __new__ on args.
 * A tuple the analysis did not keep whole is read as far as it was kept (the unread part is reported elsewhere).
 */
function constructedBy(canonical: string, args: PyVal, kwargs?: PyVal): Construction | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple) return undefined;
  const it = args.items;
  const className = (v: PyVal | undefined): string | undefined =>
    typeof v === 'object' && v.k === K.Global ? v.imp.canonical : undefined;
  switch (canonical) {
    case 'copyreg._reconstructor': {
      const base = className(it[1]);
      if (base === undefined || base === 'builtins.object' || it.length < 3) return undefined;
      return { cls: base, args: tupleOf([it[2]!]) };
    }
    case 'copyreg.__newobj__': {
      const cls = className(it[0]);
      return cls === undefined ? undefined : { cls, args: tupleOf(it.slice(1)), ...(kwargs ? { kwargs } : {}) };
    }
    case 'copyreg.__newobj_ex__': {
      const cls = className(it[0]);
      return cls === undefined || it[1] === undefined
        ? undefined
        : { cls, args: it[1], ...(it[2] ? { kwargs: it[2] } : {}) };
    }
    default:
      if (canonical.endsWith('.__new__') && canonical.length > '.__new__'.length)
        return {
          cls: canonical.slice(0, -'.__new__'.length),
          args: tupleOf(it.slice(1)),
          ...(kwargs ? { kwargs } : {}),
        };
      return undefined;
  }
}

/**
 * The work a call of `canonical` (undefined: a callable the analysis cannot name) given `args`/`kwargs` makes. Every
 * callable may iterate and keep what a range or a range-built object holds, so such arguments are charged to any call.
 * A reconstructor's work includes the constructor it runs (constructedBy), judged by that constructor's own model.
 */
export function argumentWork(
  canonical: string | undefined,
  args: PyVal,
  kwargs?: PyVal,
  long?: LongText,
): ArgumentWork {
  const own = callWork(canonical, args, kwargs, long);
  const through = canonical === undefined ? undefined : constructedBy(canonical, args, kwargs);
  if (through === undefined) return own;
  const inner = callWork(through.cls, through.args, through.kwargs, long);
  const over =
    own.over ?? (inner.over === undefined ? undefined : `${canonical} constructs ${through.cls}: ${inner.over}`);
  return {
    items: Math.max(own.items, inner.items),
    holds: Math.max(own.holds, inner.holds),
    ...(over === undefined ? {} : { over }),
    ...(own.lazy !== undefined ? { lazy: own.lazy } : inner.lazy !== undefined ? { lazy: inner.lazy } : {}),
  };
}

function callWork(canonical: string | undefined, args: PyVal, kwargs?: PyVal, long?: LongText): ArgumentWork {
  const values = argValues(args, kwargs);
  let passed = 0;
  for (const v of values) passed = Math.min(passed + heldItems(v), 2 ** 52);
  // A lazy sequence given to a callable that iterates it (read from CPython: iterating-callables.ts): every item it
  // yields is made (and kept). pandas' RangeIndex is one: `_new_Index(RangeIndex, {'start', 'stop', 'step'})` (what
  // pandas writes for every default index) and `RangeIndex.__new__` keep only the three numbers, and pandas passes the
  // index to its managers, which read its length, never iterate it; deque(index, 0) or set(index) walks
  // len(range(start, stop, step)) items (10**18 of them for a 30-byte stop).
  if (canonical !== undefined && iteratesArguments(canonical))
    for (const v of values) passed = Math.min(passed + lazyItems(v), 2 ** 52);
  if (canonical !== undefined && isRangeIndex(canonical))
    return { items: passed, holds: passed, lazy: rangeIndexLength(undefined, values) };
  if (canonical !== undefined && canonical.startsWith('pandas.') && canonical.endsWith('._new_Index')) {
    const [cls, d] = values;
    if (typeof cls === 'object' && cls.k === K.Global && isRangeIndex(cls.imp.canonical))
      return { items: passed, holds: passed, lazy: rangeIndexLength(d ?? { k: K.None }, []) };
  }
  const first = typeof args === 'object' && args.k === K.Tuple ? args.items[0] : undefined;
  switch (canonical) {
    case 'builtins.range': {
      // Lazy: holds its length, made by whoever iterates it. The length itself is computed when the range is made:
      // with a step, one long division of (stop - start) by the step, schoolbook on big integers (its work grows with
      // the quotient's length times the divisor's).
      const [a, b, c] = values;
      const sizes = [intArgBits(a, long), intArgBits(b, long), intArgBits(c, long)];
      if (sizes.includes(null))
        return {
          items: 0,
          holds: rangeLength(args),
          over:
            'builtins.range is given an integer made by another call whose size the analysis cannot read: its ' +
            'length takes a long division whose work that size does not bound',
        };
      const span = Math.max(sizes[0] ?? 0, sizes[1] ?? 0);
      const step = sizes[2] ?? undefined;
      if (step !== undefined && span > step) {
        const work = ((span - step) / 30 + 1) * (step / 30);
        if (work > FRACTION_DIGIT_WORK)
          return {
            items: 0,
            holds: rangeLength(args),
            over:
              `builtins.range is given integers of ${span} and ${step} bits: its length takes a long division of ` +
              `about ${work.toExponential(2)} digit operations (more than ${FRACTION_DIGIT_WORK})`,
          };
      }
      // Members that all share one hash: a step that is a multiple of 2^61 - 1 (CPython hashes an int by its residue
      // modulo that prime), so every member is congruent to the start. Whatever hashes them (set, frozenset,
      // Counter, dict.fromkeys) compares each with every one before it.
      const stepInt = rangeStep(args);
      const len = rangeLength(args);
      if (stepInt !== undefined && stepInt % HASH_MODULUS === 0n && (len * (len - 1)) / 2 > COLLISION_PROBE_LIMIT)
        return {
          items: 0,
          holds: len,
          over:
            `builtins.range of ${len} members whose step is a multiple of 2^61 - 1: every member has the same hash, ` +
            `so a set, Counter or dict made from it compares each with all before it (about ${((len * len) / 2).toExponential(2)} ` +
            `comparisons, more than ${COLLISION_PROBE_LIMIT})`,
        };
      return { items: 0, holds: len };
    }
    case 'torch._utils._rebuild_qtensor': {
      // _rebuild_qtensor(storage, offset, size, stride, qparams, ...) allocates an empty quantized tensor of `size`
      // (torch._empty_affine_quantized, at least one byte per element) before set_ points it at the storage: the
      // elements the storage's persistent id does not back are allocated by the load.
      const it = typeof args === 'object' && args.k === K.Tuple ? args.items : [];
      const count = sizeCount(it[2]);
      const excess = Math.max(0, count - storageElements(it[0]));
      return { items: Math.min(passed + excess, 2 ** 52), holds: passed };
    }
    case 'builtins.bytes':
    case 'builtins.bytearray': {
      const n = intOf(first);
      if (n !== undefined) return { items: toNumber(n), holds: toNumber(n) };
      return { items: passed, holds: passed };
    }
    case 'fractions.Fraction': {
      // Fraction(numerator, denominator) of two integers reduces them: math.gcd and two floor divisions, work that
      // grows with the product of their lengths (about a second for two integers of a few million bits each).
      // Numbers made by other admitted calls count by the integers they stand for (a Fraction of Fractions multiplies
      // their numerators and denominators out); one whose size cannot be read is judged over.
      const num = numberBits(values[0], long);
      const den = values.length > 1 ? numberBits(values[1], long) : 1;
      if (num === null || den === null)
        return {
          items: passed,
          holds: passed,
          over:
            'fractions.Fraction is given a number made by another call whose size the analysis cannot read: ' +
            'reducing it may take work its size does not bound',
        };
      if (num !== undefined && den !== undefined) {
        const work = (num / 30) * (den / 30);
        if (work > FRACTION_DIGIT_WORK)
          return {
            items: passed,
            holds: passed,
            over:
              `fractions.Fraction is given integers of ${num} and ${den} bits: reducing them takes about ` +
              `${work.toExponential(2)} digit operations (more than ${FRACTION_DIGIT_WORK})`,
          };
      }
      for (const v of values.slice(0, 2)) {
        const text = numberText(v, true, long);
        if (text === undefined) continue;
        if (text === null)
          return {
            items: passed,
            holds: passed,
            over:
              `fractions.Fraction is given a number text the analysis cannot read (longer than ${TEXT_READ_LIMIT} ` +
              `bytes, or not kept): its exponent may make it compute 10 ** exponent`,
          };
        let e = textExponent(text);
        if (e < 0n) e = -e;
        if (e > BigInt(POWER_DIGITS_LIMIT))
          return {
            items: passed,
            holds: passed,
            over:
              `fractions.Fraction is given the number text '${text.slice(0, 40)}': it computes 10 ** ${e} ` +
              `(more than ${POWER_DIGITS_LIMIT} digits), work that grows faster than the exponent's length`,
          };
      }
      for (const v of values.slice(0, 2)) {
        // Fraction(Decimal) computes 10 ** exponent (as_integer_ratio), however else the Decimal was spelled.
        const d = decimalDigits(v, long, true);
        if (d === null || (d !== undefined && d > BigInt(POWER_DIGITS_LIMIT)))
          return {
            items: passed,
            holds: passed,
            over:
              d === null
                ? 'fractions.Fraction is given a Decimal the analysis cannot read: it computes 10 ** its exponent'
                : `fractions.Fraction is given a Decimal of ${d} digits and exponent: it computes 10 ** exponent ` +
                  `(more than ${POWER_DIGITS_LIMIT} digits)`,
          };
      }
      break;
    }
    case 're._compile': {
      // The pattern's compile time (regex-work.ts), charged with the load's other work and reported past its limit.
      const r = regexCompileCost(first, (v) => (typeof v === 'object' && v.k === K.Str ? long?.(v) : undefined));
      if ('unread' in r)
        return {
          items: passed,
          holds: passed,
          over: `re._compile is given ${r.unread}: its compile time is unbounded`,
        };
      const items = Math.min(passed + r.cost * REGEX_ITEMS_PER_MICROSECOND, 2 ** 52);
      if (r.cost > REGEX_COMPILE_LIMIT)
        return {
          items,
          holds: passed,
          over:
            `re._compile is given a pattern whose character classes and ranges cost about ${Math.round(r.cost / 1000)} ms ` +
            `to compile (more than ${REGEX_COMPILE_LIMIT / 1000} ms reported)`,
        };
      return { items, holds: passed };
    }
    case 'builtins.int': {
      // int(x) of a Decimal (int.__new__(int, x), copyreg._reconstructor(int, int, x)) runs Decimal.__int__, which
      // writes out every digit of the integer it stands for: 10 ** exponent, quadratic in its length.
      const d = decimalDigits(first, long);
      if (d === null)
        return {
          items: passed,
          holds: passed,
          over:
            'builtins.int is given a Decimal the analysis cannot read: converting it writes out every digit of ' +
            'the integer it stands for (10 ** exponent), in time that grows faster than their number',
        };
      if (d !== undefined && d > BigInt(POWER_DIGITS_LIMIT))
        return {
          items: passed,
          holds: passed,
          over:
            `builtins.int is given a Decimal of ${d} digits (its digits and exponent): converting it writes out an ` +
            `integer of more than ${POWER_DIGITS_LIMIT} digits, in time that grows faster than its length`,
        };
      break;
    }
    case 'decimal.Decimal': {
      // An int, written as one or made by int(...) from a text, a Fraction or a Decimal.
      const bits = intArgBits(first, long);
      if (bits === null)
        return {
          items: passed,
          holds: passed,
          over:
            'decimal.Decimal is given an integer made by another call whose size the analysis cannot read: ' +
            'converting it takes time quadratic in its length',
        };
      if (bits !== undefined) {
        if (bits > DECIMAL_INT_BITS_LIMIT)
          return {
            items: passed,
            holds: passed,
            over:
              `decimal.Decimal is given a ${bits}-bit integer: converting it to decimal digits takes time quadratic ` +
              `in its length (more than ${DECIMAL_INT_BITS_LIMIT} bits reported)`,
          };
      }
      break;
    }
    default: {
      // An array its arguments size (numpy-dtype.ts): count * itemsize bytes allocated, count items to iterate.
      const alloc = canonical === undefined ? undefined : allocationWork(canonical, args);
      if (alloc !== undefined && alloc.count > 0) {
        const made = Math.min(Math.max(alloc.count, alloc.bytes) + passed, 2 ** 52);
        return { items: made, holds: Math.min(alloc.count + passed, 2 ** 52) };
      }
      break;
    }
  }
  return passed === 0 ? NONE : { items: passed, holds: passed };
}
