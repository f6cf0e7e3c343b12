// A decoded stream as a random-access byte source that never holds it whole: the head and tail kept from a counting
// pass, everything else decoded again on demand by a sequential ChunkProducer in a bounded window that moves forward;
// a read behind the window starts a new producer from the start of the stream. For outputs too large to hold.
import type { Location } from '../../core/location.js';
import type { ByteSource } from '../../sources/byte-source.js';

/**
 * Sequential decoder of one stream's output: `pull()` returns the next output chunks (bounded per call, never empty
 * before the end; [] at the end). The chunks are the caller's to keep (not written over later).
 */
export interface ChunkProducer {
  /** Output bytes returned so far. */
  readonly produced: number;
  pull(): Uint8Array[];
  /** Releases what the producer runs on (a worker thread); called when it is replaced or the source is closed. */
  close?(): void;
}

/** Output kept behind the newest byte, so that a reader stepping back a little does not restart. */
const KEEP_BEHIND = 4 * 1024 * 1024;

/** The `size`-byte output of the producers `open()` makes; `head` and `tail` are its first and last bytes. */
export class RedecodedSource implements ByteSource {
  private reader: ChunkProducer;
  /** Output chunks held: `window[i]` starts at `starts[i]`; contiguous, ending at `reader.produced`. */
  private window: Uint8Array[] = [];
  private starts: number[] = [];
  /** Times decoding started over (a read behind the window). */
  restarts = 0;

  constructor(
    readonly location: Location,
    readonly size: number,
    private readonly open: () => ChunkProducer,
    private readonly head: Uint8Array,
    private readonly tail: Uint8Array,
  ) {
    this.reader = open();
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

  /** Stops the current producer and drops the window; a later read starts a fresh producer. */
  close(): void {
    this.reader.close?.();
    this.reader = this.open();
    this.window = [];
    this.starts = [];
  }

  private restart(): void {
    this.restarts++;
    this.reader.close?.();
    this.reader = this.open();
    this.window = [];
    this.starts = [];
  }
}
