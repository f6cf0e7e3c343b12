// safetensors recognised by structure on the first bytes (imported eagerly by the format registry; the header
// reader in read-header.ts is loaded only when a candidate is met).
import { MAX_HEADER_BYTES } from './write-header.js';

/** The header starts after its 8-byte length prefix. */
export const HEADER_START = 8;

/** The little-endian u64 at the start of `b`, clamped to MAX_SAFE_INTEGER. */
export function u64le(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

function isWhitespace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * A cheap structural sniff on the first bytes: a length prefix that fits the reference limits and the file, then a
 * JSON object. Decided before the pickle guess, because a header length whose low byte is 0x80 reads as PROTO.
 */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < HEADER_START + 2 || size < HEADER_START + 2) return false;
  // A length of 2^32 or more is past MAX_HEADER_BYTES: told by its high bytes, before the 64-bit read.
  if (head[4] !== 0 || head[5] !== 0 || head[6] !== 0 || head[7] !== 0) return false;
  const n = u64le(head);
  if (n < 2 || n > MAX_HEADER_BYTES || HEADER_START + n > size) return false;
  let i = HEADER_START;
  while (i < head.length && i < HEADER_START + n && isWhitespace(head[i])) i++;
  return head[i] === 0x7b;
}
