// The worker side of worker-pool.ts: receives batches of jobs, runs them one at a time in the order sent, names
// the running job in the shared cell (so that a crash is blamed on exactly that job), and sends results back in
// batches: when its queue runs dry, every few results so that the main thread can top it up meanwhile, or as soon
// as the results held weigh enough (large analyses are not kept on the worker's heap while it works on).
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import type { PoolWorkerData, WorkerReply } from './worker-pool.js';

/** Results gathered before they are sent while more jobs are queued. */
const FLUSH_EVERY = 64;

/**
 * How much of the worker's heap a result holds, and the weight of held results that is sent at once: a worker
 * holding 64 analyses of large Python modules while it parsed the next ones kept ~340 MB of heap each.
 */
export interface ResultWeight<R> {
  readonly of: (result: R) => number;
  readonly flushAt: number;
}

/** Serves pool jobs with `handler` (built once from the pool's workerData). */
export function servePool<J, R>(
  makeHandler: (data: unknown) => (job: J) => Promise<R>,
  weight?: ResultWeight<R>,
): void {
  const port = parentPort!;
  const init = workerData as PoolWorkerData;
  const running = new Int32Array(init.running);
  const handle = makeHandler(init.data);
  const queue: { i: number; job: J }[] = [];
  let head = 0;
  let draining = false;
  let out: ({ i: number; result: R } | { i: number; error: string })[] = [];
  let outWeight = 0;
  const flush = (): void => {
    if (!out.length) return;
    const reply: WorkerReply<R> = { type: 'results', results: out };
    port.postMessage(reply);
    out = [];
    outWeight = 0;
  };
  const drain = async (): Promise<void> => {
    draining = true;
    while (head < queue.length) {
      const { i, job } = queue[head]!;
      queue[head++] = undefined as never;
      Atomics.store(running, 0, i);
      try {
        const result = await handle(job);
        out.push({ i, result });
        if (weight) outWeight += weight.of(result);
      } catch (e) {
        out.push({ i, error: errorMessage(e) });
      }
      Atomics.store(running, 0, -1);
      if (out.length >= FLUSH_EVERY || (weight !== undefined && outWeight >= weight.flushAt)) flush();
    }
    queue.length = head = 0;
    flush();
    draining = false;
  };
  port.on('message', (batch: { i: number; job: J }[]) => {
    queue.push(...batch);
    if (!draining) void drain();
  });
  const ready: WorkerReply<R> = { type: 'ready' };
  port.postMessage(ready);
}
