// Tamper-aware ZIP listing: end records, central directory, every local header, compared field by field, plus
// local entries hidden in gaps. Reads only the structures (never entry data), so a 5 GB checkpoint costs its
// central directory and local headers. Behaviour follows CPython zipfile and PyTorch's miniz reader.
import { CorruptError, LimitError } from '../../core/errors.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { readCopy, WindowedSource } from './byte-window.js';
import { readCentralDirectory, SIG_CENTRAL, type CentralRecord } from './central-directory.js';
import { EOCD_SIZE, ZIP64_LOCATOR_SIZE, readEndRecords } from './end-records.js';
import { entryAnomalies, isSymlinkMode } from './entry-checks.js';
import { scanGap } from './gap-scan.js';
import { u32 } from './little-endian.js';
import { FLAG_DATA_DESCRIPTOR, readDataDescriptor, readLocalHeader, type LocalHeader } from './local-header.js';
import { decodeEntryName, FLAG_UTF8, sameBytes } from './name-decoding.js';
import type { ZipAnomaly, ZipArchive, ZipEntry, ZipInfoFacts } from './zip-types.js';

export interface ReadZipOptions {
  /** Central plus hidden entries allowed before LimitError('maxEntries'). */
  maxEntries: number;
}

/** Bytes read at each local header (its fixed part, name and extra field, usually whole). */
export const LOCAL_WINDOW = 1024;

/**
 * Local extra-field bytes the window at a data descriptor allows for: the descriptor follows the entry's data, whose
 * start the local extra field moves (torch pads it to align the data on 64 bytes); a longer extra field is read
 * when the descriptor is.
 */
const DESCRIPTOR_SLACK = 256;

/**
 * The windows `readZip` reads besides its end records and central directory: one at every local header, and one at
 * the data descriptor of every entry whose central flags announce one (torch writes one after every record), from
 * where the descriptor sits with an empty local extra field.
 */
function structureWindows(
  records: readonly CentralRecord[],
  shift: number,
  skip?: ReadonlySet<CentralRecord>,
): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (const r of records) {
    if (skip?.has(r)) continue;
    const local = r.storedLocalOffset + shift;
    out.push({ offset: local, length: LOCAL_WINDOW });
    if (r.flags & FLAG_DATA_DESCRIPTOR)
      out.push({ offset: local + 30 + r.rawName.length + r.compressedSize, length: LOCAL_WINDOW + DESCRIPTOR_SLACK });
  }
  return out;
}

/**
 * The storage records of a torch checkpoint (`<root>/data/<n>` beside `<root>/data.pkl`): torch (miniz) reads their
 * local header only to find where the data starts and never unpickles those bytes.
 */
export function storageRecords(records: readonly CentralRecord[]): Set<CentralRecord> {
  const latin1 = (b: Uint8Array): string => String.fromCharCode(...b.subarray(0, 512));
  const roots = new Set<string>();
  for (const r of records) {
    const m = /^(.*)\/data\.pkl$/.exec(latin1(r.rawName));
    if (m) roots.add(m[1]!);
  }
  const out = new Set<CentralRecord>();
  if (!roots.size) return out;
  for (const r of records) {
    const m = /^(.*)\/data\/\d+$/.exec(latin1(r.rawName));
    if (m && roots.has(m[1]!)) out.add(r);
  }
  return out;
}

/**
 * The windows at the local headers and data descriptors of `records` (structureWindows). With `leaveOutStorage`, a
 * torch checkpoint's storage records are left out (`leftOut`), their windows apart (`leftOutWindows`): torch (miniz)
 * reads their local header only to find where the data starts and never unpickles those bytes, so where each range
 * costs a request they are read only when a record is opened. The listing and the remote read plan both take their
 * windows from here.
 */
function headerWindows(
  records: readonly CentralRecord[],
  shift: number,
  leaveOutStorage: boolean,
): {
  leftOut: ReadonlySet<CentralRecord>;
  windows: { offset: number; length: number }[];
  leftOutWindows: { offset: number; length: number }[];
} {
  const leftOut = leaveOutStorage ? storageRecords(records) : new Set<CentralRecord>();
  return {
    leftOut,
    windows: structureWindows(records, shift, leftOut),
    leftOutWindows: leftOut.size ? structureWindows([...leftOut], shift) : [],
  };
}

/**
 * Where the central directory is: zipfile rebases every offset by `concat` = where the directory ends - its size -
 * its stored offset (data prepended without fixing offsets); miniz uses stored offsets as they are. zipfile's reading
 * is tried first; `storedOnly` when only miniz's finds it. Throws CorruptError when neither does.
 */
function locateCentral(
  src: ByteSource,
  end: ReturnType<typeof readEndRecords>,
): { shift: number; cdStart: number; storedOnly: boolean } {
  const pyShift = end.cdEnd - end.cdSize - end.cdOffset;
  const isCentral = (o: number): boolean => {
    const b = readCopy(src, o, 4);
    return b.length === 4 && u32(b, 0) === SIG_CENTRAL;
  };
  if (end.cdSize === 0 && end.entriesTotal === 0)
    return { shift: Math.max(0, pyShift), cdStart: end.cdEnd, storedOnly: false };
  if (end.cdOffset + pyShift >= 0 && isCentral(end.cdOffset + pyShift)) {
    return { shift: pyShift, cdStart: end.cdOffset + pyShift, storedOnly: false };
  }
  if (pyShift !== 0 && isCentral(end.cdOffset)) return { shift: 0, cdStart: end.cdOffset, storedOnly: true };
  throw new CorruptError(`zip: no central directory at ${end.cdOffset + pyShift} or ${end.cdOffset}`, end.cdOffset);
}

/**
 * What `readZip` will read of a zip besides its end records and central directory, computed from those alone: the
 * windows at every local header and data descriptor (structureWindows; a torch checkpoint's storage records apart,
 * in `storageWindows`, which a server answering one range per request is not asked for), and the records (name, sizes, local offset + `shift`). A remote scan fetches the
 * windows while listing, with the end-record tail in hand. Throws as `readZip` does when there is no zip to read.
 */
export function zipReadPlan(
  src: ByteSource,
  maxEntries: number,
): {
  windows: { offset: number; length: number }[];
  storageWindows: { offset: number; length: number }[];
  records: readonly CentralRecord[];
  shift: number;
} {
  const end = readEndRecords(src);
  const { shift, cdStart } = locateCentral(src, end);
  const cd = readCentralDirectory(src, cdStart, end.cdSize, end.entriesTotal, maxEntries);
  const { windows, leftOutWindows } = headerWindows(cd.records, shift, true);
  return {
    windows,
    storageWindows: leftOutWindows,
    records: cd.records,
    shift,
  };
}

/**
 * Lists a zip the way zipfile and miniz would, reporting every disagreement as an anomaly.
 * Throws CorruptError when neither loader could open it, LimitError('maxEntries') past the entry budget.
 */
export function readZip(src: ByteSource, opts: ReadZipOptions): ZipArchive {
  const end = readEndRecords(src);
  const anomalies: ZipAnomaly[] = [...end.anomalies];

  const { shift, cdStart, storedOnly } = locateCentral(src, end);
  if (storedOnly) {
    anomalies.push({
      code: 'UNREFERENCED_BYTES',
      message: `central directory is at its stored offset ${end.cdOffset} but does not end where the end records start; zipfile looks for it at ${end.cdOffset + (end.cdEnd - end.cdSize - end.cdOffset)} and fails, miniz reads it`,
      offset: end.cdOffset + end.cdSize,
    });
  }
  if (end.entriesThisDisk !== end.entriesTotal) {
    anomalies.push({
      code: 'CENTRAL_DIRECTORY_COUNT_MISMATCH',
      message: `end record: ${end.entriesThisDisk} entries on this disk but ${end.entriesTotal} in total (miniz refuses this)`,
      offset: end.eocdOffset,
    });
  }

  const cd = readCentralDirectory(src, cdStart, end.cdSize, end.entriesTotal, opts.maxEntries);
  anomalies.push(...cd.anomalies);
  // Local headers and data descriptors are read through a 1 KiB window (see WindowedSource); data is never read here.
  const headers = src.bytes ? src : new WindowedSource(src, LOCAL_WINDOW);
  // Where each range costs a request, a torch checkpoint's storage-record headers are not read (headerWindows); an
  // entry hidden inside a record is seen only by streaming readers, which torch.load never uses. A record opened
  // reads its header then.
  const { leftOut: unread, windows } = headerWindows(cd.records, shift, src.oneRangePerRequest === true);
  // A remote source fetches every local header and data descriptor window at once instead of one round trip each.
  src.prefetch?.(windows);
  const entries: ZipEntry[] = cd.records.map((rec, index) =>
    unread.has(rec) ? unreadEntry(rec, index, shift) : centralEntry(headers, rec, index, shift, anomalies),
  );
  // A record whose header was not read occupies its span up to the next structure (its extra field and descriptor
  // included), so the gap scan does not read its data.
  const starts = [...entries.map((e) => e.localHeaderOffset), cdStart].sort((a, b) => a - b);
  const spanEnd = (e: ZipEntry): number => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! > e.localHeaderOffset) hi = mid;
      else lo = mid + 1;
    }
    return Math.max(e.endOffset, starts[lo] ?? e.endOffset);
  };

  // Byte ranges that belong to a known structure; everything else is scanned for hidden local entries.
  // Entries first, then the directory and end records: usually file order already (see gapsOf).
  const occupied: [number, number][] = [];
  for (const e of entries)
    if (e.hasLocalHeader)
      occupied.push([e.localHeaderOffset, e.localUnread ? spanEnd(e) : Math.max(e.endOffset, e.dataOffset)]);
  occupied.push([cdStart, cd.end]);
  if (end.zip64Offset !== undefined) occupied.push([end.zip64Offset, end.zip64Offset + (end.zip64Length ?? 0)]);
  if (end.locatorOffset !== undefined) occupied.push([end.locatorOffset, end.locatorOffset + ZIP64_LOCATOR_SIZE]);
  const eocdEnd = Math.min(src.size, end.eocdOffset + EOCD_SIZE + end.comment.length);
  occupied.push([end.eocdOffset, eocdEnd]);

  reportOverlaps(entries, cdStart, cd.end, anomalies);

  let remaining = opts.maxEntries - entries.length;
  for (const [gapStart, gapEnd] of gapsOf(occupied, src.size)) {
    const scan = scanGap(src, gapStart, gapEnd, Math.max(0, remaining) + 1);
    for (const h of scan.hidden) {
      if (remaining <= 0) {
        throw new LimitError(
          'maxEntries',
          `zip: more than ${opts.maxEntries} entries (including unlisted local entries)`,
        );
      }
      remaining--;
      const e = hiddenEntry(h.header, h.compressedSize, h.end, entries.length);
      entries.push(e);
      anomalies.push({
        code: 'UNLISTED_LOCAL_ENTRY',
        message:
          `local entry ${JSON.stringify(e.name)} (${h.compressedSize} bytes) is not listed in the central directory: ` +
          'zipfile and torch never read it, streaming readers do' +
          (h.truncated ? '; its data runs into the next structure and was cut there' : ''),
        entry: e.name,
        offset: e.localHeaderOffset,
      });
    }
    const interior = gapStart > 0 && gapEnd < eocdEnd;
    if (interior) {
      for (const u of scan.unreferenced) {
        anomalies.push({
          code: 'UNREFERENCED_BYTES',
          message: `${u.length} bytes at ${u.offset} belong to no entry or directory structure`,
          offset: u.offset,
        });
      }
    }
  }

  for (const e of entries) anomalies.push(...entryAnomalies(e));
  reportDuplicates(entries, anomalies);

  let prefixBytes = Math.min(cdStart, end.zip64Offset ?? Infinity, end.eocdOffset);
  for (const e of entries) if (e.hasLocalHeader && e.localHeaderOffset < prefixBytes) prefixBytes = e.localHeaderOffset;
  if (prefixBytes > 0) {
    anomalies.push({
      code: 'PREPENDED_DATA',
      message:
        `${prefixBytes} bytes before the first zip structure` +
        (shift > 0
          ? `; stored offsets are ${shift} bytes short (zipfile rebases them, miniz does not and fails)`
          : '; stored offsets are absolute (miniz and zipfile both read them)') +
        '. torch.load only opens a file as a zip when it starts with PK\\x03\\x04; otherwise it unpickles from byte 0',
      offset: 0,
    });
  }

  return {
    entries,
    anomalies,
    ...(unread.size
      ? {
          notes: [
            `${unread.size} storage-record local headers not read: the server answers one range per request (torch reads them only to locate the data)`,
          ],
        }
      : {}),
    prefixBytes,
    offsetShift: shift,
    trailingBytes: end.trailingBytes,
    zip64: end.zip64,
    comment: new TextDecoder('utf-8').decode(end.comment),
    centralDirectoryOffset: cdStart,
    centralDirectorySize: cd.end - cdStart,
    eocdOffset: end.eocdOffset,
    facts: factsOf(entries),
  };
}

/** A storage record listed from its central record alone (its local header read when opened: readLocalOnOpen). */
function unreadEntry(rec: CentralRecord, index: number, shift: number): ZipEntry {
  const e = entryOf(rec, decodeEntryName(rec.rawName, rec.flags).text, index, rec.storedLocalOffset + shift, true);
  // Added last, so readLocalOnOpen's delete leaves the entry's shape as the other entries'.
  e.localUnread = true;
  return e;
}

/** An entry as its central record describes it, its local header (not yet compared) at `local`. */
function entryOf(rec: CentralRecord, name: string, index: number, local: number, hasLocalHeader: boolean): ZipEntry {
  return {
    name,
    rawName: rec.rawName,
    method: rec.method,
    flags: rec.flags,
    crc32: rec.crc32,
    compressedSize: rec.compressedSize,
    uncompressedSize: rec.uncompressedSize,
    localHeaderOffset: local,
    dataOffset: local + 30 + rec.rawName.length,
    endOffset: local + 30 + rec.rawName.length + rec.compressedSize,
    hasLocalHeader,
    hasDataDescriptor: (rec.flags & FLAG_DATA_DESCRIPTOR) !== 0,
    zip64: rec.zip64,
    paddingExtra: false,
    externalAttributes: rec.externalAttributes,
    versionMadeBy: rec.versionMadeBy,
    isDirectory: name.endsWith('/'),
    isSymlink: isSymlinkMode(rec.externalAttributes),
    index,
  };
}

/** Reads the local header of an entry listed without it, when the entry is opened; no header: hasLocalHeader false. */
export function readLocalOnOpen(src: ByteSource, e: ZipEntry): void {
  if (!e.localUnread) return;
  delete e.localUnread;
  const lh = readLocalHeader(src, e.localHeaderOffset);
  if (!lh) {
    e.hasLocalHeader = false;
    return;
  }
  e.localMethod = lh.method;
  e.localFlags = lh.flags;
  e.dataOffset = lh.dataOffset;
  e.paddingExtra = lh.paddingExtra;
  e.hasDataDescriptor = ((e.flags | lh.flags) & FLAG_DATA_DESCRIPTOR) !== 0;
}

function centralEntry(
  src: ByteSource,
  rec: CentralRecord,
  index: number,
  shift: number,
  anomalies: ZipAnomaly[],
): ZipEntry {
  const decoded = decodeEntryName(rec.rawName, rec.flags);
  const name = decoded.text;
  if (decoded.invalid) {
    anomalies.push({
      code: 'NAME_ENCODING_ERROR',
      message: 'name is flagged UTF-8 but is not valid UTF-8 (zipfile refuses to open the archive)',
      entry: name,
      offset: rec.offset,
    });
  }
  let localOffset = rec.storedLocalOffset + shift;
  let lh = readLocalHeader(src, localOffset);
  if (!lh && shift !== 0) {
    const raw = readLocalHeader(src, rec.storedLocalOffset);
    if (raw) {
      lh = raw;
      localOffset = rec.storedLocalOffset;
    }
  }
  const entry = entryOf(rec, name, index, localOffset, lh !== undefined);
  if (!lh) {
    anomalies.push({
      code: 'LOCAL_HEADER_MISSING',
      message: `no local header at ${localOffset}: zipfile and miniz cannot read this entry`,
      entry: name,
      offset: localOffset,
    });
    return entry;
  }
  compareLocal(src, entry, lh, anomalies);
  return entry;
}

function compareLocal(src: ByteSource, e: ZipEntry, lh: LocalHeader, anomalies: ZipAnomaly[]): void {
  const push = (code: ZipAnomaly['code'], message: string, offset = lh.offset): void => {
    anomalies.push({ code, message, entry: e.name, offset });
  };
  const sameName = sameBytes(lh.rawName, e.rawName);
  // The same bytes under the same UTF-8 flag decode to the same text.
  e.localName =
    sameName && ((lh.flags ^ e.flags) & FLAG_UTF8) === 0 ? e.name : decodeEntryName(lh.rawName, lh.flags).text;
  e.localMethod = lh.method;
  e.localFlags = lh.flags;
  e.dataOffset = lh.dataOffset;
  e.paddingExtra = lh.paddingExtra;
  e.hasDataDescriptor = ((e.flags | lh.flags) & FLAG_DATA_DESCRIPTOR) !== 0;
  if (!sameName) {
    push(
      'LOCAL_CENTRAL_NAME_MISMATCH',
      `central name ${JSON.stringify(e.name)}, local name ${JSON.stringify(e.localName)}: zipfile raises BadZipFile, ` +
        'torch (miniz) ignores the local name and loads the entry',
    );
  }
  if (lh.method !== e.method) {
    push(
      'LOCAL_CENTRAL_METHOD_MISMATCH',
      `central method ${e.method}, local method ${lh.method}: zipfile and miniz decode with the central method`,
    );
  }
  if (lh.flags !== e.flags) {
    push(
      'LOCAL_CENTRAL_FLAGS_MISMATCH',
      `central flags 0x${e.flags.toString(16)}, local flags 0x${lh.flags.toString(16)}`,
    );
  }
  if (lh.extraCorrupt) push('CORRUPT_EXTRA_FIELD', `local header: ${lh.extraCorrupt}`);
  const streamed = (lh.flags & FLAG_DATA_DESCRIPTOR) !== 0;
  const localHasValues = !streamed || lh.crc32 !== 0 || lh.compressedSize !== 0 || lh.uncompressedSize !== 0;
  if (localHasValues) {
    // With a data descriptor (bit 3) a local size of 0 is the placeholder the format asks for, field by field: some
    // writers (macOS's Archive Utility) fill in the uncompressed size they know and leave the compressed one 0.
    // zipfile and miniz never read the local sizes; a local value that is given must still agree.
    const differs = (local: number, central: number): boolean => local !== central && !(streamed && local === 0);
    if (differs(lh.compressedSize, e.compressedSize) || differs(lh.uncompressedSize, e.uncompressedSize)) {
      push(
        'LOCAL_CENTRAL_SIZE_MISMATCH',
        `central sizes ${e.compressedSize}/${e.uncompressedSize}, local sizes ${lh.compressedSize}/${lh.uncompressedSize} ` +
          '(compressed/uncompressed): zipfile and miniz use the central sizes',
      );
    }
    // A local CRC of 0 is a streamed writer's placeholder (the real value follows in the data descriptor and the
    // central directory); zipfile and miniz never read the local CRC, and the data is still checked against the
    // central one (CRC_MISMATCH). Any other local value must agree.
    if (lh.crc32 !== e.crc32 && lh.crc32 !== 0) {
      push('LOCAL_CENTRAL_CRC_MISMATCH', `central crc 0x${hex8(e.crc32)}, local crc 0x${hex8(lh.crc32)}`);
    }
  }
  let descriptorLength = 0;
  if (e.hasDataDescriptor) {
    const at = lh.dataOffset + e.compressedSize;
    const d = readDataDescriptor(src, at, e, e.zip64 || lh.zip64 || e.compressedSize >= 0xffffffff);
    descriptorLength = d.length;
    if (!d.matches) {
      push(
        'DATA_DESCRIPTOR_MISMATCH',
        d.length === 0
          ? `no data descriptor matching the central crc and sizes at ${at}`
          : `data descriptor at ${at} says crc 0x${hex8(d.crc32 ?? 0)} sizes ${d.compressedSize}/${d.uncompressedSize}, ` +
              `central says crc 0x${hex8(e.crc32)} sizes ${e.compressedSize}/${e.uncompressedSize}`,
        at,
      );
    }
  }
  e.endOffset = lh.dataOffset + e.compressedSize + descriptorLength;
  const pkwareHeader = (e.flags | lh.flags) & 1 && e.compressedSize === e.uncompressedSize + 12;
  if (e.method === 0 && e.compressedSize !== e.uncompressedSize && !pkwareHeader) {
    push(
      'STORED_SIZE_MISMATCH',
      `stored entry with compressed size ${e.compressedSize} != uncompressed size ${e.uncompressedSize}: miniz refuses the archive, zipfile returns min of both`,
    );
  }
  if (lh.dataOffset + e.compressedSize > src.size) {
    push(
      'ENTRY_TRUNCATED',
      `data [${lh.dataOffset}, ${lh.dataOffset + e.compressedSize}) runs past the end of the ${src.size}-byte file`,
      lh.dataOffset,
    );
  }
}

function hiddenEntry(h: LocalHeader, compressedSize: number, end: number, index: number): ZipEntry {
  const decoded = decodeEntryName(h.rawName, h.flags);
  return {
    name: decoded.text,
    rawName: h.rawName,
    localName: decoded.text,
    method: h.method,
    localMethod: h.method,
    flags: h.flags,
    localFlags: h.flags,
    crc32: h.crc32,
    compressedSize,
    uncompressedSize: h.uncompressedSize,
    localHeaderOffset: h.offset,
    dataOffset: h.dataOffset,
    endOffset: end,
    hasLocalHeader: true,
    hasDataDescriptor: (h.flags & FLAG_DATA_DESCRIPTOR) !== 0,
    zip64: h.zip64,
    paddingExtra: h.paddingExtra,
    externalAttributes: 0,
    versionMadeBy: 0,
    isDirectory: decoded.text.endsWith('/'),
    isSymlink: false,
    hidden: true,
    index,
  };
}

function reportOverlaps(entries: ZipEntry[], cdStart: number, cdEnd: number, anomalies: ZipAnomaly[]): void {
  const spans: ZipEntry[] = [];
  let sorted = true;
  for (const e of entries) {
    if (!e.hasLocalHeader) continue;
    if (spans.length > 0 && spans[spans.length - 1]!.localHeaderOffset > e.localHeaderOffset) sorted = false;
    spans.push(e);
  }
  // Writers list entries in file order: the (stable) sort only runs when they do not.
  if (!sorted) spans.sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let reach: ZipEntry | undefined;
  for (const e of spans) {
    if (reach && e.localHeaderOffset < reach.endOffset) {
      anomalies.push({
        code: 'OVERLAPPING_ENTRIES',
        message: `entry at ${e.localHeaderOffset} starts inside ${JSON.stringify(reach.name)} [${reach.localHeaderOffset}, ${reach.endOffset}) (zipfile refuses overlapped entries, miniz reads them)`,
        entry: e.name,
        offset: e.localHeaderOffset,
      });
    }
    if (!reach || e.endOffset > reach.endOffset) reach = e;
    if (e.localHeaderOffset < cdEnd && e.endOffset > cdStart) {
      anomalies.push({
        code: 'OVERLAPPING_ENTRIES',
        message: `entry [${e.localHeaderOffset}, ${e.endOffset}) overlaps the central directory [${cdStart}, ${cdEnd})`,
        entry: e.name,
        offset: e.localHeaderOffset,
      });
    }
  }
}

function reportDuplicates(entries: ZipEntry[], anomalies: ZipAnomaly[]): void {
  const seen = new Map<string, ZipEntry>();
  for (const e of entries) {
    const first = seen.get(e.name);
    if (!first) {
      seen.set(e.name, e);
      continue;
    }
    anomalies.push({
      code: 'DUPLICATE_NAME',
      message:
        `name also used by entry ${first.index} at ${first.localHeaderOffset}` +
        (e.hidden ? ' (the second copy is an unlisted local entry)' : '') +
        ': zipfile read(name) returns the last copy, torch 1.13 (miniz) returned the first in our tests',
      entry: e.name,
      offset: e.localHeaderOffset,
    });
  }
}

/** Complement of the merged `occupied` ranges within [0, size). */
function gapsOf(occupied: [number, number][], size: number): [number, number][] {
  const sorted: [number, number][] = [];
  let inOrder = true;
  for (const [a0, b0] of occupied) {
    const a = Math.max(0, a0);
    const b = Math.min(size, b0);
    if (b <= a) continue;
    if (sorted.length > 0 && sorted[sorted.length - 1]![0] > a) inOrder = false;
    sorted.push([a, b]);
  }
  // Only the order of starts matters below; ranges usually arrive in it.
  if (!inOrder) sorted.sort((x, y) => x[0] - y[0]);
  const gaps: [number, number][] = [];
  let pos = 0;
  for (const [a, b] of sorted) {
    if (a > pos) gaps.push([pos, a]);
    pos = Math.max(pos, b);
  }
  if (pos < size) gaps.push([pos, size]);
  return gaps;
}

function factsOf(entries: ZipEntry[]): ZipInfoFacts {
  const facts: ZipInfoFacts = {
    dataDescriptorEntries: 0,
    paddingExtraEntries: 0,
    storedEntries: 0,
    deflatedEntries: 0,
    zip64ExtraEntries: 0,
  };
  for (const e of entries) {
    if (e.hasDataDescriptor) facts.dataDescriptorEntries++;
    if (e.paddingExtra) facts.paddingExtraEntries++;
    if (e.method === 0) facts.storedEntries++;
    if (e.method === 8) facts.deflatedEntries++;
    if (e.zip64) facts.zip64ExtraEntries++;
  }
  return facts;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
