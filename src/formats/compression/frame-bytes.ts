// Byte helpers shared by the compressed-stream decoders: little-endian words and the skippable frames that lz4
// and zstd share (magic 0x184D2A5?, a 32-bit size, that many bytes that readers skip).

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
  if (pos + 4 > input.length || (u32le(input, pos) & SKIPPABLE_MASK) >>> 0 !== SKIPPABLE_MAGIC) return undefined;
  const size = pos + 8 <= input.length ? u32le(input, pos + 4) : Infinity;
  return pos + 8 + size > input.length ? 'truncated' : pos + 8 + size;
}
