// LZMA2 chunk stream (the .xz filter 0x21): uncompressed and LZMA chunks over one LzmaDecoder, with
// dictionary/state/property resets as the control byte asks. Lenient where liblzma is strict, with notes.
import { CorruptError } from '../../core/errors.js';
import type { CompressedInput } from './compressed-input.js';
import type { LzmaChunks, LzmaDecoder } from './lzma-decoder.js';

// Chunk layout, offsets from the control byte:
//   0x00                     end of the LZMA2 data
//   0x01 / 0x02              uncompressed chunk, with / without dictionary reset:
//                            1..2 u16be size − 1, then the bytes
//   0x80..0xFF               LZMA chunk: bits 5-6 reset (0 none, 1 state, 2 state + properties,
//                            3 everything incl. dictionary), bits 0-4 = bits 16-20 of unpacked size − 1;
//                            1..2 u16be low bits of unpacked size − 1 | 3..4 u16be packed size − 1
//                            | [5 properties byte when reset ≥ 2] | packed bytes (own range coder)
//   anything else            invalid

/** The dictionary size an LZMA2 properties byte (0..40) stands for. */
export function lzma2DictSize(prop: number): number {
  if (prop === 40) return 0xffffffff;
  return (2 | (prop & 1)) * 2 ** ((prop >>> 1) + 11);
}

/**
 * Decodes the LZMA2 data at `start` (reading no further than `end`) with `decoder`, handing out its output in
 * chunks (views of the decoder's window, valid until the next step); returns the input offset after its end byte.
 * Throws CorruptError on bad or truncated data after handing out the bytes decoded before it.
 */
export function* decodeLzma2(
  input: CompressedInput,
  start: number,
  end: number,
  decoder: LzmaDecoder,
  dictSize: number,
  notes: string[],
): LzmaChunks<number> {
  decoder.matchOverrun = false;
  let pos = start;
  let haveDict = false;
  let haveProps = false;
  for (;;) {
    if (pos >= end) throw new CorruptError('input ends inside LZMA2 data', end);
    // The chunk header (at most 6 bytes; fewer at the end of the input).
    const head = input.view(pos, Math.min(6, end - pos));
    const control = head[0]!;
    if (control === 0x00) return pos + 1;
    if (control === 0x01 || control === 0x02) {
      if (control === 0x01) {
        decoder.resetDictionary(dictSize);
        haveDict = true;
      } else if (!haveDict) {
        throw new CorruptError('LZMA2 data does not start with a dictionary reset', pos);
      }
      if (pos + 3 > end) throw new CorruptError('input ends inside an LZMA2 chunk header', end);
      const size = ((head[1]! << 8) | head[2]!) + 1;
      const from = pos + 3;
      const available = Math.min(size, end - from);
      yield* decoder.storeChunks(input.view(from, available));
      if (available < size) throw new CorruptError('input ends inside an uncompressed LZMA2 chunk', end);
      pos = from + size;
      continue;
    }
    if (control < 0x80) throw new CorruptError(`invalid LZMA2 control byte 0x${control.toString(16)}`, pos);
    const reset = (control >>> 5) & 3;
    const headerSize = reset >= 2 ? 6 : 5;
    if (pos + headerSize > end) throw new CorruptError('input ends inside an LZMA2 chunk header', end);
    const unpacked = ((control & 0x1f) << 16) + ((head[1]! << 8) | head[2]!) + 1;
    const packed = ((head[3]! << 8) | head[4]!) + 1;
    if (reset === 3) {
      decoder.resetDictionary(dictSize);
      haveDict = true;
    } else if (!haveDict) {
      throw new CorruptError('LZMA2 data does not start with a dictionary reset', pos);
    }
    if (reset >= 2) {
      const props = head[5]!;
      if (props > 224) throw new CorruptError(`LZMA2 properties byte ${props} above 224`, pos + 5);
      const lc = props % 9;
      const lp = Math.floor(props / 9) % 5;
      if (lc + lp > 4) notes.push(`LZMA2 lc + lp = ${lc + lp} above 4 (liblzma raises)`);
      decoder.setProperties(lc, lp, Math.floor(props / 45));
      haveProps = true;
    } else if (!haveProps) {
      throw new CorruptError('LZMA2 chunk without properties', pos);
    } else if (reset === 1) {
      decoder.resetState();
    }
    const dataStart = pos + headerSize;
    const chunkEnd = dataStart + packed;
    decoder.initRangeCoder(input, dataStart, Math.min(chunkEnd, end));
    yield* decoder.decodeChunks(unpacked, false);
    if (!decoder.finish()) notes.push('LZMA2 chunk range coder not finished (liblzma raises)');
    if (decoder.inPos !== chunkEnd) notes.push('LZMA2 chunk packed size disagrees with its data (liblzma raises)');
    if (decoder.matchOverrun) {
      notes.push('LZMA2 match runs past its chunk (liblzma raises)');
      decoder.matchOverrun = false;
    }
    if (chunkEnd > end) throw new CorruptError('input ends inside an LZMA2 chunk', end);
    pos = chunkEnd;
  }
}
