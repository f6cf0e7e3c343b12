// Growable, capped output for every decoder: holds all decoded bytes (which also serve as the LZMA/LZ4
// dictionary window) and throws LimitError the moment the output passes maxEntryBytes or maxRatio.
import { constants as bufferConstants } from 'node:buffer';
import { LimitError } from '../../core/errors.js';

/** Budgets of one decompression (see `DecompressOptions` in index.ts). */
export interface OutputLimits {
  maxOutputBytes: number;
  maxRatio?: number;
  ratioGraceBytes?: number;
}

const MIN_CAPACITY = 64 * 1024;
const MAX_INITIAL_CAPACITY = 16 * 1024 * 1024;
/** The largest single buffer this runtime can allocate. */
const MAX_BUFFER = bufferConstants.MAX_LENGTH;

/** Output bytes of one decompression; `buf[0, length)` is valid. Decoders may write into `buf` directly after `reserve`. */
export class OutputBuffer {
  buf: Uint8Array;
  length = 0;
  /** Largest total output allowed: min(maxOutputBytes, max(ratioGraceBytes, inputLength × maxRatio)). */
  readonly limit: number;
  private readonly ratioLimit: number;

  constructor(
    private readonly limits: OutputLimits,
    private readonly inputLength: number,
    /** Exact output size when a counting pass measured it: one buffer of that size (within the limit). */
    exactSize?: number,
  ) {
    // NaN budgets fail closed (as 0) rather than disabling the check.
    const max = Number.isNaN(limits.maxOutputBytes) ? 0 : Math.max(0, Math.floor(limits.maxOutputBytes));
    const grace = Math.max(0, limits.ratioGraceBytes || 0);
    const byRatio = Math.floor(inputLength * (limits.maxRatio ?? Infinity));
    this.ratioLimit = limits.maxRatio === undefined ? Infinity : Math.max(grace, Number.isNaN(byRatio) ? 0 : byRatio);
    this.limit = Math.min(max, this.ratioLimit, MAX_BUFFER);
    this.buf = new Uint8Array(
      exactSize !== undefined
        ? Math.min(this.limit, Math.max(0, exactSize))
        : Math.min(this.limit, Math.max(MIN_CAPACITY, Math.min(MAX_INITIAL_CAPACITY, inputLength * 4))),
    );
  }

  /** Makes room for `n` more bytes; throws LimitError when the total would pass a limit. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need > this.buf.length) this.grow(need);
  }

  /** Appends bytes. */
  push(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.buf.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** Appends bytes; takes `chunk` itself as the buffer when nothing is held yet (no copy; the caller gives it up). */
  append(chunk: Uint8Array): void {
    if (this.length === 0 && chunk.length > MIN_CAPACITY) {
      if (chunk.length > this.limit) throw this.limitError(chunk.length);
      this.buf = chunk;
      this.length = chunk.length;
      return;
    }
    this.push(chunk);
  }

  pushByte(b: number): void {
    if (this.length >= this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = b;
  }

  /** Drops output after `length` (used when a decoder must discard a partial unit). */
  truncate(length: number): void {
    if (length < this.length) this.length = Math.max(0, length);
  }

  /** The decoded bytes, without spare capacity beyond a quarter of the length. */
  result(): Uint8Array {
    if (this.buf.length - this.length > this.length / 4) return this.buf.slice(0, this.length);
    return this.buf.subarray(0, this.length);
  }

  private grow(need: number): void {
    if (need > this.limit) throw this.limitError(need);
    const next = Math.min(this.limit, Math.max(need, this.buf.length * 2, MIN_CAPACITY));
    const bigger = new Uint8Array(next);
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  /**
   * The LimitError for an output of `total` bytes (names maxEntryBytes before maxRatio); `spent` is how many bytes
   * were decoded before the limit stopped it (default: those held here).
   */
  limitError(total: number, spent = this.length): LimitError {
    if (total > this.limits.maxOutputBytes) {
      return new LimitError(
        'maxEntryBytes',
        `decompressed output exceeds maxEntryBytes (${this.limits.maxOutputBytes} bytes)`,
        spent,
      );
    }
    if (total <= this.ratioLimit) {
      return new LimitError(
        'maxEntryBytes',
        `decompressed output exceeds the largest buffer (${MAX_BUFFER} bytes)`,
        spent,
      );
    }
    return new LimitError(
      'maxRatio',
      `decompression ratio exceeds maxRatio ${this.limits.maxRatio ?? Infinity} ` +
        `(over ${total} bytes out of ${this.inputLength} compressed, grace ${this.limits.ratioGraceBytes ?? 0} bytes)`,
      spent,
    );
  }
}
