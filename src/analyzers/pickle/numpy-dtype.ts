// numpy.dtype objects as numpy rebuilds them from a pickle: `numpy.dtype(typestr, align, copy)` and then BUILD, whose
// state numpy's arraydescr_setstate (numpy/core/src/multiarray/descriptor.c; read at numpy v1.24.2,
// 85f38ab180ece5290f64e8ddbd9cf06ad8fa4a5e, and unchanged in what follows here at v2.5.2,
// 48fecee5453aa1d31e6b79dcb3969dc1a6d1a891) applies as it finds it:
// - the state is read by its length: 9, 8 or 7 items (version, endian, subarray, names, fields, elsize, alignment
//   [, flags [, metadata]]) or 5 (endian, subarray, fields, elsize, alignment; version 0); flags are 0 when absent;
// - elsize and alignment are taken only for the flexible types (S, U, V); every other type keeps its own size;
// - flags are taken as written for version 3 and 4, whatever the type: an object dtype whose flags lack
//   NPY_ITEM_REFCOUNT (0x01, `dtype.hasobject`), NPY_LIST_PICKLE (0x02) or NPY_NEEDS_INIT (0x08) has its items
//   copied, filled and freed as raw bytes: an ndarray's __setstate__ then takes stream bytes as PyObject pointers, and
//   every later read of an item dereferences them. Versions 0 to 2 recompute them (an object type or non-zero flags
//   give 0x3f);
// - names, fields and a sub-array are taken without comparing them with the item size: a field's offset past the end
//   of the item makes every field read and write go out of bounds. numpy itself writes fields and a sub-array only on
//   void types, with every field inside the item.
// numpy's own __reduce__ writes (kind+size, False, True) and the 8-item (9 with metadata) version 3/4 state, elsize and
// alignment -1 for the non-flexible types, and flags computed from the type: 0x3f for `O`, 0x1b (and 0x80 for an
// aligned struct) for a struct holding objects, none of 0x01, 0x02, 0x04 for any type without objects.
// joblib reads a NumpyArrayWrapper's array bytes with the same dtype (count * dtype.itemsize bytes, or a nested pickle
// when dtype.hasobject), so its item size is the one numpy computes here, not the number the state carries.
import { isStringDtype } from './numpy-strings.js';
import { K, madeByName, type ObjV, type PyVal } from './values.js';

/** What numpy computes for a pickled dtype. */
export interface DtypeModel {
  /** `dtype.itemsize`. */
  readonly itemsize: number;
  /** `dtype.hasobject` (flag 0x01): joblib then reads a nested pickle instead of raw bytes. */
  readonly hasObject: boolean;
  /** The type holds Python objects (an `O` type, or a field or sub-array that does). */
  readonly objectType: boolean;
  /** The flags numpy ends with (the low byte). */
  readonly flags: number;
}

const HASOBJECT = 0x01;
const LIST_PICKLE = 0x02;
const IS_POINTER = 0x04;
const NEEDS_INIT = 0x08;
/** What numpy's copy, fill and free code needs to treat items as PyObject pointers. */
const OBJECT_NEEDS = HASOBJECT | LIST_PICKLE | NEEDS_INIT;
/** The flags that make numpy treat items as PyObject pointers. */
const OBJECT_BITS = HASOBJECT | LIST_PICKLE | IS_POINTER;
/** _descr_find_object's NPY_OBJECT_DTYPE_FLAGS. */
const OBJECT_DTYPE_FLAGS = 0x3f;
/** numpy 2.0 - 2.4's StringDType flags (dtype.flags, observed): 0x6b. */
const STRING_DTYPE_FLAGS = 0x6b;
/** Nested dtypes (fields of fields) followed. */
const MAX_DEPTH = 16;

interface Base {
  readonly kind: string;
  /** The type's own item size (an S/U/V type's is replaced by the state's elsize). */
  readonly size: number;
  readonly flexible: boolean;
  readonly object: boolean;
}

/** numpy.record, the scalar class of structured arrays (np.recarray): a void type, sized by the state. */
const RECORD_TYPES: ReadonlySet<string> = new Set(['numpy.record', 'numpy.core.records.record']);
const RECORD: Base = { kind: 'V', size: 0, flexible: true, object: false };

/**
 * The type `numpy.dtype(typestr)` makes, for the spellings numpy's reduce writes (kind letter and size, an optional
 * byte order): undefined for anything else (a name, a comma string, a size-less numeric type).
 */
function baseOf(typestr: string): Base | undefined {
  const m = /^[<>|=]?([a-zA-Z?])(\d*)$/.exec(typestr);
  if (!m) return undefined;
  const kind = m[1] === 'a' ? 'S' : m[1]!;
  const flexible = kind === 'S' || kind === 'U' || kind === 'V';
  // 'O4' is what 32-bit builds wrote (pandas' i686 legacy pickles); numpy reads 'O', 'O4' and 'O8' as the object type.
  if (kind === 'O')
    return m[2] === '' || m[2] === '4' || m[2] === '8' ? { kind, size: 8, flexible, object: true } : undefined;
  const digits = m[2] ? Number(m[2]) : kind === '?' ? 1 : flexible ? 0 : NaN;
  if (!Number.isSafeInteger(digits)) return undefined;
  return { kind, size: kind === 'U' ? digits * 4 : digits, flexible, object: false };
}

function isInt(v: PyVal | undefined): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function truthy(v: PyVal | undefined): boolean | undefined {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'object' && (v.k === K.True || v.k === K.False || v.k === K.None)) return v.k === K.True;
  return undefined;
}

/** A value that is a `numpy.dtype(...)` call result (REDUCE or NEWOBJ of numpy.dtype itself). */
export function isDtypeCall(v: PyVal | undefined): v is ObjV {
  return (
    typeof v === 'object' &&
    v.k === K.Obj &&
    typeof v.callee === 'object' &&
    v.callee.k === K.Global &&
    v.callee.imp.canonical === 'numpy.dtype'
  );
}

/** The typestr and type of a numpy.dtype call written as numpy writes it: (str, align, copy) with copy true. */
function callBase(v: ObjV): { base: Base } | { problem: string } {
  const args = typeof v.args === 'object' && v.args.k === K.Tuple ? v.args : undefined;
  const typestr = args?.items[0];
  if (args === undefined || args.more > 0) return { problem: 'its arguments were not kept' };
  // numpy's reduce writes the type object instead of a str for a void type of another scalar class (numpy.record).
  const base =
    typeof typestr === 'object' && typestr.k === K.Global && RECORD_TYPES.has(typestr.imp.canonical)
      ? RECORD
      : typeof typestr === 'string'
        ? baseOf(typestr)
        : undefined;
  if (typeof typestr !== 'string' && base === undefined) return { problem: 'its type is not a literal str' };
  if (base === undefined)
    return { problem: `its type ${JSON.stringify(String(typestr).slice(0, 40))} is not a kind and size` };
  // copy=False hands back numpy's shared dtype of that type, which the state then changes for the whole process (or
  // which numpy leaves as it is): numpy writes (typestr, False, True).
  if (args.items.length !== 3 || truthy(args.items[2]) !== true)
    return { problem: 'it is not called as (type, align, True)' };
  return { base };
}

interface Applied {
  readonly itemsize: number;
  readonly flags: number;
  readonly objectType: boolean;
}

type Verdict = { readonly applied: Applied } | { readonly problem: string };

/** numpy's arraydescr_setstate on a dtype of type `base`, or why it cannot be followed or is unsafe. */
function applyState(base: Base, state: PyVal, depth: number): Verdict {
  if (typeof state !== 'object' || state.k !== K.Tuple || state.more > 0)
    return { problem: 'its state is not a tuple the analysis kept' };
  const it = state.items;
  const n = it.length;
  let version: PyVal | undefined;
  let endian: PyVal | undefined;
  let sub: PyVal | undefined;
  let names: PyVal | undefined;
  let fields: PyVal | undefined;
  let elsize: PyVal | undefined;
  let flags: PyVal | undefined = 0;
  if (n === 7 || n === 8 || n === 9) {
    [version, endian, sub, names, fields, elsize] = it;
    if (n >= 8) flags = it[7];
  } else if (n === 5) {
    version = 0;
    [endian, sub, fields, elsize] = it;
    // No names item: numpy reads them from fields[-1] (version 0), refused below unless fields is None.
    names = fields;
  } else {
    return {
      problem: `its state has ${n} items (numpy reads 5, 7, 8 or 9${n > 9 ? '; with more it reads pointers it never set' : ''})`,
    };
  }
  if (!isInt(version) || version < 0 || version > 4) return { problem: 'its state version is not 0 to 4' };
  if (typeof endian !== 'string' || endian.length !== 1) return { problem: 'its byte order is not one character' };
  if (!isInt(elsize) || !isInt(it[n === 5 ? 4 : 6]) || !isInt(flags))
    return { problem: 'its item size, alignment or flags is not an int' };
  // numpy 1.x keeps the flags in a char (-101: an aligned struct with objects); numpy 2 writes them unsigned (155) and
  // no writer sets a bit above 0x80.
  if (flags < -128 || flags > 255) return { problem: 'its flags are outside the byte numpy writes them in' };
  const none = (v: PyVal | undefined): boolean => typeof v === 'object' && v.k === K.None;
  // Versions 0 and 1 read the field names from fields[-1], a layout no numpy since 1.0 writes.
  if (version <= 1 && !none(fields)) return { problem: 'its fields are in the version 0/1 layout' };
  const itemsize = base.flexible ? elsize : base.size;
  if (base.flexible && (elsize < 0 || (base.kind === 'U' && elsize % 4 !== 0)))
    return { problem: `its state sets the item size of a ${base.kind} type to ${elsize}` };
  let subObject = false;
  if (!none(sub)) {
    if (base.kind !== 'V')
      return { problem: `it gives a sub-array to a ${base.kind} type (numpy writes one on V only)` };
    const s = subarray(sub!, itemsize, depth);
    if ('problem' in s) return s;
    subObject = s.objectType;
  }
  let fieldsFind = false;
  let fieldsObject = false;
  if (none(fields) !== none(names)) return { problem: 'it has fields without names or names without fields' };
  if (!none(fields)) {
    if (base.kind !== 'V') return { problem: `it gives fields to a ${base.kind} type (numpy writes them on V only)` };
    const f = structFields(names!, fields!, itemsize, depth);
    if ('problem' in f) return f;
    fieldsObject = f.objectType;
    fieldsFind = f.find;
  }
  const objectType = base.object || subObject || fieldsObject;
  let effective = flags & 0xff;
  // _descr_find_object: non-zero flags, an object type, or a field whose own flags are non-zero or that holds objects
  // (not a sub-array).
  if (version < 3) effective = effective !== 0 || base.object || fieldsFind ? OBJECT_DTYPE_FLAGS : 0;
  if (objectType && (effective & OBJECT_NEEDS) !== OBJECT_NEEDS)
    return {
      problem:
        `it holds Python objects but its flags (${flags}) lack ${flagNames(OBJECT_NEEDS & ~effective)}: numpy then ` +
        'copies, fills and frees its items as raw bytes, and an array of it takes bytes from the stream as object pointers',
    };
  if (base.object && (effective & IS_POINTER) === 0)
    return {
      problem: `its flags (${flags}) lack NPY_ITEM_IS_POINTER: numpy.core.multiarray.scalar then reads an object pointer from bytes`,
    };
  if (!objectType && (effective & OBJECT_BITS) !== 0)
    return {
      problem:
        `its flags (${flags}) claim Python objects (${flagNames(effective & OBJECT_BITS)}) for a ${base.kind} type ` +
        'that holds none: numpy then reads and writes its bytes as object pointers',
    };
  return { applied: { itemsize, flags: effective, objectType } };
}

function flagNames(bits: number): string {
  const out: string[] = [];
  if (bits & HASOBJECT) out.push('NPY_ITEM_REFCOUNT');
  if (bits & LIST_PICKLE) out.push('NPY_LIST_PICKLE');
  if (bits & IS_POINTER) out.push('NPY_ITEM_IS_POINTER');
  if (bits & NEEDS_INIT) out.push('NPY_NEEDS_INIT');
  return out.join(', ');
}

/** A (base dtype, shape) sub-array inside an item of `itemsize` bytes. */
function subarray(sub: PyVal, itemsize: number, depth: number): { objectType: boolean } | { problem: string } {
  if (typeof sub !== 'object' || sub.k !== K.Tuple || sub.more > 0 || sub.items.length !== 2)
    return { problem: 'its sub-array is not a (dtype, shape) tuple' };
  const m = dtypeModel(sub.items[0], depth + 1);
  if (m === undefined) return { problem: 'its sub-array dtype is one the analysis cannot size' };
  const shape = sub.items[1]!;
  const dims = isInt(shape)
    ? [shape]
    : typeof shape === 'object' && shape.k === K.Tuple && shape.more === 0 && shape.items.every(isInt)
      ? (shape.items as number[])
      : undefined;
  if (dims === undefined || dims.some((x) => x < 0)) return { problem: 'its sub-array shape is not non-negative ints' };
  const bytes = dims.reduce((a, b) => a * b, m.itemsize);
  if (bytes > itemsize)
    return { problem: `its sub-array takes ${bytes} bytes of an item of ${itemsize}: numpy reads past the item` };
  return { objectType: m.objectType || m.hasObject };
}

/** Names and fields of a struct whose items are `itemsize` bytes: every name a field, every field inside the item. */
function structFields(
  names: PyVal,
  fields: PyVal,
  itemsize: number,
  depth: number,
): { objectType: boolean; find: boolean } | { problem: string } {
  if (typeof names !== 'object' || names.k !== K.Tuple || names.more > 0)
    return { problem: 'its field names are not a tuple the analysis kept' };
  if (typeof fields !== 'object' || fields.k !== K.Dict || fields.opaque === true || fields.n !== fields.keys.length)
    return { problem: 'its fields are not a dict the analysis kept' };
  for (const name of names.items) {
    if (typeof name !== 'string') return { problem: 'a field name is not a str' };
    if (!fields.keys.includes(name)) return { problem: `field name ${JSON.stringify(name)} has no field` };
  }
  let objectType = false;
  let find = false;
  for (let i = 0; i < fields.keys.length; i++) {
    const f = fields.vals[i]!;
    if (typeof f !== 'object' || f.k !== K.Tuple || f.more > 0 || f.items.length < 2 || f.items.length > 3)
      return { problem: 'a field is not a (dtype, offset[, title]) tuple' };
    const m = dtypeModel(f.items[0], depth + 1);
    if (m === undefined) return { problem: 'a field has a dtype the analysis cannot size' };
    const offset = f.items[1];
    if (!isInt(offset) || offset < 0 || offset + m.itemsize > itemsize)
      return {
        problem: `a field of ${m.itemsize} bytes at offset ${summarizeInt(offset)} does not fit its item of ${itemsize} bytes: numpy reads and writes it out of bounds`,
      };
    objectType ||= m.objectType || m.hasObject;
    find ||= m.flags !== 0 || m.objectType;
  }
  return { objectType, find };
}

function summarizeInt(v: PyVal | undefined): string {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : 'that is not an int';
}

/** numpy's dtype for a pickled `numpy.dtype(...)` value (and its BUILD state), or undefined when it cannot be followed. */
export function dtypeModel(v: PyVal | undefined, depth = 0): DtypeModel | undefined {
  // numpy 2's StringDType (numpy-strings.ts): 16-byte packed string records, pickled as lists of items
  // (NPY_LIST_PICKLE), with `hasobject` set (joblib pickles such an array nested, as it does object arrays).
  if (isStringDtype(v)) return { itemsize: 16, hasObject: true, objectType: true, flags: STRING_DTYPE_FLAGS };
  if (depth > MAX_DEPTH || !isDtypeCall(v)) return undefined;
  const b = callBase(v);
  if ('problem' in b) return undefined;
  if (v.state === undefined)
    return {
      itemsize: b.base.size,
      hasObject: b.base.object,
      objectType: b.base.object,
      flags: b.base.object ? OBJECT_DTYPE_FLAGS : b.base.kind === 'U' ? NEEDS_INIT : 0,
    };
  const a = applyState(b.base, v.state, depth);
  if ('problem' in a) return undefined;
  const { itemsize, flags, objectType } = a.applied;
  return { itemsize, hasObject: (flags & HASOBJECT) !== 0, objectType, flags };
}

/**
 * Why BUILD's `state` on `dtype` (an object that may be a numpy.dtype) makes a dtype numpy would treat unsafely or that
 * the analysis cannot follow, or undefined. `built` is how many BUILDs the object had, this one included, and
 * `shared` whether the stream could already have handed the object to another user (read back from the memo or DUP).
 */
export function dtypeBuildProblem(dtype: ObjV, state: PyVal, built: number, shared: boolean): string | undefined {
  // numpy's __setstate__ refuses anything but a tuple (PyErr_BadInternalCall): such a BUILD only fails the load.
  if (typeof state !== 'object' || state.k !== K.Tuple) return undefined;
  if (built > 1)
    return 'a second BUILD on one numpy.dtype (numpy keeps the fields of the first when the second has none)';
  if (shared)
    return (
      'BUILD on a numpy.dtype the stream already read back from the memo: every earlier user (an array sized by its ' +
      'item) then holds the changed dtype'
    );
  if (!isDtypeCall(dtype)) return 'BUILD on an object that may be a numpy.dtype whose type the analysis cannot read';
  const b = callBase(dtype);
  if ('problem' in b) return `numpy.dtype state on a dtype the analysis cannot follow: ${b.problem}`;
  const a = applyState(b.base, state, 0);
  return 'problem' in a ? `numpy.dtype state: ${a.problem}` : undefined;
}

/** A BUILD state of the numpy.dtype layout (5, 7, 8 or 9 items: a byte-order str first or second). */
export function dtypeShapedState(state: PyVal): boolean {
  if (typeof state !== 'object' || state.k !== K.Tuple) return false;
  const n = state.items.length + state.more;
  if (n === 5) return typeof state.items[0] === 'string';
  return n >= 6 && n <= 12 && isInt(state.items[0]) && typeof state.items[1] === 'string';
}

/**
 * Where an ndarray BUILD state holds its shape (the dtype follows it, then is_fortran, then the data), or -1 for a
 * state of another length: (version, shape, dtype, is_fortran, data) as numpy writes it, numpy.ma's MaskedArray state
 * (the same five, then the mask's bytes and the fill value), and the older forms without the version (4, and 6 with
 * mask and fill value).
 */
export function arrayShapeAt(length: number): number {
  return length === 5 || length === 7 ? 1 : length === 4 || length === 6 ? 0 : -1;
}

/** numpy's scalar rebuild, `scalar(dtype, bytes)`: how numpy writes a numpy scalar. */
const SCALAR: ReadonlySet<string> = new Set(['numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar']);

/** A fill value numpy writes: a Python scalar or text, None, a numpy scalar, or an array (its own state checked). */
function plainFill(v: PyVal | undefined): boolean {
  if (v === undefined || typeof v !== 'object') return v !== undefined;
  switch (v.k) {
    case K.None:
    case K.True:
    case K.False:
    case K.Float:
    case K.Str:
    case K.Bytes:
      return true;
    case K.Obj: {
      const name = madeByName(v);
      return name !== undefined && (SCALAR.has(name) || RECONSTRUCT.has(name)) && v.planted === undefined;
    }
    default:
      return false;
  }
}

/**
 * Why numpy.ma's MaskedArray state (7 items; 6 in the form without a version) has a fill value numpy's setter would
 * misuse, or undefined. The setter converts it with np.array(fill_value, dtype), which looks the array protocol
 * (`__array_interface__`, `__array_struct__`, `__array__`) up on the value and on every item of a list or tuple it
 * holds: an object that answers `__array_interface__` from its items (scipy's OptimizeResult, a dict) makes numpy read
 * memory at the address it gives (numpy 2.4: SIGSEGV). numpy writes a Python scalar or text, None, a numpy scalar or a
 * 0-d array there.
 */
export function maskedFillProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Tuple || state.more > 0) return undefined;
  const n = state.items.length;
  if (n !== 6 && n !== 7) return undefined;
  if (plainFill(state.items[arrayShapeAt(n) + 5])) return undefined;
  return (
    'its fill value is not a Python scalar, text, None, a numpy scalar or an array: numpy converts it with ' +
    'np.array(fill_value, dtype), which looks the array protocol up on it and on every item it holds'
  );
}

/**
 * Items an ndarray's BUILD state makes that the stream did not write (argument-work.ts `holds`): numpy's
 * ndarray.__setstate__ takes `rawdata` of exactly count * itemsize bytes, so an item size of 0 (V0, S0, U0) lets a
 * shape of 2**62 items cost no byte of the stream, and every call that iterates the array (deque(a, 0), set(a)) then
 * does 2**62 steps. States: (version, shape, dtype, is_fortran, rawdata), the older (shape, dtype, is_fortran,
 * rawdata) and MaskedArray's (shape, dtype, is_fortran, rawdata, mask, fill_value). A shape the analysis cannot read
 * counts as unbounded when the item size may be 0.
 */
export function arrayStateHolds(state: PyVal): number {
  if (typeof state !== 'object' || state.k !== K.Tuple || state.more > 0) return 0;
  const it = state.items;
  const at = arrayShapeAt(it.length);
  if (at < 0) return 0;
  const [shape, dtype, raw] = [it[at], it[at + 1], it[at + 3]];
  let count = 1;
  if (isInt(shape)) count = shape;
  else if (typeof shape === 'object' && shape.k === K.Tuple && shape.more === 0) {
    for (const x of shape.items) {
      const n = typeof x === 'bigint' ? Number(x) : isInt(x) ? x : NaN;
      if (!(n >= 0)) return UNBOUNDED;
      count = Math.min(count * n, UNBOUNDED);
    }
  } else return UNBOUNDED;
  // The bytes (or the list of objects) written bound the count: numpy takes exactly count * itemsize of them.
  if (count === 0 || (typeof raw === 'object' && raw?.k === K.Bytes && raw.len >= 0 && count <= raw.len)) return 0;
  if (typeof raw === 'object' && raw?.k === K.List) return 0;
  const itemsize = dtypeModel(dtype)?.itemsize;
  return itemsize !== undefined && itemsize > 0 ? 0 : count;
}

const UNBOUNDED = 2 ** 52;

/** The functions numpy's reduce writes an array with: `_reconstruct` (then BUILD) and protocol 5's `_frombuffer`. */
const RECONSTRUCT: ReadonlySet<string> = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
]);
/** Arrays joblib reads in place of an array wrapper, with the shape of the wrapper's state (noteArrayShape). */
const READ_SHAPES = new WeakMap<ObjV, number[]>();

/** Records the shape of an array joblib reads in place of an array wrapper (the VM's joblib reader). */
export function noteArrayShape(array: ObjV, shape: PyVal | undefined): void {
  const s = intsOf(shape);
  if (s !== undefined) READ_SHAPES.set(array, s);
}
const FROMBUFFER: ReadonlySet<string> = new Set(['numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer']);

function intsOf(v: PyVal | undefined): number[] | undefined {
  if (typeof v !== 'object' || v.k !== K.Tuple || v.more > 0) return undefined;
  const out: number[] = [];
  for (const x of v.items) {
    if (!isInt(x) || x < 0) return undefined;
    out.push(x);
  }
  return out;
}

/** The item count of a shape tuple of non-negative ints (their product), or undefined for any other value. */
export function shapeProduct(shape: PyVal | undefined): number | undefined {
  const dims = intsOf(shape);
  return dims === undefined ? undefined : dims.reduce((a, b) => a * b, 1);
}

/**
 * The shape of an array the stream made as numpy writes it: `_reconstruct(ndarray, (0,), b'b')` given one BUILD state
 * (version, shape, ...), `_frombuffer(buf, dtype, shape, order)`, or the array joblib reads in place of an array
 * wrapper (noteArrayShape); undefined for anything else (an array BUILT twice or after joblib read it, one read back
 * from a lossy memo).
 */
export function arrayShape(v: PyVal | undefined): number[] | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj || v.memoLost === true) return undefined;
  const read = READ_SHAPES.get(v);
  if (read !== undefined) return v.state === undefined ? read : undefined;
  const name = madeByName(v);
  if (name === undefined) return undefined;
  if (FROMBUFFER.has(name)) {
    const args = v.args;
    if (v.state !== undefined || typeof args !== 'object' || args.k !== K.Tuple) return undefined;
    return intsOf(args.items[2]);
  }
  if (!RECONSTRUCT.has(name) || (v.states?.length ?? 1) !== 1) return undefined;
  const st = v.state;
  if (typeof st !== 'object' || st.k !== K.Tuple || st.more > 0) return undefined;
  const at = arrayShapeAt(st.items.length);
  return at < 0 ? undefined : intsOf(st.items[at]);
}

/**
 * Why an ndarray BUILD state whose data is a list (the form numpy writes for dtypes that hold objects: `O`, structured
 * types with object fields, numpy 2's StringDType) makes numpy read past the list, or undefined. numpy's
 * ndarray.__setstate__ fills such an array by walking the array's own items and taking list item i for item i, without
 * comparing the list's length with the shape (numpy 1.24 and 2.0 - 2.4, observed: a 1-item list for shape (5,) reads
 * heap memory as objects, then dies of SIGSEGV). numpy's reduce writes exactly one list item per array item, in a list
 * made for the state.
 */
export function arrayListProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Tuple || state.more > 0) return undefined;
  const it = state.items;
  const at = arrayShapeAt(it.length);
  if (at < 0) return undefined;
  const raw = it[at + 3];
  if (typeof raw !== 'object' || raw.k !== K.List) return undefined;
  const count = shapeCount(it[at]!);
  if (count === 0) return undefined;
  // Items the stream put in this very list (a lower bound when items also reached it through a memo read: those are
  // counted on the memo's summary); unset on a memo stand-in.
  const n = raw.items !== undefined ? raw.items.length : raw.n;
  if (n === undefined)
    return 'its data is a list whose length the analysis cannot tell (numpy takes one list item per array item without a length check)';
  if (n < count)
    return (
      `its data is a list of ${n} items for ${count === UNBOUNDED ? 'an unbounded number of' : count} array items: ` +
      "numpy's __setstate__ reads past the list's end (memory read as objects)"
    );
  return undefined;
}

/** The callables that allocate an array of a shape their arguments give, with where shape and dtype sit. */
const ALLOCATORS: Readonly<Record<string, { shape: number; dtype: number; itemsize: number }>> = {
  // _reconstruct(subtype, shape, dtype) = ndarray.__new__(subtype, shape, dtype); numpy writes shape (0,).
  'numpy.core.multiarray._reconstruct': { shape: 1, dtype: 2, itemsize: 1 },
  'numpy._core.multiarray._reconstruct': { shape: 1, dtype: 2, itemsize: 1 },
  // numpy < 1.0 wrote numpy.core._internal._reconstruct, the same ndarray.__new__(subtype, shape, dtype).
  'numpy.core._internal._reconstruct': { shape: 1, dtype: 2, itemsize: 1 },
  // _mareconstruct(subtype, baseclass, baseshape, basetype): ndarray.__new__(baseclass, baseshape, basetype) and a
  // mask of the same shape; numpy.ma writes baseshape (0,).
  'numpy.ma.core._mareconstruct': { shape: 2, dtype: 3, itemsize: 1 },
  // NEWOBJ: ndarray.__new__(cls, shape, dtype=float), recarray.__new__(cls, shape, dtype=None, ...).
  'numpy.ndarray': { shape: 0, dtype: 1, itemsize: 8 },
  'numpy.recarray': { shape: 0, dtype: 1, itemsize: 1 },
  'numpy.core.records.recarray': { shape: 0, dtype: 1, itemsize: 1 },
};

/**
 * The items and bytes an array allocation its arguments size makes (argument-work.ts): numpy's own pickles only ever
 * ask `_reconstruct` for shape (0,) and fill the array from the BUILD state's bytes, but `ndarray.__new__` allocates
 * count * itemsize bytes for any shape (uninitialised: a memory-limited loader fails, an iteration touches them), and
 * an item size of 0 lets the count be anything. undefined for other callables.
 */
export function allocationWork(canonical: string, args: PyVal): { count: number; bytes: number } | undefined {
  const a = Object.hasOwn(ALLOCATORS, canonical) ? ALLOCATORS[canonical]! : undefined;
  if (a === undefined || typeof args !== 'object' || args.k !== K.Tuple) return undefined;
  const shape = args.items[a.shape];
  if (shape === undefined) return args.more > 0 ? { count: UNBOUNDED, bytes: UNBOUNDED } : undefined;
  const count = shapeCount(shape);
  const dtype = args.items[a.dtype];
  let itemsize = a.itemsize;
  if (dtype !== undefined && !(typeof dtype === 'object' && dtype.k === K.None))
    itemsize = typeof dtype === 'string' ? (baseOf(dtype)?.size ?? 1) : (dtypeModel(dtype)?.itemsize ?? 1);
  return { count, bytes: Math.min(count * itemsize, UNBOUNDED) };
}

function shapeCount(shape: PyVal): number {
  if (isInt(shape)) return Math.max(shape, 0);
  // numpy 1.x reads a None shape as () (one item), with a DeprecationWarning.
  if (typeof shape === 'object' && shape.k === K.None) return 1;
  if (typeof shape === 'bigint') return UNBOUNDED;
  if (typeof shape !== 'object' || shape.k !== K.Tuple || shape.more > 0) return UNBOUNDED;
  let count = 1;
  for (const x of shape.items) {
    const n = typeof x === 'bigint' ? Number(x) : isInt(x) ? x : NaN;
    if (!(n >= 0)) return UNBOUNDED;
    count = Math.min(count * n, UNBOUNDED);
  }
  return count;
}
