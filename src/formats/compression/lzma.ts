// The .xz / .lzma family as Python's LZMAFile reads it (FORMAT_AUTO, which joblib uses for both its
// 'xz' and 'lzma' compressors): stream after stream, each .xz (magic FD) or .lzma (anything else), the input read
// through a CompressedInput (in place, or in windows). One chunk decoder serves the in-memory decode and the counting
// and re-decoding passes of large outputs.
import { CorruptError } from '../../core/errors.js';
import { decodeToMemory, type ChunkDecoder } from './chunk-source.js';
import { asInput, InputReadError, type CompressedInput } from './compressed-input.js';
import { ALONE_HEADER, aloneHeaderProblem, decodeAloneStream } from './lzma-alone.js';
import { LzmaDecoder, type LzmaChunks } from './lzma-decoder.js';
import { corruptOrPrefix, type DecompressOptions, type DecompressResult } from './result.js';
import { decodeXzStream, XZ_MAGIC } from './xz.js';

function startsXz(input: CompressedInput, pos: number): boolean {
  const head = input.view(pos, XZ_MAGIC.length);
  return head.length === XZ_MAGIC.length && XZ_MAGIC.every((b, i) => head[i] === b);
}

/**
 * The output of every stream of a .xz or .lzma file, in chunks of at most 2 MiB (views valid until the next step);
 * returns the streams decoded. After the first stream, Python's LZMAFile starts a new auto-detecting decoder on the
 * remaining bytes and silently stops when they are not a stream; xz(1) also skips zero padding between .xz
 * streams, which Python does not (we read on, with a note). Throws CorruptError when nothing could be decoded,
 * UnsupportedError for BCJ filters, LimitError('lzmaWindowBytes') for a match beyond the window this reader holds,
 * InputReadError (never a note) when the source fails or shrinks.
 */
function* lzmaFamilyChunks(
  codec: 'xz' | 'lzma',
  input: CompressedInput,
  notes: string[],
  verifyChecks: boolean,
): LzmaChunks<number> {
  const decoder = new LzmaDecoder();
  let total = 0;
  let streams = 0;
  let pos = 0;
  while (pos < input.length) {
    if (streams > 0) {
      const zeros = pos;
      pos = endOfZeros(input, pos);
      const padding = pos - zeros;
      if (padding > 0 && pos >= input.length) {
        notes.push(
          `${padding} zero bytes after stream ${streams} (xz(1) accepts them as padding; Python's LZMAFile raises EOFError)`,
        );
        break;
      }
      if (padding > 0 && !startsXz(input, pos)) {
        notes.push(
          `${input.length - zeros} bytes after stream ${streams} are not a stream (ignored by Python's LZMAFile)`,
        );
        break;
      }
      if (padding > 0) {
        notes.push(
          `${padding} zero bytes of padding before stream ${streams + 1}: Python's LZMAFile stops there, xz(1) reads on (so do we)`,
        );
      }
      if (!startsXz(input, pos) && aloneHeaderProblem(input.view(pos, ALONE_HEADER), 0) !== undefined) {
        notes.push(
          `${input.length - pos} bytes after stream ${streams} are not a stream (ignored by Python's LZMAFile)`,
        );
        break;
      }
    }
    const xz = input.byteAt(pos) === 0xfd;
    if (streams === 0 && (codec === 'xz') !== xz) {
      notes.push(
        `${codec} requested but the data is a ${xz ? '.xz' : '.lzma'} stream (Python's LZMAFile reads either)`,
      );
    }
    try {
      const chunks = xz
        ? decodeXzStream(input, pos, decoder, notes, verifyChecks)
        : decodeAloneStream(input, pos, decoder, notes);
      let step = chunks.next();
      for (; !step.done; step = chunks.next()) {
        total += step.value.length;
        yield step.value;
      }
      pos = step.value;
    } catch (e) {
      // A source that fails or shrinks is not a property of the stream: never a "corrupt after" note.
      if (e instanceof CorruptError && !(e instanceof InputReadError)) {
        corruptOrPrefix(
          { length: total },
          notes,
          `${xz ? 'xz' : 'lzma'} stream ${streams + 1}: ${e.message}`,
          e.offset,
        );
        break;
      }
      throw e;
    }
    streams++;
  }
  return streams;
}

/** The first position at or after `pos` that does not hold a zero byte (the length when there is none). */
function endOfZeros(input: CompressedInput, pos: number): number {
  for (let p = pos; p < input.length;) {
    const part = input.chunk(p);
    let i = 0;
    while (i < part.length && part[i] === 0) i++;
    if (i < part.length || part.length === 0) return p + i;
    p += part.length;
  }
  return input.length;
}

/** The .xz family (any stream of it, .lzma ones included) as a ChunkDecoder. */
export const xzChunks: ChunkDecoder = (input, notes) => lzmaFamilyChunks('xz', asInput(input), notes, true);
/** The .lzma family (any stream of it, .xz ones included) as a ChunkDecoder. */
export const lzmaChunks: ChunkDecoder = (input, notes) => lzmaFamilyChunks('lzma', asInput(input), notes, true);
/**
 * The same output without verifying the .xz blocks' integrity checks: for decoding again what a counting pass over
 * xzChunks/lzmaChunks verified (the same bytes; a re-decode's notes are dropped). CRC-64 in JS is most of its cost.
 */
export const lzmaFamilyChunksUnverified: ChunkDecoder = (input, notes) =>
  lzmaFamilyChunks('xz', asInput(input), notes, false);

/** Decodes every stream of a .xz or .lzma file into memory. */
export function decompressLzmaFamily(
  codec: 'xz' | 'lzma',
  input: Uint8Array,
  opts: DecompressOptions,
): DecompressResult {
  return decodeToMemory(codec === 'xz' ? xzChunks : lzmaChunks, input, opts);
}
