// lightFetch on the listing thread: the HTTP client of light-fetch-source.ts (the fetch worker runs the same text),
// compiled once on first use. Listings (the Hub's tree pages, OCI manifests and tokens) use it instead of Node's
// fetch, whose first request costs a process 0.25-0.4 s of CPU.
import { createRequire } from 'node:module';
import { compileFunction } from 'node:vm';
import { LIGHT_FETCH_SOURCE } from './light-fetch-source.js';

export interface LightResponse {
  readonly status: number;
  /** The URL answered, after redirects. */
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly body: { cancel(): Promise<void> };
  /** The whole body, or undefined (the connection closed) when it is longer than `max` bytes. */
  bytes(max: number): Promise<Uint8Array | undefined>;
}

export type LightFetch = (
  url: string | URL,
  init: { headers?: Readonly<Record<string, string>>; signal?: AbortSignal; timeoutMs?: number },
) => Promise<LightResponse>;

let compiled: LightFetch | undefined;

/** GET `url` (redirects followed, credentials dropped across origins); rejects on network failure or abort. */
export function lightFetch(...args: Parameters<LightFetch>): Promise<LightResponse> {
  compiled ??= compileFunction(`${LIGHT_FETCH_SOURCE}\nreturn lightFetch;`, ['require'], {
    filename: 'sentinel-light-fetch.js',
  })(createRequire(import.meta.url)) as LightFetch;
  return compiled(...args);
}
