// What a remote scan fetches of a zip while listing, once the file's end-record tail is in hand: readZip's windows at
// every local header and data descriptor, and the data of its pickle entries (`*.pkl`, read whole by the pickle analyzers; the local extra
// field is not known yet, so one local window more is asked). Loaded only when a file is probed with its tail (a
// scan served from the result cache never loads the zip reader for it).
import type { ByteSource } from '../sources/byte-source.js';
import { EOCD_SIZE } from './zip/end-records.js';
import { LOCAL_HEADER_SIZE } from './zip/local-header.js';
import { LOCAL_WINDOW, zipReadPlan } from './zip/read-zip.js';

/** Entries of a zip whose data is fetched while listing: pickles (read whole by the scan), this much in all. */
const MAX_FOLLOW_PICKLE_BYTES = 4 * 1024 * 1024;
/** Central directory records looked at while listing (a zip with more is read on demand, as before). */
const MAX_FOLLOW_ENTRIES = 100_000;

/**
 * The ranges a scan of this zip will read besides head and tail, or nothing when its central directory does not lie
 * inside `head` and `tail` (the zip is then read on demand, as before). At most ~1,400 records fit a tail, so the
 * windows are bounded by the tail itself; pickles by MAX_FOLLOW_PICKLE_BYTES.
 */
export function zipFollowReads(
  head: Uint8Array,
  size: number,
  tail: { readonly start: number; readonly bytes: Uint8Array },
): { offset: number; length: number; optional?: true }[] {
  if (tail.start + tail.bytes.length !== size || size < EOCD_SIZE) return [];
  let plan: ReturnType<typeof zipReadPlan>;
  try {
    plan = zipReadPlan(new PartsSource(size, head, tail), MAX_FOLLOW_ENTRIES);
  } catch {
    return [];
  }
  const out: { offset: number; length: number; optional?: true }[] = [
    ...plan.windows,
    ...plan.storageWindows.map((w) => ({ ...w, optional: true as const })),
  ];
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
