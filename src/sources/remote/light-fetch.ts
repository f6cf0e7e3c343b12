// lightFetch on the listing thread: the HTTP client of light-fetch-source.ts (the fetch worker runs the same text),
// compiled once on first use. Listings (the Hub's tree pages, OCI manifests and tokens) use it instead of Node's
// fetch, whose first request costs a process 0.25-0.4 s of CPU.
import { createRequire } from 'node:module';
import { compileFunction } from 'node:vm';
import { LIGHT_FETCH_SOURCE } from './light-fetch-source.js';
import type { RemoteCost } from './remote-file.js';

export interface LightResponse {
  readonly status: number;
  /** The URL answered, after redirects. */
  readonly url: string;
  /** Redirect hops followed to reach this answer (each one a request sent). */
  readonly redirects: number;
  readonly headers: { get(name: string): string | null };
  readonly body: { cancel(): Promise<void> };
  /** The whole body, or undefined (the connection closed) when it is longer than `max` bytes. */
  bytes(max: number): Promise<Uint8Array | undefined>;
}

export type LightFetch = (
  url: string | URL,
  init: { headers?: Readonly<Record<string, string>>; signal?: AbortSignal; timeoutMs?: number },
) => Promise<LightResponse>;

/** Counts an answer's redirect hops as requests sent (and as redirects). */
export function countRedirects(cost: RemoteCost, hops: unknown): void {
  const n = typeof hops === 'number' && Number.isSafeInteger(hops) && hops > 0 ? hops : 0;
  cost.requests += n;
  cost.redirects += n;
}

let compiled: LightFetch | undefined;

/** GET `url` (redirects followed, credentials dropped across origins); rejects on network failure or abort. */
export function lightFetch(...args: Parameters<LightFetch>): Promise<LightResponse> {
  compiled ??= compileFunction(`${LIGHT_FETCH_SOURCE}\nreturn lightFetch;`, ['require'], {
    filename: 'sentinel-light-fetch.js',
  })(createRequire(import.meta.url)) as LightFetch;
  return compiled(...args);
}
