#!/usr/bin/env node
// DESER on one file named alone (pre-commit, diff-based CI), over the real code bases of deser-precision.mjs
// (installed Debian packages; machine-specific paths, so not part of `npm test`). Each sampled file is scanned in a
// fresh process, `sentinel artifact <file> --rule DESER --format json`, run under `nice -n 10`; the script counts
// SCAN-INCOMPLETE findings of the DESER phase (limits `maxDeser*`) and DESER findings, and reports CPU time
// (user + system of the scan process) and peak RSS.
// Sample: every file whose text names a deserializer, transport or serialized media type (the DESER text gate,
// `mayHaveDeserSignals`), at most --per-target of them per code base (seeded choice), plus --random others drawn
// from all code bases (seeded). --baseline also scans a copy of each file alone in an empty folder (no project to
// grow: the per-file analysis only), in the same run, so the cost of growing the project is a ratio.
// Usage: node scripts/deser-single-files.mjs [--no-build] [--only=a,b] [--root=/usr/lib/python3/dist-packages]
//   [--per-target=60] [--random=200] [--seed=37] [--timeout=120] [--baseline] [--out=results.jsonl]
//   [--files=list.txt] (scan exactly these files, one path a line; e.g. the sample of an earlier run)
//   [--against=/path/to/other/checkout] (also scans each file with that checkout's built CLI, right after this one's,
//   in the same run, so the per-file CPU ratio this/other does not depend on the machine's load)
//   [--repeat=N] (each file N times, both builds alternating; a row's CPU and wall times are the sums over the N
//   scans, so the per-file ratio is the ratio of sums: one scan's ratio moves by up to ±0.3 at load 1-2)
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const site = opt('root', '/usr/lib/python3/dist-packages');
const perTarget = Number(opt('per-target', 60));
const randomOthers = Number(opt('random', 200));
const timeoutS = Number(opt('timeout', 120));
const out = opt('out', undefined);
const listFile = opt('files', undefined);
const baseline = args.includes('--baseline');
const against = opt('against', undefined);
const repeat = Math.max(1, Number(opt('repeat', 1)));
const only = opt('only', '')
  .split(',')
  .filter((s) => s !== '');

// The code bases of deser-precision.mjs (its TARGETS, directories only).
const TARGETS = [
  ...'distributed dask tornado zmq jupyter_client ipykernel ipyparallel torch joblib celery kombu billiard werkzeug flask aiohttp websockets redis cloudpickle dill paramiko Pyro4 rpyc mpi4py rq cachelib django dogpile pymemcache diskcache execnet twisted fastapi starlette uvicorn falcon cherrypy gunicorn grpc pika kafka scrapy pandas sklearn scipy numpy statsmodels gensim xgboost networkx onnx'
    .split(' ')
    .map((n) => [n, join(site, n)]),
  ['multiprocessing', '/usr/lib/python3.11/multiprocessing'],
];

if (!args.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const { mayHaveDeserSignals } = await import(join(root, 'dist/analyzers/deser/gate.js'));

/** A seeded PRNG (mulberry32), so a sample is the same on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(Number(opt('seed', 37)));
const shuffle = (xs) => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

function pyFiles(dir, acc = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== '__pycache__') pyFiles(p, acc);
    else if (e.isFile() && e.name.endsWith('.py')) acc.push(p);
  }
  return acc;
}

/** [target name, file, 'gate' | 'random'] */
let sample = [];
if (listFile !== undefined) {
  for (const line of readFileSync(listFile, 'utf8').split('\n')) {
    const [name, file, why] = line.split('\t');
    if (file !== undefined && file !== '') sample.push([name, file, why ?? '?']);
  }
} else {
  const others = [];
  for (const [name, dir] of TARGETS) {
    if (only.length > 0 && !only.includes(name)) continue;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    const gated = [];
    for (const f of pyFiles(dir)) {
      let text;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      (mayHaveDeserSignals(text) ? gated : others).push([name, f]);
    }
    const chosen = gated.length > perTarget ? shuffle(gated).slice(0, perTarget) : gated;
    console.log(`${name}: ${gated.length} files name a deserializer, ${chosen.length} sampled`);
    for (const [n, f] of chosen) sample.push([n, f, 'gate']);
  }
  for (const [n, f] of shuffle(others).slice(0, randomOthers)) sample.push([n, f, 'random']);
  if (out !== undefined) writeFileSync(`${out}.files`, sample.map((s) => s.join('\t')).join('\n') + '\n');
}
if (sample.length === 0) {
  console.log('no target installed');
  process.exit(2);
}

/**
 * One scan in a fresh process, under nice, with the code cache bin/sentinel.js loads for it; CPU time and peak RSS
 * from the process itself, wall time from here.
 */
function scan(file, bundleDir = join(root, 'bin') + '/') {
  const argv = ['artifact', file, '--rule', 'DESER', '--format', 'json', '--quiet'];
  const wrapper = `
    const { createRequire } = await import('node:module');
    const lb = createRequire(${JSON.stringify(bundleDir)})('./load-bundle.js');
    // The code cache bin/sentinel.js would load for these arguments (a checkout without the Python cache has one).
    const python = typeof lb.pythonCacheFor === 'function' && lb.pythonCacheFor(${JSON.stringify(argv)});
    const { main } = lb.loadBundle({ python }).exports;
    let out = '';
    const t0 = performance.now();
    const code = await main(${JSON.stringify(argv)},
      { stdout: (s) => { out += s; }, stderr: () => {}, isTTY: false, env: {} });
    const ms = performance.now() - t0;
    process.stdout.write(out);
    const u = process.resourceUsage();
    process.stderr.write(JSON.stringify({ ms, code, rss: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }) + '\\n');`;
  const w0 = process.hrtime.bigint();
  const p = spawnSync('nice', ['-n', '10', process.execPath, '--input-type=module', '-e', wrapper], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: timeoutS * 1000,
  });
  if (p.error !== undefined || p.signal !== null || p.stdout === '')
    return { error: p.error?.message ?? p.signal ?? (p.stderr.trim().split('\n').pop() || 'no report') };
  const wallMs = Number(process.hrtime.bigint() - w0) / 1e6;
  const usage = JSON.parse(p.stderr.trim().split('\n').pop());
  const report = JSON.parse(p.stdout);
  const incomplete = report.findings
    .filter((f) => f.ruleId === 'SCAN-INCOMPLETE' && /^maxDeser/.test(String(f.evidence.details?.limit ?? '')))
    .map((f) => String(f.evidence.details.limit));
  const deser = report.findings.filter((f) => f.ruleId.startsWith('DESER-')).map((f) => f.ruleId);
  return { cpuMs: usage.cpuMs, wallMs, rssMb: usage.rss / 1024, code: usage.code, incomplete, deser };
}

/** `scan` `repeat` times: CPU and wall summed, peak RSS the largest, findings of the last scan (an error ends it). */
function scanRepeated(file, bundleDir) {
  let sum;
  for (let k = 0; k < repeat; k++) {
    const r = scan(file, bundleDir);
    if (r.error !== undefined) return r;
    sum =
      sum === undefined
        ? r
        : { ...r, cpuMs: sum.cpuMs + r.cpuMs, wallMs: sum.wallMs + r.wallMs, rssMb: Math.max(sum.rssMb, r.rssMb) };
  }
  return sum;
}

const rows = [];
const t0 = Date.now();
for (const [i, [name, file, why]] of sample.entries()) {
  const r = scanRepeated(file);
  let alone;
  if (baseline && r.error === undefined) {
    const d = mkdtempSync(join(tmpdir(), 'deser-alone-'));
    try {
      copyFileSync(file, join(d, basename(file)));
      alone = scan(join(d, basename(file)));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }
  const other =
    against !== undefined && r.error === undefined ? scanRepeated(file, join(against, 'bin') + '/') : undefined;
  const row = {
    name,
    file,
    why,
    ...r,
    ...(other !== undefined
      ? {
          otherCpuMs: other.cpuMs,
          otherWallMs: other.wallMs,
          otherRssMb: other.rssMb,
          otherIncomplete: other.incomplete,
          otherDeser: other.deser,
        }
      : {}),
    ...(alone !== undefined ? { aloneCpuMs: alone.cpuMs, aloneRssMb: alone.rssMb } : {}),
  };
  rows.push(row);
  if (out !== undefined) writeFileSync(out, JSON.stringify(row) + '\n', { flag: 'a' });
  if (r.error !== undefined || r.incomplete.length > 0 || (i + 1) % 50 === 0)
    console.log(
      `[${i + 1}/${sample.length}] ${relative(site, file)}: ` +
        (r.error !== undefined
          ? `did not finish (${r.error})`
          : `${Math.round(r.cpuMs)} ms CPU, ${Math.round(r.rssMb)} MB` +
            (r.incomplete.length > 0 ? `, SCAN-INCOMPLETE ${r.incomplete.join(', ')}` : '')),
    );
}

const done = rows.filter((r) => r.error === undefined);
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const byLimit = {};
for (const r of done) for (const l of r.incomplete) byLimit[l] = (byLimit[l] ?? 0) + 1;
const cpu = done.map((r) => r.cpuMs);
const rss = done.map((r) => r.rssMb);
const summary = {
  files: rows.length,
  gated: rows.filter((r) => r.why === 'gate').length,
  random: rows.filter((r) => r.why === 'random').length,
  unfinished: rows.filter((r) => r.error !== undefined).map((r) => `${r.file}: ${r.error}`),
  filesWithScanIncomplete: done.filter((r) => r.incomplete.length > 0).length,
  scanIncompleteByLimit: byLimit,
  filesWithDeserFindings: done.filter((r) => r.deser.length > 0).length,
  cpuMs: {
    total: Math.round(cpu.reduce((a, b) => a + b, 0)),
    median: Math.round(q(cpu, 0.5)),
    p90: Math.round(q(cpu, 0.9)),
    max: Math.round(Math.max(...cpu)),
  },
  peakRssMb: { median: Math.round(q(rss, 0.5)), p90: Math.round(q(rss, 0.9)), max: Math.round(Math.max(...rss)) },
  slowest: [...done]
    .sort((a, b) => b.cpuMs - a.cpuMs)
    .slice(0, 8)
    .map((r) => `${relative(site, r.file)} ${Math.round(r.cpuMs)} ms ${Math.round(r.rssMb)} MB`),
  ...(baseline
    ? {
        aloneCpuMs: {
          total: Math.round(done.reduce((a, r) => a + (r.aloneCpuMs ?? 0), 0)),
          median: Math.round(
            q(
              done.map((r) => r.aloneCpuMs ?? 0),
              0.5,
            ),
          ),
        },
        cpuRatioToAlone: {
          median: q(
            done.filter((r) => r.aloneCpuMs > 0).map((r) => r.cpuMs / r.aloneCpuMs),
            0.5,
          ).toFixed(2),
          p90: q(
            done.filter((r) => r.aloneCpuMs > 0).map((r) => r.cpuMs / r.aloneCpuMs),
            0.9,
          ).toFixed(2),
        },
      }
    : {}),
  ...(against !== undefined
    ? (() => {
        const both = done.filter((r) => r.otherCpuMs > 0);
        const ratios = both.map((r) => r.cpuMs / r.otherCpuMs);
        const wallRatios = both.map((r) => r.wallMs / r.otherWallMs);
        return {
          against,
          repeat,
          otherCpuMs: { total: Math.round(both.reduce((a, r) => a + r.otherCpuMs, 0)) },
          wallRatioToOther: {
            median: q(wallRatios, 0.5).toFixed(2),
            p90: q(wallRatios, 0.9).toFixed(2),
            total: (both.reduce((a, r) => a + r.wallMs, 0) / both.reduce((a, r) => a + r.otherWallMs, 0)).toFixed(2),
          },
          cpuRatioToOther: {
            median: q(ratios, 0.5).toFixed(2),
            total: (both.reduce((a, r) => a + r.cpuMs, 0) / both.reduce((a, r) => a + r.otherCpuMs, 0)).toFixed(2),
            p90: q(ratios, 0.9).toFixed(2),
            max: Math.max(...ratios).toFixed(2),
            worst: [...both]
              .sort((a, b) => b.cpuMs / b.otherCpuMs - a.cpuMs / a.otherCpuMs)
              .slice(0, 5)
              .map((r) => `${relative(site, r.file)} ${Math.round(r.cpuMs)} / ${Math.round(r.otherCpuMs)} ms`),
          },
          otherFilesWithScanIncomplete: both.filter((r) => r.otherIncomplete.length > 0).length,
          findingsDiffer: both
            .filter((r) => [...r.deser].sort().join() !== [...r.otherDeser].sort().join())
            .map((r) => relative(site, r.file)),
        };
      })()
    : {}),
  wallSeconds: Math.round((Date.now() - t0) / 1000),
};
console.log(JSON.stringify(summary, null, 2));
process.exit(summary.unfinished.length === 0 && summary.filesWithScanIncomplete === 0 ? 0 : 1);
