// Byte helpers shared by the compressed-stream decoders: little-endian words and the skippable frames that lz4
// and zstd share (magic 0x184D2A5?, a 32-bit size, that many bytes that readers skip).
import { zlib } from '../../core/builtins.js';
import { asInput, type CompressedInput } from './compressed-input.js';

export function u32le(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

/**
 * At a skippable frame: the offset just past it, or 'truncated' when the input ends inside it. Undefined when
 * `pos` does not start a skippable frame.
 */
export function skippableFrameEnd(input: Uint8Array, pos: number): number | 'truncated' | undefined {
  return skippableFrameEndIn(asInput(input), pos);
}

/** skippableFrameEnd over a CompressedInput (reads only the frame's 8-byte header). */
export function skippableFrameEndIn(input: CompressedInput, pos: number): number | 'truncated' | undefined {
  const h = input.view(pos, 8);
  if (h.length < 4 || (u32le(h, 0) & SKIPPABLE_MASK) >>> 0 !== SKIPPABLE_MAGIC) return undefined;
  const size = h.length >= 8 ? u32le(h, 4) : Infinity;
  return pos + 8 + size > input.length ? 'truncated' : pos + 8 + size;
}

/** CRC-32 of input [from, to), read a window at a time (a field that may be longer than a window). */
export function crc32In(input: CompressedInput, from: number, to: number): number {
  let crc = 0;
  for (let p = from; p < to;) {
    const part = input.chunk(p, to - p);
    if (part.length === 0) break;
    crc = zlib().crc32(part, crc);
    p += part.length;
  }
  return crc;
}
