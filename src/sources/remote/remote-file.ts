// What Sentinel knows of one remote file before scanning it: where to read it, its size and validators (from the
// first answer or a listing), the content hashes a listing gave, and the bytes already fetched while listing.
import type { EgressPolicy } from './egress.js';

/** Bytes and requests spent on remote reads (a scan's cost, reported as summary.remote). */
export interface RemoteCost {
  bytesRead: number;
  /** HTTP requests sent, redirect hops included (a redirect's answer is a round trip like any other). */
  requests: number;
  /** Of `requests`, those answered with a redirect that was followed. */
  redirects: number;
}

export interface RemoteFile {
  /** The URL the bytes are read from (may redirect). */
  readonly url: string;
  /** Where `url` redirected on the first read (the Hub's storage): later reads go there directly. */
  readonly finalUrl?: string;
  /** Request headers (credentials); never reported. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly size: number;
  /**
   * Validators of the first answer: every later answer must carry the same. Undefined for a file listed without a
   * read (sizes from a listing, result cached, dry run): the first read then sets them.
   */
  readonly validator?: { readonly etag: string | null; readonly lastModified: string | null };
  /** The first bytes, fetched while listing. */
  readonly head?: Uint8Array;
  /** Other ranges fetched while listing (the reads every scan of the file makes). */
  readonly prefetched?: readonly { readonly start: number; readonly bytes: Uint8Array }[];
  /** Content hash from the listing (`sha256:<hex>`, an OCI digest), when the server published one. */
  readonly digest?: string;
  readonly allowHttp: boolean;
  /** What the file's requests may reach (egress.ts); undefined: public addresses only. */
  readonly egress?: EgressPolicy;
}

/** How remote reads behave; every bound is finite. */
export interface RemoteOptions {
  /** Bytes fetched per file at most (read-ahead included); more is SCAN-INCOMPLETE. */
  readonly maxBytesPerFile: number;
  /** Retries of one request after 429, 5xx, a dropped connection or a short body. */
  readonly retries: number;
  /** Wall-clock bound of one request, retries included. */
  readonly requestTimeoutMs: number;
  /**
   * The scan's total remote time: by `at` (epoch ms) every request of the scan has ended, whatever each request's
   * own bound leaves (`ms`: the total, for messages). Undefined: each request has only its own bound.
   */
  readonly deadline?: { readonly at: number; readonly ms: number };
  /** Plain http:// beyond loopback hosts. */
  readonly allowHttp: boolean;
  /**
   * What every outbound connection may reach (egress.ts). Undefined: derived from each target (public addresses and
   * the classes of the target's own host).
   */
  readonly egress?: EgressPolicy;
  /** Bytes fetched per request at least (read-ahead), when the file is larger. */
  readonly minFetch: number;
  /** Cached bytes per open file at most. */
  readonly cacheBytes: number;
}

export const DEFAULT_REMOTE_OPTIONS: RemoteOptions = Object.freeze({
  maxBytesPerFile: 256 * 1024 * 1024,
  retries: 4,
  requestTimeoutMs: 60_000,
  allowHttp: false,
  minFetch: 16 * 1024,
  cacheBytes: 64 * 1024 * 1024,
});

/**
 * The time a request started now may take: its own bound (`requestTimeoutMs`, every attempt included), cut to what is
 * left of the scan's total remote time (at least 1 ms: a request started past it fails at once).
 */
export function requestMs(opts: RemoteOptions): number {
  if (opts.deadline === undefined) return opts.requestTimeoutMs;
  return Math.max(1, Math.min(opts.requestTimeoutMs, opts.deadline.at - Date.now()));
}

/** Why nothing more is read of a remote target: the scan's total remote time has run out; undefined while it lasts. */
export function deadlineReason(opts: RemoteOptions): string | undefined {
  if (opts.deadline === undefined || Date.now() < opts.deadline.at) return undefined;
  return `the scan's total remote time of ${Math.round(opts.deadline.ms / 1000)} s ran out before this file was read`;
}

/** Loopback hosts (plain http is allowed to them without a flag). */
export function isLoopbackHost(hostname: string): boolean {
  return /^(127(?:\.\d{1,3}){3}|\[::1\]|::1|localhost)$/i.test(hostname);
}

/** Sorted ranges with gaps of at most `gap` bytes between neighbours joined into one. */
export function coalesceRanges(ranges: readonly [number, number][], gap: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of ranges) {
    const last = out[out.length - 1];
    if (last && s - last[1] <= gap) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
