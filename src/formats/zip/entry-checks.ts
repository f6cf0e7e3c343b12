// Per-entry red flags that do not need a second header to compare with: general-purpose flag bits, methods no
// loader here can decode, unix symlink modes, NULs in names and unsafe paths.
import { entryPathFindings } from './entry-path.js';
import type { ZipAnomaly, ZipEntry } from './zip-types.js';
import { zipMethodName } from './zip-types.js';

export const FLAG_ENCRYPTED = 0x1;
export const FLAG_PATCHED = 0x20;
export const FLAG_STRONG_ENCRYPTION = 0x40;
/** Bits seen in ordinary archives: encryption, deflate/lzma options, data descriptor, strong encryption, UTF-8. */
const ORDINARY_FLAGS = 0x1 | 0x2 | 0x4 | 0x8 | 0x40 | 0x800;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** True when the high 16 bits of the external attributes hold a unix symlink mode. */
export function isSymlinkMode(externalAttributes: number): boolean {
  return ((externalAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

function whereSet(e: ZipEntry, bit: number): string {
  const central = (e.flags & bit) !== 0;
  const local = ((e.localFlags ?? 0) & bit) !== 0;
  if (e.hidden) return 'in the local header of an unlisted entry';
  if (central && local) return 'in the central and local headers';
  return central ? 'in the central directory only' : 'in the local header only';
}

/** Flag, method, symlink, name and path anomalies of one entry. */
export function entryAnomalies(e: ZipEntry): ZipAnomaly[] {
  const out: ZipAnomaly[] = [];
  const at = e.localHeaderOffset;
  const flags = e.flags | (e.localFlags ?? 0);
  const push = (code: ZipAnomaly['code'], message: string): void => {
    out.push({ code, message, entry: e.name, offset: at });
  };
  if (flags & FLAG_ENCRYPTED) {
    push(
      'ENCRYPTED_FLAG',
      `encryption flag 0x1 set ${whereSet(e, FLAG_ENCRYPTED)}: zipfile wants a password when the central flag is set; ` +
        'torch 1.13 (miniz) refuses the central flag but ignores a local-only flag and reads the bytes as they are',
    );
  }
  if (flags & FLAG_STRONG_ENCRYPTION) {
    push(
      'STRONG_ENCRYPTION_FLAG',
      `strong-encryption flag 0x40 set ${whereSet(e, FLAG_STRONG_ENCRYPTION)}: zipfile and miniz refuse the central flag, ` +
        'a local-only flag is ignored',
    );
  }
  const unusual = flags & (FLAG_PATCHED | ~ORDINARY_FLAGS) & 0xffff;
  if (unusual) {
    push(
      'UNUSUAL_FLAGS',
      `unusual general-purpose flags 0x${unusual.toString(16)} set ${whereSet(e, unusual)}` +
        (unusual & FLAG_PATCHED ? ' (0x20 patched data: zipfile checks the local bit, miniz the central bit)' : ''),
    );
  }
  if (e.method !== 0 && e.method !== 8) {
    push(
      'UNSUPPORTED_METHOD',
      `compression method ${e.method} (${zipMethodName(e.method)}): torch (miniz) reads only stored and deflate`,
    );
  }
  if (e.isSymlink) {
    push(
      'SYMLINK_ENTRY',
      `external attributes mark a unix symlink (mode 0o${(e.externalAttributes >>> 16).toString(8)})`,
    );
  }
  if (e.name.includes('\0')) {
    push(
      'NAME_CONTAINS_NUL',
      'name contains a NUL byte: zipfile truncates the name there, miniz matches the full bytes',
    );
  }
  for (const f of entryPathFindings(e.name)) push(f.code, f.message);
  return out;
}
