// Where the gzip and zlib readers put what their DEFLATE streams inflate to: into memory (MemorySink, an OutputBuffer)
// or nowhere (CountingSink: counts, checksums, keeps the head and tail and where each stream's data starts), so that
// one container reader serves both the in-memory decode and the counting pass of large streams.
import { zlib } from '../../core/builtins.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { Location } from '../../core/location.js';
import type { CompressedInput } from './compressed-input.js';
import type { DeflateSegment } from './inflated-source.js';
import { inflateRawInto, type InflateEnd } from './inflate.js';
import { streamInflateRaw } from './inflate-measure.js';
import type { OutputBuffer } from './output-buffer.js';
import { KeptEnds } from './kept-ends.js';
import type { SmallInflater, SmallStream } from './small-inflate.js';

export interface DeflateSink {
  /** Output bytes so far. */
  readonly length: number;
  /** Inflates the raw DEFLATE stream starting at `input[at]`, appending its output. */
  inflate(input: CompressedInput, at: number): Promise<InflateEnd>;
  /** CRC-32 of the output of the last `inflate`. */
  lastCrc32(): number;
  /** Adler-32 of all output. */
  adler32(): number;
}

const ADLER_MOD = 65521;
const ADLER_NMAX = 5552;

/** Adler-32 continued over `data` from state (a, b). */
export function adlerUpdate(a: number, b: number, data: Uint8Array): [number, number] {
  let i = 0;
  while (i < data.length) {
    const stop = Math.min(data.length, i + ADLER_NMAX);
    for (; i < stop; i++) {
      a += data[i]!;
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return [a, b];
}

/** Output held in an OutputBuffer (the in-memory decode, of an input held whole). */
export class MemorySink implements DeflateSink {
  private lastStart = 0;
  private readonly small = new SmallStreams();
  constructor(
    readonly out: OutputBuffer,
    /** Exact output size when a counting pass measured it: inflated into one buffer of that size. */
    private readonly sizeHint?: number,
  ) {}
  get length(): number {
    return this.out.length;
  }
  async inflate(input: CompressedInput, at: number): Promise<InflateEnd> {
    this.lastStart = this.out.length;
    const whole = input.whole;
    if (!whole) throw new Error('MemorySink needs an input held in memory');
    const small = await this.small.take(input, at);
    if (small) {
      this.out.push(small.output);
      return { kind: 'end', consumed: small.consumed };
    }
    return inflateRawInto(whole.subarray(Math.min(at, whole.length)), this.out, this.sizeHint);
  }
  lastCrc32(): number {
    return zlib().crc32(this.out.buf.subarray(this.lastStart, this.out.length));
  }
  adler32(): number {
    const [a, b] = adlerUpdate(1, 0, this.out.buf.subarray(0, this.out.length));
    return ((b << 16) | a) >>> 0;
  }
}

/** Input and output sizes up to which a DEFLATE stream is inflated in one synchronous call (`smallStream`). */
const SMALL_INPUT = 64 * 1024;
const SMALL_OUTPUT = 256 * 1024;
/** Streams a sink inflates through node:zlib's one-shot call before it takes the reused inflater (many members). */
const ONE_SHOT_STREAMS = 8;

/**
 * Inflates small streams in one synchronous call: node:zlib's one-shot inflate for the first few streams of a sink,
 * then one reused inflater (SmallInflater), so that a file of many small members (gzip) is read in time proportional
 * to its size, with no stream set-up, output buffer or thread-pool round trip per member.
 */
class SmallStreams {
  private count = 0;
  private reused: SmallInflater | undefined;

  /**
   * The stream at `input[at]` when it ends within SMALL_INPUT bytes (within the window at hand, or a window started
   * where it starts) and inflates to at most SMALL_OUTPUT bytes: its output and the input it used. Undefined for any
   * other (larger, cut short by the window, corrupt): the caller streams it, which reports what it is.
   */
  async take(input: CompressedInput, at: number): Promise<SmallStream | undefined> {
    const inflate = await this.inflater();
    const want = Math.min(SMALL_INPUT, input.step, input.length - at);
    const first = inflate(input.chunk(at, want));
    if (first !== undefined) return first;
    // Cut by the end of the window at hand: once more from a window started where the stream starts (read once on).
    const rest = input.chunk(at, want);
    return rest.length < want ? inflate(input.view(at, want)) : undefined;
  }

  private async inflater(): Promise<(slice: Uint8Array) => SmallStream | undefined> {
    if (++this.count <= ONE_SHOT_STREAMS) return oneShot;
    if (!this.reused) {
      const { SmallInflater } = await import('./small-inflate.js');
      this.reused = new SmallInflater(SMALL_OUTPUT);
    }
    const reused = this.reused;
    return (slice) => reused.inflate(slice);
  }
}

function oneShot(slice: Uint8Array): SmallStream | undefined {
  if (slice.length === 0) return undefined;
  try {
    // An output buffer about the size of a small stream's output, not node:zlib's 16 KiB default per call.
    const chunkSize = Math.max(64, Math.min(SMALL_OUTPUT, slice.length * 8));
    const r = zlib().inflateRawSync(slice, { info: true, maxOutputLength: SMALL_OUTPUT, chunkSize }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    return { consumed: r.engine.bytesWritten, output: r.buffer };
  } catch {
    return undefined;
  }
}

/** Output chunks up to this size are copied into shared blocks of BLOCK bytes before they are kept. */
const SMALL_CHUNK = 4 * 1024;
const BLOCK = 64 * 1024;

/**
 * Output counted and dropped (the counting pass); `check(total)` throws when the total passes a limit. With `keepUpTo`,
 * the output chunks are kept while the total stays within it (`kept`; undefined once it passed).
 */
export class CountingSink implements DeflateSink {
  length = 0;
  private keptChunks: Uint8Array[] | undefined = [];
  readonly segments: DeflateSegment[] = [];
  private crc = 0;
  private adlerA = 1;
  private adlerB = 0;
  private readonly keptEnds = new KeptEnds();
  private readonly small = new SmallStreams();
  /**
   * Small chunks (many small members) gathered into one block before they are kept: the kept output and its ends
   * then cost a few objects per block, not several per member.
   */
  private block: Uint8Array | undefined;
  private blockLength = 0;

  constructor(
    private readonly check: (total: number, spent: number) => void,
    private readonly wantAdler = false,
    private readonly keepUpTo = 0,
  ) {}

  /** Every output chunk so far, while the output fits in `keepUpTo` (node:zlib's chunks or blocks, not copied). */
  get kept(): Uint8Array[] | undefined {
    this.flushBlock();
    return this.keptChunks;
  }

  /** The output's ends (views of the chunks: node:zlib never writes over output it has handed out). */
  get ends(): KeptEnds {
    this.flushBlock();
    return this.keptEnds;
  }

  async inflate(input: CompressedInput, at: number): Promise<InflateEnd> {
    const start = this.length;
    this.crc = 0;
    const onChunk = (chunk: Uint8Array): void => {
      this.check(this.length + chunk.length, this.length);
      this.length += chunk.length;
      this.crc = zlib().crc32(chunk, this.crc);
      if (this.wantAdler) [this.adlerA, this.adlerB] = adlerUpdate(this.adlerA, this.adlerB, chunk);
      if (this.keptChunks && this.length > this.keepUpTo) this.keptChunks = undefined;
      if (chunk.length <= SMALL_CHUNK) this.gather(chunk);
      else this.keep(chunk);
    };
    const small = await this.small.take(input, at);
    if (small && small.output.length) onChunk(small.output);
    const end = small ? { kind: 'end' as const, consumed: small.consumed } : await streamInflateRaw(input, at, onChunk);
    if (this.length > start) this.segments.push({ at, length: this.length - start });
    return end;
  }

  private keep(chunk: Uint8Array): void {
    this.flushBlock();
    this.keptEnds.keep(chunk, true);
    this.keptChunks?.push(chunk);
  }

  private gather(chunk: Uint8Array): void {
    if (this.block && this.blockLength + chunk.length > this.block.length) this.flushBlock();
    this.block ??= new Uint8Array(BLOCK);
    this.block.set(chunk, this.blockLength);
    this.blockLength += chunk.length;
  }

  /** Keeps the gathered block (a fresh block is started next: kept views are never written over). */
  private flushBlock(): void {
    if (!this.block || this.blockLength === 0) return;
    const part = this.block.subarray(0, this.blockLength);
    this.block = undefined;
    this.blockLength = 0;
    this.keptEnds.keep(part, true);
    this.keptChunks?.push(part);
  }

  lastCrc32(): number {
    return this.crc >>> 0;
  }
  adler32(): number {
    return ((this.adlerB << 16) | this.adlerA) >>> 0;
  }
}

/**
 * The counted output as a source that inflates `input` again on demand (InflatedSource, loaded on first use: pako
 * is needed only for outputs too large to hold).
 */
export async function inflatedSource(
  location: Location,
  input: CompressedInput,
  sink: CountingSink,
): Promise<ByteSource> {
  const { InflatedSource } = await import('./inflated-source.js');
  return new InflatedSource(location, sink.length, input, sink.segments, sink.ends.head(), sink.ends.tail());
}
