// NumPy array-protocol type strings ('<f4', '|b1', '>i8', …; numpy's `dtype.str` and the pickled dtype's typestr +
// byte order) mapped to safetensors dtypes. Strings, objects, datetimes, complex, void and structured types have no
// safetensors counterpart: the result names why.
import type { SafetensorsDtype } from '../safetensors/dtype.js';

export interface NumpyDtype {
  /** The type string as written, e.g. `<f4`. */
  readonly descr: string;
  readonly itemsize: number;
  readonly bigEndian: boolean;
  readonly dtype?: SafetensorsDtype;
  readonly unsupported?: string;
  /** Numbers (bool, int, uint, float, complex), as opposed to strings, objects, datetimes and raw bytes. */
  readonly numeric: boolean;
}

const KINDS: Readonly<Record<string, Readonly<Record<number, SafetensorsDtype>>>> = {
  b: { 1: 'BOOL' },
  i: { 1: 'I8', 2: 'I16', 4: 'I32', 8: 'I64' },
  u: { 1: 'U8', 2: 'U16', 4: 'U32', 8: 'U64' },
  f: { 2: 'F16', 4: 'F32', 8: 'F64' },
};

const KIND_NAMES: Readonly<Record<string, string>> = {
  c: 'complex',
  U: 'unicode string',
  S: 'byte string',
  a: 'byte string',
  V: 'void/raw bytes',
  O: 'Python object',
  M: 'datetime',
  m: 'timedelta',
};

/**
 * Parses a type string: optional byte order (`<`, `>`, `|`, `=`; `=` is read as little-endian, the byte order every
 * pickled numpy dtype records explicitly), kind, item size. `byteOrder` overrides the string's own (a pickled dtype
 * keeps it in its state). Returns undefined when the string is not a simple type string (structured dtypes).
 */
export function parseNumpyTypestr(typestr: string, byteOrder?: string): NumpyDtype | undefined {
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(typestr);
  if (!m) return undefined;
  const order = byteOrder ?? m[1]!;
  let kind = m[2]!;
  let size = m[3] ? Number(m[3]) : kind === '?' ? 1 : NaN;
  if (kind === '?') kind = 'b';
  if (!Number.isSafeInteger(size) || size < 0) return undefined;
  if (kind === 'U') size *= 4;
  const bigEndian = order === '>' && size > 1;
  const dtype = KINDS[kind]?.[size];
  const numeric = 'biufc'.includes(kind);
  if (dtype !== undefined) return { descr: typestr, itemsize: size, bigEndian, dtype, numeric };
  const what = KIND_NAMES[kind] ?? `kind '${kind}'`;
  return {
    descr: typestr,
    itemsize: size,
    bigEndian,
    numeric,
    unsupported: `numpy dtype ${JSON.stringify(typestr)} (${what}${KINDS[kind] ? `, ${size} bytes` : ''}) has no safetensors dtype`,
  };
}
