// Data model of the tar reader: members as CPython's tarfile lists them, members only a resyncing reader would
// find (after a bad checksum or the end-of-archive blocks) marked hidden, and anomalies as data.

export type TarAnomalyCode =
  | 'SYMLINK_ENTRY'
  | 'HARDLINK_ENTRY'
  | 'DEVICE_ENTRY'
  | 'PATH_TRAVERSAL'
  | 'ABSOLUTE_PATH'
  | 'DUPLICATE_NAME'
  | 'BAD_CHECKSUM'
  | 'INVALID_HEADER'
  | 'TRAILING_DATA'
  | 'HIDDEN_MEMBER'
  | 'SPARSE_ENTRY'
  | 'TRUNCATED_ARCHIVE'
  | 'NONREGULAR_WITH_SIZE';

export interface TarAnomaly {
  code: TarAnomalyCode;
  message: string;
  entry?: string;
  offset?: number;
}

export type TarEntryType =
  | 'file'
  | 'contiguous'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'char-device'
  | 'block-device'
  | 'fifo'
  | 'sparse'
  /** A typeflag tarfile does not know: its data is skipped like a regular file's. */
  | 'unknown';

export interface TarEntry {
  /** Name after ustar prefix, GNU long-name and pax `path` processing, as tarfile reports it. */
  name: string;
  /** Bytes the name was decoded from (header field, GNU long-name data or pax value). */
  rawName: Uint8Array;
  /** The header's typeflag character ('0', '\0', '5', 'S', …). */
  typeflag: string;
  type: TarEntryType;
  /** Member size as tarfile reports it (pax `size`, GNU sparse real size). */
  size: number;
  /** Absolute offset of the member's data. */
  dataOffset: number;
  /** Bytes of stored data that openTarEntry returns (0 for links, directories and devices). */
  dataLength: number;
  /** Offset of the member's first header block (its pax or GNU long-name header when it has one). */
  headerOffset: number;
  linkName?: string;
  mode: number;
  mtime: number;
  paxHeaders?: Record<string, string>;
  /** Not listed by tarfile: found after a bad header or after the end-of-archive marker. */
  hidden?: boolean;
  index: number;
}

export interface TarArchive {
  entries: TarEntry[];
  anomalies: TarAnomaly[];
  /** Offset of the first all-zero block that ends the archive for tarfile, or -1 when there is none. */
  endOfArchive: number;
}
