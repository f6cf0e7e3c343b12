// A deflate stream's output as a random-access byte source that never holds it whole (a RedecodedSource whose producer
// inflates the counted segments again with pako, synchronously). For outputs too large to hold in memory.
// Loaded on first use (import()): pako is needed only for such outputs.
import { Inflate } from 'pako';
import type { Location } from '../../core/location.js';
import type { CompressedInput } from './compressed-input.js';
import { RedecodedSource, type ChunkProducer } from './redecoded-source.js';

/** One raw DEFLATE stream of the output: its data starts at `at` in the input and yields `length` output bytes. */
export interface DeflateSegment {
  readonly at: number;
  readonly length: number;
}

/** Input fed to the inflater per step: bounds the output one step can produce (~1032 × this). */
const INPUT_STEP = 16 * 1024;
const Z_SYNC_FLUSH = 2;

/** Sequential inflater over the segments: `pull()` returns the next output chunks, [] at the end. */
class SegmentReader implements ChunkProducer {
  produced = 0;
  private seg = -1;
  private inflater: Inflate | undefined;
  private inPos = 0;
  private segOut = 0;
  private out: Uint8Array[] = [];

  constructor(
    private readonly input: CompressedInput,
    private readonly segments: readonly DeflateSegment[],
  ) {}

  pull(): Uint8Array[] {
    for (;;) {
      if (this.inflater === undefined && !this.nextSegment()) return [];
      const seg = this.segments[this.seg]!;
      const inf = this.inflater!;
      if (this.segOut >= seg.length || inf.ended || inf.err !== 0 || this.inPos >= this.input.length) {
        if (this.inPos >= this.input.length && !inf.ended && inf.err === 0) {
          this.inPos = this.input.length + 1; // flush once at the end of the input
          inf.push(new Uint8Array(0), Z_SYNC_FLUSH);
        }
        const got = this.take(seg);
        this.inflater = undefined;
        if (got.length) return got;
        continue;
      }
      const slice = this.input.view(this.inPos, INPUT_STEP);
      this.inPos += slice.length;
      inf.push(slice, false);
      const got = this.take(seg);
      if (got.length) return got;
    }
  }

  private nextSegment(): boolean {
    this.seg++;
    const seg = this.segments[this.seg];
    if (seg === undefined) return false;
    this.inflater = new Inflate({ raw: true, chunkSize: 64 * 1024 });
    this.inflater.onData = (c: Uint8Array) => this.out.push(c);
    this.inflater.onEnd = () => {};
    this.inPos = seg.at;
    this.segOut = 0;
    return true;
  }

  /** Output of the last step, cut at the segment's length. */
  private take(seg: DeflateSegment): Uint8Array[] {
    const got: Uint8Array[] = [];
    for (const c of this.out) {
      const room = seg.length - this.segOut;
      if (room <= 0) break;
      const part = c.length > room ? c.subarray(0, room) : c;
      got.push(part);
      this.segOut += part.length;
      this.produced += part.length;
    }
    this.out = [];
    return got;
  }
}

/** The output of `segments` of `input`, `size` bytes in all; `head` and `tail` are its first and last bytes. */
export class InflatedSource extends RedecodedSource {
  constructor(
    location: Location,
    size: number,
    input: CompressedInput,
    segments: readonly DeflateSegment[],
    head: Uint8Array,
    tail: Uint8Array,
  ) {
    super(location, size, () => new SegmentReader(input, segments), head, tail);
  }
}
