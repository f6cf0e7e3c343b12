// Local file headers (APPNOTE 4.3.7) and data descriptors (4.3.9). Loaders take the data offset from the local
// header (30 + local name length + local extra length) and everything else from the central directory.
import type { ByteSource } from '../../sources/byte-source.js';
import { parseExtraFields, resolveZip64 } from './extra-fields.js';
import { u32 } from './little-endian.js';

export const SIG_LOCAL = 0x04034b50;
export const SIG_DESCRIPTOR = 0x08074b50;
export const LOCAL_HEADER_SIZE = 30;
export const FLAG_DATA_DESCRIPTOR = 0x8;

export interface LocalHeader {
  offset: number;
  flags: number;
  method: number;
  crc32: number;
  /** Sizes after zip64 resolution (0xFFFFFFFF fields replaced from the zip64 extra field when present). */
  compressedSize: number;
  uncompressedSize: number;
  rawName: Uint8Array;
  dataOffset: number;
  zip64: boolean;
  paddingExtra: boolean;
  extraCorrupt?: string;
}

/** The local header at `offset`, or undefined when there is no complete header with the right signature. */
export function readLocalHeader(src: ByteSource, offset: number): LocalHeader | undefined {
  if (offset < 0 || offset + LOCAL_HEADER_SIZE > src.size) return undefined;
  // 0 sig | 4 needed u16 | 6 flags u16 | 8 method u16 | 10 time u16 | 12 date u16 | 14 crc u32 | 18 csize u32
  // 22 usize u32 | 26 name len u16 | 28 extra len u16 | 30 name | extra | data
  // Fields are taken from the source's view before the next read (a windowed source may reuse its buffer); only
  // the name is copied.
  const h = src.read(offset, LOCAL_HEADER_SIZE);
  if (h.length < LOCAL_HEADER_SIZE || u32(h, 0) !== SIG_LOCAL) return undefined;
  // Read inline: h holds all 30 bytes (checked above).
  const flags = h[6]! | (h[7]! << 8);
  const method = h[8]! | (h[9]! << 8);
  const crc32 = (h[14]! | (h[15]! << 8) | (h[16]! << 16)) + h[17]! * 0x1000000;
  const cSize32 = (h[18]! | (h[19]! << 8) | (h[20]! << 16)) + h[21]! * 0x1000000;
  const uSize32 = (h[22]! | (h[23]! << 8) | (h[24]! << 16)) + h[25]! * 0x1000000;
  const n = h[26]! | (h[27]! << 8);
  const m = h[28]! | (h[29]! << 8);
  const rest = src.read(offset + LOCAL_HEADER_SIZE, n + m);
  if (rest.length < n + m) return undefined;
  const extra = parseExtraFields(rest.subarray(n));
  const z = resolveZip64(extra.zip64, uSize32, cSize32, 0);
  const header: LocalHeader = {
    offset,
    flags,
    method,
    crc32,
    compressedSize: z.compressedSize,
    uncompressedSize: z.uncompressedSize,
    rawName: rest.slice(0, n),
    dataOffset: offset + LOCAL_HEADER_SIZE + n + m,
    zip64: extra.zip64 !== undefined,
    paddingExtra: extra.padding,
  };
  const corrupt = extra.corrupt ?? z.missing;
  if (corrupt) header.extraCorrupt = corrupt;
  return header;
}

export interface DataDescriptor {
  /** Bytes the descriptor occupies (0 when none was recognised and no signature is present). */
  length: number;
  /** True when crc and sizes equal the expected (central) values in the 32- or 64-bit layout. */
  matches: boolean;
  crc32?: number;
  compressedSize?: number;
  uncompressedSize?: number;
}

/**
 * The data descriptor at `at`: optional signature, crc u32, then sizes as u32 | u32 or, for zip64 entries,
 * u64 | u64. The layout that reproduces the expected values wins; otherwise the signature decides the length.
 */
export function readDataDescriptor(
  src: ByteSource,
  at: number,
  expected: { crc32: number; compressedSize: number; uncompressedSize: number },
  preferZip64: boolean,
): DataDescriptor {
  // Every field is taken from the source's view before any other read (a windowed source may reuse its buffer).
  const b = at >= 0 && at < src.size ? src.read(at, 24) : new Uint8Array(0);
  const hasSig = b.length >= 4 && u32(b, 0) === SIG_DESCRIPTOR;
  const base = hasSig ? 4 : 0;
  const crc = at32(b, base);
  // The 32-bit layout: crc | u32 | u32; the zip64 layout: crc | u64 | u64 (values above 2^53 are not sizes).
  const c32 = at32(b, base + 4);
  const u32v = at32(b, base + 8);
  const c64 = at64(b, base + 4);
  const u64v = at64(b, base + 12);
  const m32 = crc === expected.crc32 && c32 === expected.compressedSize && u32v === expected.uncompressedSize;
  const m64 = crc === expected.crc32 && c64 === expected.compressedSize && u64v === expected.uncompressedSize;
  // The layout that reproduces the expected values wins, the preferred one first; without a match the preferred
  // layout is reported (and the signature decides the length).
  const zip64 = preferZip64 ? m64 || !m32 : m64 && !m32;
  const out: DataDescriptor = {
    length: m32 || m64 || hasSig ? base + (zip64 ? 20 : 12) : 0,
    matches: m32 || m64,
  };
  const c = zip64 ? c64 : c32;
  const u = zip64 ? u64v : u32v;
  if (crc !== undefined) out.crc32 = crc;
  if (c !== undefined) out.compressedSize = c;
  if (u !== undefined) out.uncompressedSize = u;
  return out;
}

function at32(b: Uint8Array, o: number): number | undefined {
  return o + 4 <= b.length ? u32(b, o) : undefined;
}

function at64(b: Uint8Array, o: number): number | undefined {
  return o + 8 <= b.length && u32(b, o + 4) <= 0x1fffff ? u32(b, o + 4) * 0x100000000 + u32(b, o) : undefined;
}
