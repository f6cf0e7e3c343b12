// Whether a byte range of a file lies inside one bytes literal of the pickle that starts the file: the opcodes are
// decoded from byte 0 (no values are built) up to the range's start, which must be where a BINBYTES, SHORT_BINBYTES,
// BINBYTES8 or BYTEARRAY8 payload begins, and that payload must run to the range's end or past it.
import type { ByteSource } from '../../sources/byte-source.js';
import { PickleDecoder } from './decoder.js';
import { Op } from './opcodes.js';

/** Longer prefixes are not decoded (the range is then not claimed by a literal). */
export const MAX_LITERAL_PREFIX = 1 << 20;

const BYTES_LITERALS: ReadonlySet<number> = new Set([Op.BINBYTES, Op.SHORT_BINBYTES, Op.BINBYTES8, Op.BYTEARRAY8]);

/**
 * The [start, end) of the bytes literal whose payload starts at `start` and holds [start, end), when the file's
 * opcodes from byte 0 decode cleanly up to it; undefined otherwise.
 */
export function pickleLiteralAround(src: ByteSource, start: number, end: number): [number, number] | undefined {
  if (start <= 0 || start > MAX_LITERAL_PREFIX || end <= start || end > src.size) return undefined;
  const d = new PickleDecoder(src, 0, src.size, { keepStringBytes: 0 });
  for (let i = 0; i <= start; i++) {
    if (!d.next() || d.argErr !== undefined) return undefined;
    if (d.offset >= start) return undefined;
    if (d.argEnd > start) {
      if (!BYTES_LITERALS.has(d.op) || d.payOff !== start || d.payOff + d.payLen < end) return undefined;
      return [d.payOff, d.payOff + d.payLen];
    }
  }
  return undefined;
}
