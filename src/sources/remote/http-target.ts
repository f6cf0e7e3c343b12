// `https://…` and `http://…` targets: one file per URL, probed with a first range request that yields its size,
// its validators (ETag, Last-Modified) and its first bytes. Plain http only to loopback hosts unless allowed.
import type { RemoteListing } from './remote-listing.js';
import { isLoopbackHost, type RemoteCost, type RemoteFile, type RemoteOptions } from './remote-file.js';
import type { SyncBridge } from './sync-bridge.js';

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

/** Probes one URL: size and validators from a first range request of `minFetch` bytes. */
export async function probeFile(
  url: string,
  headers: Readonly<Record<string, string>> | undefined,
  bridge: SyncBridge,
  opts: RemoteOptions,
  cost: RemoteCost,
  allowHttp: boolean,
  extra: { readonly size?: number; readonly digest?: string } = {},
): Promise<RemoteFile | string> {
  if (extra.size === 0) {
    return { url, ...(headers ? { headers } : {}), size: 0, validator: { etag: null, lastModified: null }, allowHttp };
  }
  const end = extra.size !== undefined ? Math.min(extra.size, opts.minFetch) : opts.minFetch;
  const r = await bridge.requestAsync(
    {
      url,
      ...(headers ? { headers } : {}),
      start: 0,
      end,
      ...(extra.size !== undefined ? { size: extra.size } : {}),
      timeoutMs: opts.requestTimeoutMs,
      retries: opts.retries,
      allowHttp,
    },
    opts.requestTimeoutMs,
  );
  cost.requests += r.requests;
  cost.bytesRead += r.received;
  if (!r.ok) return `remote read failed: ${r.message}`;
  if (r.etag === null && r.lastModified === null) {
    return 'the server gives neither ETag nor Last-Modified: a change of the content between range requests could not be detected';
  }
  return {
    url,
    ...(headers ? { headers } : {}),
    size: r.size,
    validator: { etag: r.etag, lastModified: r.lastModified },
    head: r.bytes,
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
): Promise<RemoteListing> {
  const probed = await probeFile(url.href, undefined, bridge, opts, cost, opts.allowHttp);
  const stable = urlBaseName(url);
  const target = { arg, abs: url.href, isDirectory: false };
  if (typeof probed === 'string') return { target, entries: [{ path: arg, stable, size: 0, reason: probed }] };
  return { target, entries: [{ path: arg, stable, size: probed.size, file: probed }] };
}
