// A decoder's compressed input, read forward in bounded windows from a byte source (a large file is never held whole)
// or straight from bytes already in memory (zero-copy). Byte-at-a-time decoders use `byteAt`, block decoders `view`.
import { CorruptError } from '../../core/errors.js';
import type { ByteSource } from '../../sources/byte-source.js';

/** Input read per window from a source that is not in memory. */
export const INPUT_WINDOW = 4 * 1024 * 1024;

/** Compressed bytes `[0, length)` as a decoder reads them. */
export interface CompressedInput {
  readonly length: number;
  /** The whole input when it sits in memory (no window), else undefined. */
  readonly whole?: Uint8Array;
  /** The largest view that is read without a copy (the window size; the length in memory): the step of scans. */
  readonly step: number;
  /** The byte at `pos`, or -1 at or past the end. */
  byteAt(pos: number): number;
  /**
   * Bytes `[pos, pos + n)`, fewer only at the end: one contiguous view, valid for as long as the caller holds it
   * (windows are never written over). Callers bound `n` (a block, a header); larger than a window costs a copy.
   */
  view(pos: number, n: number): Uint8Array;
  /**
   * Bytes from `pos` on, as many as are at hand without reading (the rest of the current window), at most `max`; a
   * fresh window at `pos` when `pos` lies outside it. Empty only at or past the end. Forward scans read through
   * this: each input byte is then read once, however many streams, members or frames the scan crosses (a view of a
   * whole window's length at an arbitrary position would read a new window every time).
   */
  chunk(pos: number, max?: number): Uint8Array;
  /** The first position ≥ `from` holding `value`, or -1. */
  indexOf(value: number, from: number): number;
}

/** Thrown when the source returns fewer bytes than its size promised, or its read fails: reported as corrupt input. */
export class InputReadError extends CorruptError {}

/** `input` as a CompressedInput: bytes in memory are used in place; any other source is read in windows. */
export function compressedInput(input: Uint8Array | ByteSource, windowBytes = INPUT_WINDOW): CompressedInput {
  if (input instanceof Uint8Array) return new MemoryInput(input);
  if (input.bytes) return new MemoryInput(input.bytes);
  return new WindowedInput(input, Math.max(1, windowBytes));
}

/** `input` as a CompressedInput: a Uint8Array is read in place (for decoders that accept either). */
export function asInput(input: Uint8Array | CompressedInput): CompressedInput {
  return input instanceof Uint8Array ? new MemoryInput(input) : input;
}

class MemoryInput implements CompressedInput {
  readonly length: number;
  readonly step: number;
  constructor(readonly whole: Uint8Array) {
    this.length = whole.length;
    this.step = Math.max(1, whole.length);
  }
  byteAt(pos: number): number {
    return pos >= 0 && pos < this.length ? this.whole[pos]! : -1;
  }
  view(pos: number, n: number): Uint8Array {
    const from = Math.max(0, Math.min(pos, this.length));
    return this.whole.subarray(from, Math.min(this.length, from + Math.max(0, n)));
  }
  chunk(pos: number, max = Infinity): Uint8Array {
    return this.view(pos, Math.min(max, this.length));
  }
  indexOf(value: number, from: number): number {
    return from >= this.length ? -1 : this.whole.indexOf(value, Math.max(0, from));
  }
}

class WindowedInput implements CompressedInput {
  readonly length: number;
  private win: Uint8Array = new Uint8Array(0);
  private winStart = 0;

  constructor(
    private readonly src: ByteSource,
    private readonly windowBytes: number,
  ) {
    this.length = src.size;
  }

  get step(): number {
    return this.windowBytes;
  }

  byteAt(pos: number): number {
    const i = pos - this.winStart;
    if (i >= 0 && i < this.win.length) return this.win[i]!;
    if (pos < 0 || pos >= this.length) return -1;
    this.fill(pos, this.windowBytes);
    return this.win[0]!;
  }

  view(pos: number, n: number): Uint8Array {
    const from = Math.max(0, Math.min(pos, this.length));
    const to = Math.min(this.length, from + Math.max(0, n));
    if (from >= this.winStart && to <= this.winStart + this.win.length) {
      return this.win.subarray(from - this.winStart, to - this.winStart);
    }
    if (to - from > this.windowBytes) return this.readExactly(from, to - from);
    this.fill(from, this.windowBytes);
    return this.win.subarray(0, to - from);
  }

  chunk(pos: number, max = Infinity): Uint8Array {
    if (pos < 0 || pos >= this.length || !(max > 0)) return new Uint8Array(0);
    const i = pos - this.winStart;
    if (i < 0 || i >= this.win.length) this.fill(pos, this.windowBytes);
    const at = pos - this.winStart;
    return this.win.subarray(at, Math.min(this.win.length, at + max));
  }

  indexOf(value: number, from: number): number {
    for (let p = Math.max(0, from); p < this.length;) {
      const chunk = this.chunk(p);
      const i = chunk.indexOf(value);
      if (i >= 0) return p + i;
      p += chunk.length;
    }
    return -1;
  }

  /** A fresh window at `pos` (never written over: views handed out stay valid). */
  private fill(pos: number, n: number): void {
    this.win = this.readExactly(pos, Math.min(n, this.length - pos));
    this.winStart = pos;
  }

  private readExactly(pos: number, n: number): Uint8Array {
    let got: Uint8Array;
    let count: number;
    try {
      if (this.src.readInto) {
        const target = new Uint8Array(n);
        count = this.src.readInto(pos, target);
        got = target;
      } else {
        got = this.src.read(pos, n);
        count = got.length;
      }
    } catch (e) {
      throw new InputReadError(`reading the input at offset ${pos} failed: ${(e as Error).message}`, pos);
    }
    if (count < n) {
      throw new InputReadError(
        `the input ended at ${pos + count} of its ${this.length} bytes while it was read (it shrank or failed)`,
        pos + count,
      );
    }
    return got;
  }
}
