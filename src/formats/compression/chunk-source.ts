// Decoders that emit bounded chunks (LZ4, zstd, bzip2, xz/lzma): their in-memory decode, and for large outputs a counting pass that checks the limits as the
// output grows and keeps only its ends, and a RedecodedSource whose producer runs the same decoder again. The
// decoder is the one the in-memory decode uses, so sizes, notes and limits agree by construction.
import type { Location } from '../../core/location.js';
import type { CompressedInput } from './compressed-input.js';
import { KeptEnds } from './kept-ends.js';
import { OutputBuffer } from './output-buffer.js';
import { RedecodedSource, type ChunkProducer } from './redecoded-source.js';
import type { DecompressOptions, DecompressResult } from './result.js';

/** A chunk decoder's input: bytes in memory, or a CompressedInput read in windows (see asInput). */
export type DecoderInput = Uint8Array | CompressedInput;

/**
 * A decoder run over `input`: yields the output in bounded chunks (views valid until the next step), pushes its
 * disagreements to `notes`, returns the streams decoded. `limit` is the largest output the caller accepts (a
 * decoder may size its buffers by it; it does not enforce it). Throws CorruptError when nothing could be decoded.
 */
export type ChunkDecoder = (
  input: DecoderInput,
  notes: string[],
  limit: number,
) => Generator<Uint8Array, number, undefined>;

/** What a counting pass over a chunk decoder measured. */
export interface CountedChunks {
  readonly length: number;
  readonly streams: number;
  readonly notes: string[];
  readonly ends: KeptEnds;
  /** The whole output, copied step by step, when it did not pass `keepUpTo` bytes (no second decode needed). */
  readonly kept?: Uint8Array[];
}

/**
 * Runs `decode` over `input`; `check(total, spent)` throws when the total passes `limit`. The output is kept (copied
 * per step) while it stays within `keepUpTo` bytes, and dropped, except its ends, once it passes them.
 */
export function countChunks(
  decode: ChunkDecoder,
  input: DecoderInput,
  limit: number,
  check: (total: number, spent: number) => void,
  keepUpTo = 0,
): CountedChunks {
  const notes: string[] = [];
  const ends = new KeptEnds();
  const chunks = decode(input, notes, limit);
  let kept: Uint8Array[] | undefined = [];
  let length = 0;
  for (;;) {
    const step = chunks.next();
    if (step.done) return { length, streams: step.value, notes, ends, ...(kept ? { kept } : {}) };
    check(length + step.value.length, length);
    length += step.value.length;
    ends.keep(step.value, false);
    if (kept && length <= keepUpTo) kept.push(step.value.slice());
    else kept = undefined;
  }
}

/** A fresh run of a chunk decoder as a ChunkProducer (its notes dropped: the counting pass has them). */
class DecoderProducer implements ChunkProducer {
  produced = 0;
  private readonly chunks: Generator<Uint8Array, number, undefined>;

  constructor(decode: ChunkDecoder, input: DecoderInput, limit: number) {
    this.chunks = decode(input, [], limit);
  }

  pull(): Uint8Array[] {
    const step = this.chunks.next();
    if (step.done) return [];
    this.produced += step.value.length;
    return [step.value.slice()];
  }
}

/** The counted output of `decode` over `input` as a source that decodes it again on demand. */
export function redecodedSource(
  location: Location,
  input: DecoderInput,
  decode: ChunkDecoder,
  limit: number,
  counted: CountedChunks,
): RedecodedSource {
  return new RedecodedSource(
    location,
    counted.length,
    () => new DecoderProducer(decode, input, limit),
    counted.ends.head(),
    counted.ends.tail(),
  );
}

/** The in-memory decode of a chunk decoder: every chunk into one OutputBuffer (of the counted size, when known). */
export function decodeToMemory(decode: ChunkDecoder, input: DecoderInput, opts: DecompressOptions): DecompressResult {
  const out = new OutputBuffer(opts, input.length, opts.sizeHint);
  const notes: string[] = [];
  const chunks = decode(input, notes, out.limit);
  for (;;) {
    const step = chunks.next();
    if (step.done) return { bytes: out.result(), streams: step.value, notes };
    out.push(step.value);
  }
}
