// Shared types of the decompression layer and its one policy for corrupt data: throw CorruptError when
// nothing was decoded, else keep the decoded prefix and say where decoding stopped in a note.
import { CorruptError } from '../../core/errors.js';
import type { OutputLimits } from './output-buffer.js';

/** Codecs this layer decodes. */
export type Codec = 'gzip' | 'zlib' | 'bzip2' | 'xz' | 'lzma' | 'lz4' | 'zstd';

/** Budgets for one decompression. */
export interface DecompressOptions extends OutputLimits {
  /** Output bytes allowed; more raises `LimitError('maxEntryBytes')`. */
  maxOutputBytes: number;
  /** Output/input ratio allowed once the output passes `ratioGraceBytes`; more raises `LimitError('maxRatio')`. */
  maxRatio?: number;
  ratioGraceBytes?: number;
  /** Exact output size measured by a counting pass (gzip, zlib, lz4, zstd, bzip2, xz, lzma): the output is decoded into one buffer. */
  sizeHint?: number;
}

/** What one decompression produced. */
export interface DecompressResult {
  /** All decoded output, every stream/member/frame concatenated, as Python's reader returns it. */
  bytes: Uint8Array;
  /** Members/streams/frames decoded (skippable frames are not counted). */
  streams: number;
  /** Disagreements a strict reader would raise: checksum mismatch, trailing data, padding, corruption, … */
  notes: string[];
  /** Facts about the container that are not disagreements (joblib < 0.10's 'ZF' header): never a finding. */
  info?: string[];
}

/**
 * Applies the corrupt-data policy: with no output yet, throws CorruptError (the caller reports the
 * entry as unscannable); otherwise records `corrupt after N bytes: …` and lets the caller keep the
 * prefix, because a streaming loader (the unpickler) has already consumed those bytes when Python raises.
 */
export function corruptOrPrefix(
  out: { readonly length: number },
  notes: string[],
  message: string,
  offset?: number,
): void {
  if (out.length === 0) throw new CorruptError(message, offset);
  notes.push(
    `corrupt after ${out.length} bytes: ${message}` + (offset === undefined ? '' : ` (input offset ${offset})`),
  );
}
