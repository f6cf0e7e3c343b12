// Opens one zip entry the way the lenient loaders read it: data at the local header's data offset, length and
// method from the central directory, CRC checked but never enforced (torch/miniz skip it; it becomes an anomaly).
import { zlib } from '../../core/builtins.js';
import { CorruptError, EncryptedError, LimitError, UnsupportedError } from '../../core/errors.js';
import { child, entrySegment } from '../../core/location.js';
import { MemorySource, SliceSource, readAll, type ByteSource } from '../../sources/byte-source.js';
import { crc32 } from './crc32.js';
import { FLAG_ENCRYPTED } from './entry-checks.js';
import { FLAG_DATA_DESCRIPTOR } from './local-header.js';
import { readLocalOnOpen } from './read-zip.js';
import type { DecompressOptions } from '../compression/result.js';
import type { ZipAnomaly, ZipArchive, ZipEntry } from './zip-types.js';
import { zipMethodName } from './zip-types.js';

/** Traditional PKWARE encryption prefixes the data with a 12-byte header (APPNOTE 6.1.3). */
const PKWARE_HEADER = 12;
const METHOD_AES = 99;
const DEFAULT_MAX_CRC_BYTES = 256 * 1024 * 1024;

export interface OpenEntryOptions {
  /** Cap on decompressed bytes held in memory; exceeding it throws LimitError('maxEntryBytes'). */
  maxOutputBytes: number;
  /** Output/input ratio cap, applied once the output exceeds `ratioGraceBytes`; LimitError('maxRatio'). */
  maxRatio?: number;
  ratioGraceBytes?: number;
  /** Stored entries larger than this are returned without a CRC check (it would read them in full). */
  maxCrcBytes?: number;
  /** Exact inflated size measured by a counting pass: inflated into one buffer of that size. */
  sizeHint?: number;
}

/** Decoder for a method beyond stored/deflate: the entry's raw data in, all decoded bytes and notes out. */
export type ZipMethodDecoder = (
  data: Uint8Array,
  e: ZipEntry,
  opts: DecompressOptions,
) => { bytes: Uint8Array; notes: string[] };

const extraMethods = new Map<number, ZipMethodDecoder>();

/** Adds a decoder (extra-methods.ts registers bzip2 and LZMA when it is loaded). */
export function registerZipMethod(method: number, decoder: ZipMethodDecoder): void {
  extraMethods.set(method, decoder);
}

/** Methods that need a decoder module loaded first (the zip expander loads it on demand). */
export const LAZY_METHODS: ReadonlySet<number> = new Set([12, 14]);

export interface OpenedEntry {
  /** Stored: a zero-copy slice of the archive. Deflate: the inflated bytes. Location: parent!/name. */
  source: ByteSource;
  /** Disagreements found while reading: CRC_MISMATCH, UNCOMPRESSED_SIZE_MISMATCH, DEFLATE_TRUNCATED, ENCRYPTED_FLAG. */
  anomalies: ZipAnomaly[];
  crcChecked: boolean;
}

/**
 * Reads entry `e` of `zip`. Stored entries come back as slices, deflated ones inflated under the output cap.
 * Throws EncryptedError when the data is really encrypted (flag 0x1 and the bytes do not decode as the method
 * says, or a stored entry carries a PKWARE header), UnsupportedError for methods other than stored/deflate,
 * LimitError for output caps and CorruptError for undecodable deflate data or a missing local header.
 */
export function openEntry(src: ByteSource, zip: ZipArchive, e: ZipEntry, opts: OpenEntryOptions): OpenedEntry {
  readLocalOnOpen(src, e);
  if (!e.hasLocalHeader)
    throw new CorruptError(`zip entry ${JSON.stringify(e.name)} has no local header`, e.localHeaderOffset);
  if (zip.entries[e.index] !== e)
    throw new CorruptError(`zip entry ${JSON.stringify(e.name)} does not belong to this archive`);
  const location = child(src.location, entrySegment(e.name));
  const encrypted = ((e.flags | (e.localFlags ?? 0)) & FLAG_ENCRYPTED) !== 0;
  const anomalies: ZipAnomaly[] = [];
  const note = (code: ZipAnomaly['code'], message: string): void => {
    anomalies.push({ code, message, entry: e.name, offset: e.dataOffset });
  };
  const length = Math.max(0, Math.min(e.compressedSize, src.size - e.dataOffset));
  const checkCrc = !(e.hidden && e.hasDataDescriptor && e.crc32 === 0);

  if (e.method === 0) {
    if (encrypted && e.compressedSize === e.uncompressedSize + PKWARE_HEADER) {
      throw new EncryptedError(
        `zip entry ${JSON.stringify(e.name)} is encrypted (stored data carries a 12-byte PKWARE header)`,
      );
    }
    const source = new SliceSource(location, src, e.dataOffset, length);
    if (encrypted)
      note(
        'ENCRYPTED_FLAG',
        'encryption flag set but the stored data is plain (sizes leave no room for an encryption header); read as torch reads it',
      );
    let crcChecked = false;
    if (checkCrc && length <= (opts.maxCrcBytes ?? DEFAULT_MAX_CRC_BYTES)) {
      crcChecked = true;
      let c = 0;
      for (let o = 0; o < length; o += 1024 * 1024) c = crc32(source.read(o, 1024 * 1024), c);
      if (c !== e.crc32) note('CRC_MISMATCH', crcMessage(c, e.crc32));
    }
    return { source, anomalies, crcChecked };
  }

  const extra = extraMethods.get(e.method);
  if (extra !== undefined && !encrypted) return decodeExtra(src, e, location, length, extra, opts, checkCrc);
  if (e.method !== 8) {
    if (e.method === METHOD_AES || encrypted) {
      throw new EncryptedError(
        `zip entry ${JSON.stringify(e.name)} is encrypted (method ${e.method}, ${zipMethodName(e.method)})`,
      );
    }
    const name = zipMethodName(e.method);
    throw new UnsupportedError(
      `zip entry ${JSON.stringify(e.name)} uses compression method ${e.method} (${name})`,
      `zip-method-${name}`,
    );
  }

  const { limit, ratioCap, cap, sizeKnown } = deflateLimit(e, length, opts);
  const input = readAll(new SliceSource(location, src, e.dataOffset, length));
  let out: Buffer;
  let truncated = false;
  try {
    // A measured size (openEntryBounded's counting pass) inflates into one buffer of that size: held once.
    const chunkSize = opts.sizeHint === undefined ? undefined : Math.max(64, Math.min(limit, opts.sizeHint + 1));
    out = zlib().inflateRawSync(input, { maxOutputLength: limit, ...(chunkSize ? { chunkSize } : {}) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      const which = ratioCap < cap ? 'maxRatio' : 'maxEntryBytes';
      throw new LimitError(which, `zip entry ${JSON.stringify(e.name)} inflates past ${limit} bytes (${which})`, limit);
    }
    if (encrypted) {
      throw new EncryptedError(
        `zip entry ${JSON.stringify(e.name)} is encrypted (flag 0x1 and the data is not valid deflate)`,
      );
    }
    if (code !== 'Z_BUF_ERROR') {
      throw new CorruptError(
        `zip entry ${JSON.stringify(e.name)}: invalid deflate data (${(err as Error).message})`,
        e.dataOffset,
      );
    }
    // The stream ends before its final block: zipfile returns what inflated so far, so do the same.
    try {
      out = zlib().inflateRawSync(input, { maxOutputLength: limit, finishFlush: zlib().constants.Z_SYNC_FLUSH });
    } catch (err2) {
      if ((err2 as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new LimitError(
          'maxEntryBytes',
          `zip entry ${JSON.stringify(e.name)} inflates past ${limit} bytes`,
          limit,
        );
      }
      throw new CorruptError(
        `zip entry ${JSON.stringify(e.name)}: invalid deflate data (${(err2 as Error).message})`,
        e.dataOffset,
      );
    }
    truncated = true;
  }
  inflateNotes(e, note, { compressed: length, inflated: out.length, truncated, encrypted, sizeKnown });
  const data = new Uint8Array(out.buffer, out.byteOffset, out.length);
  if (checkCrc) {
    const c = crc32(data);
    if (c !== e.crc32) note('CRC_MISMATCH', crcMessage(c, e.crc32));
  }
  return { source: new MemorySource(location, data), anomalies, crcChecked: checkCrc };
}

/**
 * The notes an inflated deflate entry gets, in this order: a stream that ends without its final block (`truncated`,
 * partial output returned as zipfile does), the encryption flag on data that inflates as plain deflate, and an
 * inflated size other than the central directory's (when the directory's size is meaningful).
 */
export function inflateNotes(
  e: ZipEntry,
  note: (code: ZipAnomaly['code'], message: string) => void,
  r: { compressed: number; inflated: number; truncated: boolean; encrypted: boolean; sizeKnown: boolean },
): void {
  if (r.truncated) {
    note(
      'DEFLATE_TRUNCATED',
      `deflate stream ends without its final block after ${r.compressed} bytes; partial output (${r.inflated} bytes) returned as zipfile does`,
    );
  }
  if (r.encrypted)
    note('ENCRYPTED_FLAG', 'encryption flag set but the data inflates as plain deflate; read as torch reads it');
  if (r.sizeKnown && r.inflated !== e.uncompressedSize) {
    note(
      'UNCOMPRESSED_SIZE_MISMATCH',
      `inflated to ${r.inflated} bytes, central directory says ${e.uncompressedSize}: zipfile truncates to the declared size, miniz fails; all ${r.inflated} bytes returned`,
    );
  }
}

/** The output limit of deflated entry `e` (`length` compressed bytes); throws the refusals that need no inflating. */
export function deflateLimit(
  e: ZipEntry,
  length: number,
  opts: OpenEntryOptions,
): { limit: number; ratioCap: number; cap: number; sizeKnown: boolean } {
  const cap = opts.maxOutputBytes;
  if (length > cap + Math.ceil(cap / 1000) + 1024) {
    // Deflate never expands data by more than ~0.01%, so this much input must inflate past the cap.
    throw new LimitError(
      'maxEntryBytes',
      `zip entry ${JSON.stringify(e.name)}: ${length} compressed bytes exceed the ${cap}-byte output cap`,
    );
  }
  const sizeKnown = !(e.hidden && e.flags & FLAG_DATA_DESCRIPTOR && e.uncompressedSize === 0);
  if (sizeKnown && e.uncompressedSize > cap) {
    // Not inflated at all: a nested bomb's thousands of leaves would each cost a full cap of work and memory.
    throw new LimitError(
      'maxEntryBytes',
      `zip entry ${JSON.stringify(e.name)} declares ${e.uncompressedSize} bytes, more than the ${cap}-byte output cap`,
    );
  }
  const ratioCap =
    opts.maxRatio !== undefined
      ? Math.max(opts.ratioGraceBytes ?? 0, Math.floor(opts.maxRatio * Math.max(1, length)))
      : Infinity;
  if (sizeKnown && e.uncompressedSize > ratioCap) {
    // Likewise for the ratio: a nested bomb's leaves each inflated up to the ratio cap (~0.25 s per 256 MiB leaf)
    // before the limit stopped them, until maxTotalBytes ran out.
    throw new LimitError(
      'maxRatio',
      `zip entry ${JSON.stringify(e.name)} declares ${e.uncompressedSize} bytes from ${length} compressed bytes, ` +
        `past the ${ratioCap}-byte ratio cap (maxRatio ${opts.maxRatio})`,
    );
  }
  const limit = Math.max(1, Math.min(cap, ratioCap));
  return { limit, ratioCap, cap, sizeKnown };
}

function decodeExtra(
  src: ByteSource,
  e: ZipEntry,
  location: ReturnType<typeof child>,
  length: number,
  decoder: ZipMethodDecoder,
  opts: OpenEntryOptions,
  checkCrc: boolean,
): OpenedEntry {
  const anomalies: ZipAnomaly[] = [];
  const input = readAll(new SliceSource(location, src, e.dataOffset, length));
  const r = decoder(input, e, {
    maxOutputBytes: opts.maxOutputBytes,
    ...(opts.maxRatio !== undefined ? { maxRatio: opts.maxRatio } : {}),
    ...(opts.ratioGraceBytes !== undefined ? { ratioGraceBytes: opts.ratioGraceBytes } : {}),
  });
  for (const n of r.notes)
    anomalies.push({
      code: 'DECODER_NOTE',
      message: `${zipMethodName(e.method)}: ${n}`,
      entry: e.name,
      offset: e.dataOffset,
    });
  if (r.bytes.length !== e.uncompressedSize) {
    anomalies.push({
      code: 'UNCOMPRESSED_SIZE_MISMATCH',
      message: `decoded to ${r.bytes.length} bytes, central directory says ${e.uncompressedSize}`,
      entry: e.name,
      offset: e.dataOffset,
    });
  }
  if (checkCrc) {
    const c = crc32(r.bytes);
    if (c !== e.crc32)
      anomalies.push({ code: 'CRC_MISMATCH', message: crcMessage(c, e.crc32), entry: e.name, offset: e.dataOffset });
  }
  return { source: new MemorySource(location, r.bytes), anomalies, crcChecked: checkCrc };
}

export function crcMessage(actual: number, declared: number): string {
  return `data CRC-32 0x${actual.toString(16).padStart(8, '0')} != declared 0x${declared.toString(16).padStart(8, '0')}: zipfile raises BadZipFile, torch (miniz) does not check`;
}
