// Data model of the tamper-aware ZIP reader: entries as the central directory (and, for hidden entries, the
// local headers) describe them, and anomalies wherever a lenient loader and a strict reader could disagree.

/**
 * Structural disagreements and red flags, reported as data (ARCHIVE-TAMPER evidence). zip64 records, data
 * descriptors, the "FB" alignment-padding extra field and stored entries are normal in torch.save files and are
 * NOT anomalies; they are counted in {@link ZipInfoFacts}.
 */
export type ZipAnomalyCode =
  | 'PREPENDED_DATA'
  | 'TRAILING_DATA'
  | 'COMMENT_LENGTH_MISMATCH'
  | 'MULTI_DISK'
  | 'ZIP64_LOCATOR_MISMATCH'
  | 'ZIP64_EOCD_MISMATCH'
  | 'CENTRAL_DIRECTORY_COUNT_MISMATCH'
  | 'LOCAL_HEADER_MISSING'
  | 'LOCAL_CENTRAL_NAME_MISMATCH'
  | 'LOCAL_CENTRAL_METHOD_MISMATCH'
  | 'LOCAL_CENTRAL_SIZE_MISMATCH'
  | 'LOCAL_CENTRAL_CRC_MISMATCH'
  | 'LOCAL_CENTRAL_FLAGS_MISMATCH'
  | 'DATA_DESCRIPTOR_MISMATCH'
  | 'STORED_SIZE_MISMATCH'
  | 'ENTRY_TRUNCATED'
  | 'ENCRYPTED_FLAG'
  | 'STRONG_ENCRYPTION_FLAG'
  | 'UNUSUAL_FLAGS'
  | 'UNSUPPORTED_METHOD'
  | 'DECODER_NOTE'
  | 'CORRUPT_EXTRA_FIELD'
  | 'NAME_ENCODING_ERROR'
  | 'NAME_CONTAINS_NUL'
  | 'DUPLICATE_NAME'
  | 'OVERLAPPING_ENTRIES'
  | 'PATH_TRAVERSAL'
  | 'ABSOLUTE_PATH'
  | 'SYMLINK_ENTRY'
  | 'UNLISTED_LOCAL_ENTRY'
  | 'UNREFERENCED_BYTES'
  // Reported by openEntry while reading the data:
  | 'CRC_MISMATCH'
  | 'UNCOMPRESSED_SIZE_MISMATCH'
  | 'DEFLATE_TRUNCATED';

export interface ZipAnomaly {
  code: ZipAnomalyCode;
  message: string;
  /** Entry name (central name; local name for hidden entries). */
  entry?: string;
  /** Absolute byte offset in the source where the disagreement sits. */
  offset?: number;
}

export interface ZipEntry {
  /** Central-directory name decoded as zipfile does (UTF-8 with flag bit 11, else cp437); NULs kept. */
  name: string;
  rawName: Uint8Array;
  /** Local-header name when the local header was read (equal to `name` unless tampered). */
  localName?: string;
  /** Compression method from the central directory (what zipfile and miniz use). */
  method: number;
  localMethod?: number;
  /** General-purpose flags from the central directory; `localFlags` from the local header. */
  flags: number;
  localFlags?: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Absolute offset of the local header in the source (zipfile's rebased `header_offset`). */
  localHeaderOffset: number;
  /** Absolute offset of the entry data: local header + 30 + local name length + local extra length. */
  dataOffset: number;
  /** Offset just past the data and its data descriptor (when present). */
  endOffset: number;
  /** False when no local header was found at the recorded offset: the entry cannot be opened. */
  hasLocalHeader: boolean;
  hasDataDescriptor: boolean;
  /** zip64 extra field present in the central record. */
  zip64: boolean;
  /** "FB" alignment-padding extra field (torch.save) present in the local header. */
  paddingExtra: boolean;
  externalAttributes: number;
  versionMadeBy: number;
  isDirectory: boolean;
  isSymlink: boolean;
  /** A local entry that the central directory does not list (found in a gap); loaders never read it. */
  hidden?: boolean;
  /**
   * The local header was not read while listing (a torch storage record on a source that answers one range per
   * request); `dataOffset` assumes an empty extra field until the entry is opened (readLocalOnOpen).
   */
  localUnread?: boolean;
  /** Position in `entries` (central entries first, in directory order, then hidden entries). */
  index: number;
}

/** Informational facts (not anomalies). */
export interface ZipInfoFacts {
  dataDescriptorEntries: number;
  paddingExtraEntries: number;
  storedEntries: number;
  deflatedEntries: number;
  zip64ExtraEntries: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  anomalies: ZipAnomaly[];
  /** Bytes before the first zip structure (SFX stub, polyglot prefix, junk); scan them as their own source. */
  prefixBytes: number;
  /** Amount added to every stored offset (zipfile's `concat`); 0 when offsets are absolute. */
  offsetShift: number;
  /** Bytes after the end-of-central-directory record and its comment. */
  trailingBytes: number;
  zip64: boolean;
  comment: string;
  centralDirectoryOffset: number;
  centralDirectorySize: number;
  /** Offset of the end-of-central-directory record. */
  eocdOffset: number;
  facts: ZipInfoFacts;
  /** Facts about what was read (not findings), for the file's notes. */
  notes?: string[];
}

/** Compression method numbers and names (APPNOTE 4.4.5). */
export const ZIP_METHOD_NAMES: Readonly<Record<number, string>> = {
  0: 'stored',
  1: 'shrink',
  6: 'implode',
  8: 'deflate',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  98: 'ppmd',
  99: 'aes',
};

export function zipMethodName(method: number): string {
  return ZIP_METHOD_NAMES[method] ?? `method-${method}`;
}
