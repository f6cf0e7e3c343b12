// A queue worker whose Redis cannot be reached (a closed port on 127.0.0.1) still obeys SIGTERM: it ends its start,
// drops every connection (none left reconnecting) and exits 0 inside the documented 30 s grace. The signal is sent
// once the worker says it is connecting (its handler is installed before), so the test never races the start-up;
// every wait is bounded and the worker is killed on every path.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ended, freePort } from '../helpers/redis-server.js';

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
