// The .xz / .lzma family as Python's LZMAFile reads it (FORMAT_AUTO, which joblib uses for both its
// 'xz' and 'lzma' compressors): stream after stream, each .xz (magic FD) or .lzma (anything else).
import { CorruptError } from '../../core/errors.js';
import { aloneHeaderProblem, decodeAloneStream } from './lzma-alone.js';
import { OutputBuffer } from './output-buffer.js';
import { corruptOrPrefix, type DecompressOptions, type DecompressResult } from './result.js';
import { decodeXzStream, XZ_MAGIC } from './xz.js';

function startsXz(input: Uint8Array, pos: number): boolean {
  return XZ_MAGIC.every((b, i) => input[pos + i] === b);
}

/**
 * Decodes every stream of a .xz or .lzma file. After the first stream, Python's LZMAFile starts a new
 * auto-detecting decoder on the remaining bytes and silently stops when they are not a stream; xz(1)
 * also skips zero padding between .xz streams, which Python does not (we read on, with a note).
 */
export function decompressLzmaFamily(
  codec: 'xz' | 'lzma',
  input: Uint8Array,
  opts: DecompressOptions,
): DecompressResult {
  const out = new OutputBuffer(opts, input.length);
  const notes: string[] = [];
  let streams = 0;
  let pos = 0;
  while (pos < input.length) {
    if (streams > 0) {
      const zeros = pos;
      while (pos < input.length && input[pos] === 0) pos++;
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
      if (!startsXz(input, pos) && aloneHeaderProblem(input, pos) !== undefined) {
        notes.push(
          `${input.length - pos} bytes after stream ${streams} are not a stream (ignored by Python's LZMAFile)`,
        );
        break;
      }
    }
    const xz = input[pos] === 0xfd;
    if (streams === 0 && (codec === 'xz') !== xz) {
      notes.push(
        `${codec} requested but the data is a ${xz ? '.xz' : '.lzma'} stream (Python's LZMAFile reads either)`,
      );
    }
    try {
      pos = xz ? decodeXzStream(input, pos, out, notes) : decodeAloneStream(input, pos, out, notes);
    } catch (e) {
      if (e instanceof CorruptError) {
        corruptOrPrefix(out, notes, `${xz ? 'xz' : 'lzma'} stream ${streams + 1}: ${e.message}`, e.offset);
        break;
      }
      throw e;
    }
    streams++;
  }
  return { bytes: out.result(), streams, notes };
}
