// Scan jobs on BullMQ against a real Redis (redis-server on loopback) and real worker processes (bin/sentinel.js
// worker): every job ends exactly once in the results stream through a worker killed with SIGKILL, a dropped
// connection, a Redis restart and a graceful worker stop; failing jobs reach the dead-letter queue with a failed
// result; a repeated file is answered from the content-hash cache; `submit --wait` prints the report `artifact` does.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisOptions, startWorker, submitJobs, waitForResults } from '../../src/service/scan-queue.js';
import { RedisServer, ended, redisCommand, redisMissing, stopProcess } from '../helpers/redis-server.js';
import { opcodePickle } from './fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/sentinel.js', import.meta.url));
const skip = redisMissing();

/** Every process the tests spawn; the `after` hook stops those still running, whatever path a test took. */
const spawned = new Set<ChildProcess>();

function track(c: ChildProcess): ChildProcess {
  spawned.add(c);
  c.once('exit', () => spawned.delete(c));
  return c;
}

/** What each worker process wrote on stderr so far. */
const stderrOf = new Map<ChildProcess, { text: string }>();

/** A worker process, resolved once it says `worker ready`; one not ready within `readyMs` is stopped (rejects). */
function startWorkerProcess(
  url: string,
  queue: string,
  root: string,
  readyMs = 180_000,
  extra: string[] = [],
): Promise<ChildProcess> {
  const child = track(
    spawn(
      process.execPath,
      // A short warm-up: these tests check delivery, not speed (the warm-up's effect on findings is checked
      // in-process below); the default 2,000 scans took over 60 s of wall time to ready under load 30-45.
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
        ...extra,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    ),
  );
  return new Promise((ok, fail) => {
    let err = '';
    let late = false;
    // A guard against a worker that never starts, not a speed check: start-up alone (no warm-up) took 68-87 s of
    // wall time under load 30-45 (scripts/bench-queue.mjs). The worker is stopped before the promise rejects.
    const timer = setTimeout(() => {
      late = true;
      void stopProcess(child, 2000)
        .catch(() => undefined)
        .then(() => fail(Object.assign(new Error(`worker not ready after ${readyMs} ms: ${err}`), { child })));
    }, readyMs);
    const seen = { text: '' };
    stderrOf.set(child, seen);
    child.stderr!.on('data', (d) => {
      err += d;
      seen.text += d;
      if (process.env['SENTINEL_TEST_QUEUE_DEBUG']) process.stderr.write(`# worker ${child.pid}: ${String(d)}`);
      if (err.includes('worker ready')) {
        clearTimeout(timer);
        ok(child);
      }
    });
    child.once('exit', (c) => {
      clearTimeout(timer);
      if (!late) fail(new Error(`worker exited ${c}: ${err}`));
    });
  });
}

/** Runs the CLI to its end (stopped after `ms`), its exit code and standard output. */
function runCli(args: string[], ms = 300_000, cwd?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done, fail) => {
    const c = track(
      spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) }),
    );
    let out = '';
    let err = '';
    c.stderr!.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      void stopProcess(c, 2000)
        .catch(() => undefined)
        .then(() => fail(new Error(`sentinel ${args[0]} did not end within ${ms} ms`)));
    }, ms);
    c.stdout!.on('data', (d) => (out += d));
    c.once('exit', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, out, err });
    });
  });
}

/** A promise that rejects after `ms` instead of waiting for ever. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
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

/**
 * A Python project of `n` modules, each importing another and calling it or pickle.loads, and a request handler
 * that passes request data to every one: its analysis is long (3,000 modules: some 9 s of CPU), and it is all on
 * one scan thread, whatever the machine.
 */
function fanOutProject(project: string, n: number): void {
  mkdirSync(join(project, 'pkg'), { recursive: true });
  writeFileSync(join(project, 'pkg', '__init__.py'), '');
  for (let i = 0; i < n; i++) {
    const next = (i * 7919 + 1) % n;
    writeFileSync(
      join(project, 'pkg', `m${i}.py`),
      `import pickle\nfrom pkg import m${next}\ndef f(x):\n    return m${next}.f(x) if x else pickle.loads(x)\n`,
    );
  }
  const calls = Array.from({ length: n }, (_, i) => `    m${i}.f(d)\n`).join('');
  const imports = Array.from({ length: n }, (_, i) => `from pkg import m${i}\n`).join('');
  writeFileSync(
    join(project, 'pkg', 'main.py'),
    `from flask import request\n${imports}def handler():\n    d = request.get_data()\n${calls}`,
  );
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
    try {
      await Promise.allSettled([...spawned].map((c) => stopProcess(c)));
    } finally {
      client?.disconnect();
      await redis?.stop();
    }
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
    // Its grace is 30 s (the default --grace-seconds); a worker that has not ended well after it fails the test.
    assert.equal(
      await within(exited, 120_000, 'the worker stopped with SIGTERM to exit'),
      0,
      'a worker stopped with SIGTERM exits 0 after finishing its jobs',
    );
    faults.push(`SIGTERM worker 2 at ${at(7)}`);

    const results = await waitForResults({ redisUrl: redis.url, queue }, jobIds, { timeoutMs: 180_000 });
    const seconds = (Date.now() - t0) / 1000;
    await Promise.all(workers.map((w) => stopProcess(w)));
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
      // The same answer as for a path that does not exist (no existence oracle for paths outside the roots).
      assert.match(second[1]!.error!, /: no such file or directory under the service's roots$/);
    } finally {
      await w.close(1000);
    }
  });

  it('keeps each result once: in its stream entry, which the result key and the cache key name by id', async () => {
    const cfg = { redisUrl: redis.url, queue: 'once' };
    const p = join(dir, 'once.pkl');
    writeFileSync(p, opcodePickle('os.system'));
    const OLD_ENTRIES = 120;
    for (let i = 0; i < OLD_ENTRIES; i++)
      await client.xadd('once:results', `${1000 + i}-0`, 'job', `a.${i}`, 'result', '{}');
    const w = await startWorker(cfg, { roots: [dir], warmUpScans: 0 });
    try {
      const { jobIds } = await submitJobs(cfg, [p]);
      const [r] = await waitForResults(cfg, jobIds, { timeoutMs: 30_000 });
      assert.equal(r!.status, 'done');
      const id = await client.get(`once:result:${jobIds[0]}`);
      assert.match(id ?? '', /^\d+-\d+$/, 'the result key holds a stream entry id');
      const [entry] = await client.xrange('once:results', id!, id!);
      const fields = entry![1];
      assert.equal(fields[fields.indexOf('job') + 1], jobIds[0]);
      const stored = JSON.parse(fields[fields.indexOf('result') + 1]!) as { jobId: string; sha256: string };
      assert.equal(stored.jobId, jobIds[0]);
      const cacheKeys = await client.keys('once:facts:*');
      assert.equal(cacheKeys.length, 1);
      assert.equal(await client.get(cacheKeys[0]!), id, 'the cache key holds the same entry id');
      assert.ok(cacheKeys[0]!.includes(stored.sha256));
      // Every key the queue keeps besides BullMQ's: the stream, the result key, the cache key, the rule list and the
      // submission's target count (a count, never a result).
      const ours = (await client.keys('once:*')).sort();
      assert.deepEqual(
        ours.map((k) => k.split(':')[1]),
        ['facts', 'result', 'results', 'rules', 'submission'],
      );
      const submission = ours.find((k) => k.split(':')[1] === 'submission')!;
      assert.doesNotMatch(
        (await client.get(submission)) ?? '',
        /sha256|findings/,
        'the submission key holds no result',
      );
      // Waiting again after the end reads the results through their keys: the same results.
      assert.deepEqual(await waitForResults(cfg, jobIds, { timeoutMs: 30_000 }), [r]);
      // A key holding the result itself (a build that stored it there) is read as that result; a key naming an
      // entry that is gone ends as a failed result instead of a wait that never ends.
      await client.set('once:result:old.0', JSON.stringify({ ...r, jobId: 'old.0', ruleList: undefined }));
      await client.set('once:result:gone.0', '1-0');
      const [old, gone] = await waitForResults(cfg, ['old.0', 'gone.0'], { timeoutMs: 30_000 });
      assert.equal(old!.status, 'done');
      assert.deepEqual(old!.facts!.result.findings, r!.facts!.result.findings);
      assert.equal(gone!.status, 'failed');
      assert.match(gone!.error!, /names no entry of the results stream/);
      // Entries older than the keys' lifetime (written in 1970 here) were trimmed when the result was written
      // (whole nodes of the stream: 100 entries each by default); the entry written now was not.
      assert.equal(await client.xlen('once:results'), 1 + (OLD_ENTRIES - 100));
      assert.equal((await client.xrange('once:results', '-', '+', 'COUNT', 1))[0]![0], `${100 + 1000}-0`);
    } finally {
      await w.close(1000);
    }
  });

  it('moves batched folders and large files to jobs of their own (the submitter looks at no file)', async () => {
    const cfg = { redisUrl: redis.url, queue: 'moved' };
    const folder = join(dir, 'moved-folder');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'inside.pkl'), opcodePickle('os.system'));
    const small = join(dir, 'moved-small.pkl');
    writeFileSync(small, opcodePickle('benign'));
    // Over 1 MiB: a pickle of one long byte string.
    const large = join(dir, 'moved-large.pkl');
    const body = Buffer.alloc(1_100_000, 0x61);
    const head = Buffer.from([0x80, 0x04, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32LE(body.length, 3);
    writeFileSync(large, Buffer.concat([head, body, Buffer.from([0x2e])]));
    const w = await startWorker(cfg, { roots: [dir], warmUpScans: 0 });
    const ran: string[] = [];
    w.worker.on('completed', (job) => ran.push(job.id!));
    try {
      // The folder first: the batch job is named by its first target's result id, its own job is not.
      const { jobIds } = await submitJobs(cfg, [folder, small, large, small]);
      const results = await waitForResults(cfg, jobIds, { timeoutMs: 60_000 });
      // A job's results are written before it completes.
      await until(async () => ran.length >= 3, 30_000, 'three jobs to complete');
      assert.deepEqual(
        results.map((r) => r.status),
        ['done', 'done', 'done', 'done'],
      );
      assert.deepEqual(results[0]!.facts!.targets, [folder]);
      assert.ok(results[0]!.facts!.result.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
      assert.equal(results[2]!.facts!.result.files[0]!.bytes, head.length + body.length + 1);
      assert.deepEqual(
        ran.sort(),
        [jobIds[0]!, `${jobIds[0]}.own`, `${jobIds[2]}.own`].sort(),
        'one batch job and a job of its own for the folder and for the large file',
      );
      assert.equal(results[0]!.queuedAt, results[1]!.queuedAt, 'a moved target keeps the time it was queued');
    } finally {
      await w.close(1000);
    }
  });

  it('a large file rewritten in place between its digest and its scan is reported changed and never cached', async () => {
    const cfg = { redisUrl: redis.url, queue: 'rewrite' };
    // Two pickles of the same size over 1 MiB (hashed, then scanned by path): a long byte string popped, then a call
    // of os.system or a short string of the same length.
    const body = Buffer.alloc(1_100_000, 0x61);
    const head = Buffer.from([0x80, 0x04, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32LE(body.length, 3);
    const evilTail = Buffer.concat([
      Buffer.from('cos\nsystem\n', 'latin1'),
      Buffer.from([0x8c, 2]),
      Buffer.from('id'),
      Buffer.from([0x85, 0x52, 0x2e]),
    ]);
    const benignTail = Buffer.concat([Buffer.from([0x8c, 15]), Buffer.alloc(15, 0x78), Buffer.from([0x2e])]);
    assert.equal(evilTail.length, benignTail.length);
    const evil = Buffer.concat([head, body, Buffer.from([0x30]), evilTail]);
    const folder = join(dir, 'rewrite');
    mkdirSync(folder);
    const p = join(folder, 'model.pkl');
    writeFileSync(p, evil);
    utimesSync(p, 1_700_000_000, 1_700_000_000); // whole seconds: set back exactly below
    let rewrites = 0;
    const w = await startWorker(cfg, {
      roots: [dir],
      warmUpScans: 0,
      // After the digest of the malicious bytes, the file is rewritten in place to the benign twin (same inode and
      // size, modification time set back), once.
      afterDigest: (path) => {
        if (path !== p || rewrites++) return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // past the file system's clock tick
        const fd = openSync(p, 'r+');
        writeSync(fd, benignTail, 0, benignTail.length, evil.length - benignTail.length);
        closeSync(fd);
        utimesSync(p, 1_700_000_000, 1_700_000_000);
      },
    });
    try {
      const [first] = await waitForResults(cfg, (await submitJobs(cfg, [p])).jobIds, { timeoutMs: 60_000 });
      assert.equal(rewrites, 1);
      const findings = first!.facts!.result.findings;
      assert.ok(
        findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE' && /modified between its digest/.test(f.evidence.signal)),
        'the scan reports the change',
      );
      // The malicious bytes again, at another path with the same name: scanned (not answered from a cache), found.
      const other = join(dir, 'rewrite2');
      mkdirSync(other);
      const q = join(other, 'model.pkl');
      writeFileSync(q, evil);
      const [second] = await waitForResults(cfg, (await submitJobs(cfg, [q])).jobIds, { timeoutMs: 60_000 });
      assert.notEqual(second!.cached, true);
      assert.ok(second!.facts!.result.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
      // The twin: a file left alone is stored and answered from the cache the next time.
      const [third] = await waitForResults(cfg, (await submitJobs(cfg, [q])).jobIds, { timeoutMs: 60_000 });
      assert.equal(third!.cached, true);
      assert.ok(third!.facts!.result.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    } finally {
      await w.close(1000);
    }
  });

  it('a worker job ends a 1 TiB sparse file without reading its holes, and the worker stops on SIGTERM', async () => {
    const q = 'sparse';
    const folder = join(dir, 'sparse');
    mkdirSync(folder);
    const p = join(folder, 'big.gguf');
    writeFileSync(p, Buffer.from('GGUF\x03\x00\x00\x00', 'latin1'));
    truncateSync(p, 2 ** 40);
    const worker = await startWorkerProcess(redis.url, q, dir, 180_000, [
      '--job-seconds',
      '60',
      '--grace-seconds',
      '2',
    ]);
    const cfg = { redisUrl: redis.url, queue: q };
    // A guard against a worker reading the holes (about an hour), not a speed check.
    const [r] = await waitForResults(cfg, (await submitJobs(cfg, [p])).jobIds, { timeoutMs: 120_000 });
    assert.equal(r!.status, 'done');
    assert.ok(
      r!.facts!.result.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE' && /sparse file/.test(f.evidence.signal)),
    );
    const exited = new Promise<number | null>((res) => worker.once('exit', (c) => res(c)));
    worker.kill('SIGTERM');
    assert.equal(await within(exited, 60_000, 'the worker stopped with SIGTERM to exit'), 0);
  });

  it("ends a project's long analysis at the job's time budget", async () => {
    const project = join(dir, 'fan-out');
    fanOutProject(project, 3000);
    // A budget of 2 s: the target fails the attempt at it, whatever the analysis still had to do.
    const budgeted = { redisUrl: redis.url, queue: 'budget' };
    const w = await startWorker(budgeted, { roots: [dir], jobSeconds: 2, warmUpScans: 0 });
    try {
      const { jobIds } = await submitJobs(budgeted, [project], { attempts: 1 });
      const [r] = await waitForResults(budgeted, jobIds, { timeoutMs: 120_000 });
      assert.equal(r!.status, 'failed');
      assert.match(r!.error!, /ran past its time budget of 2 s/);
    } finally {
      await w.close(1000);
    }
  });

  // SIGTERM while a job is in flight: the worker either finishes the job within its grace (the result is written,
  // exit 0) or, when the grace runs out first, exits 2 without writing anything for it; the job's lock then lapses,
  // the job goes back to the queue, and another worker ends it. Either way the job has exactly one result. The job
  // is the long analysis above (seconds of CPU), so it is still running when the signal comes and cannot end within
  // a grace of 1 s. Nothing is timed: every wait below is bounded only so that a worker that does not exit, or a job
  // that is lost, fails the test rather than holding the runner. Two things would hold it for good: a worker closed
  // inside this process with its grace cut short keeps the queue library's timers (lock renewal, stalled checks)
  // alive, so this file's process would never end (the worker runs as its own process here); and a job stopped at
  // the end of the grace is put back in the queue only by a worker that is running (its stalled check), so with no
  // second worker its result would be awaited for ever.
  const inFlight = [
    {
      name: 'a grace long enough: the job is finished and its result written, and the worker exits 0',
      grace: 900,
      exit: 0,
      firstWrites: true,
    },
    {
      name: 'a grace too short: the worker exits 2 and the job, back in the queue, is ended by another worker',
      grace: 1,
      exit: 2,
      firstWrites: false,
    },
  ];
  for (const c of inFlight) {
    it(`SIGTERM with a job in flight, ${c.name}; no job is lost`, async () => {
      const q = `in-flight-${c.grace}`;
      const project = join(dir, q);
      fanOutProject(project, 3000);
      const cfg = { redisUrl: redis.url, queue: q };
      const queue = new Queue(q, { connection: client });
      try {
        const first = await startWorkerProcess(redis.url, q, dir, 180_000, [
          '--grace-seconds',
          String(c.grace),
          '--warm-up',
          '0',
        ]);
        const exited = new Promise<number | null>((res) => first.once('exit', (code) => res(code)));
        const { jobIds } = await submitJobs(cfg, [project]);
        const id = jobIds[0]!;
        await until(
          async () => (await (await queue.getJob(id))?.getState()) === 'active',
          120_000,
          'the job to be taken by the worker',
        );
        const stoppedAt = Date.now();
        first.kill('SIGTERM');
        const code = await within(exited, (c.grace + 60) * 1000, 'the worker stopped with SIGTERM to exit');
        assert.equal(code, c.exit, stderrOf.get(first)!.text);
        assert.match(stderrOf.get(first)!.text, /worker stopping: finishing jobs in flight/);
        if (!c.firstWrites) {
          // Not lost: still in the queue (active under a lapsing lock, or already waiting), with no result.
          assert.ok(['active', 'waiting'].includes(await (await queue.getJob(id))!.getState()));
          assert.equal(await client.get(`${q}:result:${id}`), null);
          await startWorkerProcess(redis.url, q, dir, 180_000, ['--warm-up', '0']);
        }
        const [r] = await waitForResults(cfg, jobIds, { timeoutMs: 300_000 });
        assert.equal(r!.status, 'done', r!.error);
        assert.ok(r!.facts, 'the result carries the scan');
        if (c.firstWrites) {
          assert.equal(r!.attempts, 1, 'the stopped worker finished the job');
          assert.ok(r!.finishedAt! >= stoppedAt, 'the job was still in flight when the stop signal came');
        } else {
          assert.ok(r!.attempts >= 2, "the job ran again once the stopped worker's lock lapsed");
        }
        const entries = (await streamEntries(client, `${q}:results`)).filter((e) => e.job === id);
        assert.equal(entries.length, 1, 'one result for the job, written once');
      } finally {
        await queue.close();
        await Promise.allSettled([...spawned].map((p) => stopProcess(p)));
      }
    });
  }

  it('submit --wait --timeout ends with a message and exit 2 when targets have no result yet', async () => {
    const p = join(dir, 'no-worker.pkl');
    writeFileSync(p, opcodePickle('benign'));
    const r = await runCli(['submit', '--redis', redis.url, '--queue', 'nobody', '--wait', '--timeout', '1', p]);
    assert.equal(r.code, 2);
    assert.match(r.err, /1 of 1 targets have no result yet after --timeout 1 s/);
    assert.doesNotMatch(r.err, /internal error|\n {4}at /);
  });

  it('submit --wait prints the report and exit code that scan gives for the same targets', async () => {
    const q = 'cli';
    const worker = await startWorkerProcess(redis.url, q, dir);
    try {
      const ok = join(dir, 'cli-ok.pkl');
      const bad = join(dir, 'cli-bad.pkl');
      writeFileSync(ok, opcodePickle('benign'));
      writeFileSync(bad, opcodePickle('os.system'));
      const run = (args: string[]) => runCli(args);
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
        const direct = await run(['scan', '--format', 'json', ...targets]);
        assert.equal(viaQueue.code, direct.code);
        assert.equal(strip(viaQueue.out), strip(direct.out));
      }
    } finally {
      await stopProcess(worker);
    }
  });

  it('sentinel results reads a submission back as submit --wait reports it; the worker logs one JSON line per target', async () => {
    const q = 'results';
    const worker = await startWorkerProcess(redis.url, q, dir);
    try {
      const ok = join(dir, 'res-ok.pkl');
      const bad = join(dir, 'res-bad.pkl');
      writeFileSync(ok, opcodePickle('benign'));
      writeFileSync(bad, opcodePickle('os.system'));
      const strip = (s: string) => s.replace(/"(startedAt|durationMs)": [^,\n]+,?/g, '');
      const sub = await runCli(['submit', '--redis', redis.url, '--queue', q, ok, bad]);
      assert.equal(sub.code, 0);
      const { submission } = JSON.parse(sub.out) as { submission: string };
      const back = await runCli(['results', submission, '--redis', redis.url, '--queue', q, '--wait', '-f', 'json']);
      const direct = await runCli(['scan', '--format', 'json', ok, bad]);
      assert.equal(back.code, 1);
      assert.equal(back.code, direct.code);
      assert.equal(strip(back.out), strip(direct.out));
      // Read again, without waiting: the results are there.
      const again = await runCli(['results', submission, '--redis', redis.url, '--queue', q, '-f', 'json']);
      assert.equal(strip(again.out), strip(direct.out));
      // An unknown submission and a word that is no submission id are usage errors.
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nope'])
        assert.equal((await runCli(['results', id, '--redis', redis.url, '--queue', q])).code, 2, id);
      // A missing path: a failed result, exit 2 (as the command line answers a missing path).
      const missing = await runCli(['submit', '--redis', redis.url, '--queue', q, '--wait', join(dir, 'gone.pkl')]);
      assert.equal(missing.code, 2);
      await until(async () => stderrOf.get(worker)!.text.includes('gone.pkl'), 60_000, 'the log line of gone.pkl');
      const lines = stderrOf
        .get(worker)!
        .text.split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { event: string; job: string; target: string; status: string; findings?: object });
      const mine = lines.filter((l) => l.job.startsWith(submission));
      assert.deepEqual(mine.map((l) => [l.event, l.job, l.target, l.status]).sort(), [
        ['job', `${submission}.0`, ok, 'done'],
        ['job', `${submission}.1`, bad, 'done'],
      ]);
      assert.ok(mine.find((l) => l.target === bad)!.findings);
      assert.ok(lines.some((l) => l.target === join(dir, 'gone.pkl') && l.status === 'failed'));
    } finally {
      await stopProcess(worker);
    }
  });

  it('reports paths as the submitter named them, in every format, never at the path the workers scanned', async () => {
    const q = 'named';
    const worker = await startWorkerProcess(redis.url, q, dir);
    try {
      const here = join(dir, 'named');
      mkdirSync(join(here, 'models', 'org'), { recursive: true });
      writeFileSync(join(here, 'models', 'org', 'bad.pkl'), opcodePickle('os.system'));
      writeFileSync(join(here, 'models', 'ok.pkl'), opcodePickle('benign'));
      writeFileSync(join(here, 'top.pkl'), opcodePickle('os.system'));
      const strip = (s: string) =>
        s
          .replace(/"(startedAt|durationMs|timestamp|time)": ?[^,\n]+,?/g, '')
          .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, 'T')
          .replace(/time="[^"]*"|\b\d+(\.\d+)? ?(ms|s)\b/g, '')
          .replace(/urn:uuid:[0-9a-f-]+/g, 'urn:uuid')
          // Workers take every file's digest; a scan writing only Markdown or HTML takes none.
          .replace(/<code>[0-9a-f]{64}<\/code>/g, '<span class="muted">not taken</span>')
          .replace(/\| `[0-9a-f]{64}` \|/g, '| — |');
      for (const targets of [['models/', 'top.pkl'], ['./models/org'], ['.']]) {
        const sub = await runCli(['submit', '--redis', redis.url, '--queue', q, ...targets], 300_000, here);
        assert.equal(sub.code, 0);
        const { submission } = JSON.parse(sub.out) as { submission: string };
        for (const format of ['json', 'text', 'markdown', 'html', 'junit', 'sarif', 'gitlab', 'cyclonedx']) {
          const direct = await runCli(['scan', '-f', format, ...targets], 300_000, here);
          // Read back from another folder: the paths are the submitter's names, not relative to the reader.
          const back = await runCli(
            ['results', submission, '--redis', redis.url, '--queue', q, '--wait', '-f', format],
            300_000,
            format === 'json' || format === 'text' ? tmpdir() : here,
          );
          assert.equal(back.code, direct.code, `${targets.join(' ')} ${format}`);
          // SARIF, GitLab and CycloneDX name the source root (the reader's checkout) by design, as `scan` does.
          if (!['sarif', 'gitlab', 'cyclonedx'].includes(format))
            assert.ok(!back.out.includes(here), `${targets.join(' ')} ${format} names ${here}`);
          assert.equal(strip(back.out), strip(direct.out), `${targets.join(' ')} ${format}`);
        }
      }
    } finally {
      await stopProcess(worker);
    }
  });

  it('stops a worker process that is not ready in time (the readiness check leaks no process)', async () => {
    const err = await startWorkerProcess(redis.url, 'never-ready', dir, 1).then(
      () => assert.fail('a worker cannot be ready within 1 ms'),
      (e: Error & { child?: ChildProcess }) => e,
    );
    assert.match(err.message, /worker not ready after 1 ms/);
    assert.ok(err.child, 'the error names the stopped process');
    assert.ok(ended(err.child), 'the worker process has ended when the readiness check rejects');
    assert.ok(!spawned.has(err.child));
  });
});
