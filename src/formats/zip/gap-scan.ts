// Finds local entries in byte ranges the central directory does not account for (prefix, gaps between entries,
// trailing data) so they can be exposed as hidden entries and scanned; the rest of each gap is unreferenced.
import type { ByteSource } from '../../sources/byte-source.js';
import { FLAG_DATA_DESCRIPTOR, readDataDescriptor, readLocalHeader, type LocalHeader } from './local-header.js';

const LOCAL_SIG = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const DESCRIPTOR_SIG = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
const CHUNK = 1024 * 1024;

export interface HiddenLocal {
  header: LocalHeader;
  compressedSize: number;
  /** Offset just past the data (and descriptor). */
  end: number;
  /** The data ran into the end of the gap and was cut there. */
  truncated: boolean;
}

export interface GapScan {
  hidden: HiddenLocal[];
  /** Ranges of the gap that are neither a local entry nor part of one. */
  unreferenced: { offset: number; length: number }[];
}

/** Offset of the first `needle` in [from, to) of the source, or -1; reads in 1 MiB chunks. */
export function findBytes(src: ByteSource, needle: Buffer, from: number, to: number): number {
  for (let p = from; p + needle.length <= to; p += CHUNK) {
    const chunk = src.read(p, Math.min(CHUNK + needle.length - 1, to - p));
    const i = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).indexOf(needle);
    if (i >= 0) return p + i;
  }
  return -1;
}

/** Scans [start, end) for plausible local headers, stopping after `maxHidden` of them. */
export function scanGap(src: ByteSource, start: number, end: number, maxHidden: number): GapScan {
  const out: GapScan = { hidden: [], unreferenced: [] };
  let pos = start;
  let junkFrom = start;
  while (pos + 30 <= end && out.hidden.length < maxHidden) {
    const q = findBytes(src, LOCAL_SIG, pos, end);
    if (q < 0) break;
    const h = readLocalHeader(src, q);
    if (!h || h.rawName.length === 0 || h.dataOffset > end) {
      pos = q + 1;
      continue;
    }
    let size = h.compressedSize;
    let descriptor = 0;
    let truncated = false;
    if (h.flags & FLAG_DATA_DESCRIPTOR && size === 0) {
      // Streamed entry: the size is only in the descriptor after the data; take the first descriptor signature.
      const d = findBytes(src, DESCRIPTOR_SIG, h.dataOffset, end);
      if (d >= 0) {
        size = d - h.dataOffset;
        descriptor = Math.min(h.zip64 ? 24 : 16, end - d);
      } else {
        size = end - h.dataOffset;
        truncated = true;
      }
    } else {
      if (h.dataOffset + size > end) {
        size = end - h.dataOffset;
        truncated = true;
      } else if (h.flags & FLAG_DATA_DESCRIPTOR) {
        const expected = { crc32: h.crc32, compressedSize: size, uncompressedSize: h.uncompressedSize };
        descriptor = Math.min(
          readDataDescriptor(src, h.dataOffset + size, expected, h.zip64).length,
          end - h.dataOffset - size,
        );
      }
    }
    if (q > junkFrom) out.unreferenced.push({ offset: junkFrom, length: q - junkFrom });
    const stop = h.dataOffset + size + descriptor;
    out.hidden.push({ header: h, compressedSize: size, end: stop, truncated });
    pos = stop;
    junkFrom = stop;
  }
  if (end > junkFrom) out.unreferenced.push({ offset: junkFrom, length: end - junkFrom });
  return out;
}
