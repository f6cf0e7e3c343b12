// Whether an .npy header's descr makes np.load unpickle the data: the descr is parsed the way numpy.lib.format's
// descr_to_dtype and np.dtype parse it (numpy 1.24-2.x rules: type strings, named types, comma strings, sub-arrays,
// structured fields given as any 2- or 3-item iterable), and the object flag (hasobject) is decided structurally.
// 'unknown' is a spelling this parser cannot decide; callers treat it as an object dtype (fail closed).
import type { PyLiteral } from './py-literal.js';

export type DescrVerdict = 'object' | 'plain' | 'invalid' | 'unknown';

/** Names numpy's sctypeDict maps to the object type (object0 until numpy 1.24). */
const OBJECT_NAMES = new Set(['O', 'object', 'object_', 'object0']);
/** Other sctypeDict names (numpy 1.24; numpy 2 drops some aliases, which then fail: a plain verdict is safe). */
const PLAIN_NAMES = new Set(
  (
    '? B D F G H I L M M8 P Q S U V a b b1 bool bool8 bool_ byte bytes bytes0 bytes_ c16 c32 c8 cdouble cfloat ' +
    'clongdouble clongfloat complex complex128 complex256 complex64 complex_ csingle d datetime64 double e f f16 f2 ' +
    'f4 f8 float float128 float16 float32 float64 float_ g h half i i1 i2 i4 i8 int int0 int16 int32 int64 int8 ' +
    'int_ intc intp l long longcomplex longdouble longfloat longlong m m8 p q short single singlecomplex str str0 ' +
    'str_ string_ timedelta64 u1 u2 u4 u8 ubyte uint uint0 uint16 uint32 uint64 uint8 uintc uintp ulong ulonglong ' +
    'unicode unicode_ ushort void void0 c'
  ).split(' '),
);
/** Kinds whose sized form (`<kind><bytes>`) numpy accepts, and the sizes it accepts. */
const SIZED: Readonly<Record<string, readonly number[]>> = {
  b: [1],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  f: [2, 4, 8, 12, 16],
  c: [8, 16, 24, 32],
  O: [4, 8],
};
const ORDER = '<>=|';
/** Nesting bound: deeper descrs are undecided (numpy itself recurses without a bound). */
const MAX_DEPTH = 32;

/** The verdict of numpy's descr_to_dtype on a header's descr value. */
export function descrVerdict(d: PyLiteral, depth = 0): DescrVerdict {
  if (depth > MAX_DEPTH) return 'unknown';
  if (typeof d === 'string') return dtypeString(d);
  if (d !== null && typeof d === 'object' && 'tuple' in d) {
    // (base, shape): descr_to_dtype(base), then np.dtype((dt, shape)).
    if (d.tuple.length < 2) return 'invalid';
    return subarray(descrVerdict(d.tuple[0]!, depth + 1), d.tuple[1]!);
  }
  const fields = iterate(d);
  if (fields === undefined) return 'invalid';
  const verdicts: DescrVerdict[] = [];
  for (const field of fields) {
    const parts = iterate(field);
    if (parts === undefined || (parts.length !== 2 && parts.length !== 3)) return 'invalid';
    let v = descrVerdict(parts[1]!, depth + 1);
    if (parts.length === 3) v = subarray(v, parts[2]!);
    if (v === 'invalid') return 'invalid';
    // A field named '' whose dtype is a void without names (raw bytes, or any sub-array) is padding: dropped.
    if (parts[0] === '' && (isSubarray(parts[1]!) || (parts.length === 3 && isShape(parts[2]!)))) continue;
    verdicts.push(v);
  }
  // np.dtype({names, formats, ...}) may still refuse odd names; undecided fields make the whole undecided.
  return combine(verdicts);
}

/** Iteration as a Python for-loop sees the value (str: characters, dict: keys); undefined when not iterable. */
function iterate(v: PyLiteral): PyLiteral[] | undefined {
  if (typeof v === 'string') return [...v];
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return [...v.keys()];
  if (v !== null && typeof v === 'object' && 'tuple' in v) return v.tuple;
  return undefined;
}

function combine(vs: readonly DescrVerdict[]): DescrVerdict {
  if (vs.includes('invalid')) return 'invalid';
  if (vs.includes('unknown')) return 'unknown';
  return vs.includes('object') ? 'object' : 'plain';
}

/** The dimensions of a shape value (an int, or a tuple or list of ints), or undefined. */
function dimsOf(shape: PyLiteral): PyLiteral[] | undefined {
  if (typeof shape === 'number') return [shape];
  if (Array.isArray(shape) && shape.every((n) => typeof n === 'number')) return shape;
  if (shape !== null && typeof shape === 'object' && 'tuple' in shape) return shape.tuple;
  return undefined;
}

/** Does np.dtype((dt, shape)) make a sub-array (a void dtype), rather than dt itself? */
function isShape(shape: PyLiteral): boolean {
  const dims = dimsOf(shape);
  if (dims === undefined) return false;
  return typeof shape === 'number' ? shape !== 1 : dims.length > 0;
}

/** Is this descr spelled as a sub-array: a (base, shape) tuple or a comma string of one item with a count? */
function isSubarray(d: PyLiteral): boolean {
  if (d !== null && typeof d === 'object' && 'tuple' in d) return d.tuple.length >= 2 && isShape(d.tuple[1]!);
  return typeof d === 'string' && isCommaString(d) && singleCounted(d);
}

/**
 * np.dtype((base, x)): an int or a sequence of ints is a (sub-array) shape; another dtype makes a union
 * (base viewed as x), which numpy refuses when either side holds objects.
 */
function subarray(base: DescrVerdict, shape: PyLiteral, depth = 0): DescrVerdict {
  if (base === 'invalid') return 'invalid';
  const dims = dimsOf(shape);
  if (dims === undefined) {
    if (typeof shape === 'string' || shape instanceof Map || Array.isArray(shape)) {
      const other = descrVerdict(shape, depth + 1);
      if (other === 'invalid' || other === 'object' || base === 'object') return 'invalid';
      return other === 'unknown' || base === 'unknown' ? 'unknown' : 'plain';
    }
    return 'invalid';
  }
  for (const n of dims) {
    if (typeof n !== 'number' || !Number.isInteger(n)) return 'invalid';
    if (n < 0) return 'invalid';
  }
  return base;
}

/** np.dtype(str). */
export function dtypeString(s: string, depth = 0): DescrVerdict {
  if (depth > MAX_DEPTH) return 'unknown';
  if (isCommaString(s)) return commaString(s, depth);
  return simpleString(s);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** numpy's test for the comma-string form: a leading count, a leading empty shape, or a comma outside brackets. */
function isCommaString(s: string): boolean {
  if (isDigit(s[0]) || (s.length > 1 && ORDER.includes(s[0]!) && isDigit(s[1]))) return true;
  if (s.startsWith('()') || (s.length > 3 && ORDER.includes(s[0]!) && s.slice(1, 3) === '()')) return true;
  let depth = 0;
  for (const c of s) {
    if (c === ',' && depth === 0) return true;
    if (c === '[') depth++;
    else if (c === ']') depth--;
  }
  return false;
}

const ITEM = /^([<>|=]?)( *[(]?[ ,0-9]*[)]? *)([<>|=]?)([A-Za-z0-9.?]*(?:\[[a-zA-Z0-9,.]+\])?)/;

/** A comma string of exactly one item, with a count that makes a sub-array. */
function singleCounted(s: string): boolean {
  const items = commaItems(s);
  if (items === undefined || items.length !== 1) return false;
  const r = repeatsShape(items[0]!.repeats);
  return r !== undefined && r !== 'none' && r !== 'invalid' && r.sub;
}

interface CommaItem {
  readonly o1: string;
  readonly repeats: string;
  readonly o2: string;
  readonly type: string;
}

/** numpy's _commastring split into items, or undefined where it raises. */
function commaItems(s: string): CommaItem[] | undefined {
  const items: CommaItem[] = [];
  let i = 0;
  while (i < s.length) {
    if (items.length > 4096) return undefined;
    const m = ITEM.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    if (i < s.length) {
      const rest = s.slice(i);
      if (/^\s+$/.test(rest)) i = s.length;
      else {
        const sep = /^\s*,\s*/.exec(rest);
        if (!sep) return undefined;
        i += sep[0].length;
      }
    }
    items.push({ o1: m[1]!, repeats: m[2]!, o2: m[3]!, type: m[4]! });
  }
  return items;
}

/**
 * The repeats group read with ast.literal_eval: 'none' when empty, 'invalid' when it raises or is no shape, else
 * whether it makes a sub-array (an int other than 1, or a non-empty tuple).
 */
function repeatsShape(repeats: string): 'none' | 'invalid' | { sub: boolean } {
  if (repeats === '') return 'none';
  let t = repeats.trim();
  let parens = false;
  if (t.startsWith('(') && t.endsWith(')')) {
    parens = true;
    t = t.slice(1, -1);
  }
  if (/[()]/.test(t)) return 'invalid';
  if (t.trim() === '') return parens ? { sub: false } : 'invalid';
  const parts = t.split(',');
  const comma = parts.length > 1;
  if (comma && parts[parts.length - 1]!.trim() === '') parts.pop();
  const nums: number[] = [];
  for (const p of parts) {
    const d = p.trim();
    // Python refuses leading zeros in a non-zero decimal int.
    if (!/^\d+$/.test(d) || (/^0/.test(d) && /[1-9]/.test(d))) return 'invalid';
    nums.push(Number(d));
  }
  if (!comma) return { sub: nums[0] !== 1 };
  return { sub: nums.length > 0 };
}

/** numpy's _commastring: items `[order] [repeats] [order] type`, separated by commas. */
function commaString(s: string, depth: number): DescrVerdict {
  const items = commaItems(s);
  if (items === undefined || items.length === 0) return 'invalid';
  const verdicts: DescrVerdict[] = [];
  for (const { o1, repeats, o2, type } of items) {
    if (o1 !== '' && o2 !== '' && norm(o1) !== norm(o2)) return 'invalid';
    // numpy drops '|', '=' and the machine's own order before re-reading `order + type` (itself possibly a comma
    // string); which order is the consumer's is not known here, so the type is read with and without it.
    const order = o2 || o1;
    let v =
      order === ''
        ? dtypeString(type, depth + 1)
        : either(dtypeString(type, depth + 1), dtypeString(order + type, depth + 1));
    const r = repeatsShape(repeats);
    if (r === 'invalid') v = 'invalid';
    verdicts.push(v);
  }
  return combine(verdicts);
}

function norm(o: string): string {
  return o === '|' || o === '=' ? '=' : o;
}

/** Two possible readings: object if either is, undecided if either is. */
function either(a: DescrVerdict, b: DescrVerdict): DescrVerdict {
  if (a === 'object' || b === 'object') return 'object';
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  if (a === 'plain' || b === 'plain') return 'plain';
  return 'invalid';
}

/** A type string without commas: [order] typecode [size], a datetime, or a registered type name. */
function simpleString(s: string): DescrVerdict {
  let t = s;
  if (t.length > 1 && ORDER.includes(t[0]!)) t = t.slice(1);
  if (/^(?:[Mm]8?|datetime64|timedelta64)(?:\[[^\]]*\])?$/.test(t))
    return t.includes('[') && !isDatetimeUnit(t) ? 'invalid' : 'plain';
  if (t.length === 1) {
    if (t === 'O') return 'object';
    if ('?bBhHiIlLqQpPefdgFDGSUVaMmc'.includes(t)) return 'plain';
    return byName(s);
  }
  if (t.length > 1) {
    // The size is read with C strtol: leading white space and a sign are accepted.
    const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(t.slice(1));
    if (m) {
      const size = Number(`${m[1]}${m[2]}`);
      const kind = t[0]!;
      if ('SaUV'.includes(kind)) return size >= 0 ? 'plain' : 'invalid';
      if (size !== 0 && SIZED[kind]?.includes(size)) return kind === 'O' ? 'object' : 'plain';
    }
  }
  return byName(s);
}

function isDatetimeUnit(t: string): boolean {
  return /\[(?:\d*(?:Y|M|W|D|h|m|s|ms|us|\u03bcs|ns|ps|fs|as)(?:\/\d+)?|generic)\]$/.test(t);
}

/** numpy looks the whole string (order character included) up in its type dictionary. */
function byName(s: string): DescrVerdict {
  if (OBJECT_NAMES.has(s)) return 'object';
  if (PLAIN_NAMES.has(s)) return 'plain';
  return 'invalid';
}
