// Cheap sniff for zip content: a local header or empty-archive record at byte 0, or a plausible end of central
// directory record in the last 22 + 65535 bytes (zipfile.is_zipfile looks only for the latter).
import type { ByteSource } from '../../sources/byte-source.js';
import { readCopy } from './byte-window.js';
import { EOCD_SIZE, SIG_ZIP64_LOCATOR, lastEocdIn } from './end-records.js';
import { u32 } from './little-endian.js';

/** True for content that zipfile or miniz would try to open as a zip (including prefixed archives). */
export function looksLikeZip(src: ByteSource): boolean {
  if (src.size < EOCD_SIZE) return false;
  // Views, not copies: the sniff only reads them (every file is sniffed; ByteSource.read's bytes stay valid).
  const head = src.read(0, 4);
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) {
    return true;
  }
  const tailStart = Math.max(0, src.size - EOCD_SIZE - 0xffff);
  const tail = src.read(tailStart, src.size - tailStart);
  const at = lastEocdIn(tail);
  if (at < 0) return false;
  const eocd = tailStart + at;
  const cdSize = u32(tail, at + 12);
  const cdOffset = u32(tail, at + 16);
  if (cdSize + cdOffset <= eocd) return true;
  // zip64: the 32-bit fields hold 0xFFFFFFFF markers and the locator sits right before the record.
  const loc = readCopy(src, eocd - 20, 4);
  return eocd >= 20 && loc.length === 4 && u32(loc, 0) === SIG_ZIP64_LOCATOR;
}
