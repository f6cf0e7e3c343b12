// A queue worker whose Redis cannot be reached (a closed port on 127.0.0.1) still obeys SIGTERM: it ends its start,
// drops every connection (none left reconnecting) and exits 0 inside the documented 30 s grace. The signal is sent
// once the worker says it is connecting (its handler is installed before), so the test never races the start-up.
// A worker whose Redis goes away after it is ready (the server killed, or stopped so that it answers nothing) ends
// too, on its own, once its grace is over. Every wait is bounded and every process is killed on every path; no wait
// is a timing assertion (the caps are far above the grace).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ended, freePort, redisCommand, redisMissing } from '../helpers/redis-server.js';

const BIN = fileURLToPath(new URL('../../bin/sentinel.js', import.meta.url));
/** The documented grace of a stopping worker. */
const GRACE_MS = 30_000;

function exited(c: ChildProcess, ms: number): Promise<boolean> {
  if (ended(c)) return Promise.resolve(true);
  return new Promise((ok) => {
    const t = setTimeout(() => ok(false), ms);
    c.once('exit', () => {
      clearTimeout(t);
      ok(true);
    });
  });
}

describe('sentinel worker with Redis unreachable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-worker-unreachable-'));
  let child: ChildProcess | undefined;
  after(() => {
    if (child && !ended(child)) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 on SIGTERM inside the grace, saying it stopped before it was ready', async () => {
    const port = await freePort(); // closed again: nothing listens there
    child = spawn(
      process.execPath,
      [BIN, 'worker', '--redis', `redis://127.0.0.1:${port}`, '--root', dir, '--warm-up', '0'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    // Bounded wait for the start: 600 polls of 100 ms.
    for (let i = 0; i < 600 && !ended(child) && !err.includes('connecting to Redis'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(!ended(child), `the worker ended before it was stopped: ${err}`);
    assert.match(err, /connecting to Redis/);
    // Let it try (and fail) to connect a few times: the reconnect timers are what kept it alive.
    await new Promise((r) => setTimeout(r, 2000));
    child.kill('SIGTERM');
    const done = await exited(child, GRACE_MS);
    if (!done) child.kill('SIGKILL');
    assert.ok(done, `the worker was still running ${GRACE_MS} ms after SIGTERM: ${err}`);
    assert.equal(child.signalCode, null, 'ended by its own exit, not by the signal');
    assert.equal(child.exitCode, 0, err);
    assert.match(err, /stopped before it was ready/);
  });
});

/** Starts a throw-away redis-server (no persistence) on a free 127.0.0.1 port; resolves once it answers PING. */
async function redisServer(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 200 && !ended(child); i++) {
    try {
      if ((await redisCommand(port, 'PING')) === '+PONG') return { child, port };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

describe('sentinel worker whose Redis goes away after it is ready', { skip: redisMissing() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-worker-lost-'));
  const children = new Set<ChildProcess>();
  after(() => {
    for (const c of children) {
      if (ended(c)) continue;
      c.kill('SIGCONT'); // a stopped redis-server ends on SIGKILL either way; the worker too
      c.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a worker with a short grace on a fresh Redis, waits for `worker ready`, then `lose`s Redis. */
  async function readyWorkerThenLose(lose: 'SIGKILL' | 'SIGSTOP', grace: number) {
    const redis = await redisServer();
    children.add(redis.child);
    const w = spawn(
      process.execPath,
      [
        BIN,
        'worker',
        '--redis',
        `redis://127.0.0.1:${redis.port}`,
        '--root',
        dir,
        '--warm-up',
        '0',
        '--grace-seconds',
        String(grace),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.add(w);
    let err = '';
    w.stderr!.on('data', (d) => (err += d));
    // Bounded wait for the start: 1200 polls of 100 ms.
    for (let i = 0; i < 1200 && !ended(w) && !err.includes('worker ready'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(err, /worker ready/, `the worker did not get ready: ${err}`);
    redis.child.kill(lose);
    // Long enough for the worker's connections to notice (a killed server) or to send commands nobody answers.
    await new Promise((r) => setTimeout(r, 2000));
    return { w, stderr: () => err };
  }

  for (const [lose, what] of [
    ['SIGKILL', 'killed'],
    ['SIGSTOP', 'stopped (accepts, answers nothing)'],
  ] as const) {
    it(`ends on SIGTERM once its grace is over, Redis ${what}`, async () => {
      const grace = 2;
      const { w, stderr } = await readyWorkerThenLose(lose, grace);
      assert.ok(!ended(w), `the worker ended before it was stopped: ${stderr()}`);
      w.kill('SIGTERM');
      // A cap far above the grace: the test asserts that the worker ends, not how fast.
      const cap = grace * 1000 + 60_000;
      const done = await exited(w, cap);
      if (!done) w.kill('SIGKILL');
      assert.ok(done, `the worker was still running ${cap} ms after SIGTERM: ${stderr()}`);
      assert.equal(w.signalCode, null, 'ended by its own exit, not by the signal');
      assert.match(stderr(), /worker stopping/);
      if (lose === 'SIGKILL') {
        // Nothing left to answer the close: the grace runs out, the connections are dropped, exit 2.
        assert.equal(w.exitCode, 2, stderr());
        assert.match(stderr(), /without a clean close/);
      } else {
        // A silent server: the close may or may not complete within the grace (the kernel still takes the
        // connections' bytes); either way the process ends, 0 for a clean close and 2 for one the grace cut short.
        assert.ok(w.exitCode === 0 || w.exitCode === 2, `exit code ${w.exitCode}: ${stderr()}`);
        assert.equal(w.exitCode === 2, /without a clean close/.test(stderr()), stderr());
      }
    });
  }
});
