// Bench: `sentinel serve` over loopback HTTP. A 1 KB pickle uploaded and scanned (POST /v1/scan, octet-stream):
// sequential latency (median, p90, p99 over 1,000 requests after a warm-up), then throughput with 32 requests in
// flight for 5 s (scans/s), and the service's peak RSS. Goals: median <= 5 ms, >= 1,000 scans/s on 2 cores.
// Usage: node scripts/bench-serve.mjs [--no-build] [--runs N]
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

/** A 1 KB protocol-4 pickle of a dict of short strings and ints (what a small config or label map looks like). */
function smallPickle() {
  const parts = [Buffer.from([0x80, 0x04, 0x7d, 0x94, 0x28])];
  for (let i = 0; parts.reduce((n, p) => n + p.length, 0) < 1000; i++) {
    const k = Buffer.from(`key_${i}`);
    parts.push(Buffer.from([0x8c, k.length]), k, Buffer.from([0x94, 0x4a]), Buffer.alloc(4, i));
  }
  parts.push(Buffer.from([0x75, 0x2e]));
  return Buffer.concat(parts);
}

function startService() {
  const child = spawn(process.execPath, [`${root}/bin/sentinel.js`, 'serve', '--port', '0', '--max-running', '4'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((ok, fail) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) ok({ child, url: m[1] });
    });
    child.once('exit', (c) => fail(new Error(`serve exited ${c}: ${err}`)));
  });
}

function post(url, body, agent) {
  return new Promise((ok, fail) => {
    const req = request(
      `${url}/v1/scan?name=small.pkl`,
      { method: 'POST', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? ok() : fail(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

function peakRss(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(s)[1]) / 1024;
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const body = smallPickle();
for (let run = 1; run <= runs; run++) {
  const { child, url } = await startService();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  for (let i = 0; i < 300; i++) await post(url, body, agent);
  const lat = [];
  for (let i = 0; i < 1000; i++) {
    const t = process.hrtime.bigint();
    await post(url, body, agent);
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  lat.sort((a, b) => a - b);
  let done = 0;
  const until = Date.now() + 5000;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() < until) {
        await post(url, body, agent);
        done++;
      }
    }),
  );
  const rate = done / ((Date.now() - t0) / 1000);
  const rss = peakRss(child.pid);
  child.kill('SIGTERM');
  agent.destroy();
  console.log(
    `serve run ${run}: 1 KB pickle latency median ${pct(lat, 50).toFixed(2)} ms, p90 ${pct(lat, 90).toFixed(2)} ms, ` +
      `p99 ${pct(lat, 99).toFixed(2)} ms; throughput ${rate.toFixed(0)} scans/s (32 in flight); peak RSS ${rss.toFixed(0)} MB` +
      `; goals median <= 5 ms ${pct(lat, 50) <= 5 ? 'ok' : 'MISSED'}, >= 1,000 scans/s ${rate >= 1000 ? 'ok' : 'MISSED'}`,
  );
  await new Promise((r) => child.once('exit', r));
}
