// `https://…` and `http://…` targets: one file per URL, probed with a first range request that yields its size,
// its validators (ETag, Last-Modified) and its first bytes. Plain http only to loopback hosts unless allowed.
import type { EgressPolicy } from './egress.js';
import type { RemoteListing } from './remote-listing.js';
import {
  coalesceRanges,
  deadlineReason,
  isLoopbackHost,
  requestMs,
  type RemoteCost,
  type RemoteFile,
  type RemoteOptions,
} from './remote-file.js';
import type { RemotePlan } from './resolve-target.js';
import type { RangeReply, SyncBridge } from './sync-bridge.js';

/** The URL a target names, or an error message when it is not an acceptable http(s) URL. */
export function parseHttpUrl(arg: string, allowHttp: boolean): URL | string {
  let url: URL;
  try {
    url = new URL(arg);
  } catch {
    return `not a valid URL: ${arg}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `unsupported URL scheme ${url.protocol}`;
  if (url.protocol === 'http:' && !allowHttp && !isLoopbackHost(url.hostname)) {
    return `plain http:// is only read from loopback hosts (use https://, or --allow-http to accept ${url.host})`;
  }
  if (url.username || url.password) return 'credentials in the URL are not accepted (they would be reported)';
  return url;
}

/** The last path segment of a URL, decoded (the name a local download would have). */
export function urlBaseName(url: URL): string {
  const segs = url.pathname.split('/');
  const last = segs[segs.length - 1] || segs[segs.length - 2] || url.hostname;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** A file known from a listing (size, hash) that is not read while listing. */
export function unprobedFile(
  url: string,
  headers: Readonly<Record<string, string>> | undefined,
  size: number,
  digest: string | undefined,
  allowHttp: boolean,
  egress?: EgressPolicy,
): RemoteFile {
  return {
    url,
    ...(headers ? { headers } : {}),
    size,
    ...(digest ? { digest } : {}),
    allowHttp,
    ...(egress ? { egress } : {}),
  };
}

/**
 * The ranges [start, end) to fetch while listing a file of `size` bytes reported as `path`: all of it (a small file
 * the scan reads whole), or its head and the plan's reads.
 */
export function plannedRanges(
  size: number,
  minFetch: number,
  plan: RemotePlan | undefined,
  path: string,
): [number, number][] {
  if (plan && size <= plan.whole && !plan.headOnly(path, size)) return [[0, size]];
  const wanted: [number, number][] = [[0, Math.min(size, plan?.head ?? minFetch)]];
  for (const r of plan?.reads(size) ?? []) wanted.push(...clampRange(r, size));
  return merged(wanted);
}

function clampRange(r: { readonly offset: number; readonly length: number }, size: number): [number, number][] {
  const s = Math.max(0, Math.min(r.offset, size));
  const e = Math.min(size, s + Math.max(0, r.length));
  return e > s ? [[s, e]] : [];
}

/** Sorted, overlapping and touching ranges joined. */
function merged(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of ranges) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Ranges closer than this are fetched as one. */
const SMALL_GAP = 1024;
/**
 * Ranges asked for in one request while listing: a Range header of at most ~3.5 KiB (10-digit offsets), under the
 * 8 KiB request-line and header limits of nginx and Apache and under Apache's default MaxRanges (200). Few requests
 * matter here: the first several-range request to a server is answered before the others are sent (whether it
 * answers several ranges at once is asked once), and the others then reuse the connections already open.
 */
const RANGES_PER_REQUEST = 160;

/** Parts of [s, e) that none of `have` covers. */
function uncovered(s: number, e: number, have: readonly { start: number; bytes: Uint8Array }[]): [number, number][] {
  let parts: [number, number][] = [[s, e]];
  for (const h of have) {
    const hs = h.start;
    const he = h.start + h.bytes.length;
    parts = parts.flatMap(([a, b]): [number, number][] =>
      he <= a || hs >= b
        ? [[a, b]]
        : (
            [
              [a, Math.min(b, hs)],
              [Math.max(a, he), b],
            ] as [number, number][]
          ).filter(([x, y]) => y > x),
    );
  }
  return parts;
}

/**
 * Probes one URL: size and validators from a first range request of `minFetch` bytes (or, when the listing gave the
 * size, of every range the plan says the scan will read, in one request). Runs while listing, for all files at once.
 */
export async function probeFile(
  url: string,
  headers: Readonly<Record<string, string>> | undefined,
  bridge: SyncBridge,
  opts: RemoteOptions,
  cost: RemoteCost,
  allowHttp: boolean,
  extra: { readonly size?: number; readonly digest?: string; readonly plan?: RemotePlan; readonly path?: string } = {},
): Promise<RemoteFile | string> {
  const path = extra.path ?? url;
  if (extra.size === 0) {
    return {
      url,
      ...(headers ? { headers } : {}),
      size: 0,
      validator: { etag: null, lastModified: null },
      allowHttp,
      ...(opts.egress ? { egress: opts.egress } : {}),
    };
  }
  // The scan's total remote time already spent: nothing more is asked.
  const late = deadlineReason(opts);
  if (late !== undefined) return late;
  const base = {
    url,
    ...(headers ? { headers } : {}),
    timeoutMs: requestMs(opts),
    retries: opts.retries,
    allowHttp,
    ...(opts.egress ? { egress: opts.egress } : {}),
  };
  const fetchRanges = async (
    ranges: readonly [number, number][],
    size: number | undefined,
    validator?: { etag: string | null; lastModified: string | null },
    direct?: string,
    retries = opts.retries,
    optional?: readonly boolean[],
  ): Promise<RangeReply> => {
    const one = ranges.length === 1;
    const timeoutMs = requestMs(opts);
    const r = await bridge.requestAsync(
      {
        ...base,
        timeoutMs,
        retries,
        ...(direct && direct !== url ? { direct } : {}),
        start: one ? ranges[0]![0] : 0,
        end: one ? ranges[0]![1] : 0,
        ...(one ? {} : { ranges }),
        ...(optional && !one && optional.some(Boolean) ? { optional } : {}),
        ...(size !== undefined ? { size } : {}),
        ...(validator ? { validator } : {}),
      },
      timeoutMs,
    );
    cost.requests += r.requests;
    cost.redirects += r.redirects;
    cost.bytesRead += r.received;
    return r;
  };
  const parts = (r: RangeReply & { ok: true }, ranges: readonly [number, number][]) =>
    ranges.length === 1 ? [r.bytes] : (r.parts ?? []);
  const first: [number, number][] =
    extra.size !== undefined
      ? plannedRanges(extra.size, opts.minFetch, extra.plan, path)
      : [[0, extra.plan?.head ?? opts.minFetch]];
  // The size not known yet: the head and the end-record tail (a suffix range) are asked at once, on two requests.
  const suffix = extra.size === undefined && extra.plan && extra.plan.tail > 0 ? extra.plan.tail : 0;
  const [r, t] = await Promise.all([
    fetchRanges(first, extra.size),
    // Not retried: when it fails, the tail is asked again in the next round (with retries and validators).
    suffix ? fetchRanges([[-suffix, 0]], undefined, undefined, undefined, 0) : undefined,
  ]);
  if (!r.ok) return deadlineReason(opts) ?? `remote read failed: ${r.message}`;
  if (r.etag === null && r.lastModified === null) {
    return 'the server gives neither ETag nor Last-Modified: a change of the content between range requests could not be detected';
  }
  const size = extra.size ?? r.size;
  const validator = { etag: r.etag, lastModified: r.lastModified };
  const got = parts(r, first).map((bytes, k) => ({ start: first[k]![0], bytes }));
  if (t?.ok) {
    // A failed tail request is not an error here: the tail is asked again below, with the validators to check.
    if (t.size !== r.size || t.etag !== r.etag || t.lastModified !== r.lastModified) {
      return 'the content changed between requests (the head and the tail disagree on size or validators)';
    }
    const start = size - t.bytes.length;
    const from = Math.max(start, got[0]!.bytes.length);
    if (from < size) got.push({ start: from, bytes: t.bytes.subarray(from - start) });
  }
  if (extra.plan && size > got[0]!.bytes.length) {
    // What is still missing of the plan (the size was not known for the first request) and what the head and the
    // tail say the scan will read (a long safetensors header; a zip's local headers and pickles): one more round,
    // still while listing, all files at once.
    const plan = extra.plan;
    const wanted: [number, number][] = [];
    if (extra.size === undefined) wanted.push(...plannedRanges(size, opts.minFetch, plan, path));
    const last = got[got.length - 1]!;
    const tail = got.length > 1 && last.start + last.bytes.length === size ? last : undefined;
    // What the head and tail show is fetched within the file's byte budget; past it, the scan reads on demand and
    // meets the budget there (a limit finding), as it would without this round.
    let room = opts.maxBytesPerFile - got.reduce((n, g) => n + g.bytes.length, 0);
    // Optional ranges (a torch checkpoint's storage-record headers) are left out by a server that answers one range
    // per request instead of costing a request each; a multipart answer carries them with the others.
    const needed: [number, number][] = [];
    for (const f of await plan.follow(got[0]!.bytes, size, tail)) {
      for (const [a, b] of clampRange(f, size)) {
        if (b - a > room) continue;
        room -= b - a;
        wanted.push([a, b]);
        if (!f.optional) needed.push([a, b]);
      }
    }
    // Gaps of a few bytes already fetched (sniffer probes inside a header) are fetched again rather than split.
    const pending = (w: [number, number][]): [number, number][] =>
      coalesceRanges(
        merged(w).flatMap(([s, e]) => uncovered(s, e, got)),
        SMALL_GAP,
      );
    const ranges = pending(wanted);
    const musts = pending(needed);
    // A range is optional when it holds no needed byte (both lists sorted: one pass).
    let j = 0;
    const optional = ranges.map(([s, e]) => {
      while (j < musts.length && musts[j]![1] <= s) j++;
      return !(j < musts.length && musts[j]![0] < e);
    });
    // At most RANGES_PER_REQUEST ranges per request (a Range header of a few KiB), the requests at once.
    const batches = await Promise.all(
      Array.from({ length: Math.ceil(ranges.length / RANGES_PER_REQUEST) }, async (_, i) => {
        const from = i * RANGES_PER_REQUEST;
        const batch = ranges.slice(from, from + RANGES_PER_REQUEST);
        const opt = optional.slice(from, from + RANGES_PER_REQUEST);
        return { batch, opt, reply: await fetchRanges(batch, size, validator, r.finalUrl, opts.retries, opt) };
      }),
    );
    for (const { batch, opt, reply } of batches) {
      if (!reply.ok) return deadlineReason(opts) ?? `remote read failed: ${reply.message}`;
      parts(reply, batch).forEach((bytes, k) => {
        // An optional range left out is read on demand, if the scan reads it at all.
        if (opt[k] && bytes.length !== batch[k]![1] - batch[k]![0]) return;
        got.push({ start: batch[k]![0], bytes });
      });
    }
    got.sort((a, b) => a.start - b.start);
  }
  const head = got[0]!.start === 0 ? got.shift()!.bytes : new Uint8Array(0);
  return {
    url,
    ...(headers ? { headers } : {}),
    size,
    validator,
    head,
    ...(got.length ? { prefetched: got } : {}),
    ...(r.finalUrl && r.finalUrl !== url ? { finalUrl: r.finalUrl } : {}),
    ...(extra.digest ? { digest: extra.digest } : {}),
    allowHttp,
    ...(opts.egress ? { egress: opts.egress } : {}),
  };
}

export async function listHttp(
  arg: string,
  url: URL,
  bridge: SyncBridge,
  opts: RemoteOptions,
  cost: RemoteCost,
  plan?: RemotePlan,
): Promise<RemoteListing> {
  const probed = await probeFile(url.href, undefined, bridge, opts, cost, opts.allowHttp, {
    ...(plan ? { plan } : {}),
    path: arg,
  });
  const stable = urlBaseName(url);
  const target = { arg, abs: url.href, isDirectory: false };
  if (typeof probed === 'string') return { target, entries: [{ path: arg, stable, size: 0, reason: probed }] };
  return { target, entries: [{ path: arg, stable, size: probed.size, file: probed }] };
}
