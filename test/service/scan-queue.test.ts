// Scan jobs on BullMQ against a real Redis (redis-server on loopback) and real worker processes (bin/sentinel.js
// worker): every job ends exactly once in the results stream through a worker killed with SIGKILL, a dropped
// connection, a Redis restart and a graceful worker stop; failing jobs reach the dead-letter queue with a failed
// result; a repeated file is answered from the content-hash cache; `submit --wait` prints the report `artifact` does.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisOptions, startWorker, submitJobs, waitForResults } from '../../src/service/scan-queue.js';
import { RedisServer, redisCommand, redisMissing } from '../helpers/redis-server.js';
import { opcodePickle } from './fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/sentinel.js', import.meta.url));
const skip = redisMissing();

function startWorkerProcess(url: string, queue: string, root: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    // A short warm-up: these tests check delivery, not speed (the warm-up's effect on findings is checked in-process
    // below); the default 2,000 scans took over 60 s of wall time to ready under load 30-45.
    [
      BIN,
      'worker',
      '--redis',
      url,
      '--queue',
      queue,
      '--root',
      root,
      '--lock-seconds',
      '2',
      '--concurrency',
      '8',
      '--warm-up',
      '200',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((ok, fail) => {
    let err = '';
    // A guard against a worker that never starts, not a speed check: start-up alone (no warm-up) took 68-87 s of wall time under
    // load 30-45 (scripts/bench-queue.mjs).
    const timer = setTimeout(() => fail(new Error(`worker not ready after 180 s: ${err}`)), 180_000);
    child.stderr!.on('data', (d) => {
      err += d;
      if (process.env['SENTINEL_TEST_QUEUE_DEBUG']) process.stderr.write(`# worker ${child.pid}: ${String(d)}`);
      if (err.includes('worker ready')) {
        clearTimeout(timer);
        ok(child);
      }
    });
    child.once('exit', (c) => {
      clearTimeout(timer);
      fail(new Error(`worker exited ${c}: ${err}`));
    });
  });
}

async function streamEntries(
  redis: Redis,
  stream: string,
): Promise<{ job: string; result: { status: string; attempts: number } }[]> {
  const out: { job: string; result: { status: string; attempts: number } }[] = [];
  let from = '-';
  for (;;) {
    const rows = await redis.xrange(stream, from, '+', 'COUNT', 5000);
    for (const [id, f] of rows) {
      if (id === from) continue;
      out.push({ job: f[f.indexOf('job') + 1]!, result: JSON.parse(f[f.indexOf('result') + 1]!) });
    }
    if (rows.length < 5000) return out;
    from = rows[rows.length - 1]![0];
  }
}

async function resultsSoFar(redis: Redis, stream: string): Promise<number> {
  return redis.xlen(stream);
}

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scan queue on Redis', { skip }, () => {
  let redis: RedisServer;
  let client: Redis;
  let dir: string;

  before(async () => {
    redis = await RedisServer.start();
    client = new Redis({ ...redisOptions(redis.url), maxRetriesPerRequest: null });
    client.on('error', () => undefined); // reconnects by itself across the restart
    dir = mkdtempSync(join(tmpdir(), 'sentinel-queue-'));
  });

  after(async () => {
    client.disconnect();
    await redis.stop();
  });

  it('ends each of 10,000 jobs exactly once through SIGKILL, a dropped connection, a Redis restart and a graceful stop', async () => {
    const queue = 'faults';
    const N = Number(process.env['SENTINEL_TEST_QUEUE_JOBS'] ?? 10_000);
    const at = (k: number) => Math.round((N * k) / 10);
    const targets: string[] = [];
    for (let i = 0; i < N; i++) {
      const p = join(dir, `f${i}.pkl`);
      writeFileSync(p, i % 100 === 0 ? opcodePickle('os.system') : opcodePickle('benign'));
      targets.push(p);
    }
    const workers = [await startWorkerProcess(redis.url, queue, dir), await startWorkerProcess(redis.url, queue, dir)];
    const t0 = Date.now();
    const { jobIds } = await submitJobs({ redisUrl: redis.url, queue }, targets);
    const stream = `${queue}:results`;
    const reached = (n: number) =>
      until(async () => (await resultsSoFar(client, stream)) >= n, 120_000, `${n} results`);
    const faults: string[] = [];

    await reached(at(1));
    workers[0]!.kill('SIGKILL');
    workers.push(await startWorkerProcess(redis.url, queue, dir));
    faults.push(`SIGKILL worker 1 at ${at(1)}`);

    await reached(at(3));
    assert.match(await redisCommand(redis.port, 'CLIENT KILL TYPE normal'), /^:\d+/);
    faults.push(`all client connections killed at ${at(3)}`);

    await reached(at(5));
    await redis.restart();
    faults.push(`Redis restarted at ${at(5)}`);

    await reached(at(7));
    const stopping = workers[1]!;
    const exited = new Promise<number | null>((r) => stopping.once('exit', (c) => r(c)));
    stopping.kill('SIGTERM');
    workers.push(await startWorkerProcess(redis.url, queue, dir));
    assert.equal(await exited, 0, 'a worker stopped with SIGTERM exits 0 after finishing its jobs');
    faults.push(`SIGTERM worker 2 at ${at(7)}`);

    const results = await waitForResults({ redisUrl: redis.url, queue }, jobIds, { timeoutMs: 180_000 });
    const seconds = (Date.now() - t0) / 1000;
    for (const w of workers) w.kill('SIGTERM');
    const entries = await streamEntries(client, stream);
    const distinct = new Set(entries.map((e) => e.job));
    assert.equal(results.length, N);
    assert.equal(distinct.size, N, 'every job has a result');
    assert.equal(entries.length, N, 'no job has two results');
    assert.ok(results.every((r) => r.status === 'done'));
    const blocked = results.filter((r) => r.facts!.result.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    assert.equal(blocked.length, N / 100, 'every malicious file found, no benign one');
    const rerun = results.filter((r) => r.attempts > 1).length;
    console.log(
      `# ${N} jobs, 2-3 worker processes, faults: ${faults.join('; ')}: ${seconds.toFixed(1)} s, ` +
        `${N} results, 0 lost, 0 duplicated; ${rerun} jobs needed a second attempt`,
    );
  });

  it('moves a job that fails every attempt to the dead-letter queue and records a failed result', async () => {
    const cfg = { redisUrl: redis.url, queue: 'dead' };
    const p = join(dir, 'ok.pkl');
    writeFileSync(p, opcodePickle('benign'));
    const w = await startWorker(cfg, { roots: [dir], lockMs: 2000 });
    try {
      const { jobIds } = await submitJobs(cfg, [p], {
        policy: { text: 'fail_on: [NOT-A-SEVERITY]\n', source: 'broken.yml' },
        attempts: 2,
        backoffMs: 50,
      });
      const [r] = await waitForResults(cfg, jobIds, { timeoutMs: 30_000 });
      assert.equal(r!.status, 'failed');
      assert.equal(r!.attempts, 2);
      assert.match(r!.error!, /failed 2 times: invalid policy/);
      const dlq = new Queue('dead-dead', { connection: client });
      assert.ok(await dlq.getJob(jobIds[0]!), 'the job is in the dead-letter queue');
      await dlq.close();
    } finally {
      await w.close(1000);
    }
  });

  it('a worker that warmed up (scans of made-up pickles before its first job) reports what a cold one does', async () => {
    const p = join(dir, 'warm-up-check.pkl');
    writeFileSync(p, opcodePickle('os.system'));
    const findings = async (queue: string, warmUpScans: number) => {
      const cfg = { redisUrl: redis.url, queue };
      const w = await startWorker(cfg, { roots: [dir], warmUpScans });
      try {
        const [r] = await waitForResults(cfg, (await submitJobs(cfg, [p])).jobIds, { timeoutMs: 30_000 });
        assert.equal(r!.status, 'done');
        return r!.facts!.result.findings.map((f) => [f.ruleId, f.severity, f.where, f.fingerprint]);
      } finally {
        await w.close(1000);
      }
    };
    const warm = await findings('warm', 60);
    assert.ok(
      warm.some(([, severity]) => severity === 'CRITICAL'),
      'os.system is found after the warm-up',
    );
    assert.deepEqual(warm, await findings('cold', 0));
  });

  it('answers a repeated file from the content-hash cache (in any folder), and refuses targets outside the roots without retries', async () => {
    const cfg = { redisUrl: redis.url, queue: 'cache' };
    const p = join(dir, 'cached.pkl');
    writeFileSync(p, opcodePickle('os.system'));
    const w = await startWorker(cfg, { roots: [dir] });
    try {
      const first = await waitForResults(cfg, (await submitJobs(cfg, [p])).jobIds, { timeoutMs: 30_000 });
      const second = await waitForResults(cfg, (await submitJobs(cfg, [p, '/etc/hostname'])).jobIds, {
        timeoutMs: 30_000,
      });
      assert.equal(first[0]!.cached, undefined);
      assert.equal(second[0]!.cached, true);
      assert.equal(second[0]!.sha256, first[0]!.sha256);
      assert.deepEqual(second[0]!.facts!.result.findings, first[0]!.facts!.result.findings);
      // The same bytes under the same name in another folder: answered from the cache, the facts naming the new path.
      const moved = join(dir, 'elsewhere', 'cached.pkl');
      mkdirSync(join(dir, 'elsewhere'), { recursive: true });
      writeFileSync(moved, opcodePickle('os.system'));
      const [third] = await waitForResults(cfg, (await submitJobs(cfg, [moved])).jobIds, { timeoutMs: 30_000 });
      assert.equal(third!.cached, true);
      assert.deepEqual(third!.facts!.targets, [moved]);
      assert.deepEqual(
        third!.facts!.result.findings.map((f) => [f.ruleId, f.where, f.fingerprint]),
        first[0]!.facts!.result.findings.map((f) => [f.ruleId, f.where.replace(p, moved), f.fingerprint]),
      );
      assert.equal(second[1]!.status, 'failed');
      assert.equal(second[1]!.attempts, 1);
      assert.match(second[1]!.error!, /outside the service's roots/);
    } finally {
      await w.close(1000);
    }
  });

  it('submit --wait prints the report and exit code that artifact gives for the same targets', async () => {
    const q = 'cli';
    const worker = await startWorkerProcess(redis.url, q, dir);
    try {
      const ok = join(dir, 'cli-ok.pkl');
      const bad = join(dir, 'cli-bad.pkl');
      writeFileSync(ok, opcodePickle('benign'));
      writeFileSync(bad, opcodePickle('os.system'));
      const run = (args: string[]) =>
        new Promise<{ code: number; out: string }>((done) => {
          const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
          let out = '';
          c.stdout!.on('data', (d) => (out += d));
          c.once('exit', (code) => done({ code: code ?? -1, out }));
        });
      const strip = (s: string) => s.replace(/"(startedAt|durationMs)": [^,\n]+,?/g, '');
      for (const targets of [[ok], [ok, bad]]) {
        const viaQueue = await run([
          'submit',
          '--redis',
          redis.url,
          '--queue',
          q,
          '--wait',
          '--format',
          'json',
          ...targets,
        ]);
        const direct = await run(['artifact', '--format', 'json', ...targets]);
        assert.equal(viaQueue.code, direct.code);
        assert.equal(strip(viaQueue.out), strip(direct.out));
      }
    } finally {
      worker.kill('SIGTERM');
    }
  });
});
