// Decoders that emit bounded chunks (LZ4, zstd, bzip2, xz/lzma): their in-memory decode, and for large outputs a counting pass that checks the limits as the
// output grows and keeps only its ends (or, for a decoder that can resume at a step, the output up to the hold), and
// a RedecodedSource whose producer runs the same decoder again, from the start or from that step. The decoder is the
// one the in-memory decode uses, so sizes, notes and limits agree by construction.
import type { Location } from '../../core/location.js';
import { ChunkListSource } from '../../sources/chunk-list-source.js';
import type { CompressedInput } from './compressed-input.js';
import { ChunkGatherer, GATHER_BLOCK } from './gathered-chunks.js';
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
 * A decoder whose steps are independent (bzip2 blocks) may take `resume`.
 */
export type ChunkDecoder = (
  input: DecoderInput,
  notes: string[],
  limit: number,
  resume?: DecoderResume,
) => Generator<Uint8Array, number, undefined>;

/** Resuming a decoder at one of its steps: the decoder's own state, opaque to the caller. */
export interface DecoderResume {
  /** Start at this state (one `mark` reported) instead of the start of the input; the notes may then differ. */
  readonly from?: unknown;
  /** Called before each step with the state from which that step and all after it decode again. */
  mark?(state: unknown): void;
}

/** Where a resumable decoder's output past the kept prefix starts again. */
export interface ResumePoint {
  /** The output offset of the step. */
  readonly output: number;
  readonly state: unknown;
}

/** What a counting pass over a chunk decoder measured. */
export interface CountedChunks {
  readonly length: number;
  readonly streams: number;
  readonly notes: string[];
  readonly ends: KeptEnds;
  /** The whole output, copied step by step, when it did not pass `keepUpTo` bytes (no second decode needed). */
  readonly kept?: Uint8Array[];
  /**
   * When the output passed `keepUpTo` and the decoder can resume: the steps that fit (copied), and where decoding
   * starts again: at the first step past them, then at steps RESUME_SPACING or more apart.
   */
  readonly prefix?: { readonly chunks: Uint8Array[]; readonly resume: ResumePoint[] };
}

/** Output between two kept resume points at least: at most 1,024 points per GiB, whatever the step sizes. */
export const RESUME_SPACING = 1024 * 1024;

/**
 * Runs `decode` over `input`; `check(total, spent)` throws when the total passes `limit`. The output is kept (copied
 * per step) while it stays within `keepUpTo` bytes; once it passes them it is dropped, except its ends — or, when the
 * decoder marks its steps, kept as the prefix of a re-decode that resumes at the first step past it.
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
  /** The state the decoder marked for the current step, if it did. */
  const marked: { set: boolean; state: unknown } = { set: false, state: undefined };
  const chunks = decode(input, notes, limit, {
    mark: (state) => {
      marked.set = true;
      marked.state = state;
    },
  });
  let kept: Uint8Array[] | undefined = [];
  let prefix: CountedChunks['prefix'];
  let length = 0;
  // Steps are gathered into blocks before they are kept (the output, its ends): a million one-byte steps cost a few
  // objects per block, not one each.
  const gather = new ChunkGatherer((piece) => {
    ends.keep(piece, true);
    kept?.push(piece);
  });
  for (;;) {
    const step = chunks.next();
    if (step.done) {
      gather.flush();
      return { length, streams: step.value, notes, ends, ...(kept ? { kept } : {}), ...(prefix ? { prefix } : {}) };
    }
    const n = step.value.length;
    // An empty step adds nothing; a mark made before it holds for the next step (the output resumes at the same offset).
    if (n === 0) continue;
    check(length + n, length);
    if (kept && length + n > keepUpTo) {
      gather.flush();
      if (marked.set && length > 0) prefix = { chunks: kept, resume: [{ output: length, state: marked.state }] };
      kept = undefined;
    } else if (prefix && marked.set && length - prefix.resume[prefix.resume.length - 1]!.output >= RESUME_SPACING) {
      prefix.resume.push({ output: length, state: marked.state });
    }
    marked.set = false;
    length += n;
    gather.push(step.value);
  }
}

/** A fresh run of a chunk decoder as a ChunkProducer (its notes dropped: the counting pass has them). */
export class DecoderProducer implements ChunkProducer {
  produced: number;
  private readonly chunks: Generator<Uint8Array, number, undefined>;

  constructor(decode: ChunkDecoder, input: DecoderInput, limit: number, from?: ResumePoint) {
    this.produced = from?.output ?? 0;
    this.chunks = decode(input, [], limit, from ? { from: from.state } : undefined);
  }

  /** At least GATHER_BLOCK bytes (fewer only at the end) in a few copied pieces, however small the decoder's steps. */
  pull(): Uint8Array[] {
    const pieces: Uint8Array[] = [];
    const gather = new ChunkGatherer((piece) => pieces.push(piece));
    let n = 0;
    while (n < GATHER_BLOCK) {
      const step = this.chunks.next();
      if (step.done) break;
      n += step.value.length;
      gather.push(step.value);
    }
    gather.flush();
    this.produced += n;
    return pieces;
  }
}

/**
 * The counted output of `decode` over `input` as a source that decodes it again on demand: past the kept prefix
 * when there is one (resuming there), else from the start.
 */
export function redecodedSource(
  location: Location,
  input: DecoderInput,
  decode: ChunkDecoder,
  limit: number,
  counted: CountedChunks,
): RedecodedSource {
  const prefix = counted.prefix;
  return new RedecodedSource(
    location,
    counted.length,
    (offset) =>
      new DecoderProducer(decode, input, limit, prefix ? nearestAtOrBefore(prefix.resume, offset) : undefined),
    prefix ? new ChunkListSource(location, prefix.chunks) : counted.ends.head(),
    counted.ends.tail(),
  );
}

/** The last of `points` (ascending, the first at the end of the kept prefix) at or before `offset`, else the first. */
function nearestAtOrBefore(points: readonly ResumePoint[], offset: number): ResumePoint {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (points[mid]!.output <= offset) lo = mid;
    else hi = mid - 1;
  }
  return points[lo]!;
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
