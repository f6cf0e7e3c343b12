// A decoder's output steps copied into blocks: steps of a few bytes each (a stream of a million tiny frames or
// members) would otherwise cost an array object and its backing store per step wherever they are kept. Gathered, what
// is kept costs a few objects per block, whatever the step sizes, and each copy is a fresh array the caller may keep.

/** The size of a gathering block; a step at least this long is kept as its own copy. */
export const GATHER_BLOCK = 64 * 1024;

export class ChunkGatherer {
  private block: Uint8Array | undefined;
  private blockLength = 0;

  /** `emit` receives each finished piece: a fresh array, never written over later, never empty. */
  constructor(private readonly emit: (piece: Uint8Array) => void) {}

  /** Bytes held in the open block (not yet emitted). */
  get pending(): number {
    return this.blockLength;
  }

  /** Copies `chunk` (which may be a view written over later) into the output. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.block && this.blockLength + chunk.length <= this.block.length) {
      this.block.set(chunk, this.blockLength);
      this.blockLength += chunk.length;
      return;
    }
    this.flush();
    if (chunk.length >= GATHER_BLOCK) {
      this.emit(chunk.slice());
      return;
    }
    this.block = new Uint8Array(GATHER_BLOCK);
    this.block.set(chunk, 0);
    this.blockLength = chunk.length;
  }

  /**
   * Emits the open block. A block less than half full is copied to its length, so that a piece never holds much more
   * memory than bytes: every piece but a trimmed one is at least half a block, and a trimmed one is followed by a
   * step of at least a block (or is the last).
   */
  flush(): void {
    const block = this.block;
    if (!block || this.blockLength === 0) return;
    const n = this.blockLength;
    this.block = undefined;
    this.blockLength = 0;
    this.emit(n < block.length / 2 ? block.slice(0, n) : block.subarray(0, n));
  }
}
