// The first and last KEPT_END_BYTES of a stream's output, kept while a counting pass drops the rest: they serve format
// sniffing and end-of-file records of outputs read again on demand (RedecodedSource).

/** How much of the output is kept at each end. */
export const KEPT_END_BYTES = 1024 * 1024;

export class KeptEnds {
  private headParts: Uint8Array[] = [];
  private headLength = 0;
  /** The last KEPT_END_BYTES of output: a ring of chunks. */
  private tailParts: Uint8Array[] = [];
  private tailLength = 0;

  /**
   * Keeps what `chunk` adds to either end. `stable`: the chunk is never written over later, so views are kept;
   * otherwise the kept parts are copied.
   */
  keep(chunk: Uint8Array, stable: boolean): void {
    if (this.headLength < KEPT_END_BYTES) {
      const part = chunk.subarray(0, KEPT_END_BYTES - this.headLength);
      this.headParts.push(stable ? part : part.slice());
      this.headLength += part.length;
    }
    const part = chunk.length > KEPT_END_BYTES ? chunk.subarray(chunk.length - KEPT_END_BYTES) : chunk;
    this.tailParts.push(stable ? part : part.slice());
    this.tailLength += part.length;
    while (this.tailParts.length > 1 && this.tailLength - this.tailParts[0]!.length >= KEPT_END_BYTES) {
      this.tailLength -= this.tailParts.shift()!.length;
    }
  }

  /** The first KEPT_END_BYTES of output. */
  head(): Uint8Array {
    return Buffer.concat(this.headParts, this.headLength);
  }

  /** The last min(length, KEPT_END_BYTES) bytes of output. */
  tail(): Uint8Array {
    const all = Buffer.concat(this.tailParts, this.tailLength);
    return all.subarray(Math.max(0, all.length - KEPT_END_BYTES));
  }
}
