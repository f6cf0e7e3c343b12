// The External Data Files message of an HDF5 dataset (object header message 0x0007, HDF5 file format specification
// section IV.A.2.h): a dataset whose raw data lives in other files, named in a local heap. libhdf5 reads those files
// (resolved against the loading process's working directory, or HDF5_EXTFILE_PREFIX) whenever the dataset is read;
// h5wasm does not expose the list, so the object header is read here, bounded: the header chunks (v1, or v2 "OHDR"
// with its "OCHK" continuations), the message, and the heap's names. Nothing is followed outside this file.
import type { ByteSource } from '../../sources/byte-source.js';

const EFL = 0x0007;
const CONTINUATION = 0x0010;
/** Header chunks followed per object (libhdf5 writes one or two). */
const MAX_CHUNKS = 16;
/** Bytes read per header chunk. */
const MAX_CHUNK_BYTES = 1 << 20;
/** Names read per message. */
const MAX_NAMES = 64;
const MAX_NAME_BYTES = 4096;

export interface ExternalFiles {
  /** The file names the message lists (the first MAX_NAMES). */
  readonly files: readonly string[];
  /** The header could not be read as the specification lays it out (where it should be). */
  readonly unreadable?: string;
}

/** Sizes of offsets and lengths, and the superblock's offset (addresses are relative to it). */
export interface Hdf5Geometry {
  readonly base: number;
  readonly offsetSize: number;
  readonly lengthSize: number;
}

/** The geometry of the superblock at `at`, or undefined when it is not one this reader knows. */
export function hdf5Geometry(src: ByteSource, at: number): Hdf5Geometry | undefined {
  const b = src.read(at, 16);
  if (b.length < 16) return undefined;
  const version = b[8]!;
  const [offsetSize, lengthSize] = version <= 1 ? [b[13]!, b[14]!] : [b[9]!, b[10]!];
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) return undefined;
  return { base: at, offsetSize, lengthSize };
}

function uint(b: Uint8Array, at: number, size: number): number | undefined {
  if (at + size > b.length) return undefined;
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[at + i]!;
  return v;
}

/** The External Data Files of the object whose header is at `address` (relative to the superblock). */
export function externalFiles(src: ByteSource, g: Hdf5Geometry, address: number): ExternalFiles {
  const { offsetSize: O, lengthSize: L } = g;
  const abs = (a: number): number => g.base + a;
  const files: string[] = [];
  const chunks: { at: number; size: number; v2: boolean; first: boolean }[] = [];
  const head = src.read(abs(address), 24);
  let v2: boolean;
  if (head.length >= 6 && head[0] === 0x4f && head[1] === 0x48 && head[2] === 0x44 && head[3] === 0x52) {
    v2 = true;
    const flags = head[5]!;
    let p = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    const size = uint(head, p, width);
    if (size === undefined) return { files, unreadable: 'object header runs past the end' };
    p += width;
    chunks.push({ at: abs(address) + p, size: size, v2, first: true });
  } else if (head.length >= 16 && head[0] === 1) {
    v2 = false;
    const size = uint(head, 8, 4)!;
    chunks.push({ at: abs(address) + 16, size, v2, first: true });
  } else return { files, unreadable: `no object header at ${address}` };
  const creationOrder = v2 && (head[5]! & 0x04) !== 0;
  for (let ci = 0; ci < chunks.length && ci < MAX_CHUNKS; ci++) {
    const c = chunks[ci]!;
    if (c.size > MAX_CHUNK_BYTES) return { files, unreadable: `object header chunk of ${c.size} bytes` };
    let b = src.read(c.at, c.size);
    if (b.length < c.size) return { files, unreadable: 'object header chunk runs past the end' };
    if (v2 && !c.first) {
      if (b[0] !== 0x4f || b[1] !== 0x43 || b[2] !== 0x48 || b[3] !== 0x4b) return { files, unreadable: 'bad OCHK' };
      b = b.subarray(4);
    }
    // v2 chunks end with a 4-byte checksum.
    const end = v2 ? b.length - 4 : b.length;
    let p = 0;
    while (p < end) {
      const hdr = v2 ? 4 + (creationOrder ? 2 : 0) : 8;
      if (p + hdr > end) break;
      const type = v2 ? b[p]! : uint(b, p, 2)!;
      const size = uint(b, p + (v2 ? 1 : 2), 2)!;
      const data = p + hdr;
      if (data + size > end) return { files, unreadable: 'object header message runs past its chunk' };
      if (type === CONTINUATION) {
        const at = uint(b, data, O);
        const len = uint(b, data + O, L);
        if (at === undefined || len === undefined) return { files, unreadable: 'short continuation message' };
        chunks.push({ at: abs(at), size: len, v2, first: false });
      } else if (type === EFL) {
        const heap = uint(b, data + 8, O);
        const used = uint(b, data + 6, 2);
        if (heap === undefined || used === undefined) return { files, unreadable: 'short External Data Files message' };
        const names = heapNames(src, g, heap);
        if (names === undefined) return { files, unreadable: 'External Data Files heap unreadable' };
        for (let i = 0; i < used && files.length < MAX_NAMES; i++) {
          const at = data + 8 + O + i * 3 * L;
          const off = uint(b, at, L);
          if (off === undefined) return { files, unreadable: 'External Data Files slot runs past the message' };
          files.push(nameAt(names, off));
        }
        if (used === 0) files.push('');
      }
      p = data + size;
      if (!v2) p = (p + 7) & ~7;
    }
  }
  if (chunks.length > MAX_CHUNKS) return { files, unreadable: `more than ${MAX_CHUNKS} header chunks` };
  return { files };
}

/** The data segment of the local heap at `address`. */
function heapNames(src: ByteSource, g: Hdf5Geometry, address: number): Uint8Array | undefined {
  const { offsetSize: O, lengthSize: L } = g;
  const h = src.read(g.base + address, 8 + 2 * L + O);
  if (h.length < 8 + 2 * L + O || h[0] !== 0x48 || h[1] !== 0x45 || h[2] !== 0x41 || h[3] !== 0x50) return undefined;
  const size = uint(h, 8, L)!;
  const at = uint(h, 8 + 2 * L, O)!;
  return src.read(g.base + at, Math.min(size, MAX_NAMES * MAX_NAME_BYTES));
}

function nameAt(heap: Uint8Array, off: number): string {
  const end = heap.indexOf(0, off);
  const bytes = heap.subarray(off, Math.min(end < 0 ? heap.length : end, off + MAX_NAME_BYTES));
  return new TextDecoder('latin1').decode(bytes);
}
