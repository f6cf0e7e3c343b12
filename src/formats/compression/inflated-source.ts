// A deflate stream's output as a random-access byte source that never holds it whole: the head and tail kept from the
// counting pass, everything else inflated again on demand (pako, synchronous) in a bounded window that moves forward;
// a read behind the window starts inflating again from the first segment. For outputs too large to hold in memory.
// Loaded on first use (import()): pako is needed only for such outputs.
import { Inflate } from 'pako';
import type { Location } from '../../core/location.js';
import type { ByteSource } from '../../sources/byte-source.js';

/** One raw DEFLATE stream of the output: its data starts at `at` in the input and yields `length` output bytes. */
export interface DeflateSegment {
  readonly at: number;
  readonly length: number;
}

/** Input fed to the inflater per step: bounds the output one step can produce (~1032 × this). */
const INPUT_STEP = 16 * 1024;
/** Output kept behind the newest byte, so that a reader stepping back a little does not restart. */
const KEEP_BEHIND = 4 * 1024 * 1024;
const Z_SYNC_FLUSH = 2;

/** Sequential inflater over the segments: `pull()` returns the next output chunks, [] at the end. */
class SegmentReader {
  produced = 0;
  private seg = -1;
  private inflater: Inflate | undefined;
  private inPos = 0;
  private segOut = 0;
  private out: Uint8Array[] = [];

  constructor(
    private readonly input: Uint8Array,
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
      const slice = this.input.subarray(this.inPos, Math.min(this.input.length, this.inPos + INPUT_STEP));
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
export class InflatedSource implements ByteSource {
  private reader: SegmentReader;
  /** Output chunks held: `window[i]` starts at `starts[i]`; contiguous, ending at `reader.produced`. */
  private window: Uint8Array[] = [];
  private starts: number[] = [];
  /** Times inflating started over (a read behind the window). */
  restarts = 0;

  constructor(
    readonly location: Location,
    readonly size: number,
    private readonly input: Uint8Array,
    private readonly segments: readonly DeflateSegment[],
    private readonly head: Uint8Array,
    private readonly tail: Uint8Array,
  ) {
    this.reader = new SegmentReader(input, segments);
  }

  read(offset: number, length: number): Uint8Array {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(length, this.size - o));
    if (o + n <= this.head.length) return this.head.subarray(o, o + n);
    const tailStart = this.size - this.tail.length;
    if (o >= tailStart) return this.tail.subarray(o - tailStart, o - tailStart + n);
    const out = new Uint8Array(n);
    return out.subarray(0, this.copy(o, out));
  }

  readInto(offset: number, target: Uint8Array): number {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(target.length, this.size - o));
    const view = target.subarray(0, n);
    const tailStart = this.size - this.tail.length;
    if (o + n <= this.head.length) view.set(this.head.subarray(o, o + n));
    else if (o >= tailStart) view.set(this.tail.subarray(o - tailStart, o - tailStart + n));
    else return this.copy(o, view);
    return n;
  }

  /** Copies output [o, o + target.length) into target; returns the bytes copied. */
  private copy(o: number, target: Uint8Array): number {
    const end = o + target.length;
    const first = this.starts[0];
    if (first === undefined ? o < this.reader.produced : o < first) this.restart();
    while (this.reader.produced < end) {
      const chunks = this.reader.pull();
      if (chunks.length === 0) break;
      let at = this.reader.produced;
      for (const c of chunks) at -= c.length;
      for (const c of chunks) {
        this.starts.push(at);
        this.window.push(c);
        at += c.length;
      }
      this.evictBefore(Math.min(o, this.reader.produced - KEEP_BEHIND));
    }
    let copied = 0;
    for (let i = 0; i < this.window.length && copied < target.length; i++) {
      const s = this.starts[i]!;
      const c = this.window[i]!;
      const from = o + copied;
      if (s + c.length <= from) continue;
      if (s > from) break;
      const part = c.subarray(from - s, Math.min(c.length, from - s + (target.length - copied)));
      target.set(part, copied);
      copied += part.length;
    }
    return copied;
  }

  private evictBefore(keepFrom: number): void {
    let drop = 0;
    while (drop < this.window.length - 1 && this.starts[drop]! + this.window[drop]!.length <= keepFrom) drop++;
    if (drop > 0) {
      this.window.splice(0, drop);
      this.starts.splice(0, drop);
    }
  }

  private restart(): void {
    this.restarts++;
    this.reader = new SegmentReader(this.input, this.segments);
    this.window = [];
    this.starts = [];
  }
}
