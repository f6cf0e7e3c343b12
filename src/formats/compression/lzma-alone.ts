// One .lzma ("LZMA_Alone", LZMA SDK / `xz --format=lzma` / joblib's 'lzma' compressor) stream: 13-byte
// header then LZMA1 data. Header checks follow liblzma's auto decoder, which Python's LZMAFile uses.
import { CorruptError } from '../../core/errors.js';
import { asInput, type CompressedInput } from './compressed-input.js';
import type { LzmaChunks, LzmaDecoder } from './lzma-decoder.js';
import { u32le } from './frame-bytes.js';

// Header: 0 properties byte (pb·45 + lp·9 + lc, at most 224) | 1..4 u32le dictionary size | 5..12
// u64le uncompressed size, all ones = unknown (then the stream ends with an end marker).
export const ALONE_HEADER = 13;
const UNKNOWN = 0xffffffff;
/** liblzma's auto decoder refuses declared sizes of 2^38 bytes or more. */
const PICKY_MAX_SIZE_HI = 1 << 6;

/**
 * Why liblzma's auto decoder (Python LZMAFile, FORMAT_AUTO) would refuse this header, or undefined when
 * it accepts it: properties above 224 or lc + lp > 4, a dictionary size that is neither 2^n nor
 * 2^n + 2^(n−1), or a known size of 2^38 bytes or more.
 */
export function aloneHeaderProblem(input: Uint8Array, start: number): string | undefined {
  if (start + ALONE_HEADER > input.length) return 'input ends inside the .lzma header';
  const props = input[start]!;
  if (props > 224) return `.lzma properties byte ${props} above 224`;
  const lc = props % 9;
  const lp = Math.floor(props / 9) % 5;
  if (lc + lp > 4) return `.lzma lc + lp = ${lc + lp} above 4`;
  const dict = u32le(input, start + 1);
  if (dict !== UNKNOWN) {
    let d = dict - 1;
    d |= d >>> 2;
    d |= d >>> 3;
    d |= d >>> 4;
    d |= d >>> 8;
    d |= d >>> 16;
    d = (d >>> 0) + 1;
    if (d !== dict) return `.lzma dictionary size ${dict} is not 2^n or 2^n + 2^(n-1)`;
  }
  const lo = u32le(input, start + 5);
  const hi = u32le(input, start + 9);
  if (!(lo === UNKNOWN && hi === UNKNOWN) && hi >= PICKY_MAX_SIZE_HI)
    return '.lzma declared size of 2^38 bytes or more';
  return undefined;
}

/**
 * Decodes the .lzma stream at `start` with `decoder`, handing out its output in chunks (views of the decoder's
 * window, valid until the next step); returns the input offset after it. Lenient: a header the auto decoder
 * refuses is decoded anyway (the reason goes to `notes`). Throws CorruptError on bad data after handing out the
 * bytes decoded before it.
 */
export function* decodeAloneStream(
  data: Uint8Array | CompressedInput,
  start: number,
  decoder: LzmaDecoder,
  notes: string[],
): LzmaChunks<number> {
  const input = asInput(data);
  if (start + ALONE_HEADER > input.length) throw new CorruptError('input ends inside the .lzma header', input.length);
  const header = input.view(start, ALONE_HEADER);
  const props = header[0]!;
  if (props > 224) throw new CorruptError(`.lzma properties byte ${props} above 224`, start);
  const problem = aloneHeaderProblem(header, 0);
  if (problem) notes.push(`${problem} (Python's LZMAFile refuses the stream)`);
  const lc = props % 9;
  const lp = Math.floor(props / 9) % 5;
  const pb = Math.floor(props / 45);
  const dict = u32le(header, 1);
  const lo = u32le(header, 5);
  const hi = u32le(header, 9);
  const known = !(lo === UNKNOWN && hi === UNKNOWN);
  const size = hi * 0x100000000 + lo;

  decoder.matchOverrun = false;
  decoder.distanceBeyondDict = false;
  decoder.setProperties(lc, lp, pb);
  decoder.resetDictionary(Math.max(dict, 4096));
  const first = decoder.initRangeCoder(input, start + ALONE_HEADER, input.length);
  if (first !== 0) notes.push('.lzma range coder starts with a non-zero byte');
  let produced = 0;
  const chunks = decoder.decodeChunks(known ? size : Infinity, true);
  let step = chunks.next();
  for (; !step.done; step = chunks.next()) {
    produced += step.value.length;
    yield step.value;
  }
  const stop = step.value;
  if (stop === 'marker') {
    if (known && produced !== size) {
      notes.push(`.lzma end marker after ${produced} of ${size} declared bytes (liblzma raises)`);
    }
    if (!decoder.finish()) notes.push('.lzma range coder not finished at the end marker (liblzma raises)');
  } else if (!decoder.finish()) {
    // liblzma 5.4 accepts an end marker right after a known size.
    if (!decoder.endMarker()) notes.push('.lzma data continues after the declared size (liblzma raises)');
    else if (!decoder.finish()) notes.push('.lzma range coder not finished at the end marker (liblzma raises)');
  }
  if (decoder.matchOverrun) notes.push('.lzma match runs past the declared size (liblzma raises)');
  if (decoder.distanceBeyondDict)
    notes.push('.lzma match distance beyond the declared dictionary size (liblzma raises)');
  return decoder.inPos;
}
