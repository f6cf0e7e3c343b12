// Local file headers (APPNOTE 4.3.7) and data descriptors (4.3.9). Loaders take the data offset from the local
// header (30 + local name length + local extra length) and everything else from the central directory.
import type { ByteSource } from '../../sources/byte-source.js';
import { readCopy } from './byte-window.js';
import { parseExtraFields, resolveZip64 } from './extra-fields.js';
import { u16, u32 } from './little-endian.js';

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
  const h = readCopy(src, offset, LOCAL_HEADER_SIZE);
  if (h.length < LOCAL_HEADER_SIZE || u32(h, 0) !== SIG_LOCAL) return undefined;
  const n = u16(h, 26);
  const m = u16(h, 28);
  const rest = readCopy(src, offset + LOCAL_HEADER_SIZE, n + m);
  if (rest.length < n + m) return undefined;
  const extra = parseExtraFields(rest.subarray(n));
  const z = resolveZip64(extra.zip64, u32(h, 22), u32(h, 18), 0);
  const header: LocalHeader = {
    offset,
    flags: u16(h, 6),
    method: u16(h, 8),
    crc32: u32(h, 14),
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
  const b = readCopy(src, at, 24);
  const hasSig = b.length >= 4 && u32(b, 0) === SIG_DESCRIPTOR;
  const base = hasSig ? 4 : 0;
  const read64 = (o: number): number | undefined =>
    o + 8 <= b.length && u32(b, o + 4) <= 0x1fffff ? u32(b, o + 4) * 0x100000000 + u32(b, o) : undefined;
  const layouts: { len: number; crc?: number; c?: number; u?: number }[] = [];
  const l32 = { len: base + 12, crc: at32(b, base), c: at32(b, base + 4), u: at32(b, base + 8) };
  const l64 = { len: base + 20, crc: at32(b, base), c: read64(base + 4), u: read64(base + 12) };
  layouts.push(...(preferZip64 ? [l64, l32] : [l32, l64]));
  for (const l of layouts) {
    if (l.crc === expected.crc32 && l.c === expected.compressedSize && l.u === expected.uncompressedSize) {
      return { length: l.len, matches: true, crc32: l.crc, compressedSize: l.c, uncompressedSize: l.u };
    }
  }
  const first = layouts[0]!;
  const out: DataDescriptor = { length: hasSig ? first.len : 0, matches: false };
  if (first.crc !== undefined) out.crc32 = first.crc;
  if (first.c !== undefined) out.compressedSize = first.c;
  if (first.u !== undefined) out.uncompressedSize = first.u;
  return out;
}

function at32(b: Uint8Array, o: number): number | undefined {
  return o + 4 <= b.length ? u32(b, o) : undefined;
}
