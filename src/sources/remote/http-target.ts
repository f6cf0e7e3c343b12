// `https://…` and `http://…` targets: one file per URL, probed with a first range request that yields its size,
// its validators (ETag, Last-Modified) and its first bytes. Plain http only to loopback hosts unless allowed.
import type { RemoteListing } from './remote-listing.js';
import { isLoopbackHost, type RemoteCost, type RemoteFile, type RemoteOptions } from './remote-file.js';
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
): RemoteFile {
  return { url, ...(headers ? { headers } : {}), size, ...(digest ? { digest } : {}), allowHttp };
}

/** The ranges [start, end) to fetch while listing a file of `size` bytes: its head, or all of it, and the plan's reads. */
export function plannedRanges(size: number, minFetch: number, plan: RemotePlan | undefined): [number, number][] {
  if (plan && size <= plan.whole) return [[0, size]];
  const wanted: [number, number][] = [[0, Math.min(size, minFetch)]];
  for (const r of plan?.reads(size) ?? []) {
    const s = Math.max(0, Math.min(r.offset, size));
    const e = Math.min(size, s + Math.max(0, r.length));
    if (e > s) wanted.push([s, e]);
  }
  wanted.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of wanted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
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
  extra: { readonly size?: number; readonly digest?: string; readonly plan?: RemotePlan } = {},
): Promise<RemoteFile | string> {
  if (extra.size === 0) {
    return { url, ...(headers ? { headers } : {}), size: 0, validator: { etag: null, lastModified: null }, allowHttp };
  }
  const base = {
    url,
    ...(headers ? { headers } : {}),
    timeoutMs: opts.requestTimeoutMs,
    retries: opts.retries,
    allowHttp,
  };
  const fetchRanges = async (
    ranges: readonly [number, number][],
    size: number | undefined,
    validator?: { etag: string | null; lastModified: string | null },
    direct?: string,
  ): Promise<RangeReply> => {
    const one = ranges.length === 1;
    const r = await bridge.requestAsync(
      {
        ...base,
        ...(direct && direct !== url ? { direct } : {}),
        start: one ? ranges[0]![0] : 0,
        end: one ? ranges[0]![1] : 0,
        ...(one ? {} : { ranges }),
        ...(size !== undefined ? { size } : {}),
        ...(validator ? { validator } : {}),
      },
      opts.requestTimeoutMs,
    );
    cost.requests += r.requests;
    cost.bytesRead += r.received;
    return r;
  };
  const parts = (r: RangeReply & { ok: true }, ranges: readonly [number, number][]) =>
    ranges.length === 1 ? [r.bytes] : (r.parts ?? []);
  let ranges: [number, number][] =
    extra.size !== undefined ? plannedRanges(extra.size, opts.minFetch, extra.plan) : [[0, opts.minFetch]];
  const r = await fetchRanges(ranges, extra.size);
  if (!r.ok) return `remote read failed: ${r.message}`;
  if (r.etag === null && r.lastModified === null) {
    return 'the server gives neither ETag nor Last-Modified: a change of the content between range requests could not be detected';
  }
  const size = extra.size ?? r.size;
  const validator = { etag: r.etag, lastModified: r.lastModified };
  const got = parts(r, ranges).map((bytes, k) => ({ start: ranges[k]![0], bytes }));
  if (extra.size === undefined && extra.plan && size > got[0]!.bytes.length) {
    // The size is known now: the rest of the plan in a second request (still while listing, all files at once).
    const done = got[0]!.bytes.length;
    ranges = plannedRanges(size, opts.minFetch, extra.plan)
      .map(([s, e]): [number, number] => [Math.max(s, done), e])
      .filter(([s, e]) => e > s);
    if (ranges.length) {
      const more = await fetchRanges(ranges, size, validator, r.finalUrl);
      if (!more.ok) return `remote read failed: ${more.message}`;
      got.push(...parts(more, ranges).map((bytes, k) => ({ start: ranges[k]![0], bytes })));
    }
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
  const probed = await probeFile(url.href, undefined, bridge, opts, cost, opts.allowHttp, plan ? { plan } : {});
  const stable = urlBaseName(url);
  const target = { arg, abs: url.href, isDirectory: false };
  if (typeof probed === 'string') return { target, entries: [{ path: arg, stable, size: 0, reason: probed }] };
  return { target, entries: [{ path: arg, stable, size: probed.size, file: probed }] };
}
