// The External Data Files message of an HDF5 dataset (object header message 0x0007, HDF5 file format specification
// section IV.A.2.h): a dataset whose raw data lives in other files, named in a local heap. libhdf5 reads those files
// (resolved against the loading process's working directory, or HDF5_EXTFILE_PREFIX) whenever the dataset is read;
// h5wasm does not expose the list, so the object header is read here, bounded: the header chunks (v1, or v2 "OHDR"
// with its "OCHK" continuations), the message, and the heap's names. Nothing is followed outside this file.
// The chunks are read as libhdf5 reads them (H5O__chunk_deserialize): the first chunk of a v2 header is the size its
// prefix gives (messages and gap; the checksum follows it), a continuation chunk is the length its continuation
// message gives (a v2 one holding its signature and checksum too), fewer bytes than a message header after a message
// are a gap, and a message running past its chunk, or a v1 message size that is not a multiple of 8, is refused.
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
  const prefix = readPrefix(src, abs(address));
  if (prefix === undefined) return { files, unreadable: `no object header at ${address}` };
  if (typeof prefix === 'string') return { files, unreadable: prefix };
  const { v2, creationOrder } = prefix;
  // Bytes of a message header: v1 type (2), size (2), flags (1), reserved (3); v2 type (1), size (2), flags (1) and
  // the creation order (2) when the header tracks it.
  const hdr = v2 ? 4 + (creationOrder ? 2 : 0) : 8;
  const chunks: { at: number; size: number; first: boolean }[] = [
    { at: prefix.messages, size: prefix.size, first: true },
  ];
  for (let ci = 0; ci < chunks.length && ci < MAX_CHUNKS; ci++) {
    const c = chunks[ci]!;
    if (c.size > MAX_CHUNK_BYTES) return { files, unreadable: `object header chunk of ${c.size} bytes` };
    let b = src.read(c.at, c.size);
    if (b.length < c.size) return { files, unreadable: 'object header chunk runs past the end' };
    let end = b.length;
    if (v2 && !c.first) {
      // A v2 continuation chunk: "OCHK", its messages (and gap), and a checksum, all within the continuation's length.
      if (b.length < 8) return { files, unreadable: 'object header continuation chunk too short' };
      if (b[0] !== 0x4f || b[1] !== 0x43 || b[2] !== 0x48 || b[3] !== 0x4b) return { files, unreadable: 'bad OCHK' };
      b = b.subarray(4);
      end = b.length - 4;
    }
    // (The first chunk of a v2 header is exactly its messages and gap: its checksum follows the size the prefix gives.)
    let p = 0;
    while (p < end) {
      // Fewer bytes than a message header where a message must start: libhdf5 reads its header past the chunk's
      // messages and refuses the object (a gap is only what follows a message).
      if (p + hdr > end) return { files, unreadable: 'object header chunk smaller than a message header' };
      const type = v2 ? b[p]! : uint(b, p, 2)!;
      const size = uint(b, p + (v2 ? 1 : 2), 2)!;
      // v1 message data is padded to 8 bytes within its size; libhdf5 refuses a size that is not.
      if (!v2 && size % 8 !== 0) return { files, unreadable: 'object header message size not a multiple of 8' };
      const data = p + hdr;
      if (data + size > end) return { files, unreadable: 'object header message runs past its chunk' };
      if (type === CONTINUATION) {
        const at = uint(b, data, O);
        const len = uint(b, data + O, L);
        if (at === undefined || len === undefined || size < O + L)
          return { files, unreadable: 'short continuation message' };
        chunks.push({ at: abs(at), size: len, first: false });
      } else if (type === EFL) {
        const heap = uint(b, data + 8, O);
        const used = uint(b, data + 6, 2);
        if (heap === undefined || used === undefined || size < 8 + O)
          return { files, unreadable: 'short External Data Files message' };
        const names = heapNames(src, g, heap);
        if (names === undefined) return { files, unreadable: 'External Data Files heap unreadable' };
        for (let i = 0; i < used && files.length < MAX_NAMES; i++) {
          const at = data + 8 + O + i * 3 * L;
          const off = at + L <= data + size ? uint(b, at, L) : undefined;
          if (off === undefined) return { files, unreadable: 'External Data Files slot runs past the message' };
          files.push(nameAt(names, off));
        }
        if (used === 0) files.push('');
      }
      p = data + size;
      // The gap: fewer bytes than a message header left after a message are skipped (libhdf5 writes one at the end of
      // a v2 chunk instead of a NIL message too small to hold a header; nothing can be stored in it).
      if (end - p < hdr) p = end;
    }
  }
  if (chunks.length > MAX_CHUNKS) return { files, unreadable: `more than ${MAX_CHUNKS} header chunks` };
  return { files };
}

/** The largest object header prefix: "OHDR", version, flags, four times, two phase-change values, an 8-byte size. */
const MAX_PREFIX = 4 + 1 + 1 + 16 + 4 + 8;

/**
 * The prefix of the object header at `at` (absolute): where its first chunk's messages start and how many bytes they
 * take, why it is not one libhdf5 reads, or undefined when there is no object header there.
 */
function readPrefix(
  src: ByteSource,
  at: number,
): { v2: boolean; creationOrder: boolean; messages: number; size: number } | string | undefined {
  const head = src.read(at, MAX_PREFIX);
  if (head.length >= 6 && head[0] === 0x4f && head[1] === 0x48 && head[2] === 0x44 && head[3] === 0x52) {
    if (head[4] !== 2) return `object header version ${head[4]}`;
    const flags = head[5]!;
    // Bits 0-1: width of the first chunk's size; 2: creation order tracked; 3: indexed; 4: phase-change values;
    // 5: times. libhdf5 refuses any other bit.
    if (flags & 0xc0) return 'unknown object header flags';
    let p = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    const size = uint(head, p, width);
    if (size === undefined) return 'object header runs past the end';
    p += width;
    return { v2: true, creationOrder: (flags & 0x04) !== 0, messages: at + p, size };
  }
  // v1: version, reserved, message count (2), reference count (4), first chunk size (4), 4 bytes of padding.
  if (head.length >= 16 && head[0] === 1)
    return { v2: false, creationOrder: false, messages: at + 16, size: uint(head, 8, 4)! };
  return undefined;
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
