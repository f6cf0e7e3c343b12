// One 512-byte tar header block (POSIX ustar, v7, GNU), decoded with CPython tarfile's rules: numeric fields in
// octal or base-256 (nti), strings cut at NUL (nts), checksum accepted when it matches the signed or unsigned sum.

export const BLOCK = 512;

import { utf8 } from '../../core/text-decoders.js';

/** Header layout: [offset, length] of each field. */
export const FIELDS = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  chksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
  /** GNU sparse header: real size of the file and the flag announcing extension blocks. */
  gnuRealSize: [483, 12],
  gnuIsExtended: [482, 1],
} as const satisfies Record<string, readonly [number, number]>;

export function field(block: Uint8Array, f: readonly [number, number]): Uint8Array {
  return block.subarray(f[0], f[0] + f[1]);
}

/** Bytes up to the first NUL. */
export function cutAtNul(b: Uint8Array): Uint8Array {
  const i = b.indexOf(0);
  return i < 0 ? b : b.subarray(0, i);
}

/** tarfile's nts(): cut at the first NUL and decode (UTF-8; invalid bytes become U+FFFD here). */
export function nts(b: Uint8Array): string {
  return utf8().decode(cutAtNul(b));
}

/** Characters Python's str.strip() removes from an ASCII string: \t \n \v \f \r, 0x1C-0x1F and space. */
function isPyWhitespace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
}

function pyStrip(raw: Uint8Array): string {
  let a = 0;
  let b = raw.length;
  while (a < b && isPyWhitespace(raw[a]!)) a++;
  while (b > a && isPyWhitespace(raw[b - 1]!)) b--;
  return String.fromCharCode(...raw.subarray(a, b));
}
const PY_OCTAL = /^([+-])?(?:0[oO]_?)?([0-7](?:_?[0-7])*)$/;

/**
 * tarfile's nti(): base-256 when the first byte is 0x80 (positive) or 0xFF (negative), else an octal string cut
 * at NUL and stripped of whitespace, empty meaning 0. Returns undefined where tarfile raises InvalidHeaderError
 * and for values beyond 2^53.
 */
export function nti(b: Uint8Array): number | undefined {
  if (b.length === 0) return 0;
  if (b[0] === 0x80 || b[0] === 0xff) {
    let n = 0n;
    for (let i = 1; i < b.length; i++) n = (n << 8n) | BigInt(b[i]!);
    if (b[0] === 0xff) n -= 1n << BigInt(8 * (b.length - 1));
    return n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(n);
  }
  const raw = cutAtNul(b);
  for (const c of raw) if (c > 0x7f) return undefined;
  const s = pyStrip(raw);
  if (s === '') return 0;
  const m = PY_OCTAL.exec(s);
  if (!m) return undefined;
  const v = parseInt(m[2]!.replace(/_/g, ''), 8);
  if (!Number.isSafeInteger(v)) return undefined;
  return m[1] === '-' ? -v : v;
}

/** tarfile's calc_chksums(): sums with the checksum field read as spaces, bytes unsigned and signed. */
export function checksums(block: Uint8Array): [number, number] {
  let unsigned = 256;
  let signed = 256;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    const v = block[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return [unsigned, signed];
}

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

export interface RawHeader {
  name: string;
  rawName: Uint8Array;
  typeflag: string;
  mode: number;
  size: number;
  mtime: number;
  linkName: string;
  devMajor: number;
  devMinor: number;
  prefix: string;
  prefixRaw: Uint8Array;
}

export type HeaderParse =
  { ok: true; header: RawHeader } | { ok: false; reason: 'checksum' | 'field'; detail: string; header?: RawHeader };

/**
 * Decodes one non-zero header block. A bad checksum is reported together with the fields (when they parse) so
 * that a member hidden behind a broken checksum can still be exposed.
 */
export function parseHeader(block: Uint8Array): HeaderParse {
  const chk = nti(field(block, FIELDS.chksum));
  const sums = checksums(block);
  const checksumOk = chk !== undefined && (chk === sums[0] || chk === sums[1]);
  const mode = nti(field(block, FIELDS.mode));
  const size = nti(field(block, FIELDS.size));
  const mtime = nti(field(block, FIELDS.mtime));
  const numbers = [mode, nti(field(block, FIELDS.uid)), nti(field(block, FIELDS.gid)), size, mtime];
  const devMajor = nti(field(block, FIELDS.devmajor));
  const devMinor = nti(field(block, FIELDS.devminor));
  numbers.push(devMajor, devMinor);
  const fieldsOk = numbers.every((n) => n !== undefined) && size! >= 0;
  const rawName = cutAtNul(field(block, FIELDS.name)).slice();
  const prefixRaw = cutAtNul(field(block, FIELDS.prefix)).slice();
  const header: RawHeader | undefined = fieldsOk
    ? {
        name: utf8().decode(rawName),
        rawName,
        typeflag: String.fromCharCode(block[156]!),
        mode: mode!,
        size: size!,
        mtime: mtime!,
        linkName: nts(field(block, FIELDS.linkname)),
        devMajor: devMajor!,
        devMinor: devMinor!,
        prefix: utf8().decode(prefixRaw),
        prefixRaw,
      }
    : undefined;
  if (!checksumOk) {
    const detail = `stored checksum ${chk ?? 'unreadable'}, computed ${sums[0]} (unsigned) / ${sums[1]} (signed)`;
    return header ? { ok: false, reason: 'checksum', detail, header } : { ok: false, reason: 'checksum', detail };
  }
  if (!header)
    return {
      ok: false,
      reason: 'field',
      detail: 'a numeric field is not octal or base-256, is past 2^53, or the size is negative',
    };
  return { ok: true, header };
}

/**
 * Does the block's stored checksum match its bytes (as parseHeader decides it)? The stored field is read first, so
 * that the usual non-tar block (its checksum field is not a number) costs no sum over the block.
 */
/**
 * The checksum field read as nti reads a base-256 number (first byte 0x80 or 0xff: the 7 bytes after it, big-endian,
 * 0xff negative), without BigInt: a header's sum lies within (-2^24, 2^24), so a value outside that range is returned
 * as an out-of-range stand-in (2^24) that matches no sum, as nti's exact value would not. Undefined when the field is
 * not base-256 (nti reads it as octal text). Every file a scan sees is sniffed for tar: most are not, and this field
 * of a binary file often starts with one of those two bytes.
 */
function base256Checksum(block: Uint8Array): number | undefined {
  const o = FIELDS.chksum[0];
  const lead = block[o];
  if (lead !== 0x80 && lead !== 0xff) return undefined;
  const fill = lead === 0x80 ? 0 : 0xff;
  for (let i = o + 1; i < o + 5; i++) if (block[i] !== fill) return OUT_OF_RANGE;
  const low = (block[o + 5]! << 16) | (block[o + 6]! << 8) | block[o + 7]!;
  return lead === 0x80 ? low : low - 0x1000000;
}
/** No checksum of a 512-byte header reaches this magnitude (at most 512 * 255). */
const OUT_OF_RANGE = 0x1000000;
/**
 * Whether the checksum field, up to its first NUL, holds only bytes nti's octal reading accepts (Python whitespace,
 * signs, octal digits, `o`/`O`, `_`): a field with any other byte reads as no number, so the usual non-tar block is
 * refused without decoding it.
 */
function mayBeOctalText(block: Uint8Array): boolean {
  const o = FIELDS.chksum[0];
  for (let i = o; i < o + FIELDS.chksum[1]; i++) {
    const c = block[i]!;
    if (c === 0) return true;
    if ((c >= 0x30 && c <= 0x37) || isPyWhitespace(c)) continue;
    if (c !== 0x2b && c !== 0x2d && c !== 0x6f && c !== 0x4f && c !== 0x5f) return false;
  }
  return true;
}

export function checksumMatches(block: Uint8Array): boolean {
  const b256 = base256Checksum(block);
  if (b256 === undefined && !mayBeOctalText(block)) return false;
  const chk = b256 ?? nti(field(block, FIELDS.chksum));
  if (chk === undefined) return false;
  const sums = checksums(block);
  return chk === sums[0] || chk === sums[1];
}

/** Bytes occupied by `size` bytes of data, rounded up to whole blocks. */
export function blocks(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}
