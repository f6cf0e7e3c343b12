// Bytes held in memory as a list of chunks (a decoder's output kept step by step): read without joining them into
// one buffer, so holding an output costs its size once, not twice while it is joined.
import type { Location } from '../core/location.js';
import type { ByteSource } from './byte-source.js';

export class ChunkListSource implements ByteSource {
  readonly size: number;
  /** `starts[i]` is the offset of `chunks[i]`; chunks are contiguous and non-empty. */
  private readonly starts: number[] = [];
  private readonly chunks: Uint8Array[] = [];

  constructor(
    readonly location: Location,
    chunks: readonly Uint8Array[],
  ) {
    let at = 0;
    for (const c of chunks) {
      if (c.length === 0) continue;
      this.starts.push(at);
      this.chunks.push(c);
      at += c.length;
    }
    this.size = at;
  }

  /** The index of the chunk holding byte `offset` (0 ≤ offset < size). */
  private chunkAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  read(offset: number, length: number): Uint8Array {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(length, this.size - o));
    if (n === 0) return new Uint8Array(0);
    const i = this.chunkAt(o);
    const from = o - this.starts[i]!;
    const c = this.chunks[i]!;
    if (from + n <= c.length) return c.subarray(from, from + n);
    const out = new Uint8Array(n);
    this.readInto(o, out);
    return out;
  }

  readInto(offset: number, target: Uint8Array): number {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(target.length, this.size - o));
    let copied = 0;
    for (let i = n > 0 ? this.chunkAt(o) : this.chunks.length; copied < n && i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      const from = o + copied - this.starts[i]!;
      const part = c.subarray(from, Math.min(c.length, from + n - copied));
      target.set(part, copied);
      copied += part.length;
    }
    return copied;
  }
}
