// Bench: 10,000 small-file scan jobs through the Redis queue (Debian redis-server on loopback, 2 worker
// processes) against `sentinel artifact --jobs 2` on the same files. Reports files/s of both, the queue's share of
// the direct throughput (goal >= 80 %), and job latency (enqueue to result: median, p99). Same bytes in both runs:
// 10,000 protocol-4 pickles of ~1 KB, written to a temporary folder. Runs alternate (artifact, queue, artifact, …).
// Beside wall-clock throughput it reports CPU time per file of both (the queue's: both workers after they are
// ready, redis-server and the submitting process; artifact's: the whole process, start-up included), which holds
// on a loaded machine where the wall-clock ratio swings with the other load; the queue's CPU is also given per
// process (each worker, redis-server, the submitter). Each worker's CPU up to ready (loading and its warm-up scans,
// `sentinel worker --warm-up`) is printed beside them and is not in them.
// --cpu-prof DIR: each worker writes a V8 CPU profile to DIR (read with scripts/cpu-profile-threads.mjs).
// --warm-up N: passed to `sentinel worker --warm-up` (default: the worker's own).
// Usage: node scripts/bench-queue.mjs [--no-build] [--runs N] [--jobs N] [--batch N] [--concurrency N] [--warm N]
//        [--warm-up N] [--cpu-prof DIR] [--root DIR]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { benchPickle } from './lib/bench-pickles.mjs';

// --root DIR: measure another checkout's build (its bin/ and dist/; never built here) with this script, e.g. main
// against a branch in the same session.
const rootAt = process.argv.indexOf('--root');
const root = rootAt > 0 ? process.argv[rootAt + 1] : fileURLToPath(new URL('..', import.meta.url));
const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
if (!process.argv.includes('--no-build') && rootAt < 0)
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log('queue bench: skipped (redis-server is not installed: apt-get install redis-server)');
  process.exit(0);
}
const runs = arg('--runs', 3);
const N = arg('--jobs', 10_000);
const batch = arg('--batch', undefined);
const concurrency = arg('--concurrency', 4);
// --warm N: before the measured jobs, N other files (other content: no facts-cache hits) go through the workers, so
// that the figure is of workers past their JIT warm-up, as long-running workers are (default 0: fresh workers).
const warm = arg('--warm', 0);
const warmUp = arg('--warm-up', undefined);
const profDir = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** CPU seconds (user + system) a live process has used so far. */
function cpuOf(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / TICK;
}
const { submitJobs, waitForResults } = await import(`${root}/dist/service/scan-queue.js`);

const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-queue-'));
const files = join(dir, 'files');
execFileSync('mkdir', ['-p', files]);
// In a folder of their own (a second worker root): `artifact` scans the measured folder only.
const warmFiles = join(dir, 'warm');
execFileSync('mkdir', ['-p', warmFiles]);
const warmTargets = [];
for (let i = 0; i < warm; i++) {
  const p = join(warmFiles, `w${i}.pkl`);
  writeFileSync(p, benchPickle(N + i));
  warmTargets.push(p);
}
const targets = [];
for (let i = 0; i < N; i++) {
  const p = join(files, `p${i}.pkl`);
  writeFileSync(p, benchPickle(i));
  targets.push(p);
}
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function startRedis() {
  const port = await freePort();
  const data = mkdtempSync(join(dir, 'redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', data], {
    stdio: 'ignore',
  });
  await sleep(300);
  return { child, port, url: `redis://127.0.0.1:${port}` };
}

function startWorker(url) {
  const t0 = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [
      ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
      `${root}/bin/sentinel.js`,
      'worker',
      '--redis',
      url,
      '--root',
      files,
      '--root',
      warmFiles,
      '--concurrency',
      String(concurrency),
      ...(warmUp !== undefined ? ['--warm-up', String(warmUp)] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((ok, fail) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      if (err.includes('worker ready')) {
        child.readyS = Number(process.hrtime.bigint() - t0) / 1e9;
        ok(child);
      }
    });
    child.once('exit', (c) => fail(new Error(`worker exited ${c}: ${err}`)));
  });
}

function runArtifact() {
  // /usr/bin/time reports the child's CPU time (user, system) on stderr.
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'CPU %U %S', process.execPath, `${root}/bin/sentinel.js`, 'artifact', files, '--jobs', '2', '--quiet'],
    { encoding: 'utf8' },
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
}

const uptime = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const rows = [];
for (let run = 1; run <= runs; run++) {
  const direct = runArtifact();

  const redis = await startRedis();
  const workers = [await startWorker(redis.url), await startWorker(redis.url)];
  // Each worker's CPU from its start to `worker ready` (loading, and its warm-up scans): not in the figures below.
  const startCpu = workers.map((w) => cpuOf(w.pid));
  if (warm) {
    const w = await submitJobs({ redisUrl: redis.url }, warmTargets, batch ? { batch } : {});
    await waitForResults({ redisUrl: redis.url }, w.jobIds, { timeoutMs: 600_000 });
  }
  const pids = [...workers.map((w) => w.pid), redis.child.pid];
  const cli = (...a) => execFileSync('redis-cli', ['-p', String(redis.port), ...a], { encoding: 'utf8' });
  cli('CONFIG', 'RESETSTAT');
  const memory = () => Number(/used_memory:(\d+)/.exec(cli('INFO', 'memory'))[1]);
  const mem0 = memory();
  const cpu0 = pids.map(cpuOf);
  const self0 = process.cpuUsage();
  const t1 = process.hrtime.bigint();
  const { jobIds } = await submitJobs({ redisUrl: redis.url }, targets, batch ? { batch } : {});
  const results = await waitForResults({ redisUrl: redis.url }, jobIds, { timeoutMs: 600_000 });
  const queued = Number(process.hrtime.bigint() - t1) / 1e9;
  const self = process.cpuUsage(self0);
  const parts = pids.map((p, i) => cpuOf(p) - cpu0[i]);
  const selfCpu = (self.user + self.system) / 1e6;
  const queueCpu = parts.reduce((n, c) => n + c, 0) + selfCpu;
  // Where the queue's CPU goes, per file: the two workers, redis-server, the submitting and waiting process.
  const us = (c) => ((c * 1e6) / N).toFixed(0);
  const split = `workers ${us(parts[0])} + ${us(parts[1])}, redis ${us(parts[2])}, submitter ${us(selfCpu)} us/file`;
  // Redis commands per file (calls from Lua scripts included; evalsha/eval: one per script run), for the round trips
  // the queue adds per file.
  const stats = [...cli('INFO', 'commandstats').matchAll(/cmdstat_(\w+(?:\|\w+)?):calls=(\d+),usec=(\d+)/g)]
    .map(([, name, calls, usec]) => ({ name, calls: Number(calls), usec: Number(usec) }))
    .sort((a, b) => b.usec - a.usec);
  const perFile = stats
    .filter((s) => s.calls / N >= 0.005)
    .map((s) => `${s.name} ${(s.calls / N).toFixed(2)} (${(s.usec / N).toFixed(1)} us)`)
    .join(', ');
  // What the results keep in Redis once every job has ended (BullMQ removes completed jobs): result keys, stream
  // entries, cache keys, per file.
  const kept = (memory() - mem0) / N;
  console.log(
    `queue run ${run}: redis commands per file: ${perFile}; Redis memory kept per result ${kept.toFixed(0)} B`,
  );
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
  redis.child.kill('SIGTERM');
  const lat = results.map((r) => r.finishedAt - r.queuedAt).sort((a, b) => a - b);
  const failed = results.filter((r) => r.status !== 'done').length;
  const share = direct.wall / queued;
  const cpuShare = direct.cpu / queueCpu;
  rows.push({ share, cpuShare, p50: pct(lat, 50), p99: pct(lat, 99) });
  console.log(
    `queue run ${run} (load ${uptime()}): ${N} jobs, 2 ${warm ? `workers warmed by ${warm} other files` : 'workers'}: ${(N / queued).toFixed(0)} files/s (${queued.toFixed(2)} s, ` +
      `${failed} failed, ${((queueCpu * 1e6) / N).toFixed(0)} us CPU/file: ${split}); artifact --jobs 2: ${(N / direct.wall).toFixed(0)} files/s ` +
      `(${direct.wall.toFixed(2)} s, ${((direct.cpu * 1e6) / N).toFixed(0)} us CPU/file); queue/direct ${(share * 100).toFixed(0)} % wall, ` +
      `${(cpuShare * 100).toFixed(0)} % CPU (goal >= 80 %: ${share >= 0.8 ? 'ok' : 'MISSED'}); ` +
      `job latency median ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms; ` +
      `with the workers' start-up ${(((queueCpu + startCpu.reduce((a, c) => a + c, 0)) * 1e6) / N).toFixed(0)} us CPU/file; ` +
      `worker start-up to ready (not counted) ${startCpu.map((c) => c.toFixed(2)).join(' + ')} s CPU, ` +
      `${workers.map((w) => w.readyS.toFixed(2)).join(' + ')} s wall${warmUp !== undefined ? ` (--warm-up ${warmUp})` : ''}`,
  );
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `queue median of ${runs}: queue/direct ${(med(rows.map((r) => r.share)) * 100).toFixed(0)} % wall, ` +
    `${(med(rows.map((r) => r.cpuShare)) * 100).toFixed(0)} % CPU; p99 job latency ${med(rows.map((r) => r.p99))} ms`,
);
rmSync(dir, { recursive: true, force: true });
