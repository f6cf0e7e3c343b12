// pyarrow arrays in pickles (pandas' Arrow-backed text columns, docs/pyarrow-arrays.md). pyarrow's own reduce writes an
// array as `pyarrow.lib._restore_array((type, length, null_count, offset, buffers, children, dictionary))`, each
// buffer as `pyarrow.lib.py_buffer(<bytes or bytearray>)`, a plain type as `pyarrow.lib.type_for_alias(<name>)` and a
// chunked array as `pyarrow.lib.chunked_array(<arrays>, <type>)`. _restore_array hands the tuple to Arrow's MakeArray
// without validating it: a short buffer list crashes the load, and a length, offset or string offset past the buffers
// makes every later read of the column read (or crash on) memory outside them. So a call is admitted only when the
// tuple is an array Arrow's full validation accepts, checked here with the buffers' bytes in hand, for the types
// pandas writes for text and the fixed-width types (numbers, booleans, dates and times); anything else is a finding.
import { instanceClasses } from './instance-class.js';
import { K, madeByName, NONE, type BytesV, type ListV, type ObjV, type PyVal, type TupleV } from './values.js';

export const RESTORE_ARRAY = 'pyarrow.lib._restore_array';
export const PY_BUFFER = 'pyarrow.lib.py_buffer';
export const TYPE_FOR_ALIAS = 'pyarrow.lib.type_for_alias';
export const CHUNKED_ARRAY = 'pyarrow.lib.chunked_array';
/** timestamp(unit, tz): how pyarrow's reduce writes a timestamp type (TimestampType.__reduce__), zoned or not. */
export const TIMESTAMP = 'pyarrow.lib.timestamp';

/**
 * pandas' pyarrow-backed arrays: the string arrays (pandas 1.2 on; the NumPy-semantics variant of pandas 2.1 - 2.3) and
 * ArrowExtensionArray (ArrowDtype columns, pandas 1.5 on). Their state is checked (arrowStringStateProblem), and items
 * are never given to them (their __setitem__ converts the value with pyarrow, which may call its methods; pandas writes
 * no SETITEM(S) on them).
 */
export const ARROW_STRING_ARRAYS: ReadonlySet<string> = new Set([
  'pandas.core.arrays.string_arrow.ArrowStringArray',
  'pandas.core.arrays.string_arrow.ArrowStringArrayNumpySemantics',
  'pandas.core.arrays.arrow.array.ArrowExtensionArray',
]);

/** pandas' ArrowDtype, at its pandas 1.5 and pandas >= 2.0 homes. */
export const ARROW_DTYPES: ReadonlySet<string> = new Set([
  'pandas.core.arrays.arrow.dtype.ArrowDtype',
  'pandas.core.dtypes.dtypes.ArrowDtype',
]);

/** The pyarrow callables whose calls this module checks. */
export const ARROW_CALLABLES: ReadonlySet<string> = new Set([
  RESTORE_ARRAY,
  PY_BUFFER,
  TYPE_FOR_ALIAS,
  CHUNKED_ARRAY,
  TIMESTAMP,
]);

const TIME_UNITS: ReadonlySet<string> = new Set(['s', 'ms', 'us', 'ns']);
/**
 * A time-zone text Arrow resolves by name or offset: an IANA-style key (letters first; components of letters, digits,
 * `_`, `+`, `-`; no `.`, so no `..` component and no leading `/`) or a fixed offset `+HH:MM`. pyarrow resolves a name
 * through pytz or zoneinfo, which read the key's file in their time-zone database.
 */
const TZ_TEXT = /^(?:[A-Za-z][A-Za-z0-9_+-]{0,31}(?:\/[A-Za-z0-9_+-]{1,32}){0,3}|[+-]\d{2}:\d{2})$/;

/** Why `timestamp(*items)` is not a call pyarrow's reduce writes, or undefined. */
function timestampProblem(items: readonly PyVal[]): string | undefined {
  if (items.length < 1 || items.length > 2) return `${items.length} arguments (pyarrow writes (unit, tz))`;
  const [unit, tz] = items;
  if (typeof unit !== 'string' || !TIME_UNITS.has(unit)) return "its unit is not one of 's', 'ms', 'us', 'ns'";
  // A tz object other than a str is converted by calling its methods (tzinfo_to_string).
  if (tz !== undefined && !isNone(tz) && (typeof tz !== 'string' || !TZ_TEXT.test(tz)))
    return 'its tz is not None, a time-zone name or a fixed offset';
  return undefined;
}

/** How an Arrow type lays out its buffers: fixed-width values (bits per value) or offsets (4 or 8 bytes) and data. */
type Layout =
  { readonly kind: 'fixed'; readonly bits: number } | { readonly kind: 'binary'; readonly offsetBytes: 4 | 8 };

const fixed = (bits: number): Layout => ({ kind: 'fixed', bits });
const binary = (offsetBytes: 4 | 8): Layout => ({ kind: 'binary', offsetBytes });

/**
 * The names of pyarrow's alias table (pyarrow/types.pxi `_type_aliases`, the same from pyarrow 1 to 25) whose types
 * have one of the two layouts above. `null`, the view types, month_day_nano_interval and every parameterised type
 * (decimal, dictionary, list, struct, a timestamp with a zone) are not among them: an array of those is not admitted.
 */
const LAYOUTS: ReadonlyMap<string, Layout> = new Map<string, Layout>([
  ['bool', fixed(1)],
  ['boolean', fixed(1)],
  ...['i1', 'int8', 'u1', 'uint8'].map((a): [string, Layout] => [a, fixed(8)]),
  ...['i2', 'int16', 'u2', 'uint16', 'f2', 'halffloat', 'float16'].map((a): [string, Layout] => [a, fixed(16)]),
  ...['i4', 'int32', 'u4', 'uint32', 'f4', 'float', 'float32', 'date32', 'date32[day]', 'time32[s]', 'time32[ms]'].map(
    (a): [string, Layout] => [a, fixed(32)],
  ),
  ...[
    'i8',
    'int64',
    'u8',
    'uint64',
    'f8',
    'double',
    'float64',
    'date64',
    'date64[ms]',
    'time64[us]',
    'time64[ns]',
    'timestamp[s]',
    'timestamp[ms]',
    'timestamp[us]',
    'timestamp[ns]',
    'duration[s]',
    'duration[ms]',
    'duration[us]',
    'duration[ns]',
  ].map((a): [string, Layout] => [a, fixed(64)]),
  ...['string', 'str', 'utf8', 'binary'].map((a): [string, Layout] => [a, binary(4)]),
  ...['large_string', 'large_str', 'large_utf8', 'large_binary'].map((a): [string, Layout] => [a, binary(8)]),
]);

/** Reads `len` bytes at `start` of a bytes value's content (the stream's payload or computed bytes), or undefined. */
export type BytesReader = (b: BytesV, start: number, len: number) => Uint8Array | undefined;

/** Bytes of a buffer read at once while offsets and bitmaps are checked. */
const READ_STEP = 1 << 20;

const isNone = (v: PyVal | undefined): boolean => typeof v === 'object' && v.k === K.None;

/** The items of a literal argument tuple, or why they cannot be read. */
function argItems(args: PyVal | undefined): readonly PyVal[] | string {
  if (args === undefined) return 'its arguments are not all in the stream (a partial or wrapper adds some)';
  if (typeof args !== 'object' || args.k !== K.Tuple) return 'its arguments are not a literal tuple';
  if (args.more > 0) return 'its argument tuple has more items than were kept for analysis';
  return args.items;
}

/** An object the stream made by calling `canonical` and left as made (no BUILD, no items or attributes set on it). */
function madeBy(v: PyVal | undefined, canonical: string): v is ObjV {
  return (
    madeByName(v) === canonical &&
    typeof v === 'object' &&
    v.k === K.Obj &&
    v.state === undefined &&
    v.planted === undefined &&
    v.memoLost !== true
  );
}

/**
 * The alias a `type_for_alias(name)` result was made from, lower-cased as pyarrow does (ASCII only), or the unit's alias
 * `timestamp[<unit>]` of a `timestamp(unit, tz)` result; undefined for anything else.
 */
function aliasOf(v: PyVal | undefined): string | undefined {
  // A timestamp type, zoned or not, has the layout of its unit's alias (64-bit values; the zone is metadata).
  if (madeBy(v, TIMESTAMP)) {
    const t = argItems(v.args);
    return typeof t === 'string' || timestampProblem(t) !== undefined ? undefined : `timestamp[${String(t[0])}]`;
  }
  if (!madeBy(v, TYPE_FOR_ALIAS)) return undefined;
  const items = argItems(v.args);
  if (typeof items === 'string' || items.length !== 1 || typeof items[0] !== 'string') return undefined;
  const name = items[0];
  // str.lower() of non-ASCII text is not JavaScript's: such a name is no alias of the table anyway.
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) return undefined;
  return name.toLowerCase();
}

/** Why a call of one of ARROW_CALLABLES is outside what pyarrow's reduce writes, or undefined when it is not. */
export function arrowCallProblem(canonical: string, args: PyVal | undefined, read: BytesReader): string | undefined {
  const items = argItems(args);
  if (typeof items === 'string') return items;
  switch (canonical) {
    case TYPE_FOR_ALIAS:
      // type_for_alias(name) calls name.lower(): anything but a str runs a method of the stream's value.
      if (items.length !== 1 || typeof items[0] !== 'string')
        return 'its argument is not one literal str (type_for_alias calls its lower())';
      return undefined;
    case PY_BUFFER: {
      // py_buffer(obj) takes obj's buffer: bytes or a bytearray of the stream (an out-of-band buffer is not in view).
      const b = items[0];
      if (items.length !== 1 || typeof b !== 'object' || (b.k !== K.Bytes && b.k !== K.ByteArray))
        return 'its argument is not one bytes or bytearray value of the stream';
      return undefined;
    }
    case CHUNKED_ARRAY: {
      // chunked_array(arrays, type): an item that is not an Array is converted by pyarrow.asarray (which calls the
      // item's __arrow_array__ or iterates it).
      if (items.length < 1 || items.length > 2) return `${items.length} arguments (pyarrow writes (chunks, type))`;
      const type = items[1];
      const alias = type === undefined || isNone(type) ? undefined : aliasOf(type);
      if (type !== undefined && !isNone(type) && (alias === undefined || !LAYOUTS.has(alias)))
        return 'its type is not a type_for_alias result of an admitted type';
      const chunks = listItems(items[0]);
      if (typeof chunks === 'string') return `its chunks: ${chunks}`;
      if (chunks.length === 0 && alias === undefined) return 'no chunks and no type';
      for (const c of chunks)
        if (!madeBy(c, RESTORE_ARRAY)) return 'a chunk is not an array _restore_array made (pyarrow converts it)';
      return undefined;
    }
    case TIMESTAMP:
      return timestampProblem(items);
    case RESTORE_ARRAY: {
      if (items.length !== 1) return `${items.length} arguments (pyarrow writes one ArrayData tuple)`;
      return arrayDataProblem(items[0], read);
    }
    default:
      return undefined;
  }
}

/**
 * The items of a list the stream built, in order, with the None items at their places (ListV.nones), or why they
 * cannot be told: the VM keeps a list's objects and where its None items were, not its other items.
 */
function listItems(v: PyVal | undefined): PyVal[] | string {
  if (typeof v !== 'object' || v.k !== K.List) return 'not a list';
  const l = v as ListV;
  if (l.items !== undefined) return l.items;
  if (l.n === undefined || l.n > 30 || l.objsMore === true || l.objsLost === true || l.readBack === true)
    return 'a list whose items were not all kept';
  const objs = l.objs ?? [];
  const out: PyVal[] = [];
  let next = 0;
  for (let i = 0; i < l.n; i++) {
    if (((l.nones ?? 0) >>> i) & 1) out.push(NONE);
    else if (next < objs.length) out.push(objs[next++]!);
    else return 'a list holding items other than None and objects';
  }
  return next === objs.length ? out : 'a list whose items were not all kept';
}

const isInt = (v: PyVal | undefined): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Why an ArrayData tuple is not an array Arrow's full validation accepts (of an admitted type), or undefined. */
function arrayDataProblem(data: PyVal | undefined, read: BytesReader): string | undefined {
  if (typeof data !== 'object' || data.k !== K.Tuple) return 'its argument is not a literal tuple';
  const t = data as TupleV;
  if (t.more > 0 || t.items.length !== 7)
    return 'its ArrayData is not the 7-item tuple (type, length, null_count, offset, buffers, children, dictionary)';
  const [type, length, nullCount, offset, buffersV, children, dictionary] = t.items;
  const alias = aliasOf(type);
  if (alias === undefined) return 'its type is not a type_for_alias or timestamp result';
  const layout = LAYOUTS.get(alias);
  if (layout === undefined) return `its type '${alias}' is not one whose layout is checked`;
  if (!isInt(length) || !isInt(nullCount) || !isInt(offset))
    return 'its length, null count and offset are not all ints of the stream';
  if (length < 0 || offset < 0) return 'a negative length or offset';
  if (nullCount < -1 || nullCount > length) return `a null count of ${nullCount} for a length of ${length}`;
  if (!isNone(dictionary)) return 'a dictionary on a type that has none';
  const kids = listItems(children);
  if (typeof kids === 'string' || kids.length !== 0) return 'children on a type that has none';
  const buffers = listItems(buffersV);
  if (typeof buffers === 'string') return `its buffers: ${buffers}`;
  const want = layout.kind === 'fixed' ? 2 : 3;
  if (buffers.length !== want) return `${buffers.length} buffers where the '${alias}' layout has ${want}`;
  const bytes: (BytesV | undefined)[] = [];
  for (const b of buffers) {
    if (isNone(b)) {
      bytes.push(undefined);
      continue;
    }
    if (!madeBy(b, PY_BUFFER)) return 'a buffer is not a py_buffer of the stream';
    const items = argItems(b.args);
    const raw = typeof items === 'string' ? undefined : items[0];
    if (typeof raw !== 'object' || (raw.k !== K.Bytes && raw.k !== K.ByteArray) || raw.len < 0)
      return 'a buffer whose bytes the analysis did not keep';
    bytes.push(raw);
  }
  const end = offset + length;
  if (!Number.isSafeInteger(end)) return 'a length plus offset past what can be addressed';
  // The validity bitmap: one bit per slot up to offset + length, and exactly null_count zero bits among the slots.
  const validity = bytes[0];
  if (validity === undefined) {
    if (nullCount > 0) return `${nullCount} nulls and no validity bitmap`;
  } else {
    if (validity.len * 8 < end) return `a validity bitmap of ${validity.len} bytes for ${end} slots`;
    if (nullCount >= 0) {
      const nulls = zeroBits(validity, offset, length, read);
      if (nulls === undefined) return 'a validity bitmap the analysis could not read';
      if (nulls !== nullCount) return `a null count of ${nullCount} where the bitmap has ${nulls}`;
    }
  }
  if (layout.kind === 'fixed') {
    const values = bytes[1];
    const need = Math.ceil((end * layout.bits) / 8);
    if ((values?.len ?? 0) < need) return `a values buffer of ${values?.len ?? 0} bytes for ${end} slots`;
    return undefined;
  }
  const offsets = bytes[1];
  const dataLen = bytes[2]?.len ?? 0;
  if (offsets === undefined) return length === 0 ? undefined : 'no offsets buffer';
  const w = layout.offsetBytes;
  if (offsets.len < (end + 1) * w) return `an offsets buffer of ${offsets.len} bytes for ${end} slots`;
  return offsetsProblem(offsets, offset, length, w, dataLen, read);
}

/** Zero bits among bits [from, from + count) of a bitmap (least significant bit first), or undefined when unread. */
function zeroBits(b: BytesV, from: number, count: number, read: BytesReader): number | undefined {
  let zeros = 0;
  let bit = from;
  const stop = from + count;
  while (bit < stop) {
    const byte0 = bit >>> 3;
    const n = Math.min(READ_STEP, ((stop + 7) >>> 3) - byte0);
    const chunk = read(b, byte0, n);
    if (chunk === undefined || chunk.length < n) return undefined;
    const last = Math.min(stop, (byte0 + n) * 8);
    for (; bit < last; bit++) if (((chunk[(bit >>> 3) - byte0]! >>> (bit & 7)) & 1) === 0) zeros++;
  }
  return zeros;
}

/**
 * Why offsets[offset .. offset + length] are not non-negative, non-decreasing and within the data buffer, or
 * undefined when they are (Arrow's full validation; a reader slices the data by them without checking).
 */
function offsetsProblem(
  b: BytesV,
  offset: number,
  length: number,
  w: 4 | 8,
  dataLen: number,
  read: BytesReader,
): string | undefined {
  const count = length + 1;
  let prev = -1;
  for (let done = 0; done < count;) {
    const n = Math.min(Math.floor(READ_STEP / w), count - done);
    const chunk = read(b, (offset + done) * w, n * w);
    if (chunk === undefined || chunk.length < n * w) return 'an offsets buffer the analysis could not read';
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i < n; i++) {
      let v: number;
      if (w === 4) v = view.getInt32(i * 4, true);
      else {
        const hi = view.getInt32(i * 8 + 4, true);
        // Past 2^53 no data buffer of a stream reaches: reported as past the data.
        v = hi < 0 ? -1 : hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 2 ** 32 + view.getUint32(i * 8, true);
      }
      if (v < 0) return `a negative string offset (${v})`;
      if (v < prev) return `string offsets that decrease (${prev} then ${v})`;
      if (v > dataLen) return `a string offset (${v}) past the ${dataLen}-byte data buffer`;
      prev = v;
    }
    done += n;
  }
  return undefined;
}

/**
 * Why the state pandas' Arrow-backed string array (pandas >= 2.1's __setstate__: `pa.chunked_array(state['_pa_array'])`
 * or of `state.pop('_data')`, then `self.__dict__.update(state)`; pandas 1.x - 2.0 had no hook and wrote '_data') is
 * not one pandas writes: a dict of '_pa_array' or '_data' (a restored array or chunked array), '_dtype' (a StringDtype
 * the stream made) and '_readonly' (a bool), or undefined when it is. Any other value is converted by
 * pyarrow.asarray or stored where pandas later calls it.
 */
export function arrowStringStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict) return 'the state is not a dict';
  if (state.opaque === true || state.n > state.keys.length) return 'the state dict was not kept whole';
  let array = 0;
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i];
    const v = state.vals[i];
    if (key === '_pa_array' || key === '_data') {
      array++;
      if (!madeBy(v, RESTORE_ARRAY) && !madeBy(v, CHUNKED_ARRAY))
        return `its ${key} is not an array pyarrow's reduce wrote (pyarrow.chunked_array converts it)`;
    } else if (key === '_dtype') {
      if (!isStringDtype(v) && !isArrowDtype(v)) return 'its _dtype is not a StringDtype or ArrowDtype the stream made';
    } else if (key === '_readonly') {
      if (typeof v !== 'object' || (v.k !== K.True && v.k !== K.False)) return 'its _readonly is not a bool';
    } else return `a state key pandas does not write (${typeof key === 'string' ? key : 'not a str'})`;
  }
  return array === 1 ? undefined : 'the state does not hold one array (_pa_array or _data)';
}

/** An instance of pandas' StringDtype (a call as pandas >= 2.3 writes it, or its class's __new__ and a state). */
function isStringDtype(v: PyVal | undefined): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj || v.memoLost === true) return false;
  const c = instanceClasses(v);
  return !c.unknown && c.names.length === 1 && c.names[0] === 'pandas.core.arrays.string_.StringDtype';
}

/** An instance of pandas' ArrowDtype (its state is checked on its own BUILD: arrowDtypeStateProblem). */
function isArrowDtype(v: PyVal | undefined): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj || v.memoLost === true) return false;
  const c = instanceClasses(v);
  return !c.unknown && c.names.length > 0 && c.names.every((n) => ARROW_DTYPES.has(n));
}

/**
 * Why the state of a pandas ArrowDtype is not the one pandas writes (its __dict__: 'storage' (pandas 1.5 - 2.x) or
 * '_storage' (pandas 3) set to 'pyarrow', 'pyarrow_dtype' a pyarrow type the stream made, and the cache of its
 * index class), or undefined. ArrowDtype's __hash__, __eq__ and name format and compare pyarrow_dtype, which pandas
 * does while it rebuilds a frame: any other value has its special methods run.
 */
/**
 * Where an ArrowDtype's BUILD state, checked whole (arrowDtypeStateProblem), keeps its `_cache`: pandas' cached
 * `index_class`, the Index class pandas itself calls with its own arguments when the column becomes an index. -1 when
 * `obj` is not only an ArrowDtype, its state is not one the check admits, or it has no `_cache`.
 */
export function arrowDtypeCacheAt(obj: ObjV, state: PyVal): number {
  const c = instanceClasses(obj);
  if (c.unknown || c.names.length === 0 || !c.names.every((n) => ARROW_DTYPES.has(n))) return -1;
  if (typeof state !== 'object' || state.k !== K.Dict || arrowDtypeStateProblem(state) !== undefined) return -1;
  return state.keys.indexOf('_cache');
}

export function arrowDtypeStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict) return 'the state is not a dict';
  if (state.opaque === true || state.n > state.keys.length) return 'the state dict was not kept whole';
  let typed = false;
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i];
    const v = state.vals[i];
    if (key === '_storage' || key === 'storage') {
      if (v !== 'pyarrow') return "its storage is not 'pyarrow'";
    } else if (key === 'pyarrow_dtype') {
      // A type pyarrow's reduce writes: type_for_alias of an admitted alias, or another pyarrow type constructor
      // (timestamp, list_, ...), whose own import is judged where the stream names it.
      const alias = aliasOf(v);
      const other = madeByName(v)?.startsWith('pyarrow.lib.') === true && alias === undefined;
      if (!(other && typeof v === 'object' && v.k === K.Obj && v.state === undefined && v.planted === undefined))
        if (alias === undefined || !LAYOUTS.has(alias))
          return 'its pyarrow_dtype is not a pyarrow type the stream made';
      typed = true;
    } else if (key === '_cache') {
      // cache_readonly's store: pandas reads a cached property from it instead of computing it. The one ArrowDtype
      // writes once a column has been an index: index_class, pandas' Index class.
      if (typeof v !== 'object' || v.k !== K.Dict || v.opaque === true || v.n > v.keys.length)
        return 'its _cache is not a dict kept whole';
      for (let j = 0; j < v.keys.length; j++) {
        const c = v.vals[j];
        const indexClass =
          typeof c === 'object' && c.k === K.Global && c.imp.canonical === 'pandas.core.indexes.base.Index';
        if (v.keys[j] !== 'index_class' || !indexClass)
          return 'its _cache holds a value other than index_class = Index';
      }
    } else return `a state key pandas does not write (${typeof key === 'string' ? key : 'not a str'})`;
  }
  return typed ? undefined : 'the state has no pyarrow_dtype';
}
