// A decoded stream as a random-access byte source that never holds it whole: the head and tail kept from a counting
// pass, everything else decoded again on demand by a sequential ChunkProducer in a bounded window that moves forward;
// a read behind the window, or far ahead of it, opens a new producer at or before the read (the start of the stream,
// or a resume point when the decoder has them). For outputs too large to hold.
import type { Location } from '../../core/location.js';
import { MemorySource, type ByteSource } from '../../sources/byte-source.js';

/**
 * Sequential decoder of one stream's output: `pull()` returns the next output chunks (bounded per call, never empty
 * before the end; [] at the end). The chunks are the caller's to keep (not written over later).
 */
export interface ChunkProducer {
  /** Output offset reached: the bytes returned so far, plus where the producer started. */
  readonly produced: number;
  pull(): Uint8Array[];
  /** Releases what the producer runs on (a worker thread); called when it is replaced or the source is closed. */
  close?(): void;
}

/** Output kept behind the newest byte, so that a reader stepping back a little does not restart. */
const KEEP_BEHIND = 4 * 1024 * 1024;
/** A read this far ahead of the producer opens a new one when that starts nearer the read. */
const JUMP_AHEAD = 2 * KEEP_BEHIND;

/**
 * The `size`-byte output of the producers `open(offset)` makes; `head` and `tail` are its first and last bytes. A
 * producer starts at 0, or anywhere at or before `offset` that is within the head or past it (its `produced` says
 * where).
 */
export class RedecodedSource implements ByteSource {
  private reader: ChunkProducer;
  private readonly head: ByteSource;
  /** Output chunks held: `window[i]` starts at `starts[i]`; contiguous, ending at `reader.produced`. */
  private window: Uint8Array[] = [];
  private starts: number[] = [];
  /** Times decoding started over (a read behind the window). */
  restarts = 0;

  constructor(
    readonly location: Location,
    readonly size: number,
    private readonly open: (offset: number) => ChunkProducer,
    head: Uint8Array | ByteSource,
    private readonly tail: Uint8Array,
  ) {
    this.head = head instanceof Uint8Array ? new MemorySource(location, head) : head;
    this.reader = open(this.head.size);
  }

  read(offset: number, length: number): Uint8Array {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(length, this.size - o));
    if (o + n <= this.head.size) return this.head.read(o, n);
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
    if (o >= tailStart && o + n > this.head.size) view.set(this.tail.subarray(o - tailStart, o - tailStart + n));
    else return this.copy(o, view);
    return n;
  }

  /** Copies output [o, o + target.length) into target (the head's part from the head); returns the bytes copied. */
  private copy(o: number, target: Uint8Array): number {
    if (o < this.head.size) {
      const part = target.subarray(0, Math.min(target.length, this.head.size - o));
      if (this.head.readInto) this.head.readInto(o, part);
      else part.set(this.head.read(o, part.length));
      if (part.length === target.length) return part.length;
      return part.length + this.copyDecoded(o + part.length, target.subarray(part.length));
    }
    return this.copyDecoded(o, target);
  }

  /** Copies output [o, o + target.length) from the producer's window into target; returns the bytes copied. */
  private copyDecoded(o: number, target: Uint8Array): number {
    const end = o + target.length;
    const first = this.starts[0];
    if (first === undefined ? o < this.reader.produced : o < first) this.restart(this.open(o));
    else if (o - this.reader.produced > JUMP_AHEAD) {
      const nearer = this.open(o);
      if (nearer.produced > this.reader.produced) this.restart(nearer);
      else nearer.close?.();
    }
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
    this.reader = this.open(this.head.size);
    this.window = [];
    this.starts = [];
  }

  private restart(reader: ChunkProducer): void {
    this.restarts++;
    this.reader.close?.();
    this.reader = reader;
    this.window = [];
    this.starts = [];
  }
}
