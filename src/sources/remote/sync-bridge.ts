// Synchronous range reads over HTTP for the scan engine's synchronous ByteSource interface: the requests run on one
// worker thread (fetch-worker-source.ts) and the scanning thread blocks on a shared flag until the answer it needs
// is posted (Atomics.wait + receiveMessageOnPort). Requests may also be posted without waiting (prefetch); their
// answers are collected the next time the scanning thread waits. The listing's requests (requestAsync) run on the
// calling thread with the same code (light-fetch.ts): the worker starts only when the scan reads what the listing
// did not fetch, and takes over what the listing learned of the origins.
import { createRequire } from 'node:module';
import type { MessagePort } from 'node:worker_threads';
import { FETCH_WORKER_SOURCE } from './fetch-worker-source.js';
import type { EgressPolicy } from './egress.js';
import { learnedOrigins, rangeFetch } from './light-fetch.js';

let threads: typeof import('node:worker_threads') | undefined;

/** node:worker_threads, loaded with the worker (a scan whose remote files all come from the result cache has none). */
function workerThreads(): typeof import('node:worker_threads') {
  return (threads ??= createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads'));
}

export interface RangeRequest {
  readonly url: string;
  /** Where `url` redirected before: asked first (credentials only when it is the same origin), `url` if refused. */
  readonly direct?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Several ranges [start, end) in one request (multipart/byteranges); `start`/`end` are then ignored. */
  readonly ranges?: readonly (readonly [number, number])[];
  /**
   * Per range of `ranges`: whether it is left out (an empty part) on an origin that answers one range per request,
   * rather than asked for on a request of its own.
   */
  readonly optional?: readonly boolean[];
  /** First byte; negative: the last -start bytes (suffix range, size not known yet). */
  readonly start: number;
  /** One past the last byte (ignored for a suffix range). */
  readonly end: number;
  /** Expected total size (known after the first answer). */
  readonly size?: number;
  /** The first answer's validators: every later answer must carry the same. */
  readonly validator?: { readonly etag: string | null; readonly lastModified: string | null };
  /** Bound of the whole request: every attempt and the waits between them. */
  readonly timeoutMs: number;
  readonly retries: number;
  readonly allowHttp: boolean;
  /** What every hop and connection may reach (egress.ts); undefined: public addresses only. */
  readonly egress?: EgressPolicy;
}

export type RangeReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly bytes: Uint8Array;
      /** One per range of a several-range request. */
      readonly parts?: readonly Uint8Array[];
      readonly size: number;
      readonly etag: string | null;
      readonly lastModified: string | null;
      readonly finalUrl: string;
      /** HTTP requests sent, redirect hops included. */
      readonly requests: number;
      /** Of `requests`, redirects followed. */
      readonly redirects: number;
      readonly received: number;
    }
  | {
      readonly id: number;
      readonly ok: false;
      /** network | status | range | length | changed | insecure | egress | internal | timeout */
      readonly kind: string;
      readonly message: string;
      /** HTTP requests sent, redirect hops included. */
      readonly requests: number;
      /** Of `requests`, redirects followed. */
      readonly redirects: number;
      readonly received: number;
    };

/**
 * One fetch worker shared by every remote source of the process; started at the first request (a scan whose remote
 * files all come from the result cache never starts it), never keeps the process alive.
 */
export class SyncBridge {
  private port: MessagePort | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private worker: import('node:worker_threads').Worker | undefined;
  private nextId = 1;
  /** Answers received but not yet claimed (prefetches, or answers collected while waiting for another). */
  private readonly done = new Map<number, RangeReply>();
  /** Every request posted and not yet answered, by id. */
  private readonly pending = new Set<number>();
  /** The version of the listing thread's knowledge of the origins the worker has. */
  private learned = 0;

  private start(): MessagePort {
    if (this.port) return this.port;
    const { MessageChannel, Worker } = workerThreads();
    const { port1, port2 } = new MessageChannel();
    const learned = learnedOrigins(0);
    this.learned = learned?.version ?? 0;
    this.worker = new Worker(FETCH_WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag: this.flag.buffer, ...(learned ? { learned } : {}) },
      transferList: [port2],
    });
    this.worker.unref();
    port1.unref();
    this.port = port1;
    return port1;
  }

  /** Posts a request without waiting; returns its id (claim the answer with `wait` or `take`). */
  post(req: RangeRequest): number {
    const id = this.nextId++;
    this.pending.add(id);
    const port = this.start();
    const learned = learnedOrigins(this.learned);
    if (learned) this.learned = learned.version;
    port.postMessage({ id, ...req, ...(learned ? { learned } : {}) });
    return id;
  }

  /** The answer to `id` if it has arrived (collects whatever arrived); never blocks. */
  take(id: number): RangeReply | undefined {
    this.drain();
    const r = this.done.get(id);
    if (r) this.done.delete(id);
    return r;
  }

  /** Blocks until request `id` is answered or `timeoutMs` passes (then a timeout reply; the answer is dropped). */
  wait(id: number, timeoutMs: number): RangeReply {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.flag, 0);
      const r = this.take(id);
      if (r) return r;
      if (!this.pending.has(id)) throw new Error(`range request ${id} is not pending`);
      const left = deadline - Date.now();
      if (left <= 0) {
        this.pending.delete(id);
        return timeoutReply(id, timeoutMs);
      }
      Atomics.wait(this.flag, 0, seen, left);
    }
  }

  /** Posts and waits. */
  request(req: RangeRequest, timeoutMs: number): RangeReply {
    return this.wait(this.post(req), timeoutMs);
  }

  /**
   * Asynchronous variant for the listing phase: the request runs on this thread (the event loop keeps running), and
   * an answer later than `timeoutMs` is dropped for a timeout reply.
   */
  async requestAsync(req: RangeRequest, timeoutMs: number): Promise<RangeReply> {
    const id = this.nextId++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Armed again when it fires early by the wall clock (timers count from the event loop's clock, cached once per
    // turn): the reply says the time ran out only once it has.
    const endsAt = Date.now() + timeoutMs;
    const late = new Promise<RangeReply>((resolve) => {
      const arm = (ms: number): void => {
        timer = setTimeout(() => {
          const left = endsAt - Date.now();
          if (left > 0) arm(left);
          else resolve(timeoutReply(id, timeoutMs));
        }, ms);
      };
      arm(timeoutMs);
    });
    try {
      return await Promise.race([rangeFetch(id, req), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private drain(): void {
    if (!this.port) return;
    for (;;) {
      const m = workerThreads().receiveMessageOnPort(this.port);
      if (!m) return;
      const r = m.message as RangeReply;
      if (!this.pending.delete(r.id)) continue; // an answer that came after its timeout
      this.done.set(r.id, r.ok ? { ...r, bytes: new Uint8Array(r.bytes ?? 0) } : r);
    }
  }

  close(): Promise<number> {
    return this.worker ? this.worker.terminate() : Promise.resolve(0);
  }
}

/** The reply of a request not answered within `timeoutMs` (its late answer is dropped). */
function timeoutReply(id: number, timeoutMs: number): RangeReply {
  return {
    id,
    ok: false,
    kind: 'timeout',
    message: `no answer within ${timeoutMs} ms`,
    requests: 0,
    redirects: 0,
    received: 0,
  };
}

let shared: SyncBridge | undefined;

/** The process's fetch worker. */
export function sharedBridge(): SyncBridge {
  shared ??= new SyncBridge();
  return shared;
}
