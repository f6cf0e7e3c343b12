// Bounds-checked little-endian integer reads for the binary container layouts (ZIP, 7z start header).
// Out-of-range reads throw CorruptError instead of returning undefined.
import { CorruptError } from '../../core/errors.js';

/** Unsigned 16-bit little-endian integer at `o`. */
export function u16(b: Uint8Array, o: number): number {
  if (o < 0 || o + 2 > b.length) throw new CorruptError(`read of 2 bytes at ${o} past end of ${b.length}-byte buffer`);
  return b[o]! | (b[o + 1]! << 8);
}

/** Unsigned 32-bit little-endian integer at `o`. */
export function u32(b: Uint8Array, o: number): number {
  if (o < 0 || o + 4 > b.length) throw new CorruptError(`read of 4 bytes at ${o} past end of ${b.length}-byte buffer`);
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
}

/** Unsigned 64-bit little-endian integer at `o`; values above 2^53 - 1 cannot be real offsets and are refused. */
export function u64(b: Uint8Array, o: number): number {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (hi > 0x1fffff) throw new CorruptError(`64-bit value at ${o} exceeds 2^53`, o);
  return hi * 0x100000000 + lo;
}
