// A ByteSource over HTTP range requests (RFC 9110 §14): synchronous reads served from a bounded cache of fetched
// extents, misses fetched with read-ahead (doubling while reads run forward) and neighbouring misses coalesced into
// one request; `prefetch` fetches many small ranges in parallel (a zip's local headers). Any failed, inconsistent or
// over-budget read throws and is remembered: `failure()` then makes the file SCAN-INCOMPLETE, never a pass.
import { learnedOrigins } from './light-fetch.js';
import { LimitError } from '../../core/errors.js';
import type { Location } from '../../core/location.js';
import type { ByteSource } from '../byte-source.js';
import {
  coalesceRanges,
  deadlineReason,
  requestMs,
  type RemoteCost,
  type RemoteFile,
  type RemoteOptions,
} from './remote-file.js';
import type { RangeReply, SyncBridge } from './sync-bridge.js';

/** A remote read failed (network, server misbehaviour, content changed); the scan of the file is incomplete. */
export class RemoteReadError extends Error {
  override readonly name = 'RemoteReadError';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

interface Extent {
  start: number;
  bytes: Uint8Array;
  used: number;
}

/** Merges gaps smaller than this between missing ranges into one request. */
const COALESCE_GAP = 64 * 1024;
const MAX_READ_AHEAD = 4 * 1024 * 1024;
/** A read this far past the previous one still counts as moving forward. */
const FORWARD_SKIP = 256 * 1024;
/** Ranges asked for in one prefetch request (a Range header of a few KiB). */
const RANGES_PER_REQUEST = 64;

export class RemoteSource implements ByteSource {
  readonly size: number;
  /** Cached extents, sorted by start (they may overlap). */
  private extents: Extent[] = [];
  /** At least the length of the longest extent: no extent starting before `s - longest` reaches `s`. */
  private longest = 0;
  private cached = 0;
  private tick = 0;
  private fetched = 0;
  private lastEnd = -1;
  private lastStart = 0;
  private ahead: number;
  private failed: string | undefined;
  private readonly inflight = new Map<number, { start: number; end: number; ranges?: [number, number][] }>();
  private validator: RemoteFile['validator'];
  /** The redirect target of the file's URL, once known: later reads go there directly. */
  private direct: string | undefined;

  constructor(
    readonly location: Location,
    private readonly file: RemoteFile,
    private readonly bridge: SyncBridge,
    private readonly opts: RemoteOptions,
    private readonly cost: RemoteCost,
  ) {
    this.size = file.size;
    this.ahead = opts.minFetch;
    this.validator = file.validator;
    this.direct = file.finalUrl;
    if (file.head && file.head.length) this.insert(0, file.head);
    for (const x of file.prefetched ?? []) this.insert(x.start, x.bytes);
  }

  /** Whether the file's server answered a several-range request with one range (as the listing learned). */
  get oneRangePerRequest(): boolean {
    const learned = learnedOrigins(0)?.noMultipart ?? [];
    const origin = (u: string | undefined): string | undefined => {
      try {
        return u === undefined ? undefined : new URL(u).origin;
      } catch {
        return undefined;
      }
    };
    return [origin(this.file.url), origin(this.direct)].some((o) => o !== undefined && learned.includes(o));
  }

  /** Why the scanned bytes may not be the file's content (a failed or inconsistent read), or undefined. */
  failure(): string | undefined {
    return this.failed;
  }

  /** Bytes fetched for this file (read-ahead included, listing excluded). */
  get bytesFetched(): number {
    return this.fetched;
  }

  read(offset: number, length: number): Uint8Array {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(length, this.size - o));
    if (n === 0) return new Uint8Array(0);
    const hit = this.covering(o, o + n);
    if (hit) return hit.bytes.subarray(o - hit.start, o - hit.start + n);
    this.settleInflight(o, o + n);
    const missing = this.missing(o, o + n);
    if (missing.length) this.fetchSpan(missing, o + n);
    return this.assemble(o, n);
  }

  readInto(offset: number, target: Uint8Array): number {
    const r = this.read(offset, target.length);
    target.set(r);
    return r.length;
  }

  /**
   * Fetches these ranges ahead of the reads that will need them, in parallel (bounded by the byte budget); a
   * failure here is not reported until a read needs the range.
   */
  prefetch(ranges: readonly { readonly offset: number; readonly length: number }[]): void {
    const wanted: [number, number][] = [];
    for (const r of ranges) {
      const s = Math.max(0, Math.min(r.offset, this.size));
      const e = Math.min(this.size, s + Math.max(0, r.length));
      if (e > s) wanted.push([s, e]);
    }
    wanted.sort((a, b) => a[0] - b[0]);
    let budget = this.opts.maxBytesPerFile - this.fetched;
    const todo: [number, number][] = [];
    for (const [s, e] of coalesceRanges(wanted, 0)) {
      for (const [ms, me] of this.missing(s, e)) {
        if (me - ms > budget) break;
        budget -= me - ms;
        this.fetched += me - ms;
        todo.push([ms, me]);
      }
    }
    // Up to RANGES_PER_REQUEST ranges per request (multipart/byteranges), the batches in parallel.
    for (let i = 0; i < todo.length; i += RANGES_PER_REQUEST) {
      const ranges = todo.slice(i, i + RANGES_PER_REQUEST);
      const req = ranges.length === 1 ? this.request(ranges[0]![0], ranges[0]![1]) : { ...this.request(0, 0), ranges };
      const id = this.bridge.post(req);
      this.inflight.set(id, {
        start: ranges[0]![0],
        end: ranges[ranges.length - 1]![1],
        ...(ranges.length > 1 ? { ranges } : {}),
      });
    }
  }

  /** The whole content (small files; the budget still applies). */
  readWhole(): Uint8Array {
    return this.read(0, this.size).slice();
  }

  /** The failure that makes this file's scan incomplete (a failed read, even one an analyzer caught), if any. */
  changed(): string | undefined {
    return this.failed === undefined ? undefined : `not read completely: ${this.failed}`;
  }

  /** Drops cached bytes (the source is done). */
  close(): void {
    this.extents = [];
    this.longest = 0;
    this.cached = 0;
    for (const id of this.inflight.keys()) this.collect(id, this.bridge.take(id), false);
  }

  private request(start: number, end: number) {
    return {
      url: this.file.url,
      ...(this.direct && this.direct !== this.file.url ? { direct: this.direct } : {}),
      ...(this.file.headers ? { headers: this.file.headers } : {}),
      start,
      end,
      size: this.size,
      ...(this.validator ? { validator: this.validator } : {}),
      timeoutMs: requestMs(this.opts),
      retries: this.opts.retries,
      allowHttp: this.file.allowHttp,
      ...(this.file.egress ? { egress: this.file.egress } : {}),
    };
  }

  /**
   * Read-ahead grows while misses move forward (right after the last fetch, or a short skip past it: a file read
   * front to back, a container's entries one after another) and falls back after a jump.
   */
  private grow(start: number): void {
    const forward = this.lastEnd >= 0 && start >= this.lastStart && start - this.lastEnd <= FORWARD_SKIP;
    this.ahead = forward ? Math.min(MAX_READ_AHEAD, this.ahead * 2) : this.opts.minFetch;
  }

  private fail(kind: string, message: string, limit?: string): never {
    this.failed ??= message;
    if (limit) throw new LimitError(limit, message);
    throw new RemoteReadError(kind, message);
  }

  private fetchSpan(missing: readonly [number, number][], needEnd: number): void {
    // One request from the first missing byte to the last, extended forward by the read-ahead.
    const start = missing[0]![0];
    const needed = missing[missing.length - 1]![1];
    const left = this.opts.maxBytesPerFile - this.fetched;
    if (needed - start > left) {
      this.fail(
        'budget',
        `reading ${needed - start} more bytes would pass the remote read budget of ${this.opts.maxBytesPerFile} bytes for this file`,
        'maxRemoteBytes',
      );
    }
    this.grow(start);
    // Extents cached inside the read-ahead (small prefetched windows) are fetched again rather than splitting it.
    const end = Math.min(this.size, Math.max(needed, needEnd, start + this.ahead), start + left);
    this.fetched += end - start;
    this.lastStart = start;
    this.lastEnd = end;
    const req = this.request(start, end);
    const reply = this.bridge.request(req, req.timeoutMs);
    this.collect(reply.id, reply, true, start);
  }

  private collect(id: number, reply: RangeReply | undefined, must: boolean, start?: number): void {
    const span = this.inflight.get(id);
    this.inflight.delete(id);
    if (!reply) return;
    this.cost.requests += reply.requests;
    this.cost.redirects += reply.redirects;
    this.cost.bytesRead += reply.received;
    if (!reply.ok) {
      if (must) {
        this.fail(reply.kind, `remote read of ${this.file.url} failed: ${deadlineReason(this.opts) ?? reply.message}`);
      }
      // A failed prefetch: the read that needs the range fetches it again.
      return;
    }
    if (!this.validator) {
      if (reply.etag === null && reply.lastModified === null) {
        if (must) this.fail('changed', `${this.file.url}: the server gives neither ETag nor Last-Modified`);
        return;
      }
      this.validator = { etag: reply.etag, lastModified: reply.lastModified };
    } else if (reply.etag !== this.validator.etag || reply.lastModified !== this.validator.lastModified) {
      if (must) this.fail('changed', `${this.file.url}: the content changed between requests`);
      return;
    }
    if (reply.finalUrl) this.direct = reply.finalUrl;
    if (span?.ranges && reply.parts) span.ranges.forEach(([s], k) => this.insert(s, reply.parts![k]!));
    else this.insert(start ?? span!.start, reply.bytes);
  }

  /** Waits for prefetches that overlap [s, e). */
  private settleInflight(s: number, e: number): void {
    for (const [id, span] of [...this.inflight]) {
      if (span.end <= s || span.start >= e) continue;
      this.collect(id, this.bridge.wait(id, requestMs(this.opts)), false);
    }
  }

  /** Index of the first extent starting at or after `pos` (binary search: a checkpoint caches hundreds). */
  private firstFrom(pos: number): number {
    let lo = 0;
    let hi = this.extents.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.extents[mid]!.start < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private covering(s: number, e: number): Extent | undefined {
    // Extents starting at or before s, nearest first, down to those too far back to reach e.
    for (let i = this.firstFrom(s + 1) - 1; i >= 0; i--) {
      const x = this.extents[i]!;
      if (x.start + this.longest < e) break;
      if (x.start + x.bytes.length >= e) {
        x.used = ++this.tick;
        return x;
      }
    }
    return undefined;
  }

  /** Sub-ranges of [s, e) no extent holds, coalesced over small gaps. */
  private missing(s: number, e: number): [number, number][] {
    const out: [number, number][] = [];
    let pos = s;
    for (let i = this.firstFrom(s - this.longest); i < this.extents.length; i++) {
      const x = this.extents[i]!;
      const xe = x.start + x.bytes.length;
      if (xe <= pos) continue;
      if (x.start >= e) break;
      if (x.start > pos) out.push([pos, x.start]);
      pos = Math.max(pos, xe);
      if (pos >= e) break;
    }
    if (pos < e) out.push([pos, e]);
    return coalesceRanges(out, COALESCE_GAP);
  }

  private assemble(o: number, n: number): Uint8Array {
    const one = this.covering(o, o + n);
    if (one) return one.bytes.subarray(o - one.start, o - one.start + n);
    const out = new Uint8Array(n);
    let filled = 0;
    for (let i = this.firstFrom(o - this.longest); i < this.extents.length; i++) {
      const x = this.extents[i]!;
      if (x.start >= o + n) break;
      const xs = Math.max(o, x.start);
      const xe = Math.min(o + n, x.start + x.bytes.length);
      if (xe <= xs) continue;
      out.set(x.bytes.subarray(xs - x.start, xe - x.start), xs - o);
      filled += xe - xs;
    }
    if (filled < n) this.fail('internal', `remote read of ${this.file.url}: bytes ${o}-${o + n} not all fetched`);
    return out;
  }

  private insert(start: number, bytes: Uint8Array): void {
    if (!bytes.length) return;
    // After the extents that start at or before it (the order a stable sort gave).
    this.extents.splice(this.firstFrom(start + 1), 0, { start, bytes, used: ++this.tick });
    this.longest = Math.max(this.longest, bytes.length);
    this.cached += bytes.length;
    while (this.cached > this.opts.cacheBytes && this.extents.length > 1) {
      let lru = 0;
      for (let i = 1; i < this.extents.length; i++) if (this.extents[i]!.used < this.extents[lru]!.used) lru = i;
      this.cached -= this.extents[lru]!.bytes.length;
      this.extents.splice(lru, 1);
    }
  }
}
