// 7z signature header (7-Zip 7zFormat.txt): 6-byte signature, version, start-header CRC, then the offset and
// size of the next (end) header. Used to sniff 7z and to recognise AES-encrypted headers before running 7-Zip.
import { CorruptError } from '../../core/errors.js';
import { u32 } from '../zip/little-endian.js';

export const SEVENZIP_SIGNATURE = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] as const;
/** Coder id of 7zAES (06 F1 07 01). */
const AES_CODER = [0x06, 0xf1, 0x07, 0x01];
/** Property id announcing a packed (encoded) header. */
const K_ENCODED_HEADER = 0x17;

/** True when `head` starts with the 7z signature `7z\xBC\xAF\x27\x1C`. */
export function looksLike7z(head: Uint8Array): boolean {
  return SEVENZIP_SIGNATURE.every((b, i) => head[i] === b);
}

/** Random access to the archive bytes (a ByteSource, or bytes in memory through `bytesInput`). */
export interface ArchiveInput {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

export function bytesInput(bytes: Uint8Array): ArchiveInput {
  return { size: bytes.length, read: (o, n) => bytes.subarray(o, o + n) };
}

/** An encoded (packed) header is a short coder description; more than this is not read for the AES check. */
const MAX_ENCODED_HEADER_READ = 1 << 20;

/**
 * True when the end header is packed with the 7zAES coder (archive made with `-mhe=on`): nothing, not even the
 * names, can be listed without the password. Layout: 0 signature(6) | 6 version(2) | 8 start CRC u32 |
 * 12 next header offset u64 | 20 next header size u64 | 28 next header CRC u32 | 32 packed streams …
 */
export function hasEncryptedHeader(input: ArchiveInput | Uint8Array): boolean {
  const src = input instanceof Uint8Array ? bytesInput(input) : input;
  const head = src.read(0, 32);
  if (!looksLike7z(head) || head.length < 32) throw new CorruptError('7z: missing signature header');
  const offset = u32(head, 16) * 0x100000000 + u32(head, 12);
  const size = u32(head, 24) * 0x100000000 + u32(head, 20);
  const start = 32 + offset;
  if (start + size > src.size) throw new CorruptError('7z: next header lies past the end of the archive', 12);
  if (size === 0 || src.read(start, 1)[0] !== K_ENCODED_HEADER) return false;
  const header = src.read(start, Math.min(size, MAX_ENCODED_HEADER_READ));
  for (let i = 0; i + AES_CODER.length <= header.length; i++) {
    if (AES_CODER.every((b, k) => header[i + k] === b)) return true;
  }
  return false;
}
