// A forward-moving window over a ByteSource for parsing runs of small records (central directory, local
// headers) without one read per field and without ever holding more than one chunk of the source.
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
      // Copy: FileSource returns views into a scratch buffer that its next read overwrites.
      this.buf = this.src.read(offset, Math.max(length, this.chunk)).slice();
      this.start = offset;
    }
    const o = offset - this.start;
    return this.buf.subarray(o, Math.min(this.buf.length, o + length));
  }
}

/** A private copy of up to `length` bytes at `offset`. */
export function readCopy(src: ByteSource, offset: number, length: number): Uint8Array {
  if (offset < 0 || offset >= src.size || length <= 0) return new Uint8Array(0);
  return src.read(offset, length).slice();
}
