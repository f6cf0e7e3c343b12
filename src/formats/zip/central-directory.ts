// Central directory file headers (APPNOTE 4.3.12). zipfile walks records until it has consumed the declared
// directory size; miniz reads exactly the declared entry count. Both readings are kept and differences reported.
import { CorruptError, LimitError } from '../../core/errors.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { ByteWindow } from './byte-window.js';
import { parseExtraFields, resolveZip64 } from './extra-fields.js';
import { u32 } from './little-endian.js';
import type { ZipAnomaly } from './zip-types.js';

export const SIG_CENTRAL = 0x02014b50;
export const CENTRAL_HEADER_SIZE = 46;

export interface CentralRecord {
  /** Absolute offset of this record. */
  offset: number;
  versionMadeBy: number;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  externalAttributes: number;
  /** Local header offset as stored (before rebasing), zip64-resolved. */
  storedLocalOffset: number;
  rawName: Uint8Array;
  zip64: boolean;
}

export interface CentralDirectory {
  records: CentralRecord[];
  /** Offset just past the last record read. */
  end: number;
  anomalies: ZipAnomaly[];
}

/**
 * Reads central records from `start`. Stops at the declared size (zipfile) but tolerates junk after the declared
 * count of records (miniz). Throws CorruptError when neither loader could read the directory.
 */
export function readCentralDirectory(
  src: ByteSource,
  start: number,
  size: number,
  declaredCount: number,
  maxEntries: number,
): CentralDirectory {
  const win = new ByteWindow(src);
  const records: CentralRecord[] = [];
  const anomalies: ZipAnomaly[] = [];
  const end = start + size;
  let p = start;
  while (p < end) {
    const h = win.get(p, CENTRAL_HEADER_SIZE);
    if (h.length < CENTRAL_HEADER_SIZE || u32(h, 0) !== SIG_CENTRAL) {
      if (records.length >= declaredCount && records.length > 0) {
        anomalies.push({
          code: 'CENTRAL_DIRECTORY_COUNT_MISMATCH',
          message: `${end - p} bytes after the ${records.length} declared central records are not a record (zipfile fails on them, miniz ignores them)`,
          offset: p,
        });
        break;
      }
      throw new CorruptError(`zip: bad central directory record at ${p} (record ${records.length})`, p);
    }
    if (records.length >= maxEntries) {
      throw new LimitError('maxEntries', `zip: more than ${maxEntries} central directory records`);
    }
    // 0 sig | 4 made by u16 | 6 needed u16 | 8 flags u16 | 10 method u16 | 12 time u16 | 14 date u16 | 16 crc u32
    // 20 csize u32 | 24 usize u32 | 28 name len u16 | 30 extra len u16 | 32 comment len u16 | 34 disk u16
    // 36 internal attr u16 | 38 external attr u32 | 42 local header offset u32 | 46 name, extra, comment
    // Read inline: h holds all 46 bytes (checked above), and a call per field was most of this loop's cost.
    const versionMadeBy = h[4]! | (h[5]! << 8);
    const flags = h[8]! | (h[9]! << 8);
    const method = h[10]! | (h[11]! << 8);
    const crc = (h[16]! | (h[17]! << 8) | (h[18]! << 16)) + h[19]! * 0x1000000;
    const cSize32 = (h[20]! | (h[21]! << 8) | (h[22]! << 16)) + h[23]! * 0x1000000;
    const uSize32 = (h[24]! | (h[25]! << 8) | (h[26]! << 16)) + h[27]! * 0x1000000;
    const n = h[28]! | (h[29]! << 8);
    const m = h[30]! | (h[31]! << 8);
    const k = h[32]! | (h[33]! << 8);
    const external = (h[38]! | (h[39]! << 8) | (h[40]! << 16)) + h[41]! * 0x1000000;
    const local32 = (h[42]! | (h[43]! << 8) | (h[44]! << 16)) + h[45]! * 0x1000000;
    const total = CENTRAL_HEADER_SIZE + n + m + k;
    if (p + total > end) {
      anomalies.push({
        code: 'CENTRAL_DIRECTORY_COUNT_MISMATCH',
        message: `central record ${records.length} (${total} bytes) runs past the declared directory end ${end}`,
        offset: p,
      });
    }
    const tail = win.get(p + CENTRAL_HEADER_SIZE, n + m);
    if (tail.length < n + m) throw new CorruptError(`zip: central record at ${p} truncated by end of file`, p);
    const rawName = tail.slice(0, n);
    const extra = parseExtraFields(tail.subarray(n, n + m));
    const z = resolveZip64(extra.zip64, uSize32, cSize32, local32);
    if (extra.corrupt) {
      anomalies.push({
        code: 'CORRUPT_EXTRA_FIELD',
        message: `central record ${records.length}: ${extra.corrupt} (zipfile refuses to open the archive)`,
        offset: p,
      });
    }
    if (z.missing) {
      anomalies.push({
        code: 'CORRUPT_EXTRA_FIELD',
        message: `central record ${records.length}: ${z.missing} (zipfile refuses to open the archive)`,
        offset: p,
      });
    }
    records.push({
      offset: p,
      versionMadeBy,
      flags,
      method,
      crc32: crc,
      compressedSize: z.compressedSize,
      uncompressedSize: z.uncompressedSize,
      externalAttributes: external,
      storedLocalOffset: z.localHeaderOffset,
      rawName,
      zip64: extra.zip64 !== undefined,
    });
    p += total;
  }
  if (records.length !== declaredCount) {
    anomalies.push({
      code: 'CENTRAL_DIRECTORY_COUNT_MISMATCH',
      message:
        `end record declares ${declaredCount} entries, the central directory holds ${records.length}: ` +
        (records.length > declaredCount
          ? `miniz (torch) reads only the first ${declaredCount}, zipfile lists all ${records.length}`
          : `miniz (torch) refuses the archive, zipfile lists ${records.length}`),
      offset: start,
    });
  }
  return { records, end: p, anomalies };
}
