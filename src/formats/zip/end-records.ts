// Locates the end of central directory record (APPNOTE 4.3.16), the zip64 end locator (4.3.15) and the zip64
// end record (4.3.14) the way CPython's zipfile and PyTorch's miniz do, and reports where their readings differ.
import { CorruptError } from '../../core/errors.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { readCopy } from './byte-window.js';
import { u16, u32, u64 } from './little-endian.js';
import type { ZipAnomaly } from './zip-types.js';

export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const EOCD_SIZE = 22;
export const ZIP64_LOCATOR_SIZE = 20;
export const ZIP64_EOCD_SIZE = 56;
const MAX_COMMENT = 0xffff;

export interface EndRecords {
  eocdOffset: number;
  comment: Uint8Array;
  /** Bytes after the record and its comment. */
  trailingBytes: number;
  zip64: boolean;
  /** Start and length of the zip64 end record and locator, when present. */
  zip64Offset?: number;
  zip64Length?: number;
  locatorOffset?: number;
  entriesThisDisk: number;
  entriesTotal: number;
  cdSize: number;
  cdOffset: number;
  /** Where the central directory is expected to end (start of the zip64 end record, else of the EOCD). */
  cdEnd: number;
  anomalies: ZipAnomaly[];
}

/**
 * Offset of the last EOCD signature with a full 22-byte record after it within the last 22 + 65535 bytes
 * (zipfile's rfind; miniz also takes the last one), or -1. `tail` holds the last bytes of the source.
 */
export function lastEocdIn(tail: Uint8Array): number {
  if (tail.length < EOCD_SIZE) return -1;
  // Buffer's native backward search (every file is sniffed for a zip tail: a byte loop here was ~3 % of the
  // per-file cost of a directory of small pickles). It matches a signature starting at or before the offset given.
  return Buffer.from(tail.buffer, tail.byteOffset, tail.length).lastIndexOf(EOCD_SIGNATURE, tail.length - EOCD_SIZE);
}

const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 5, 6]);

/** Reads and cross-checks the end records of a zip. Throws CorruptError when there is no EOCD record. */
export function readEndRecords(src: ByteSource): EndRecords {
  const size = src.size;
  if (size < EOCD_SIZE)
    throw new CorruptError(`zip: ${size} bytes is too short for an end of central directory record`);
  const tailStart = Math.max(0, size - EOCD_SIZE - MAX_COMMENT);
  const tail = readCopy(src, tailStart, size - tailStart);
  const at = lastEocdIn(tail);
  if (at < 0) throw new CorruptError('zip: no end of central directory record in the last 65557 bytes');
  const anomalies: ZipAnomaly[] = [];
  // EOCD: 0 sig | 4 disk u16 | 6 cd disk u16 | 8 entries this disk u16 | 10 entries u16 | 12 cd size u32
  //       16 cd offset u32 | 20 comment length u16 | 22 comment
  const eocdOffset = tailStart + at;
  const disk = u16(tail, at + 4);
  const cdDisk = u16(tail, at + 6);
  let entriesThisDisk = u16(tail, at + 8);
  let entriesTotal = u16(tail, at + 10);
  let cdSize = u32(tail, at + 12);
  let cdOffset = u32(tail, at + 16);
  const commentLength = u16(tail, at + 20);
  const available = size - (eocdOffset + EOCD_SIZE);
  const comment = tail.slice(at + EOCD_SIZE, at + EOCD_SIZE + Math.min(commentLength, available));
  let trailingBytes = 0;
  if (commentLength > available) {
    anomalies.push({
      code: 'COMMENT_LENGTH_MISMATCH',
      message: `end record declares a ${commentLength}-byte comment but only ${available} bytes follow`,
      offset: eocdOffset + 20,
    });
  } else if (commentLength < available) {
    trailingBytes = available - commentLength;
    anomalies.push({
      code: 'TRAILING_DATA',
      message: `${trailingBytes} bytes after the end of central directory record (zipfile and miniz ignore them)`,
      offset: eocdOffset + EOCD_SIZE + commentLength,
    });
  }
  if (disk !== 0 || cdDisk !== 0) {
    anomalies.push({
      code: 'MULTI_DISK',
      message: `end record names disk ${disk} / central directory disk ${cdDisk} (miniz refuses multi-disk archives)`,
      offset: eocdOffset,
    });
  }

  const result: EndRecords = {
    eocdOffset,
    comment,
    trailingBytes,
    zip64: false,
    entriesThisDisk,
    entriesTotal,
    cdSize,
    cdOffset,
    cdEnd: eocdOffset,
    anomalies,
  };

  // zip64 locator, right before the EOCD: 0 sig | 4 disk with zip64 EOCD u32 | 8 zip64 EOCD offset u64 | 16 disks u32
  const locatorOffset = eocdOffset - ZIP64_LOCATOR_SIZE;
  if (locatorOffset < 0) return result;
  const loc = readCopy(src, locatorOffset, ZIP64_LOCATOR_SIZE);
  if (loc.length < ZIP64_LOCATOR_SIZE || u32(loc, 0) !== SIG_ZIP64_LOCATOR) return result;
  const locDisk = u32(loc, 4);
  const locTarget = u64(loc, 8);
  const disks = u32(loc, 16);
  if (locDisk !== 0 || disks !== 1) {
    anomalies.push({
      code: 'MULTI_DISK',
      message: `zip64 locator names disk ${locDisk} of ${disks} (zipfile refuses disk != 0 or > 1 disks, miniz needs exactly 1)`,
      offset: locatorOffset,
    });
  }

  // zipfile reads the zip64 end record at a fixed place (assuming no extensible data); miniz follows the locator.
  const pythonPlace = locatorOffset - ZIP64_EOCD_SIZE;
  let z64At = -1;
  let where = '';
  if (pythonPlace >= 0 && isZip64Eocd(src, pythonPlace)) {
    z64At = pythonPlace;
  } else if (locTarget < size && isZip64Eocd(src, locTarget)) {
    z64At = locTarget;
    where = `zipfile expects the zip64 end record at ${pythonPlace}, the locator points at ${locTarget} where it is`;
  } else {
    const found = lastZip64EocdIn(tail, Math.max(0, locatorOffset - tailStart - ZIP64_EOCD_SIZE));
    if (found >= 0) {
      z64At = tailStart + found;
      where = `zip64 end record found by search at ${z64At}; the locator points at ${locTarget}`;
    }
  }
  if (z64At < 0) {
    anomalies.push({
      code: 'ZIP64_LOCATOR_MISMATCH',
      message: `zip64 locator points at ${locTarget} but no zip64 end record was found; 32-bit end record values used`,
      offset: locatorOffset,
    });
    return result;
  }

  // zip64 EOCD: 0 sig | 4 record size u64 | 12 made by u16 | 14 needed u16 | 16 disk u32 | 20 cd disk u32
  //             24 entries this disk u64 | 32 entries u64 | 40 cd size u64 | 48 cd offset u64 | 56 extensible data
  const z = readCopy(src, z64At, ZIP64_EOCD_SIZE);
  const recordSize = u32(z, 8) === 0 ? u32(z, 4) : Number.MAX_SAFE_INTEGER;
  const z64Disk = u32(z, 16);
  const z64CdDisk = u32(z, 20);
  const z64ThisDisk = u64(z, 24);
  const z64Total = u64(z, 32);
  const z64CdSize = u64(z, 40);
  const z64CdOffset = u64(z, 48);
  if (z64Disk !== 0 || z64CdDisk !== 0) {
    anomalies.push({
      code: 'MULTI_DISK',
      message: `zip64 end record names disk ${z64Disk} / central directory disk ${z64CdDisk}`,
      offset: z64At,
    });
  }
  const shift = z64At - z64CdSize - z64CdOffset;
  if (!where && locTarget + shift !== z64At) {
    where = `zip64 locator points at ${locTarget}, the zip64 end record is at ${z64At} (miniz follows the locator)`;
  }
  if (where) anomalies.push({ code: 'ZIP64_LOCATOR_MISMATCH', message: where, offset: locatorOffset });
  const pairs: [string, number, number, number][] = [
    ['entries on this disk', entriesThisDisk, z64ThisDisk, 0xffff],
    ['total entries', entriesTotal, z64Total, 0xffff],
    ['central directory size', cdSize, z64CdSize, 0xffffffff],
    ['central directory offset', cdOffset, z64CdOffset, 0xffffffff],
  ];
  for (const [label, v32, v64, marker] of pairs) {
    if (v32 !== marker && v32 !== v64) {
      anomalies.push({
        code: 'ZIP64_EOCD_MISMATCH',
        message: `${label}: end record says ${v32}, zip64 end record says ${v64} (both loaders use the zip64 value)`,
        offset: eocdOffset,
      });
    }
  }
  entriesThisDisk = z64ThisDisk;
  entriesTotal = z64Total;
  cdSize = z64CdSize;
  cdOffset = z64CdOffset;
  return {
    ...result,
    zip64: true,
    zip64Offset: z64At,
    zip64Length: z64At + 12 + recordSize <= locatorOffset ? 12 + recordSize : ZIP64_EOCD_SIZE,
    locatorOffset,
    entriesThisDisk,
    entriesTotal,
    cdSize,
    cdOffset,
    cdEnd: z64At,
  };
}

function isZip64Eocd(src: ByteSource, offset: number): boolean {
  const b = readCopy(src, offset, ZIP64_EOCD_SIZE);
  return b.length === ZIP64_EOCD_SIZE && u32(b, 0) === SIG_ZIP64_EOCD;
}

function lastZip64EocdIn(tail: Uint8Array, from: number): number {
  for (let i = Math.min(from, tail.length - ZIP64_EOCD_SIZE); i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 6 && tail[i + 3] === 6) return i;
  }
  return -1;
}
