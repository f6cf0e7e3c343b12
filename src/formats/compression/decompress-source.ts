// Decompression to a byte source under a memory bound: gzip and zlib streams that may inflate past `holdBytes` are
// counted first (nothing held; a bomb ends at the limit), then inflated into one buffer of the counted size, or —
// when larger than holdBytes — handed out as an InflatedSource that inflates again on demand. Other codecs and small
// streams decode in memory as `decompress` does.
import type { Location } from '../../core/location.js';
import { MemorySource, type ByteSource } from '../../sources/byte-source.js';
import { CountingSink, inflatedSource } from './deflate-sink.js';
import { gunzipInto } from './gzip.js';
import { decompress, type Codec, type DecompressOptions } from './index.js';
import { OutputBuffer } from './output-buffer.js';
import { unzlibInto } from './zlib.js';

/** Decompressed output held in memory at most (larger outputs are read through an InflatedSource). */
export const HOLD_BYTES = 256 * 1024 * 1024;
/** DEFLATE's largest output per input byte (RFC 1951: 258-byte matches in ~2-bit codes). */
export const MAX_DEFLATE_RATIO = 1032;

/** What decompressing to a source produced (see DecompressResult). */
export interface SourceResult {
  /** The output (size 0 when there was none). */
  readonly source: ByteSource;
  readonly streams: number;
  readonly notes: string[];
  readonly info?: string[];
  /** The output is inflated on demand, not held (larger than holdBytes). */
  readonly streamed: boolean;
}

/**
 * Decodes `input` as `codec` into a byte source at `location`. Throws as `decompress` does: LimitError as soon as
 * the output passes a limit — for gzip/zlib, before any output is held.
 */
export async function decompressToSource(
  codec: Codec,
  input: Uint8Array,
  opts: DecompressOptions,
  location: Location,
  holdBytes = HOLD_BYTES,
): Promise<SourceResult> {
  if ((codec === 'gzip' || codec === 'zlib') && input.length * MAX_DEFLATE_RATIO > holdBytes) {
    // The OutputBuffer only supplies the limit and its LimitError (what the in-memory decode would throw).
    const limits = new OutputBuffer(opts, input.length);
    const sink = new CountingSink((total, spent) => {
      if (total > limits.limit) throw limits.limitError(total, spent);
    }, codec === 'zlib');
    const counted = codec === 'gzip' ? await gunzipInto(input, sink) : await unzlibInto(input, sink);
    if (sink.length > holdBytes) {
      const source = await inflatedSource(location, input, sink);
      return { ...counted, source, streamed: true };
    }
    const r = await decompress(codec, input, { ...opts, sizeHint: sink.length });
    return { ...resultOf(r, location), streamed: false };
  }
  return { ...resultOf(await decompress(codec, input, opts), location), streamed: false };
}

function resultOf(
  r: { bytes: Uint8Array; streams: number; notes: string[]; info?: string[] },
  location: Location,
): Omit<SourceResult, 'streamed'> {
  return {
    source: new MemorySource(location, r.bytes),
    streams: r.streams,
    notes: r.notes,
    ...(r.info ? { info: r.info } : {}),
  };
}
