// The scan pool: every job gets exactly one answer; a worker that dies (exit, uncaught error, out of memory, over
// the time limit) costs only the job it was running, which is reported as crashed; workers that cannot start
// hand their jobs back to the caller.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { runPool, workerEntry } from '../../src/scan/worker-pool.js';

const WORKER = workerEntry(new URL('./helpers/pool-test-worker.ts', import.meta.url));

interface Answers {
  results: Map<number, string>;
  crashes: Map<number, { reason: string; timedOut: boolean }>;
  left: number[];
}

async function run(
  jobs: string[],
  workers: number,
  extra: { jobTimeoutMs?: number; script?: URL; heapMb?: number; stopAt?: number } = {},
) {
  const a: Answers = { results: new Map(), crashes: new Map(), left: [] };
  a.left = await runPool(jobs, {
    script: extra.script ?? WORKER,
    workers,
    workerData: 'done:',
    ...(extra.jobTimeoutMs !== undefined ? { jobTimeoutMs: extra.jobTimeoutMs } : {}),
    ...(extra.heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: extra.heapMb } } : {}),
    ...(extra.stopAt !== undefined ? { stopAt: extra.stopAt } : {}),
    onResult: (i, r: string) => {
      assert.ok(!a.results.has(i) && !a.crashes.has(i), `job ${i} answered twice`);
      a.results.set(i, r);
    },
    onCrash: (i, reason, timedOut) => {
      assert.ok(!a.results.has(i) && !a.crashes.has(i), `job ${i} answered twice`);
      a.crashes.set(i, { reason, timedOut });
    },
  });
  return a;
}

function words(n: number, special: Record<number, string> = {}): string[] {
  return Array.from({ length: n }, (_, i) => special[i] ?? `w${i}`);
}

describe('worker pool', () => {
  it('answers every job once, on several workers', async () => {
    const jobs = words(300);
    const a = await run(jobs, 3);
    assert.equal(a.results.size, 300);
    for (const [i, r] of a.results) assert.equal(r, 'done:' + jobs[i]);
    assert.deepEqual(a.left, []);
  });

  it('a worker that exits takes only its running job with it', async () => {
    const jobs = words(200, { 17: 'crash', 150: 'crash' });
    const a = await run(jobs, 2);
    assert.deepEqual(
      [...a.crashes.keys()].sort((x, y) => x - y),
      [17, 150],
    );
    assert.match(a.crashes.get(17)!.reason, /stopped \(exit code 3\)/);
    assert.equal(a.results.size, 198);
  });

  it('an error thrown by the handler is that job crashing, the worker goes on', async () => {
    const a = await run(words(50, { 3: 'throw' }), 1);
    assert.deepEqual([...a.crashes.keys()], [3]);
    assert.equal(a.crashes.get(3)!.reason, 'handler failed');
    assert.equal(a.results.size, 49);
  });

  it('a worker out of memory costs its running job only', async () => {
    const a = await run(words(40, { 5: 'oom' }), 2, { heapMb: 96 });
    assert.deepEqual([...a.crashes.keys()], [5]);
    assert.match(a.crashes.get(5)!.reason, /memory|stopped/i);
    assert.equal(a.results.size, 39);
  });

  it('a job over the time limit is stopped and reported as timed out', async () => {
    const a = await run(words(30, { 10: 'hang' }), 2, { jobTimeoutMs: 300 });
    assert.deepEqual(a.left, []);
    assert.deepEqual([...a.crashes.keys()], [10]);
    assert.equal(a.crashes.get(10)!.timedOut, true);
    assert.equal(a.results.size, 29);
  });

  it('a result that weighs enough is sent at once, lighter ones wait for the batch', async () => {
    // One worker runs each pair: the first job's answer, then a job that hangs until it is stopped. A light answer
    // is still held by the worker when it is stopped (its job runs again on the next worker, after the crash); a
    // heavy one was sent before the hang.
    const events: string[] = [];
    for (const first of ['heavy', 'light']) {
      await runPool([first, 'hang'], {
        script: WORKER,
        workers: 1,
        workerData: 'done:',
        jobTimeoutMs: 300,
        onResult: (i, r: string) => events.push(`${first}: result ${r}`),
        onCrash: (i) => events.push(`${first}: crash ${i}`),
      });
    }
    assert.deepEqual(events, [
      'heavy: result done:heavy',
      'heavy: crash 1',
      'light: crash 1',
      'light: result done:light',
    ]);
  });

  it('workers that cannot start hand every job back', async () => {
    const missing = new URL('./helpers/no-such-worker.js', import.meta.url);
    const a = await run(words(20), 2, { script: missing });
    assert.deepEqual(a.left, [...Array(20).keys()]);
    assert.equal(a.results.size + a.crashes.size, 0);
  });

  it('past its stop time, sends no job and hands every job back unanswered (a scan out of time)', async () => {
    const a = await run(words(300), 2, { stopAt: Date.now() - 1 });
    assert.deepEqual(a.left, [...Array(300).keys()]);
    assert.equal(a.results.size + a.crashes.size, 0);
  });

  it('a stop time not reached changes nothing (twin)', async () => {
    const a = await run(words(300), 2, { stopAt: Date.now() + 3_600_000 });
    assert.equal(a.results.size, 300);
    assert.deepEqual(a.left, []);
  });
});
