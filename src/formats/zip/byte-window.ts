// A forward-moving window over a ByteSource for parsing runs of small records (central directory, local
// headers) without one read per field and without ever holding more than one chunk of the source.
import type { Location } from '../../core/location.js';
import type { ByteSource } from '../../sources/byte-source.js';

/** Copies bytes out of a source in chunks; returned views stay valid until the next `get` that refills. */
export class ByteWindow {
  private start = 0;
  private buf: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly src: ByteSource,
    private readonly chunk = 1024 * 1024,
  ) {}

  /** Up to `length` bytes at `offset` (fewer only at the end of the source). */
  get(offset: number, length: number): Uint8Array {
    if (offset < this.start || offset + length > this.start + this.buf.length) {
      // A Buffer is kept as it is (a file source returns a fresh one per read) and a plain Uint8Array is copied (a
      // source may return a view into a buffer its next read reuses). Either way held as a plain Uint8Array: a
      // Buffer's subarray, taken per record, is a JavaScript function of node:buffer, the typed array's a builtin.
      const r = this.src.read(offset, Math.max(length, this.chunk));
      this.buf = Buffer.isBuffer(r) ? new Uint8Array(r.buffer, r.byteOffset, r.byteLength) : r.slice();
      this.start = offset;
    }
    const o = offset - this.start;
    return this.buf.subarray(o, Math.min(this.buf.length, o + length));
  }
}

/**
 * A source read through one small reused buffer, for walking the local headers of a zip on disk: an entry's header,
 * its data descriptor when the data is small, and the next entry's header right after a descriptor usually sit in
 * one window, so a checkpoint with hundreds of entries costs about one read call per entry instead of three, and no
 * allocation per read. Returned bytes are only valid until the next read: callers copy (readCopy) what they keep.
 */
export class WindowedSource implements ByteSource {
  readonly location: Location;
  readonly size: number;
  private readonly buf: Uint8Array;
  private start = 0;
  private filled = 0;

  constructor(
    private readonly src: ByteSource,
    chunk: number,
  ) {
    this.location = src.location;
    this.size = src.size;
    this.buf = new Uint8Array(chunk);
  }

  read(offset: number, length: number): Uint8Array {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(length, this.size - o));
    if (o >= this.start && o + n <= this.start + this.filled)
      return this.buf.subarray(o - this.start, o - this.start + n);
    if (n > this.buf.length || !this.src.readInto) return this.src.read(o, n);
    this.start = o;
    this.filled = this.src.readInto(o, this.buf.subarray(0, Math.min(this.buf.length, this.size - o)));
    return this.buf.subarray(0, Math.min(n, this.filled));
  }
}

/** A private copy of up to `length` bytes at `offset`. */
export function readCopy(src: ByteSource, offset: number, length: number): Uint8Array {
  if (offset < 0 || offset >= src.size || length <= 0) return new Uint8Array(0);
  return src.read(offset, length).slice();
}
