// The reads content sniffing makes in every file of a given size, whatever its content: the HDF5 superblock search
// (hdf5/sniff.ts: 8 bytes at every power of two from 512) and the zip end-record search (zip/looks-like-zip.ts: the
// last 22 + 65535 bytes). A remote scan fetches them for all files at once while listing, so scanning the files one
// after another does not wait on the network for them; `followReads` names the reads a file's head makes certain
// (a safetensors header longer than the head), fetched while listing too.
import { looksLikeSafetensors, u64le, HEADER_START } from './safetensors/sniff.js';
import { EOCD_SIZE } from './zip/end-records.js';
import { LOCAL_HEADER_SIZE } from './zip/local-header.js';
import { LOCAL_WINDOW, zipReadPlan } from './zip/read-zip.js';
import type { ByteSource } from '../sources/byte-source.js';

/** The suffix every file's scan reads (the zip end-record search: the record and the longest comment). */
export const TAIL_BYTES = EOCD_SIZE + 0xffff;

/** Ranges every file of `size` bytes is read at by the format sniffers (offset order, may overlap). */
export function sniffReads(size: number): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (let at = 512; at + 8 <= size; at *= 2) out.push({ offset: at, length: 8 });
  if (size >= EOCD_SIZE) {
    const tail = Math.max(0, size - TAIL_BYTES);
    out.push({ offset: tail, length: size - tail });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** A header is fetched while listing up to this size; a longer one is read on demand (within the file's budget). */
const MAX_FOLLOW_BYTES = 16 * 1024 * 1024;

/** Entries of a zip whose data is fetched while listing: pickles (read whole by the scan), this much in all. */
const MAX_FOLLOW_PICKLE_BYTES = 4 * 1024 * 1024;
/** Central directory records looked at while listing (a zip with more is read on demand, as before). */
const MAX_FOLLOW_ENTRIES = 100_000;

/**
 * Ranges past `head` (the first bytes of a file of `size` bytes) that the scan will certainly read: the rest of a
 * safetensors header whose length prefix says it is longer than the head; with the file's end-record `tail` in hand
 * too, a zip's local header windows (readZip reads every one) and the data of its pickle entries (`*.pkl`, read whole
 * by the pickle analyzers; the local extra field is not known yet, so one local window more is asked). A zip whose
 * central directory is not inside head and tail gets nothing here; its reads happen on demand.
 */
export function followReads(
  head: Uint8Array,
  size: number,
  tail?: { readonly start: number; readonly bytes: Uint8Array },
): { offset: number; length: number }[] {
  if (looksLikeSafetensors(head, size)) {
    const end = HEADER_START + u64le(head);
    if (end <= head.length || end - head.length > MAX_FOLLOW_BYTES) return [];
    return [{ offset: head.length, length: end - head.length }];
  }
  if (!tail || tail.start + tail.bytes.length !== size || size < EOCD_SIZE) return [];
  let plan: ReturnType<typeof zipReadPlan>;
  try {
    plan = zipReadPlan(new PartsSource(size, head, tail), MAX_FOLLOW_ENTRIES);
  } catch {
    return [];
  }
  const out = plan.windows.slice();
  let pickles = 0;
  for (const r of plan.records) {
    if (!/\.pkl$/i.test(decodeLatin1(r.rawName))) continue;
    const length = LOCAL_HEADER_SIZE + r.rawName.length + r.compressedSize + LOCAL_WINDOW;
    if (pickles + length > MAX_FOLLOW_PICKLE_BYTES) break;
    pickles += length;
    out.push({ offset: r.storedLocalOffset + plan.shift, length });
  }
  return out;
}

function decodeLatin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** The fetched head and tail of a file as a source; a read of bytes not among them throws (plan abandoned). */
class PartsSource implements ByteSource {
  readonly location = { chain: ['(listing)'] };
  constructor(
    readonly size: number,
    private readonly head: Uint8Array,
    private readonly tail: { readonly start: number; readonly bytes: Uint8Array },
  ) {}
  read(offset: number, length: number): Uint8Array {
    const o = Math.max(0, Math.min(offset, this.size));
    const e = Math.min(this.size, o + Math.max(0, length));
    if (e <= this.head.length) return this.head.subarray(o, e);
    if (o >= this.tail.start) return this.tail.bytes.subarray(o - this.tail.start, e - this.tail.start);
    throw new Error(`bytes ${o}-${e} were not fetched`);
  }
}
