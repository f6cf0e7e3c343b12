// NumPy .npy header (format versions 1.0, 2.0, 3.0), read the way numpy.lib.format reads it:
// magic \x93NUMPY, major, minor, header length (u16 for 1.x, u32 for 2.x/3.x), then a Python dict literal with
// exactly the keys descr, fortran_order and shape (latin-1 text for 1.x/2.x, UTF-8 for 3.x). Arrays whose dtype
// holds Python objects are stored as a pickle right after the header (np.load(allow_pickle=True) unpickles it).
import { CorruptError } from '../../core/errors.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { descrVerdict } from './descr.js';
import { parsePyLiteral, type PyLiteral } from './py-literal.js';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const;

export function looksLikeNpy(head: Uint8Array): boolean {
  return NPY_MAGIC.every((b, i) => head[i] === b);
}

export interface NpyHeader {
  readonly version: string;
  /** Offset of the array data (or of the pickle for object arrays). */
  readonly dataOffset: number;
  readonly descr: PyLiteral;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  /** The dtype holds Python objects: the data is a pickle. */
  readonly hasObject: boolean;
  /** Problems numpy would also raise on (reported, the bytes are still scanned). */
  readonly problems: readonly string[];
}

export function readNpyHeader(src: ByteSource): NpyHeader {
  const pre = src.read(0, 12);
  if (!looksLikeNpy(pre) || pre.length < 10) throw new CorruptError('not an .npy file (bad magic)', 0);
  const major = pre[6]!;
  const minor = pre[7]!;
  let hlen: number;
  let start: number;
  if (major === 1) {
    hlen = pre[8]! | (pre[9]! << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (pre.length < 12) throw new CorruptError('truncated .npy header length', 8);
    hlen = (pre[8]! | (pre[9]! << 8) | (pre[10]! << 16)) + pre[11]! * 16777216;
    start = 12;
  } else throw new CorruptError(`unsupported .npy format version ${major}.${minor}`, 6);
  if (hlen > 100 * 1024 * 1024 || start + hlen > src.size)
    throw new CorruptError(`.npy header length ${hlen} runs past the end`, 8);
  const raw = src.read(start, hlen);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(raw);
  const problems: string[] = [];
  const value = parsePyLiteral(text);
  if (!(value instanceof Map)) throw new CorruptError('.npy header is not a dict', start);
  const keys = [...value.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') problems.push(`header keys are ${JSON.stringify(keys)}`);
  const descr = value.get('descr') ?? null;
  const shapeV = value.get('shape');
  const shape: number[] = [];
  if (shapeV && typeof shapeV === 'object' && 'tuple' in shapeV) {
    for (const x of shapeV.tuple) {
      if (typeof x === 'number' && Number.isInteger(x) && x >= 0) shape.push(x);
      else problems.push('shape holds a non-integer');
    }
  } else problems.push('shape is not a tuple');
  const fo = value.get('fortran_order');
  if (typeof fo !== 'boolean') problems.push('fortran_order is not a bool');
  const verdict = descrVerdict(descr);
  if (verdict === 'invalid') problems.push(`numpy does not accept the descr ${JSON.stringify(descr)}`);
  if (verdict === 'unknown')
    problems.push('the descr is spelled in a way not decided here: its data is read as a pickle');
  return {
    version: `${major}.${minor}`,
    dataOffset: start + hlen,
    descr,
    shape,
    fortranOrder: fo === true,
    // Undecided spellings are read as object arrays (fail closed).
    hasObject: verdict === 'object' || verdict === 'unknown',
    problems,
  };
}
