// Data model of the 7z reader (7z-wasm, lazily loaded): entries as `7z l -slt` lists them, per-entry extraction
// results with typed errors, and anomalies as data.
import type { CorruptError, EncryptedError, LimitError, UnsupportedError } from '../../core/errors.js';
import type { StreamedEntry } from './streamed-entry.js';

export type SevenZipAnomalyCode = 'PATH_TRAVERSAL' | 'ABSOLUTE_PATH' | 'DUPLICATE_NAME' | 'SYMLINK_ENTRY';

export interface SevenZipAnomaly {
  code: SevenZipAnomalyCode;
  message: string;
  entry?: string;
}

export interface SevenZipEntry {
  /** Path as stored in the archive (7-Zip strips `..` and leading `/` when extracting; we report them). */
  name: string;
  /** Unpacked size from the listing. */
  size: number;
  /** Coder chain, e.g. `LZMA2:12`, `BZip2`, `LZMA2:12 7zAES:19`. */
  method: string;
  encrypted: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  /** Raw attribute string, e.g. `A -rw-r--r--`. */
  attributes: string;
  index: number;
}

export interface SevenZipListing {
  entries: SevenZipEntry[];
  anomalies: SevenZipAnomaly[];
}

export interface SevenZipFile {
  entry: SevenZipEntry;
  /** The entry's bytes, when it could be extracted within the limits. */
  data?: Uint8Array;
  /** An entry larger than the hold: checked once, read on demand (only during the hand-out). */
  streamed?: StreamedEntry;
  error?: LimitError | EncryptedError | UnsupportedError | CorruptError;
}

export interface SevenZipExtraction extends SevenZipListing {
  /** One result per file entry (directories and symlinks are listed, not extracted). */
  files: SevenZipFile[];
  /** Wall-clock milliseconds: module instantiation, listing, extraction. */
  timings: { initMs: number; listMs: number; extractMs: number };
}

export interface SevenZipOptions {
  maxEntries: number;
  /** Per-entry cap, checked against the listed size before extraction (LimitError('maxEntryBytes')). */
  maxEntryBytes: number;
  /** Cap on the sum of extracted sizes (LimitError('maxTotalBytes') for the entries past it). */
  maxTotalBytes?: number;
  /** Entries larger than this are streamed, never held (default: the batch hold, 256 MiB). */
  streamAboveBytes?: number;
  /** Wasm memory 7-Zip may use in the scanning thread / in a streaming worker (defaults 224 / 320 MiB; tests lower). */
  runtimeMemoryCap?: number;
  workerMemoryCap?: number;
  /** Absolute deadline (ms since epoch) for extracting streamed entries (LimitError('maxFileSeconds')). */
  deadline?: number;
}
