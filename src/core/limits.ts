// Scan budgets. Every limit is configurable; hitting one yields SCAN-INCOMPLETE (or PICKLE-STRUCT for
// pickle VM limits) naming the limit. Defaults are chosen so that real checkpoints of many GB scan fully.

/** Scan budgets; hitting one is a finding (SCAN-INCOMPLETE or PICKLE-STRUCT), never a pass. */
export interface Limits {
  /** Container nesting depth (zip in tar in gzip … counts each layer). */
  maxDepth: number;
  /** Bytes decompressed into memory for one entry or compressed stream. */
  maxEntryBytes: number;
  /** Decompressed bytes summed over everything below one top-level file. */
  maxTotalBytes: number;
  /** Output/input ratio of one decompression, checked once the output exceeds `ratioGraceBytes`. */
  maxRatio: number;
  ratioGraceBytes: number;
  /** Entries listed in one container. */
  maxEntries: number;
  /** Wall-clock seconds per top-level file. */
  maxFileSeconds: number;
  /** Opcodes executed by the pickle VM per stream. */
  maxOpcodes: number;
  /** Symbolic stack depth of the pickle VM. */
  maxStackDepth: number;
  /** Memo entries of the pickle VM. */
  maxMemoEntries: number;
  /**
   * Pickles nested inside pickles whose bytes the stream derives (decoded, decompressed, built by a call); bytes
   * literals of the stream handed to a nested loader are bounded by the VM's fact caps (fact-log.ts).
   */
  maxNestedPickles: number;
  /** Stacked pickles read from one stream. */
  maxStackedPickles: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxDepth: 10,
  maxEntryBytes: 1024 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  maxRatio: 1000,
  ratioGraceBytes: 64 * 1024 * 1024,
  maxEntries: 100_000,
  maxFileSeconds: 300,
  maxOpcodes: 2_000_000_000,
  maxStackDepth: 1_000_000,
  // Below V8's Map size limit (2^24 entries), which sparse memo keys would otherwise reach first.
  maxMemoEntries: 16_000_000,
  maxNestedPickles: 16,
  maxStackedPickles: 10_000,
});

/** Documented names and units, for `--help`, docs and policy validation. */
export const LIMIT_DOCS: Record<keyof Limits, string> = {
  maxDepth: 'container nesting depth (layers)',
  maxEntryBytes: 'bytes decompressed into memory for one entry or stream',
  maxTotalBytes: 'decompressed bytes summed over one top-level file',
  maxRatio: 'decompression output/input ratio (after ratioGraceBytes of output)',
  ratioGraceBytes: 'output bytes before the ratio limit applies',
  maxEntries: 'entries in one container',
  maxFileSeconds: 'wall-clock seconds per top-level file',
  maxOpcodes: 'pickle opcodes executed per stream',
  maxStackDepth: 'pickle VM stack depth',
  maxMemoEntries: 'pickle VM memo entries',
  maxNestedPickles: 'pickles nested inside pickles',
  maxStackedPickles: 'stacked pickles read from one stream',
};
