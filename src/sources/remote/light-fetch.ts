// The listing thread's HTTP: lightFetch (light-fetch-source.ts) and the checked range requests of
// range-fetch-source.ts (the fetch worker runs the same text), compiled once on first use, one connection pool for
// both. Listings (the Hub's tree pages, OCI manifests and tokens) use lightFetch instead of Node's fetch, whose first
// request costs a process 0.25-0.4 s of CPU; the listing's range requests run here rather than in the fetch worker,
// whose start costs more CPU than the rest of a checkpoint's listing (a scan that then reads nothing more never
// starts it).
import { createRequire } from 'node:module';
import { compileFunction } from 'node:vm';
import { RANGE_FETCH_SOURCE } from './range-fetch-source.js';
import type { EgressPolicy } from './egress.js';
import type { RemoteCost } from './remote-file.js';
import type { RangeReply, RangeRequest } from './sync-bridge.js';

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
  init: {
    headers?: Readonly<Record<string, string>>;
    signal?: AbortSignal;
    timeoutMs?: number;
    /** What every hop and connection may reach (egress.ts); undefined: public addresses only. */
    egress?: EgressPolicy | undefined;
  },
) => Promise<LightResponse>;

/** Counts an answer's redirect hops as requests sent (and as redirects). */
export function countRedirects(cost: RemoteCost, hops: unknown): void {
  const n = typeof hops === 'number' && Number.isSafeInteger(hops) && hops > 0 ? hops : 0;
  cost.requests += n;
  cost.redirects += n;
}

/** What the origins showed (range-fetch-source.ts): handed to the fetch worker. */
export interface LearnedOrigins {
  readonly version: number;
  readonly noMultipart: readonly string[];
  readonly multipartOk: readonly string[];
  readonly inPlace: readonly string[];
}

interface Compiled {
  readonly lightFetch: LightFetch;
  readonly rangeQueue: (reply: (msg: RangeReply) => void) => (req: RangeRequest & { id: number }) => void;
  readonly rangeLearned: (since: number) => LearnedOrigins | undefined;
}

let compiled: Compiled | undefined;

function here(): Compiled {
  return (compiled ??= compileFunction(
    `'use strict';\n${RANGE_FETCH_SOURCE}\nreturn { lightFetch, rangeQueue, rangeLearned };`,
    ['require'],
    { filename: 'sentinel-light-fetch.js' },
  )(createRequire(import.meta.url)) as Compiled);
}

/** GET `url` (redirects followed, credentials dropped across origins); rejects on network failure or abort. */
export function lightFetch(...args: Parameters<LightFetch>): Promise<LightResponse> {
  return here().lightFetch(...args);
}

let enqueue: ((req: RangeRequest & { id: number }) => void) | undefined;
const waiting = new Map<number, (r: RangeReply) => void>();

/** One checked range request (range-fetch-source.ts) made on this thread; at most 32 at once, the rest queued. */
export function rangeFetch(id: number, req: RangeRequest): Promise<RangeReply> {
  enqueue ??= here().rangeQueue((msg) => {
    const done = waiting.get(msg.id);
    waiting.delete(msg.id);
    // A several-range answer has its parts and no bytes (as the worker's reaches the bridge).
    done?.(msg.ok && !msg.bytes ? { ...msg, bytes: new Uint8Array(0) } : msg);
  });
  const answer = new Promise<RangeReply>((resolve) => waiting.set(id, resolve));
  enqueue({ ...req, id });
  return answer;
}

/** What this thread's range requests learned of the origins after version `since`, or undefined (nothing new). */
export function learnedOrigins(since: number): LearnedOrigins | undefined {
  return compiled?.rangeLearned(since);
}
