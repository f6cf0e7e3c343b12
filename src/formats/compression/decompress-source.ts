// Decompression to a byte source under a memory bound: streams that may decode past `holdBytes` are counted first
// (nothing held; a bomb ends at the limit), then kept as counted, or — when larger than holdBytes — handed out as a
// RedecodedSource that decodes again on demand (InflatedSource for gzip/zlib's deflate). Their input is read in
// bounded windows unless it is small or already in memory. Streams that cannot reach holdBytes
// (by their codec's largest ratio and the limits) decode in memory as `decompress` does.
import type { Location } from '../../core/location.js';
import { MemorySource, readAll, type ByteSource } from '../../sources/byte-source.js';
import { ChunkListSource } from '../../sources/chunk-list-source.js';
import { countChunks, decodeToMemory, redecodedSource, type ChunkDecoder } from './chunk-source.js';
import { compressedInput, INPUT_WINDOW } from './compressed-input.js';
import { CountingSink, inflatedSource } from './deflate-sink.js';
import { gunzipInto } from './gzip.js';
import { decompress, type Codec, type DecompressOptions } from './index.js';
import { OutputBuffer } from './output-buffer.js';
import { unzlibInto } from './zlib.js';

/** Decompressed output held in memory at most (larger outputs are read through an InflatedSource). */
export const HOLD_BYTES = 256 * 1024 * 1024;
/** DEFLATE's largest output per input byte (RFC 1951: 258-byte matches in ~2-bit codes). */
export const MAX_DEFLATE_RATIO = 1032;
/** LZ4's largest output per input byte: each match-length byte 255 adds 255 output bytes. */
export const MAX_LZ4_RATIO = 255;
/** zstd's largest output per input byte: an RLE block of 4 bytes declares up to 128 KiB. */
export const MAX_ZSTD_RATIO = 32 * 1024;
/** bzip2's largest output per input byte, roughly: a ~40-byte block of one run holds ~46 MB. */
export const MAX_BZIP2_RATIO = 2 * 1024 * 1024;

/**
 * LZMA's (.xz and .lzma) largest output per input byte. A range-coder decision costs at least -log2(2017/2048) ≈
 * 0.022 bits (an 11-bit probability saturates at 2048 − 31), and the longest match (273 bytes, a rep0 match: 6
 * decisions for isMatch/isRep/isRepG0/isRep0Long/choice/choice2 and 8 for the high length tree) takes 14 of them:
 * about 0.31 bits, so at most ~7,100 bytes per input byte. Rounded up.
 */
export const MAX_LZMA_RATIO = 8 * 1024;

/** A codec whose decoder emits bounded chunks. */
interface Chunked {
  /** Its largest output per input byte. */
  ratio: number;
  /** The decoder (loaded on use). */
  load: () => Promise<ChunkDecoder>;
  /** The decoder for decoding again what `load`'s counted (same bytes; may skip checks the count verified). */
  loadAgain?: () => Promise<ChunkDecoder>;
}

/** Codecs whose decoder emits bounded chunks. */
const CHUNKED: Partial<Record<Codec, Chunked>> = {
  lz4: { ratio: MAX_LZ4_RATIO, load: async () => (await import('./lz4.js')).lz4Chunks },
  zstd: { ratio: MAX_ZSTD_RATIO, load: async () => (await import('./zstd.js')).zstdChunks },
  bzip2: { ratio: MAX_BZIP2_RATIO, load: async () => (await import('./bzip2.js')).bzip2Chunks },
  xz: {
    ratio: MAX_LZMA_RATIO,
    load: async () => (await import('./lzma.js')).xzChunks,
    loadAgain: async () => (await import('./lzma.js')).lzmaFamilyChunksUnverified,
  },
  lzma: {
    ratio: MAX_LZMA_RATIO,
    load: async () => (await import('./lzma.js')).lzmaChunks,
    loadAgain: async () => (await import('./lzma.js')).lzmaFamilyChunksUnverified,
  },
};

/** Inputs up to this size are read whole (one read, the in-memory decoders); larger ones in windows. */
export const READ_WHOLE_BYTES = 8 * 1024 * 1024;

/** How the compressed input is read: whole up to `readWholeUpTo` bytes, else in windows of `windowBytes`. */
export interface InputReading {
  readonly readWholeUpTo: number;
  readonly windowBytes: number;
}

const DEFAULT_READING: InputReading = { readWholeUpTo: READ_WHOLE_BYTES, windowBytes: INPUT_WINDOW };

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
 * the output passes a limit — for gzip/zlib, before any output is held. A source (not bytes in memory) larger than
 * `reading.readWholeUpTo` is read in windows for gzip, zlib, LZ4, zstd, bzip2, xz and .lzma;
 * a source that fails or shrinks while read throws InputReadError (a CorruptError).
 */
export async function decompressToSource(
  codec: Codec,
  input: Uint8Array | ByteSource,
  opts: DecompressOptions,
  location: Location,
  holdBytes = HOLD_BYTES,
  reading: InputReading = DEFAULT_READING,
): Promise<SourceResult> {
  const windowed = codec === 'gzip' || codec === 'zlib' || CHUNKED[codec] !== undefined;
  const whole =
    input instanceof Uint8Array
      ? input
      : (input.bytes ?? (!windowed || input.size <= reading.readWholeUpTo ? readAll(input) : undefined));
  const src = compressedInput(whole ?? input, reading.windowBytes);
  // Chunk decoders get bytes in memory as a Uint8Array (zero-copy), else the windowed input.
  const decoderInput = whole ?? src;
  if ((codec === 'gzip' || codec === 'zlib') && (!whole || src.length * MAX_DEFLATE_RATIO > holdBytes)) {
    // The OutputBuffer only supplies the limit and its LimitError (what the in-memory decode would throw).
    const limits = new OutputBuffer(opts, src.length, 0);
    // A windowed input is not decoded twice: the counted output is kept while it fits in holdBytes.
    const sink = new CountingSink(
      (total, spent) => {
        if (total > limits.limit) throw limits.limitError(total, spent);
      },
      codec === 'zlib',
      whole ? 0 : holdBytes,
    );
    const counted = codec === 'gzip' ? await gunzipInto(src, sink) : await unzlibInto(src, sink);
    if (sink.length > holdBytes) {
      const source = await inflatedSource(location, src, sink);
      return { ...counted, source, streamed: true };
    }
    if (!whole) return { ...counted, source: new ChunkListSource(location, sink.kept ?? []), streamed: false };
    const r = await decompress(codec, whole, { ...opts, sizeHint: sink.length });
    return { ...resultOf(r, location), streamed: false };
  }
  const chunked = CHUNKED[codec];
  const limits = new OutputBuffer(opts, src.length, 0);
  // Counted first only when the in-memory decode could hold more than holdBytes (by the codec and the limits).
  if (chunked && Math.min(limits.limit, src.length * chunked.ratio) > holdBytes) {
    const decode = await chunked.load();
    // The output is kept while it fits in holdBytes: then the count was the decode (no second pass).
    const counted = countChunks(
      decode,
      decoderInput,
      limits.limit,
      (total, spent) => {
        if (total > limits.limit) throw limits.limitError(total, spent);
      },
      holdBytes,
    );
    if (counted.kept) {
      const source = new ChunkListSource(location, counted.kept);
      return { source, streams: counted.streams, notes: counted.notes, streamed: false };
    }
    const again = chunked.loadAgain ? await chunked.loadAgain() : decode;
    const source = redecodedSource(location, decoderInput, again, limits.limit, counted);
    return { source, streams: counted.streams, notes: counted.notes, streamed: true };
  }
  if (!whole && chunked) {
    const r = src.length === 0 ? emptyResult() : decodeToMemory(await chunked.load(), src, opts);
    return { ...resultOf(r, location), streamed: false };
  }
  return { ...resultOf(await decompress(codec, whole!, opts), location), streamed: false };
}

function emptyResult(): { bytes: Uint8Array; streams: number; notes: string[] } {
  return { bytes: new Uint8Array(0), streams: 0, notes: ['empty input'] };
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
