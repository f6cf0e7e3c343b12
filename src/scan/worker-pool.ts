// A small pool of worker threads (node:worker_threads) for directory scans. Jobs go out in order, in batches a
// worker works through ahead of its results, and results come back in batches (one message per file cost as much
// as scanning a small pickle); each worker publishes the index of the job it is running in shared memory. A worker
// that dies (crash, out of memory, over the job time limit) takes only that job with it: the job is reported through
// onCrash, every other job it held goes to a fresh worker. Workers that cannot start at all leave their jobs to the
// caller (returned), so a broken installation degrades to a single-threaded scan.
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface PoolOptions<J, R> {
  /** Worker entry: see pool-worker-loop.ts. */
  readonly script: URL;
  readonly workers: number;
  /** Handed to the worker's job handler set-up. */
  readonly workerData: unknown;
  /** Node options for the workers (default: the main thread's). */
  readonly execArgv?: string[];
  /** V8 heap limits per worker (a worker over them dies, and its running job is reported as crashed). */
  readonly resourceLimits?: ResourceLimits;
  /** Relative cost of a job (bytes); a worker holds at most `maxAheadWeight` of work ahead of its results. */
  readonly weight?: (job: J) => number;
  readonly maxAheadWeight?: number;
  /** Longest one job may run before its worker is stopped and the job reported as crashed. */
  readonly jobTimeoutMs?: number;
  readonly onResult: (index: number, result: R) => void;
  /** The job's worker died while running it (`timedOut`: it ran past jobTimeoutMs). */
  readonly onCrash: (index: number, reason: string, timedOut: boolean) => void;
  /** Aborting it stops every worker and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * A time (ms since the epoch) after which no job is sent to a worker: once the jobs workers hold are answered, the
   * pool resolves with the jobs never sent, for the caller to settle (a scan's time limit).
   */
  readonly stopAt?: number;
}

/** Messages from a worker. */
export type WorkerReply<R> =
  | { readonly type: 'ready' }
  | {
      readonly type: 'results';
      readonly results: readonly ({ i: number; result: R } | { i: number; error: string })[];
    };

/** What a worker is started with: its handler's data and the shared cell where it names the job it is running. */
export interface PoolWorkerData {
  readonly data: unknown;
  /** Int32Array over this: [0] = index of the job being run, -1 between jobs. */
  readonly running: SharedArrayBuffer;
}

interface Slot {
  readonly worker: Worker;
  readonly running: Int32Array;
  /** Job indexes sent to this worker and not answered yet, in the order sent (the order it runs them). */
  readonly held: number[];
  heldWeight: number;
  ready: boolean;
  dead: boolean;
  timedOut: boolean;
  /** Timer bookkeeping: the running job last seen, and since when. */
  seen: number;
  seenSince: number;
  error?: Error;
}

/**
 * Where to start a worker running the module `entry`: the module itself or, for a TypeScript module (tests run from
 * the sources), a bootstrap that registers a TypeScript loader in the worker first (loader hooks do not carry over to
 * workers on Node 20): the module hooks named by SENTINEL_TS_HOOKS (the test runner's, whose transpiled modules are
 * cached on disk), else tsx's.
 */
export function workerEntry(entry: URL): URL {
  if (!entry.pathname.endsWith('.ts')) return entry;
  const hooks = process.env['SENTINEL_TS_HOOKS'];
  const target = JSON.stringify(entry.href);
  const code =
    hooks !== undefined && hooks.startsWith('file:')
      ? `import { register } from 'node:module'; register(${JSON.stringify(hooks)}); await import(${target});`
      : `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); ` +
        `await import(${target});`;
  return new URL('data:text/javascript,' + encodeURIComponent(code));
}

/** Jobs one worker holds at most ahead of its results. */
const MAX_AHEAD = 256;
/** A worker that has not loaded after this long is stopped (a start failure). */
const START_TIMEOUT_MS = 60_000;
/** Worker start failures in a row before the pool gives up and hands the jobs back. */
const MAX_START_FAILURES = 3;

/**
 * Runs every job on the pool. Resolves with the indexes of jobs no worker could take (empty unless workers fail to
 * start or `stopAt` passed); every other job has had exactly one onResult or onCrash call.
 */
export function runPool<J, R>(jobs: readonly J[], o: PoolOptions<J, R>): Promise<number[]> {
  const weight = o.weight ?? (() => 1);
  const maxAheadWeight = o.maxAheadWeight ?? Infinity;
  const retry: number[] = [];
  let next = 0;
  let settled = 0;
  let startFailures = 0;
  const slots = new Set<Slot>();

  const stopped = (): boolean => o.stopAt !== undefined && Date.now() >= o.stopAt;
  const take = (): number | undefined => (retry.length ? retry.pop() : next < jobs.length ? next++ : undefined);
  const pending = (): boolean => retry.length > 0 || next < jobs.length;
  const requeue = (indexes: readonly number[]): void => {
    for (let k = indexes.length - 1; k >= 0; k--) retry.push(indexes[k]!);
  };

  return new Promise((resolveAll, rejectAll) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;

    const finish = (leftOver: number[]): void => {
      if (finished) return;
      finished = true;
      if (timer) clearInterval(timer);
      o.signal?.removeEventListener('abort', onAbort);
      const all = [...slots].map((s) => s.worker.terminate().catch(() => 0));
      void Promise.all(all).then(() => resolveAll(leftOver.sort((a, b) => a - b)));
    };
    const fail = (e: unknown): void => {
      if (finished) return;
      finished = true;
      if (timer) clearInterval(timer);
      for (const s of slots) void s.worker.terminate();
      rejectAll(e);
    };
    const onAbort = (): void => fail(o.signal!.reason);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) onAbort();

    /** Tops a worker up when it holds less than half its allowance. */
    const pump = (s: Slot): void => {
      if (s.dead || s.held.length >= MAX_AHEAD / 2 || s.heldWeight >= maxAheadWeight / 2 || stopped()) return;
      const batch: { i: number; job: J }[] = [];
      while (s.held.length < MAX_AHEAD && (s.held.length === 0 || s.heldWeight < maxAheadWeight)) {
        const i = take();
        if (i === undefined) break;
        s.held.push(i);
        s.heldWeight += weight(jobs[i]!);
        batch.push({ i, job: jobs[i]! });
      }
      if (batch.length) s.worker.postMessage(batch);
    };

    const checkDone = (): void => {
      if (settled === jobs.length) finish([]);
      else if (stopped() && [...slots].every((s) => s.held.length === 0)) {
        // Past the stop time with nothing held: the jobs never sent go back to the caller.
        const left: number[] = [];
        for (let i = take(); i !== undefined; i = take()) left.push(i);
        finish(left);
      }
    };

    const spawn = (): void => {
      const running = new SharedArrayBuffer(4);
      let worker: Worker;
      try {
        const workerData: PoolWorkerData = { data: o.workerData, running };
        worker = new Worker(o.script, {
          workerData,
          ...(o.execArgv ? { execArgv: o.execArgv } : {}),
          ...(o.resourceLimits ? { resourceLimits: o.resourceLimits } : {}),
        });
      } catch (e) {
        fail(e);
        return;
      }
      const s: Slot = {
        worker,
        running: new Int32Array(running),
        held: [],
        heldWeight: 0,
        ready: false,
        dead: false,
        timedOut: false,
        seen: -1,
        seenSince: Date.now(),
      };
      Atomics.store(s.running, 0, -1);
      slots.add(s);
      worker.on('message', (m: WorkerReply<R>) => {
        if (m.type === 'ready') {
          s.ready = true;
          startFailures = 0;
          return;
        }
        for (const r of m.results) {
          const i = s.held.shift();
          if (i !== r.i) {
            fail(new Error(`worker answered job ${r.i} while holding ${i}`));
            return;
          }
          s.heldWeight -= weight(jobs[i]!);
          settled++;
          if ('error' in r) o.onCrash(i, r.error, false);
          else o.onResult(i, r.result);
        }
        pump(s);
        checkDone();
      });
      worker.on('error', (e) => {
        s.error = e;
      });
      worker.on('exit', (code) => {
        s.dead = true;
        slots.delete(s);
        if (finished) return;
        const runningJob = Atomics.load(s.running, 0);
        const at = s.ready ? s.held.indexOf(runningJob) : -1;
        if (!s.ready) startFailures++;
        if (at < 0) {
          // Between jobs, or never got going (the entry could not load): no job is to blame.
          requeue(s.held);
        } else {
          // Jobs before the running one finished but their results were not sent yet: they run again elsewhere.
          requeue([...s.held.slice(0, at), ...s.held.slice(at + 1)]);
          settled++;
          const why = s.timedOut
            ? `the file's scan ran past ${o.jobTimeoutMs} ms and its worker was stopped`
            : `the worker scanning this file stopped (${s.error ? s.error.message : `exit code ${code}`})`;
          o.onCrash(runningJob, why, s.timedOut);
        }
        if (startFailures >= MAX_START_FAILURES) {
          if (slots.size === 0) {
            const left: number[] = [];
            for (let i = take(); i !== undefined; i = take()) left.push(i);
            finish(left);
            return;
          }
        } else if (pending() && slots.size < o.workers && !stopped()) spawn();
        for (const other of slots) pump(other);
        checkDone();
      });
      pump(s);
    };

    if (jobs.length === 0) {
      resolveAll([]);
      return;
    }
    for (let k = 0; k < Math.min(o.workers, jobs.length); k++) spawn();
    // Already past the stop time: nothing was sent, so no answer will come to check again.
    checkDone();
    if (o.jobTimeoutMs !== undefined) {
      const limit = o.jobTimeoutMs;
      timer = setInterval(
        () => {
          const now = Date.now();
          for (const s of slots) {
            const r = Atomics.load(s.running, 0);
            if (!s.ready) {
              if (!s.timedOut && now - s.seenSince > START_TIMEOUT_MS) {
                s.timedOut = true;
                void s.worker.terminate();
              }
            } else if (r !== s.seen) {
              s.seen = r;
              s.seenSince = now;
            } else if (r >= 0 && !s.timedOut && now - s.seenSince > limit) {
              s.timedOut = true;
              void s.worker.terminate();
            }
          }
        },
        Math.min(1000, Math.max(20, limit / 8)),
      );
      timer.unref();
    }
  });
}
