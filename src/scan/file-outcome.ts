// What scanning one top-level file yields: its findings, pickle verdicts, errors and summary, as plain
// structured-cloneable data (it crosses from a worker thread to the main thread), plus per-file summaries that
// cross-file phases read after the walk.
import type { FileSummary, Finding, PickleVerdict, ScanError } from '../core/finding.js';
import type { ShardDigests } from '../sources/file-digest.js';

export interface FileOutcome {
  /** The path as walked (the first segment of every location in it). */
  readonly path: string;
  readonly findings: Finding[];
  readonly pickles: PickleVerdict[];
  readonly errors: ScanError[];
  /** Absent for paths that were not read (walk errors, skipped symlinks and special files). */
  readonly file?: FileSummary;
  /** A pickle in the file names files beside it (joblib < 0.10 companions): the outcome depends on its folder. */
  readonly readsBeside?: true;
  /**
   * Facts a cross-file phase needs about this file (see post-walk.ts), keyed by phase id. Plain
   * structured-cloneable data (no functions or class instances) that does not name the file's own path (an outcome
   * is re-targeted to every path naming the same content).
   */
  readonly summaries?: Readonly<Record<string, unknown>>;
  /**
   * The whole-file SHA-256 the scan took while reading a local file, with the identity of the file it was taken of
   * (device and inode, size, modification and change times at open; the file did not change while it was read), so
   * that signature verification can use it instead of reading the file again (scan/digest-board.ts).
   */
  readonly content?: ContentDigest;
}

/** A whole-file SHA-256 and the identity of the file it is the digest of. */
export interface ContentDigest {
  /** `dev:ino`. */
  readonly id: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly sha256: string;
  /** Digests of fixed-size shards of the same bytes, taken in the same read (an OMS `shards` signature's plan). */
  readonly shards?: ShardDigests;
}
