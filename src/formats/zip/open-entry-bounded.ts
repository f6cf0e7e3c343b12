// Opens a deflated zip entry under a memory bound: an entry that may inflate past `holdBytes` is counted first
// (nothing held; a bomb ends at the limit), then inflated into one buffer of the counted size, or — when larger
// than holdBytes — returned as an InflatedSource that inflates it again on demand. The compressed data is read in
// windows (never copied whole) unless the archive is in memory. Everything else is openEntry.
import { CorruptError, EncryptedError, LimitError } from '../../core/errors.js';
import { child, entrySegment } from '../../core/location.js';
import { compressedInput } from '../compression/compressed-input.js';
import { CountingSink, inflatedSource } from '../compression/deflate-sink.js';
import { HOLD_BYTES, MAX_DEFLATE_RATIO } from '../compression/decompress-source.js';
import { SliceSource, type ByteSource } from '../../sources/byte-source.js';
import { ChunkListSource } from '../../sources/chunk-list-source.js';
import { FLAG_ENCRYPTED } from './entry-checks.js';
import { readLocalOnOpen } from './read-zip.js';
import {
  crcMessage,
  deflateLimit,
  inflateNotes,
  openEntry,
  type OpenEntryOptions,
  type OpenedEntry,
} from './open-entry.js';
import type { ZipAnomaly, ZipArchive, ZipEntry } from './zip-types.js';

/** openEntry for any entry, with deflated entries that may inflate past `holdBytes` never held whole. */
export async function openEntryBounded(
  src: ByteSource,
  zip: ZipArchive,
  e: ZipEntry,
  opts: OpenEntryOptions,
  holdBytes = HOLD_BYTES,
): Promise<OpenedEntry> {
  readLocalOnOpen(src, e);
  const length = Math.max(0, Math.min(e.compressedSize, src.size - e.dataOffset));
  const encrypted = ((e.flags | (e.localFlags ?? 0)) & FLAG_ENCRYPTED) !== 0;
  if (e.method !== 8 || !e.hasLocalHeader || zip.entries[e.index] !== e || length * MAX_DEFLATE_RATIO <= holdBytes)
    return openEntry(src, zip, e, opts);
  const { limit, ratioCap, cap, sizeKnown } = deflateLimit(e, length, opts);
  const location = child(src.location, entrySegment(e.name));
  const input = compressedInput(new SliceSource(location, src, e.dataOffset, length));
  const which = ratioCap < cap ? 'maxRatio' : 'maxEntryBytes';
  // An archive not in memory is not read twice: the counted output is kept while it fits in holdBytes.
  const sink = new CountingSink(
    (total) => {
      if (total > limit)
        throw new LimitError(
          which,
          `zip entry ${JSON.stringify(e.name)} inflates past ${limit} bytes (${which})`,
          limit,
        );
    },
    false,
    src.bytes ? 0 : holdBytes,
  );
  const end = await sink.inflate(input, 0);
  // As openEntry: flag 0x1 with data that does not inflate cleanly is encryption; other bad data is corrupt.
  if (end.kind !== 'end' && encrypted) {
    throw new EncryptedError(
      `zip entry ${JSON.stringify(e.name)} is encrypted (flag 0x1 and the data is not valid deflate)`,
    );
  }
  if (end.kind === 'corrupt')
    throw new CorruptError(`zip entry ${JSON.stringify(e.name)}: invalid deflate data (${end.message})`, e.dataOffset);
  if (sink.length <= holdBytes && src.bytes) return openEntry(src, zip, e, { ...opts, sizeHint: sink.length });
  const anomalies: ZipAnomaly[] = [];
  const note = (code: ZipAnomaly['code'], message: string): void => {
    anomalies.push({ code, message, entry: e.name, offset: e.dataOffset });
  };
  const truncated = end.kind === 'truncated';
  inflateNotes(e, note, { compressed: length, inflated: sink.length, truncated, encrypted, sizeKnown });
  const checkCrc = !(e.hidden && e.hasDataDescriptor && e.crc32 === 0);
  if (checkCrc && sink.lastCrc32() !== e.crc32) note('CRC_MISMATCH', crcMessage(sink.lastCrc32(), e.crc32));
  const source =
    sink.length <= holdBytes
      ? new ChunkListSource(location, sink.kept ?? [])
      : await inflatedSource(location, input, sink);
  return { source, anomalies, crcChecked: checkCrc };
}
